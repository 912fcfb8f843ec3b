// Design parameters of the cnnacc HLS kernels: the one place that reads -D flags.
//
// Every parameter of the hardware arrives from the Python design object as a -D flag
// (MatmulDesign.cpp_defines() / Im2colDesign.cpp_defines(), simulator/hardware/designs.py) and is turned
// here into a typed constexpr with a static_assert range check; kernel code uses only the
// constexprs (and, in pragmas, the CNNACC_* macros below). With no -D flag this header
// describes the default designs, MatmulDesign() and Im2colDesign(); a test checks that the
// two agree. Ranges are written once, in simulator/hardware/designs.py; these asserts repeat them so a
// hand-written -D flag cannot build a kernel outside the ones the models describe.
//
// Flags (all optional):
//   TILE_U             rows of A (and out) per tile, [1, 256]
//   TILE_V             depth per tile: rows of the stationary B tile (PE rows), [1, 256]
//   TILE_W             columns of B (and out) per tile: PE columns, [1, 256]
//   ROUNDING_NEAREST   0 = floor requantization, 1 = nearest (gemmlowp), [0, 1]
//   REQUANT_LANES      accumulators requantized per cycle, [1, 1024]
//   MAX_W       widest out row the store band buffer holds, [1, 4096]
//   A_BUFFER_BYTES    bytes of A the load ring holds whole (0: rows read on demand), [0, 262144]
//   B_BUFFER_BYTES    bytes of B the load ring holds whole (0: rows read on demand), [0, 262144]
//   AXI_WIDTH_BITS     AXI data width (a power of two), [32, 1024]
//   BURST_BEATS    beats of a full burst (max_*_burst_length), [1, 256]
//   MAX_OUTSTANDING    requests in flight per channel (num_*_outstanding), [1, 64]
//   MEM_LATENCY_CYCLES        memory latency in cycles (m_axi latency), [1, 1024]
//   AXI_PORTS_SHARED         1 = every matrix on one m_axi bundle, 0 = one bundle each, [0, 1]
//   BUFFERING_PING_PONG          1 = streams hold two tiles (ping-pong), 0 = one tile, [0, 1]
//   MAX_SRC_M   tallest input the im2col image buffer holds, [1, 512]
//   MAX_SRC_N   widest input the im2col image buffer holds, [1, 512]
//   MAX_K       largest im2col kernel size, [1, 7]
#ifndef CNNACC_COMMON_DESIGN_HPP
#define CNNACC_COMMON_DESIGN_HPP

#ifndef TILE_U
#define TILE_U 32
#endif
#ifndef TILE_V
#define TILE_V 32
#endif
#ifndef TILE_W
#define TILE_W 64
#endif
#ifndef ROUNDING_NEAREST
#define ROUNDING_NEAREST 0
#endif
#ifndef REQUANT_LANES
#define REQUANT_LANES 64
#endif
#ifndef MAX_W
#define MAX_W 1024
#endif
#ifndef A_BUFFER_BYTES
#define A_BUFFER_BYTES 16384
#endif
#ifndef B_BUFFER_BYTES
#define B_BUFFER_BYTES 32768
#endif
#ifndef AXI_WIDTH_BITS
#define AXI_WIDTH_BITS 512
#endif
#ifndef BURST_BEATS
#define BURST_BEATS 16
#endif
#ifndef MAX_OUTSTANDING
#define MAX_OUTSTANDING 16
#endif
#ifndef MEM_LATENCY_CYCLES
#define MEM_LATENCY_CYCLES 64
#endif
#ifndef AXI_PORTS_SHARED
#define AXI_PORTS_SHARED 0
#endif
#ifndef BUFFERING_PING_PONG
#define BUFFERING_PING_PONG 1
#endif
#ifndef MAX_SRC_M
#define MAX_SRC_M 64
#endif
#ifndef MAX_SRC_N
#define MAX_SRC_N 64
#endif
#ifndef MAX_K
#define MAX_K 3
#endif

// Pragmas take the flags through these macros (a pragma's text is not macro-expanded).
#define CNNACC_STRINGIFY(text) #text
#define CNNACC_PRAGMA(text) _Pragma(CNNACC_STRINGIFY(text))

namespace cnnacc {
namespace design {

static_assert(TILE_U >= 1 && TILE_U <= 256, "TILE_U is out of range; expected [1, 256]");
static_assert(TILE_V >= 1 && TILE_V <= 256, "TILE_V is out of range; expected [1, 256]");
static_assert(TILE_W >= 1 && TILE_W <= 256, "TILE_W is out of range; expected [1, 256]");
static_assert(ROUNDING_NEAREST >= 0 && ROUNDING_NEAREST <= 1, "ROUNDING_NEAREST is out of range; expected [0, 1]");
static_assert(REQUANT_LANES >= 1 && REQUANT_LANES <= 1024, "REQUANT_LANES is out of range; expected [1, 1024]");
static_assert(MAX_W >= 1 && MAX_W <= 4096, "MAX_W is out of range; expected [1, 4096]");
static_assert(A_BUFFER_BYTES >= 0 && A_BUFFER_BYTES <= 262144, "A_BUFFER_BYTES is out of range; expected [0, 262144]");
static_assert(B_BUFFER_BYTES >= 0 && B_BUFFER_BYTES <= 262144, "B_BUFFER_BYTES is out of range; expected [0, 262144]");
static_assert(AXI_WIDTH_BITS >= 32 && AXI_WIDTH_BITS <= 1024, "AXI_WIDTH_BITS is out of range; expected [32, 1024]");
static_assert(BURST_BEATS >= 1 && BURST_BEATS <= 256, "BURST_BEATS is out of range; expected [1, 256]");
static_assert(MAX_OUTSTANDING >= 1 && MAX_OUTSTANDING <= 64, "MAX_OUTSTANDING is out of range; expected [1, 64]");
static_assert(MEM_LATENCY_CYCLES >= 1 && MEM_LATENCY_CYCLES <= 1024, "MEM_LATENCY_CYCLES is out of range; expected [1, 1024]");
static_assert(AXI_PORTS_SHARED >= 0 && AXI_PORTS_SHARED <= 1, "AXI_PORTS_SHARED is out of range; expected [0, 1]");
static_assert(BUFFERING_PING_PONG >= 0 && BUFFERING_PING_PONG <= 1, "BUFFERING_PING_PONG is out of range; expected [0, 1]");
static_assert(MAX_SRC_M >= 1 && MAX_SRC_M <= 512, "MAX_SRC_M is out of range; expected [1, 512]");
static_assert(MAX_SRC_N >= 1 && MAX_SRC_N <= 512, "MAX_SRC_N is out of range; expected [1, 512]");
static_assert(MAX_K >= 1 && MAX_K <= 7, "MAX_K is out of range; expected [1, 7]");
static_assert((AXI_WIDTH_BITS & (AXI_WIDTH_BITS - 1)) == 0, "AXI_WIDTH_BITS must be a power of two");
static_assert(BURST_BEATS * AXI_WIDTH_BITS / 8 <= 4096, "an AXI4 burst must not cross 4 KB: BURST_BEATS * AXI_WIDTH_BITS / 8 <= 4096");

// Checked values, in the types the kernels use.
inline constexpr int tile_u = TILE_U;
inline constexpr int tile_v = TILE_V;
inline constexpr int tile_w = TILE_W;
inline constexpr bool rounding_nearest = ROUNDING_NEAREST == 1;
inline constexpr int requant_lanes = REQUANT_LANES;
inline constexpr int matmul_max_w = MAX_W;
inline constexpr int matmul_a_buffer = A_BUFFER_BYTES;
inline constexpr int matmul_b_buffer = B_BUFFER_BYTES;
inline constexpr int axi_width_bits = AXI_WIDTH_BITS;
inline constexpr int axi_burst_beats = BURST_BEATS;
inline constexpr int axi_outstanding = MAX_OUTSTANDING;
inline constexpr int axi_latency = MEM_LATENCY_CYCLES;
inline constexpr bool axi_shared = AXI_PORTS_SHARED == 1;
inline constexpr bool ping_pong = BUFFERING_PING_PONG == 1;
inline constexpr int im2col_max_src_m = MAX_SRC_M;
inline constexpr int im2col_max_src_n = MAX_SRC_N;
inline constexpr int im2col_max_k = MAX_K;

// Derived values.
inline constexpr int word_bytes = axi_width_bits / 8;  // bytes per AXI beat
inline constexpr int stream_tiles = ping_pong ? 2 : 1;  // tiles each stream can hold

}  // namespace design
}  // namespace cnnacc

#endif  // CNNACC_COMMON_DESIGN_HPP
