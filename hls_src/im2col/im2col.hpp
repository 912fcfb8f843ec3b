// im2col: lay a stride-1, padding-1 convolution out as a matrix product (spec Part 2, Task 2).
//
// Input in[C][M][N] (uint8, channel-major); output out[C*KM*KN][OM*ON] with
// OM = M + 3 - KM, ON = N + 3 - KN, row index c*KM*KN + kr*KN + kc, column index
// orow*ON + ocol and element in[c][orow + kr - 1][ocol + kc - 1], or the pad value on the
// one-pixel border: the order of torch.nn.functional.unfold(x, (KM, KN), padding=1).
#ifndef CNNACC_IM2COL_IM2COL_HPP
#define CNNACC_IM2COL_IM2COL_HPP

#include <cstdint>

#include "arith.hpp"
#include "design.hpp"

namespace cnnacc {

// The report's shape (32 x 32 x 3, 3 x 3 kernel): only the source of tripcount hints.
inline constexpr int im2col_report_m = 32;
inline constexpr int im2col_report_n = 32;
inline constexpr int im2col_report_c = 3;
inline constexpr int im2col_report_k = 3;
inline constexpr int im2col_report_out_m = im2col_report_m + 3 - im2col_report_k;
inline constexpr int im2col_report_out_n = im2col_report_n + 3 - im2col_report_k;

// A line-buffer row: the input row with one pad element on each side.
inline constexpr int im2col_line_n = design::im2col_max_src_n + 2;

}  // namespace cnnacc

// Spec signature: im2col with a pad value of 0.
// Preconditions (checked by callers, not by the kernel): 1 <= kernel sizes <= IM2COL_MAX_K,
// 1 <= src_n <= IM2COL_MAX_SRC_N, src_m >= 1, src_c >= 1, src_m + 2 >= kernel_size_m and
// src_n + 2 >= kernel_size_n; out holds C*KM*KN * OM*ON elements.
void im2col(const uint8_t* in, uint8_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c,
            uint32_t kernel_size_m, uint32_t kernel_size_n);

// Extended API: the border holds pad_value (the input zero point keeps real zero real).
void im2col_pad(const uint8_t* in, uint8_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c,
                uint32_t kernel_size_m, uint32_t kernel_size_n, uint8_t pad_value);

#endif  // CNNACC_IM2COL_IM2COL_HPP
