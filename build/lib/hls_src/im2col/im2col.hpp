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
#include "wide.hpp"

// The output goes to its own m_axi bundle unless every port shares one (AXI_SHARED).
#if AXI_SHARED
#define CNNACC_IM2COL_OUT_BUNDLE gmem0
#else
#define CNNACC_IM2COL_OUT_BUNDLE gmem1
#endif
#define CNNACC_WORD_BYTES (AXI_WIDTH_BITS / 8)
// Words each stream holds: a burst (single buffering) or two (ping-pong).
#define CNNACC_WORDS_DEPTH (AXI_BURST_BEATS * (1 + PING_PONG))

// The synthesis top: device buffers of AXI words (host buffers are word-padded, as XRT's are).
// Preconditions: 1 <= kernel sizes <= IM2COL_MAX_K, 1 <= src_m <= IM2COL_MAX_SRC_M,
// 1 <= src_n <= IM2COL_MAX_SRC_N, src_c >= 1, kernel sizes <= source size + 2.
void im2col_kernel(const cnnacc::word_t* in, cnnacc::word_t* out, uint32_t src_m, uint32_t src_n,
                   uint32_t src_c, uint32_t kernel_size_m, uint32_t kernel_size_n,
                   uint8_t pad_value);

// Spec signature: im2col with a pad value of 0.
// Preconditions (checked by callers, not by the kernel): 1 <= kernel sizes <= IM2COL_MAX_K,
// 1 <= src_n <= IM2COL_MAX_SRC_N, 1 <= src_m <= IM2COL_MAX_SRC_M, src_c >= 1, src_m + 2 >= kernel_size_m and
// src_n + 2 >= kernel_size_n; out holds C*KM*KN * OM*ON elements.
void im2col(const uint8_t* in, uint8_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c,
            uint32_t kernel_size_m, uint32_t kernel_size_n);

// Extended API: the border holds pad_value (the input zero point keeps real zero real).
void im2col_pad(const uint8_t* in, uint8_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c,
                uint32_t kernel_size_m, uint32_t kernel_size_n, uint8_t pad_value);

#endif  // CNNACC_IM2COL_IM2COL_HPP
