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
//   MATMUL_MAX_W       widest out row the store band buffer holds, [1, 4096]
//   MATMUL_A_BUFFER    bytes of A the load ring holds whole (0: rows read on demand), [0, 262144]
//   MATMUL_B_BUFFER    bytes of B the load ring holds whole (0: rows read on demand), [0, 262144]
//   AXI_WIDTH_BITS     AXI data width (a power of two), [32, 1024]
//   AXI_BURST_BEATS    beats of a full burst (max_*_burst_length), [1, 256]
//   AXI_OUTSTANDING    requests in flight per channel (num_*_outstanding), [1, 64]
//   AXI_LATENCY        memory latency in cycles (m_axi latency), [1, 1024]
//   AXI_SHARED         1 = every matrix on one m_axi bundle, 0 = one bundle each, [0, 1]
//   PING_PONG          1 = streams hold two tiles (ping-pong), 0 = one tile, [0, 1]
//   IM2COL_MAX_SRC_M   tallest input the im2col image buffer holds, [1, 512]
//   IM2COL_MAX_SRC_N   widest input the im2col image buffer holds, [1, 512]
//   IM2COL_MAX_K       largest im2col kernel size, [1, 7]
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
#ifndef MATMUL_MAX_W
#define MATMUL_MAX_W 1024
#endif
#ifndef MATMUL_A_BUFFER
#define MATMUL_A_BUFFER 16384
#endif
#ifndef MATMUL_B_BUFFER
#define MATMUL_B_BUFFER 32768
#endif
#ifndef AXI_WIDTH_BITS
#define AXI_WIDTH_BITS 512
#endif
#ifndef AXI_BURST_BEATS
#define AXI_BURST_BEATS 16
#endif
#ifndef AXI_OUTSTANDING
#define AXI_OUTSTANDING 16
#endif
#ifndef AXI_LATENCY
#define AXI_LATENCY 64
#endif
#ifndef AXI_SHARED
#define AXI_SHARED 0
#endif
#ifndef PING_PONG
#define PING_PONG 1
#endif
#ifndef IM2COL_MAX_SRC_M
#define IM2COL_MAX_SRC_M 64
#endif
#ifndef IM2COL_MAX_SRC_N
#define IM2COL_MAX_SRC_N 64
#endif
#ifndef IM2COL_MAX_K
#define IM2COL_MAX_K 3
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
static_assert(MATMUL_MAX_W >= 1 && MATMUL_MAX_W <= 4096, "MATMUL_MAX_W is out of range; expected [1, 4096]");
static_assert(MATMUL_A_BUFFER >= 0 && MATMUL_A_BUFFER <= 262144, "MATMUL_A_BUFFER is out of range; expected [0, 262144]");
static_assert(MATMUL_B_BUFFER >= 0 && MATMUL_B_BUFFER <= 262144, "MATMUL_B_BUFFER is out of range; expected [0, 262144]");
static_assert(AXI_WIDTH_BITS >= 32 && AXI_WIDTH_BITS <= 1024, "AXI_WIDTH_BITS is out of range; expected [32, 1024]");
static_assert(AXI_BURST_BEATS >= 1 && AXI_BURST_BEATS <= 256, "AXI_BURST_BEATS is out of range; expected [1, 256]");
static_assert(AXI_OUTSTANDING >= 1 && AXI_OUTSTANDING <= 64, "AXI_OUTSTANDING is out of range; expected [1, 64]");
static_assert(AXI_LATENCY >= 1 && AXI_LATENCY <= 1024, "AXI_LATENCY is out of range; expected [1, 1024]");
static_assert(AXI_SHARED >= 0 && AXI_SHARED <= 1, "AXI_SHARED is out of range; expected [0, 1]");
static_assert(PING_PONG >= 0 && PING_PONG <= 1, "PING_PONG is out of range; expected [0, 1]");
static_assert(IM2COL_MAX_SRC_M >= 1 && IM2COL_MAX_SRC_M <= 512, "IM2COL_MAX_SRC_M is out of range; expected [1, 512]");
static_assert(IM2COL_MAX_SRC_N >= 1 && IM2COL_MAX_SRC_N <= 512, "IM2COL_MAX_SRC_N is out of range; expected [1, 512]");
static_assert(IM2COL_MAX_K >= 1 && IM2COL_MAX_K <= 7, "IM2COL_MAX_K is out of range; expected [1, 7]");
static_assert((AXI_WIDTH_BITS & (AXI_WIDTH_BITS - 1)) == 0, "AXI_WIDTH_BITS must be a power of two");
static_assert(AXI_BURST_BEATS * AXI_WIDTH_BITS / 8 <= 4096, "an AXI4 burst must not cross 4 KB: AXI_BURST_BEATS * AXI_WIDTH_BITS / 8 <= 4096");

// Checked values, in the types the kernels use.
inline constexpr int tile_u = TILE_U;
inline constexpr int tile_v = TILE_V;
inline constexpr int tile_w = TILE_W;
inline constexpr bool rounding_nearest = ROUNDING_NEAREST == 1;
inline constexpr int requant_lanes = REQUANT_LANES;
inline constexpr int matmul_max_w = MATMUL_MAX_W;
inline constexpr int matmul_a_buffer = MATMUL_A_BUFFER;
inline constexpr int matmul_b_buffer = MATMUL_B_BUFFER;
inline constexpr int axi_width_bits = AXI_WIDTH_BITS;
inline constexpr int axi_burst_beats = AXI_BURST_BEATS;
inline constexpr int axi_outstanding = AXI_OUTSTANDING;
inline constexpr int axi_latency = AXI_LATENCY;
inline constexpr bool axi_shared = AXI_SHARED == 1;
inline constexpr bool ping_pong = PING_PONG == 1;
inline constexpr int im2col_max_src_m = IM2COL_MAX_SRC_M;
inline constexpr int im2col_max_src_n = IM2COL_MAX_SRC_N;
inline constexpr int im2col_max_k = IM2COL_MAX_K;

// Derived values.
inline constexpr int word_bytes = axi_width_bits / 8;  // bytes per AXI beat
inline constexpr int stream_tiles = ping_pong ? 2 : 1;  // tiles each stream can hold

}  // namespace design
}  // namespace cnnacc

#endif  // CNNACC_COMMON_DESIGN_HPP
