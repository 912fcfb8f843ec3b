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

namespace cnnacc {

// An input minus its zero point, in [-255, 255]: 9 bits, so one DSP multiplier per MAC.
typedef int16_t operand_t;

// The report's shape (u = w = 64, v = 32): only the source of tripcount hints, so that
// csynth reports and the analytic model count the same iterations.
inline constexpr int matmul_report_u = 64;
inline constexpr int matmul_report_v = 32;
inline constexpr int matmul_report_w = 64;
inline constexpr int matmul_tiles_u = (matmul_report_u + design::tile_u - 1) / design::tile_u;
inline constexpr int matmul_tiles_v = (matmul_report_v + design::tile_v - 1) / design::tile_v;
inline constexpr int matmul_tiles_w = (matmul_report_w + design::tile_w - 1) / design::tile_w;

}  // namespace cnnacc

// Spec signature. u, v, w >= 1 and u * v, v * w, u * w elements behind a, b and out; the
// accumulators are exact for v <= 33025 (|acc| <= v * 255^2 < 2^31). The kernel does not
// validate: callers (bridge.cpp, sw_emu.py) do.
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

// Extended API for a network layer: acc starts at bias[i] (int32 at scale S_a S_b, one per
// row of A) and outputs are clamped from below at out_min (the output zero point for a
// fused ReLU, else 0). matmul() is matmul_layer() with no bias and out_min = 0.
void matmul_layer(uint8_t* out, const uint32_t M0, const uint32_t n, const uint8_t* a,
                  const uint8_t* b, const uint8_t zero_a, const uint8_t zero_b,
                  const uint8_t zero_out, uint32_t u, uint32_t v, uint32_t w,
                  const int32_t* bias,      // u int32 biases
                  const uint8_t out_min);   // lowest output code

#endif  // CNNACC_MATMUL_MATMUL_HPP
