// Integer arithmetic of the numerical contract, mirroring simulator/contract/numerics.py.
//
// Function by function, same names, same formulas (DESIGN.md "Numerical contract";
// Jacob et al. 2018 section 2.2; gemmlowp fixedpoint.h). Equation numbers refer to the
// docstring of simulator/contract/numerics.py. Everything is plain integer C++ that Vitis HLS
// synthesizes as is and g++ runs bit-exactly in the sw_emu flow.
#ifndef CNNACC_COMMON_ARITH_HPP
#define CNNACC_COMMON_ARITH_HPP

#include <cstdint>

#include "design.hpp"

namespace cnnacc {

typedef uint8_t act_t;   // quantized activations and weights (uint8 codes)
typedef int32_t acc_t;   // accumulators: sum_j (a - Za)(b - Zb), exact in int32 (eq. 3)
typedef int64_t mult_t;  // acc * M0 products, which need 62 bits (eq. 5)

inline constexpr int32_t int32_min = INT32_MIN;
inline constexpr int32_t int32_max = INT32_MAX;
inline constexpr mult_t uint8_max = 255;

// clamp(x, 0, 255) as uint8.
inline act_t clamp_uint8(mult_t x) {
    return static_cast<act_t>(x < 0 ? 0 : (x > uint8_max ? uint8_max : x));
}

// x >> shift on int64: arithmetic shift, i.e. floor(x / 2^shift) (eq. 5).
// Written as ~(~x >> shift) for negatives so it never relies on the right shift of a
// negative value, which C++17 leaves implementation-defined.
inline mult_t shift_right_floor(mult_t x, uint32_t shift) {
    return x >= 0 ? (x >> shift) : ~(~x >> shift);
}

// gemmlowp SRDHM: round(a b / 2^31) with ties away from zero, saturating (eq. 6).
// ab = a * b in 64 bits; nudge = 2^30 if ab >= 0 else 1 - 2^30;
// result = trunc((ab + nudge) / 2^31); the single overflow a == b == INT32_MIN saturates.
inline int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
    if (a == int32_min && b == int32_min) {
        return int32_max;
    }
    const mult_t ab = static_cast<mult_t>(a) * static_cast<mult_t>(b);
    const mult_t nudge = ab >= 0 ? (mult_t{1} << 30) : (1 - (mult_t{1} << 30));
    return static_cast<int32_t>((ab + nudge) / (mult_t{1} << 31));  // C++ division truncates
}

// gemmlowp RoundingDivideByPOT: x / 2^exponent rounded half away from zero (eq. 6).
// mask = 2^e - 1; remainder = x & mask; threshold = (mask >> 1) + (x < 0);
// result = (x >> e) + (remainder > threshold). The mask is formed in 64 bits so e = 31 is
// defined, as gemmlowp does with 1ll << exponent.
inline int32_t rounding_divide_by_pot(int32_t x, uint32_t exponent) {
    const int32_t mask = static_cast<int32_t>((mult_t{1} << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    const mult_t floor_quotient = shift_right_floor(x, exponent);
    return static_cast<int32_t>(floor_quotient + (remainder > threshold ? 1 : 0));
}

// "floor" requantization (eq. 5): clamp(Zout + ((acc M0) >> (31 + n)), 0, 255),
// product in 64 bits (|acc| < 2^31 and M0 < 2^31, so |acc M0| < 2^62), arithmetic shift.
inline act_t requantize_floor(acc_t acc, uint32_t M0, uint32_t n, act_t zero_out) {
    const mult_t product = static_cast<mult_t>(acc) * static_cast<mult_t>(M0);
    return clamp_uint8(zero_out + shift_right_floor(product, 31 + n));
}

// "nearest" requantization (eq. 6): clamp(Zout + RDivPOT(SRDHM(acc, M0), n), 0, 255).
// M0 < 2^31 fits int32; the zero point is added in 64 bits so it cannot overflow.
inline act_t requantize_nearest(acc_t acc, uint32_t M0, uint32_t n, act_t zero_out) {
    const int32_t high = saturating_rounding_doubling_high_mul(acc, static_cast<int32_t>(M0));
    return clamp_uint8(static_cast<mult_t>(zero_out) + rounding_divide_by_pot(high, n));
}

// int32 accumulator -> uint8 output in the design's rounding mode (ROUNDING_NEAREST).
inline act_t requantize(acc_t acc, uint32_t M0, uint32_t n, act_t zero_out) {
    if constexpr (design::rounding_nearest) {
        return requantize_nearest(acc, M0, n, zero_out);
    } else {
        return requantize_floor(acc, M0, n, zero_out);
    }
}

}  // namespace cnnacc

#endif  // CNNACC_COMMON_ARITH_HPP
