// im2col: lay a stride-1, padding-1 convolution out as a matrix product (spec Part 2, Task 2).
//
// Input in[C][M][N] (uint8, channel-major); output out[C*KM*KN][OM*ON] with
// OM = M + 3 - KM, ON = N + 3 - KN, row index c*KM*KN + kr*KN + kc, column index
// orow*ON + ocol and element in[c][orow + kr - 1][ocol + kc - 1], or the pad value on the
// one-pixel border: the order of torch.nn.functional.unfold(x, (KM, KN), padding=1).
#ifndef CNNACC_IM2COL_IM2COL_HPP
#define CNNACC_IM2COL_IM2COL_HPP

#include <cstdint>

#include "design.hpp"
#include "limits.hpp"
#include "wide.hpp"

// The output goes to its own m_axi bundle unless every port shares one (AXI_PORTS_SHARED).
#if AXI_PORTS_SHARED
#define CNNACC_IM2COL_OUT_BUNDLE gmem0
#else
#define CNNACC_IM2COL_OUT_BUNDLE gmem1
#endif
#define CNNACC_WORD_BYTES (AXI_WIDTH_BITS / 8)
// Words each stream holds: a burst (single buffering) or two (ping-pong).
#define CNNACC_WORDS_DEPTH (BURST_BEATS * (1 + BUFFERING_PING_PONG))
// LOOP_TRIPCOUNT of the variable loops (reports only): the largest input this build holds
// (channels: a typical largest layer), and its beats per channel.
#define CNNACC_IM2COL_MAX_CHANNELS 512
#define CNNACC_IM2COL_MAX_FILL_BEATS \
    ((MAX_SRC_M + 2) * ((MAX_SRC_N + 2 + CNNACC_WORD_BYTES - 1) / CNNACC_WORD_BYTES))
#define CNNACC_IM2COL_MAX_EMIT_BEATS                  \
    (MAX_K * MAX_K *                    \
     ((MAX_SRC_M + 2) * (MAX_SRC_N + 2) + CNNACC_WORD_BYTES - 1) / CNNACC_WORD_BYTES)
#define CNNACC_IM2COL_MAX_WORDS                                                                 \
    (CNNACC_IM2COL_MAX_CHANNELS * MAX_K * MAX_K * (MAX_SRC_M + 2) *      \
     (MAX_SRC_N + 2) / CNNACC_WORD_BYTES)

namespace cnnacc {

// The first argument of an im2col of src_c x src_m x src_n with a kernel_size_m x
// kernel_size_n kernel (padding 1) that this build does not compute (common/limits.hpp).
inline Limit im2col_limit(uint32_t src_m, uint32_t src_n, uint32_t src_c, uint32_t kernel_size_m,
                          uint32_t kernel_size_n) {
    Limit limit;
    limit = check_range(limit, status_bad_shape, "src_m", src_m, 1, UINT32_MAX, "input rows");
    limit = check_range(limit, status_bad_shape, "src_n", src_n, 1, UINT32_MAX, "input columns");
    limit = check_range(limit, status_bad_shape, "src_c", src_c, 1, UINT32_MAX, "input channels");
    limit = check_range(limit, status_bad_shape, "kernel_size_m", kernel_size_m, 1, uint64_t{src_m} + 2,
                        "at most the padded input, src_m + 2");
    limit = check_range(limit, status_bad_shape, "kernel_size_n", kernel_size_n, 1, uint64_t{src_n} + 2,
                        "at most the padded input, src_n + 2");
    limit = check_range(limit, status_exceeds_design, "src_m", src_m, 1, design::im2col_max_src_m,
                        "MAX_SRC_M of this build; -DMAX_SRC_M takes up to 512");
    limit = check_range(limit, status_exceeds_design, "src_n", src_n, 1, design::im2col_max_src_n,
                        "MAX_SRC_N of this build; -DMAX_SRC_N takes up to 512");
    limit = check_range(limit, status_exceeds_design, "kernel_size_m", kernel_size_m, 1, design::im2col_max_k,
                        "MAX_K of this build; -DMAX_K=7 takes up to 7");
    limit = check_range(limit, status_exceeds_design, "kernel_size_n", kernel_size_n, 1, design::im2col_max_k,
                        "MAX_K of this build; -DMAX_K=7 takes up to 7");
    return limit;
}

// im2col_limit's status alone, as the synthesis top computes it: every comparison at once and
// one choice of status (a shape that is not one comes before one this build does not hold, as
// in im2col_limit's order), rather than a chain of nine choices each waiting on the one before.
// The testbench checks the two agree from just inside to just past every bound.
inline uint32_t im2col_status(uint32_t src_m, uint32_t src_n, uint32_t src_c, uint32_t kernel_size_m,
                              uint32_t kernel_size_n) {
    const bool shape = src_m >= 1 && src_n >= 1 && src_c >= 1 && kernel_size_m >= 1 && kernel_size_n >= 1 &&
                       (kernel_size_m <= src_m || kernel_size_m - src_m <= 2) &&
                       (kernel_size_n <= src_n || kernel_size_n - src_n <= 2);
    const bool held = src_m <= design::im2col_max_src_m && src_n <= design::im2col_max_src_n &&
                      kernel_size_m <= design::im2col_max_k && kernel_size_n <= design::im2col_max_k;
    return !shape ? status_bad_shape : !held ? status_exceeds_design : status_ok;
}

}  // namespace cnnacc

// The synthesis top: device buffers of AXI words (host buffers are word-padded, as XRT's are).
// Returns im2col_limit's status (im2col_status; 0: done); on any other status nothing is read or
// written.
uint32_t im2col_kernel(const cnnacc::word_t* in, cnnacc::word_t* out, uint32_t src_m, uint32_t src_n,
                       uint32_t src_c, uint32_t kernel_size_m, uint32_t kernel_size_n,
                       uint8_t pad_value);

// Spec signature: im2col with a pad value of 0; out holds C*KM*KN * OM*ON elements.
// This build computes 1 <= kernel sizes <= MAX_K (default 3; build with
// -DMAX_K=7 for kernels up to 7 x 7), 1 <= src_m <= MAX_SRC_M,
// 1 <= src_n <= MAX_SRC_N, src_c >= 1 and kernel sizes <= source size + 2; anything
// else prints im2col_limit's line to stderr and exits with its status (common/limits.hpp).
void im2col(const uint8_t* in, uint8_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c,
            uint32_t kernel_size_m, uint32_t kernel_size_n);

// Extended API: the border holds pad_value (the input zero point keeps real zero real).
void im2col_pad(const uint8_t* in, uint8_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c,
                uint32_t kernel_size_m, uint32_t kernel_size_n, uint8_t pad_value);

#endif  // CNNACC_IM2COL_IM2COL_HPP
