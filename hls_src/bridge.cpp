// C ABI of the kernels for the sw_emu flow: simulator/sw_emu.py loads this shared library
// with ctypes (the hls4ml-style g++ bridge; STYLE.md section 6).
//
// sw_emu.py validates every argument and allocates the output before calling; the checks
// here only keep a wrong caller from driving a kernel out of bounds, and return non-zero
// instead (the kernels themselves never validate).
#include <cstdint>

#include "design.hpp"
#include "im2col/im2col.hpp"
#include "matmul/matmul.hpp"

namespace {

constexpr int bridge_ok = 0;
constexpr int bridge_bad_shape = 1;
constexpr int bridge_bad_parameter = 2;
constexpr int bridge_exceeds_design = 3;

// Compiled-in design values, in the order cnnacc_config reports them.
constexpr int32_t config_values[] = {
    cnnacc::design::tile_u,
    cnnacc::design::tile_v,
    cnnacc::design::tile_w,
    cnnacc::design::rounding_nearest ? 1 : 0,
    cnnacc::design::im2col_max_src_n,
    cnnacc::design::im2col_max_k,
};
constexpr int32_t config_count = sizeof(config_values) / sizeof(config_values[0]);

}  // namespace

extern "C" {

// matmul() of matmul/matmul.hpp. Returns 0, or 1 for an empty shape, 2 for M0 outside
// [2^30, 2^31) or n > 31.
int cnnacc_matmul(uint8_t* out, uint32_t M0, uint32_t n, const uint8_t* a, const uint8_t* b,
                  uint8_t zero_a, uint8_t zero_b, uint8_t zero_out, uint32_t u, uint32_t v,
                  uint32_t w) {
    if (u == 0 || v == 0 || w == 0) {
        return bridge_bad_shape;
    }
    if (M0 < (1u << 30) || M0 > 0x7fffffffu || n > 31) {
        return bridge_bad_parameter;
    }
    matmul(out, M0, n, a, b, zero_a, zero_b, zero_out, u, v, w);
    return bridge_ok;
}

// matmul_layer() of matmul/matmul.hpp: matmul with a per-row int32 bias and a lower clamp.
int cnnacc_matmul_layer(uint8_t* out, uint32_t M0, uint32_t n, const uint8_t* a, const uint8_t* b,
                        uint8_t zero_a, uint8_t zero_b, uint8_t zero_out, uint32_t u, uint32_t v,
                        uint32_t w, const int32_t* bias, uint8_t out_min) {
    if (u == 0 || v == 0 || w == 0) {
        return bridge_bad_shape;
    }
    if (M0 < (1u << 30) || M0 > 0x7fffffffu || n > 31) {
        return bridge_bad_parameter;
    }
    matmul_layer(out, M0, n, a, b, zero_a, zero_b, zero_out, u, v, w, bias, out_min);
    return bridge_ok;
}

// im2col_pad() of im2col/im2col.hpp. Returns 0, or 1 for an empty input or a kernel larger
// than the padded input, 3 for a kernel or row wider than this build's line buffer.
int cnnacc_im2col(const uint8_t* in, uint8_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c,
                  uint32_t km, uint32_t kn, uint8_t pad_value) {
    if (src_m == 0 || src_n == 0 || src_c == 0 || km == 0 || kn == 0 || src_m + 2 < km ||
        src_n + 2 < kn) {
        return bridge_bad_shape;
    }
    if (km > static_cast<uint32_t>(cnnacc::design::im2col_max_k) ||
        kn > static_cast<uint32_t>(cnnacc::design::im2col_max_k) ||
        src_n > static_cast<uint32_t>(cnnacc::design::im2col_max_src_n)) {
        return bridge_exceeds_design;
    }
    im2col_pad(in, out, src_m, src_n, src_c, km, kn, pad_value);
    return bridge_ok;
}

// Writes min(capacity, 6) compiled-in values to out, in this order:
// TILE_U, TILE_V, TILE_W, ROUNDING_NEAREST, IM2COL_MAX_SRC_N, IM2COL_MAX_K.
void cnnacc_config(int32_t* out, int32_t capacity) {
    for (int32_t i = 0; i < capacity && i < config_count; ++i) {
        out[i] = config_values[i];
    }
}

}  // extern "C"
