// Quantized matrix multiplication (spec Part 2, Task 1; Jacob et al. 2018 section 2.2).
//
// out[i, k] = requantize(sum_j (a[i, j] - zero_a)(b[j, k] - zero_b), M0, n, zero_out) with
// A of shape u x v, B of shape v x w and out of shape u x w, all row-major uint8. The
// rounding mode and the tile shape come from common/design.hpp.
#ifndef CNNACC_MATMUL_MATMUL_HPP
#define CNNACC_MATMUL_MATMUL_HPP

#include <cstdint>

#include "arith.hpp"
#include "design.hpp"
#include "limits.hpp"
#include "wide.hpp"

// m_axi bundles: one for everything (AXI_PORTS_SHARED=1) or one per matrix.
#if AXI_PORTS_SHARED
#define CNNACC_BUNDLE_A gmem
#define CNNACC_BUNDLE_B gmem
#define CNNACC_BUNDLE_OUT gmem
#else
#define CNNACC_BUNDLE_A gmem0
#define CNNACC_BUNDLE_B gmem1
#define CNNACC_BUNDLE_OUT gmem2
#endif

// Stream depths: one tile of rows, or two with ping-pong buffering.
#define CNNACC_ROWS_DEPTH (TILE_U * (1 + BUFFERING_PING_PONG))
#define CNNACC_DEPTH_DEPTH (TILE_V * (1 + BUFFERING_PING_PONG))
// Words the fetch of an operand runs ahead of its rows: a burst (single buffering) or two.
#define CNNACC_FETCH_DEPTH (BURST_BEATS * (1 + BUFFERING_PING_PONG))
// Words the band writer runs ahead of the output's burst train: likewise.
#define CNNACC_OUT_WORDS_DEPTH (BURST_BEATS * (1 + BUFFERING_PING_PONG))
// LOOP_TRIPCOUNT of the variable loops (reports only): a typical largest layer, 4096 output
// tiles of runs of up to 1024 words.
#define CNNACC_MATMUL_MAX_OUT_TILES 4096
#define CNNACC_MATMUL_MAX_RUN_WORDS 1024
#define CNNACC_MATMUL_MAX_ROW_BEATS (CNNACC_MATMUL_MAX_OUT_TILES * CNNACC_MATMUL_MAX_RUN_WORDS)
// words of the largest output: 4096 output tiles of up to 1024 words
#define CNNACC_MATMUL_MAX_OUT_WORDS (CNNACC_MATMUL_MAX_OUT_TILES * CNNACC_MATMUL_MAX_RUN_WORDS)

// Spec signature. u * v, v * w, u * w elements behind a, b and out. This build computes
// u, v, w >= 1, v <= 33025 (the accumulators are exact: |acc| <= v * 255^2 < 2^31),
// w <= MAX_W, M0 in [2^30, 2^31) and n <= 31; anything else prints matmul_limit's line
// to stderr and exits with its status (common/limits.hpp), as do matmul_layer and
// matmul_mapped.
void matmul(uint8_t* out,         // quantized result, u x w
            const uint32_t M0,    // requantization multiplier in [2^30, 2^31), from the host
            const uint32_t n,     // extra right shift in [0, 31]: M = M0 2^-(31 + n)
            const uint8_t* a,     // quantized input matrix A, u x v
            const uint8_t* b,     // quantized input matrix B, v x w
            const uint8_t zero_a,     // zero point of A
            const uint8_t zero_b,     // zero point of B
            const uint8_t zero_out,   // zero point of out
            uint32_t u,           // rows of A and out
            uint32_t v,           // columns of A, rows of B
            uint32_t w);          // columns of B and out

namespace cnnacc {
// Layout bits of matmul_kernel / matmul_mapped (simulator/network/mapping.py writes the tiled layouts):
// A tiled: row blocks of TILE_U rows, each a run of TILE_U x TILE_V tiles (ti, tj), rows
//   zero-padded to TILE_V bytes; tile (ti, tj) at byte (ti TILE_U tiles_v + tj rows(ti)) TILE_V.
// B tiled: column blocks of TILE_W columns zero-padded to TILE_W bytes, each holding all v
//   rows: row j of block tk at byte (tk v + j) TILE_W. Each tile is one contiguous run.
// Bias columns: one bias per output column (w entries) instead of one per output row.
// Channel scales: every entry (row, or column with bias columns) has its own multiplier: the
//   bias port holds three int32 words per entry, (bias, M0, n), and the M0 and n arguments are
//   not used (per-channel weight scales, Jacob et al. 2018 sec. 2.2 with one S_w per channel).
inline constexpr uint8_t layout_a_tiled = 1;
inline constexpr uint8_t layout_b_tiled = 2;
inline constexpr uint8_t layout_bias_columns = 4;
inline constexpr uint8_t layout_channel_scales = 8;
inline constexpr uint8_t layout_bits = 15;  // every layout bit

// |acc| <= v 255^2 < 2^31 (numerical contract): the deepest product with exact int32 sums.
inline constexpr uint32_t matmul_max_depth = 33025;

// The first argument of a matmul of (u x v) @ (v x w) with multiplier M0 2^-(31 + n) and
// these layout bits that this build does not compute (common/limits.hpp); channel scales
// are read from the bias port, so they need has_bias.
inline Limit matmul_limit(uint32_t u, uint32_t v, uint32_t w, uint32_t M0, uint32_t n, uint32_t layout,
                          bool has_bias) {
    Limit limit;
    limit = check_range(limit, status_bad_shape, "u", u, 1, UINT32_MAX, "rows of A");
    limit = check_range(limit, status_bad_shape, "v", v, 1, UINT32_MAX, "columns of A");
    limit = check_range(limit, status_bad_shape, "w", w, 1, UINT32_MAX, "columns of B");
    limit = check_range(limit, status_exceeds_arithmetic, "v", v, 1, matmul_max_depth,
                        "exact int32 sums: v 255^2 < 2^31");
    limit = check_range(limit, status_exceeds_design, "w", w, 1, design::matmul_max_w,
                        "MAX_W of this build; -DMAX_W takes up to 4096");
    limit = check_range(limit, status_bad_parameter, "M0", M0, uint64_t{1} << 30, (uint64_t{1} << 31) - 1,
                        "a normalized multiplier");
    limit = check_range(limit, status_bad_parameter, "n", n, 0, 31, "the extra right shift");
    limit = check_range(limit, status_bad_parameter, "layout", layout, 0, layout_bits, "the layout bits");
    // an operand is held whole when it fits its ring, else it must be tiled (one run per tile)
    const uint64_t a_room = uint64_t{design::matmul_a_buffer} / design::word_bytes * design::word_bytes;
    const uint64_t b_room = uint64_t{design::matmul_b_buffer} / design::word_bytes * design::word_bytes;
    limit = check_range(limit, status_bad_parameter, "u * v (bytes of a row-major A)",
                        (layout & layout_a_tiled) ? 0 : uint64_t{u} * v, 0, a_room,
                        "A_BUFFER_BYTES; a larger A is read tiled, layout bit 1, as matmul_mapped passes it");
    limit = check_range(limit, status_bad_parameter, "v * w (bytes of a row-major B)",
                        (layout & layout_b_tiled) ? 0 : uint64_t{v} * w, 0, b_room,
                        "B_BUFFER_BYTES; a larger B is read tiled, layout bit 2, as matmul_mapped passes it");
    const bool scales = (layout & layout_channel_scales) != 0;
    limit = check_range(limit, status_bad_parameter, "has_bias", has_bias ? 1 : 0, scales ? 1 : 0, 1,
                        "channel scales are read from the bias port");
    return limit;
}

// matmul_limit's status alone, as the synthesis top computes it: every comparison at once and
// one choice of status, in matmul_limit's order (its checks come in runs of one status each),
// rather than a chain of choices each waiting on the one before. The testbench checks the two
// agree from just inside to just past every bound.
inline uint32_t matmul_status(uint32_t u, uint32_t v, uint32_t w, uint32_t M0, uint32_t n, uint32_t layout,
                              bool has_bias) {
    const uint64_t a_room = uint64_t{design::matmul_a_buffer} / design::word_bytes * design::word_bytes;
    const uint64_t b_room = uint64_t{design::matmul_b_buffer} / design::word_bytes * design::word_bytes;
    const bool shape = u >= 1 && v >= 1 && w >= 1;
    const bool exact = v <= matmul_max_depth;
    const bool held = w <= design::matmul_max_w;
    const bool scales = (layout & layout_channel_scales) != 0;
    const bool parameters = M0 >= (uint64_t{1} << 30) && M0 <= (uint64_t{1} << 31) - 1 && n <= 31 &&
                            layout <= layout_bits && ((layout & layout_a_tiled) != 0 || uint64_t{u} * v <= a_room) &&
                            ((layout & layout_b_tiled) != 0 || uint64_t{v} * w <= b_room) && (has_bias || !scales);
    return !shape ? status_bad_shape
                  : !exact ? status_exceeds_arithmetic
                           : !held ? status_exceeds_design : !parameters ? status_bad_parameter : status_ok;
}

// The layout the host passes the kernel: a row-major operand too large for its ring is tiled
// first (matmul_mapped does it), so only held-whole operands stay row-major.
inline uint8_t host_layout(uint32_t u, uint32_t v, uint32_t w, uint8_t layout) {
    const uint64_t a_room = uint64_t{design::matmul_a_buffer} / design::word_bytes * design::word_bytes;
    const uint64_t b_room = uint64_t{design::matmul_b_buffer} / design::word_bytes * design::word_bytes;
    const bool tile_a = (layout & layout_a_tiled) == 0 && uint64_t{u} * v > a_room;
    const bool tile_b = (layout & layout_b_tiled) == 0 && uint64_t{v} * w > b_room;
    return static_cast<uint8_t>(layout | (tile_a ? layout_a_tiled : 0) | (tile_b ? layout_b_tiled : 0));
}
}  // namespace cnnacc

// The synthesis top: device buffers of AXI words (host buffers are word-padded, as XRT's are),
// has_bias selects the bias, output_floor the lowest output code. matmul() and matmul_layer() below
// are its host-side callers with the spec's byte-array API. Returns matmul_limit's status
// (0: done); on any other status nothing is read or written.
uint32_t matmul_kernel(cnnacc::word_t* out, const cnnacc::word_t* a, const cnnacc::word_t* b,
                       const int32_t* bias, const uint32_t M0, const uint32_t n, const uint8_t zero_a,
                       const uint8_t zero_b, const uint8_t zero_out, uint32_t u, uint32_t v, uint32_t w,
                       const uint8_t has_bias, const uint8_t output_floor, const uint8_t layout);

// Extended API for a network layer: acc starts at bias[i] (int32 at scale S_a S_b, one per
// row of A) and outputs are clamped from below at output_floor (the output zero point for a
// fused ReLU, else 0). matmul() is matmul_layer() with no bias and output_floor = 0.
void matmul_layer(uint8_t* out, const uint32_t M0, const uint32_t n, const uint8_t* a,
                  const uint8_t* b, const uint8_t zero_a, const uint8_t zero_b,
                  const uint8_t zero_out, uint32_t u, uint32_t v, uint32_t w,
                  const int32_t* bias,      // u int32 biases
                  const uint8_t output_floor);   // lowest output code

// matmul_layer with operands in the given layout (bits above): a and b hold
// matmul_operand_bytes(u, v, w, layout, 'a' / 'b') bytes; bias has w entries with
// layout_bias_columns, else u, of three words each with layout_channel_scales (then never
// nullptr). matmul_layer() is matmul_mapped() with layout 0 (row-major).
void matmul_mapped(uint8_t* out, const uint32_t M0, const uint32_t n, const uint8_t* a,
                   const uint8_t* b, const uint8_t zero_a, const uint8_t zero_b,
                   const uint8_t zero_out, uint32_t u, uint32_t v, uint32_t w, const int32_t* bias,
                   const uint8_t output_floor, const uint8_t layout);
uint64_t matmul_operand_bytes(uint32_t u, uint32_t v, uint32_t w, uint8_t layout, char operand);

#endif  // CNNACC_MATMUL_MATMUL_HPP
