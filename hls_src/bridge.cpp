// C ABI of the kernels for the sw_emu flow: simulator/emulation/sw_emu.py loads this shared library
// with ctypes (the hls4ml-style g++ bridge; STYLE.md section 6).
//
// sw_emu.py validates every argument and allocates the output before calling; the bridge
// also checks each call with the kernels' own checks (common/limits.hpp) and returns their
// status instead of letting a host function exit the Python process.
#include <cstdint>

#include "design.hpp"
#include "packing.hpp"
#include "im2col/im2col.hpp"
#include "matmul/matmul.hpp"

namespace {

// The line and the status of the last refused call (common/limits.hpp), for
// cnnacc_last_error(): ctypes callers are single-threaded.
char last_error[256] = "";
int status_of_last = 0;

// True (and the line kept) when limit refuses the call.
bool refused(const char* function, const cnnacc::Limit& limit) {
    status_of_last = static_cast<int>(limit.status);
    last_error[0] = '\0';
    if (limit.status == cnnacc::status_ok) {
        return false;
    }
    cnnacc::format_limit(last_error, sizeof(last_error), function, limit);
    return true;
}

// Compiled-in design flags (common/design.hpp), reported by cnnacc_config.
#define CNNACC_FLAG_ENTRY(name) {#name, static_cast<int32_t>(name)}
struct Flag {
    const char* name;
    int32_t value;
};
constexpr Flag flags[] = {
    CNNACC_FLAG_ENTRY(TILE_U),           CNNACC_FLAG_ENTRY(TILE_V),
    CNNACC_FLAG_ENTRY(TILE_W),           CNNACC_FLAG_ENTRY(ROUNDING_NEAREST),
    CNNACC_FLAG_ENTRY(REQUANT_LANES),    CNNACC_FLAG_ENTRY(MAX_W),
    CNNACC_FLAG_ENTRY(A_BUFFER_BYTES),  CNNACC_FLAG_ENTRY(B_BUFFER_BYTES),
    CNNACC_FLAG_ENTRY(AXI_WIDTH_BITS),
    CNNACC_FLAG_ENTRY(BURST_BEATS),
    CNNACC_FLAG_ENTRY(MAX_OUTSTANDING),  CNNACC_FLAG_ENTRY(MEM_LATENCY_CYCLES),
    CNNACC_FLAG_ENTRY(AXI_PORTS_SHARED),       CNNACC_FLAG_ENTRY(BUFFERING_PING_PONG),
    CNNACC_FLAG_ENTRY(MAX_SRC_M), CNNACC_FLAG_ENTRY(MAX_SRC_N),
    CNNACC_FLAG_ENTRY(MAX_K),
};
constexpr int32_t flag_count = sizeof(flags) / sizeof(flags[0]);

}  // namespace

extern "C" {

// The line of the last refused call (empty after a call that ran).
const char* cnnacc_last_error() { return last_error; }

// matmul() of matmul/matmul.hpp. Returns matmul_limit's status (common/limits.hpp): 0, or
// the call was refused and nothing was written.
int cnnacc_matmul(uint8_t* out, uint32_t M0, uint32_t n, const uint8_t* a, const uint8_t* b,
                  uint8_t zero_a, uint8_t zero_b, uint8_t zero_out, uint32_t u, uint32_t v,
                  uint32_t w) {
    if (refused("matmul", cnnacc::matmul_limit(u, v, w, M0, n, cnnacc::host_layout(u, v, w, 0), false))) {
        return status_of_last;
    }
    matmul(out, M0, n, a, b, zero_a, zero_b, zero_out, u, v, w);
    return 0;
}

// matmul_mapped() of matmul/matmul.hpp: matmul with an int32 bias (nullptr: none), a lower
// clamp and operands in the given layout (row-major for layout 0: matmul_layer()). Returns
// matmul_limit's status.
int cnnacc_matmul_layer(uint8_t* out, uint32_t M0, uint32_t n, const uint8_t* a, const uint8_t* b,
                        uint8_t zero_a, uint8_t zero_b, uint8_t zero_out, uint32_t u, uint32_t v,
                        uint32_t w, const int32_t* bias, uint8_t output_floor, uint8_t layout) {
    const uint8_t device_layout = cnnacc::host_layout(u, v, w, layout);
    if (refused("matmul_mapped", cnnacc::matmul_limit(u, v, w, M0, n, device_layout, bias != nullptr))) {
        return status_of_last;
    }
    matmul_mapped(out, M0, n, a, b, zero_a, zero_b, zero_out, u, v, w, bias, output_floor, layout);
    return 0;
}

// im2col_pad() of im2col/im2col.hpp. Returns im2col_limit's status.
int cnnacc_im2col(const uint8_t* in, uint8_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c,
                  uint32_t km, uint32_t kn, uint8_t pad_value) {
    if (refused("im2col_pad", cnnacc::im2col_limit(src_m, src_n, src_c, km, kn))) {
        return status_of_last;
    }
    im2col_pad(in, out, src_m, src_n, src_c, km, kn, pad_value);
    return 0;
}

// cnnacc::unpack_codes of common/packing.hpp. Returns 0, or 2 for bits outside [1, 8].
int cnnacc_unpack_codes(const uint8_t* packed, uint32_t bits, uint64_t count, uint8_t* out) {
    if (bits < 1 || bits > 8) {
        return static_cast<int>(cnnacc::status_bad_parameter);
    }
    if (count > 0) {
        cnnacc::unpack_codes(packed, bits, count, out);
    }
    return static_cast<int>(cnnacc::status_ok);
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
