// C ABI of the kernels for the sw_emu flow: simulator/sw_emu.py loads this shared library
// with ctypes (the hls4ml-style g++ bridge; STYLE.md section 6).
//
// sw_emu.py validates every argument and allocates the output before calling; the checks
// here only keep a wrong caller from driving a kernel out of bounds, and return non-zero
// instead (the kernels themselves never validate).
#include <cstdint>

#include "design.hpp"
#include "packing.hpp"
#include "im2col/im2col.hpp"
#include "matmul/matmul.hpp"

namespace {

constexpr int bridge_ok = 0;
constexpr int bridge_bad_shape = 1;
constexpr int bridge_bad_parameter = 2;
constexpr int bridge_exceeds_design = 3;

// Compiled-in design flags (common/design.hpp), reported by cnnacc_config.
#define CNNACC_FLAG_ENTRY(name) {#name, static_cast<int32_t>(name)}
struct Flag {
    const char* name;
    int32_t value;
};
constexpr Flag flags[] = {
    CNNACC_FLAG_ENTRY(TILE_U),           CNNACC_FLAG_ENTRY(TILE_V),
    CNNACC_FLAG_ENTRY(TILE_W),           CNNACC_FLAG_ENTRY(ROUNDING_NEAREST),
    CNNACC_FLAG_ENTRY(REQUANT_LANES),    CNNACC_FLAG_ENTRY(MATMUL_MAX_W),
    CNNACC_FLAG_ENTRY(MATMUL_A_BUFFER),  CNNACC_FLAG_ENTRY(MATMUL_B_BUFFER),
    CNNACC_FLAG_ENTRY(AXI_WIDTH_BITS),
    CNNACC_FLAG_ENTRY(AXI_BURST_BEATS),
    CNNACC_FLAG_ENTRY(AXI_OUTSTANDING),  CNNACC_FLAG_ENTRY(AXI_LATENCY),
    CNNACC_FLAG_ENTRY(AXI_SHARED),       CNNACC_FLAG_ENTRY(PING_PONG),
    CNNACC_FLAG_ENTRY(IM2COL_MAX_SRC_M), CNNACC_FLAG_ENTRY(IM2COL_MAX_SRC_N),
    CNNACC_FLAG_ENTRY(IM2COL_MAX_K),
};
constexpr int32_t flag_count = sizeof(flags) / sizeof(flags[0]);

}  // namespace

extern "C" {

// matmul() of matmul/matmul.hpp. Returns 0, or 1 for an empty shape, 2 for M0 outside
// [2^30, 2^31) or n > 31, 3 for w > MATMUL_MAX_W.
int cnnacc_matmul(uint8_t* out, uint32_t M0, uint32_t n, const uint8_t* a, const uint8_t* b,
                  uint8_t zero_a, uint8_t zero_b, uint8_t zero_out, uint32_t u, uint32_t v,
                  uint32_t w) {
    if (u == 0 || v == 0 || w == 0) {
        return bridge_bad_shape;
    }
    if (M0 < (1u << 30) || M0 > 0x7fffffffu || n > 31) {
        return bridge_bad_parameter;
    }
    if (w > static_cast<uint32_t>(cnnacc::design::matmul_max_w)) {
        return bridge_exceeds_design;
    }
    matmul(out, M0, n, a, b, zero_a, zero_b, zero_out, u, v, w);
    return bridge_ok;
}

// matmul_mapped() of matmul/matmul.hpp: matmul with an int32 bias (nullptr: none), a lower
// clamp and operands in the given layout (row-major for layout 0: matmul_layer()). Returns 2
// also for a layout outside [0, 15], or channel scales without their words.
int cnnacc_matmul_layer(uint8_t* out, uint32_t M0, uint32_t n, const uint8_t* a, const uint8_t* b,
                        uint8_t zero_a, uint8_t zero_b, uint8_t zero_out, uint32_t u, uint32_t v,
                        uint32_t w, const int32_t* bias, uint8_t output_floor, uint8_t layout) {
    if (u == 0 || v == 0 || w == 0) {
        return bridge_bad_shape;
    }
    if (M0 < (1u << 30) || M0 > 0x7fffffffu || n > 31) {
        return bridge_bad_parameter;
    }
    if (w > static_cast<uint32_t>(cnnacc::design::matmul_max_w)) {
        return bridge_exceeds_design;
    }
    if (layout > cnnacc::layout_bits ||
        ((layout & cnnacc::layout_channel_scales) != 0 && bias == nullptr)) {
        return bridge_bad_parameter;
    }
    matmul_mapped(out, M0, n, a, b, zero_a, zero_b, zero_out, u, v, w, bias, output_floor, layout);
    return bridge_ok;
}

// im2col_pad() of im2col/im2col.hpp. Returns 0, or 1 for an empty input or a kernel larger
// than the padded input, 3 for a kernel or an input larger than this build's image buffer.
int cnnacc_im2col(const uint8_t* in, uint8_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c,
                  uint32_t km, uint32_t kn, uint8_t pad_value) {
    if (src_m == 0 || src_n == 0 || src_c == 0 || km == 0 || kn == 0 || src_m + 2 < km ||
        src_n + 2 < kn) {
        return bridge_bad_shape;
    }
    if (km > static_cast<uint32_t>(cnnacc::design::im2col_max_k) ||
        kn > static_cast<uint32_t>(cnnacc::design::im2col_max_k) ||
        src_n > static_cast<uint32_t>(cnnacc::design::im2col_max_src_n) ||
        src_m > static_cast<uint32_t>(cnnacc::design::im2col_max_src_m)) {
        return bridge_exceeds_design;
    }
    im2col_pad(in, out, src_m, src_n, src_c, km, kn, pad_value);
    return bridge_ok;
}

// cnnacc::unpack_codes of common/packing.hpp. Returns 0, or 2 for bits outside [1, 8].
int cnnacc_unpack_codes(const uint8_t* packed, uint32_t bits, uint64_t count, uint8_t* out) {
    if (bits < 1 || bits > 8) {
        return bridge_bad_parameter;
    }
    if (count > 0) {
        cnnacc::unpack_codes(packed, bits, count, out);
    }
    return bridge_ok;
}

// The number of compiled-in design flags.
int32_t cnnacc_config_count() { return flag_count; }

// Name and value of design flag i (0 <= i < cnnacc_config_count()), or nullptr.
const char* cnnacc_config_flag(int32_t i, int32_t* value) {
    if (i < 0 || i >= flag_count) {
        return nullptr;
    }
    *value = flags[i].value;
    return flags[i].name;
}

}  // extern "C"
