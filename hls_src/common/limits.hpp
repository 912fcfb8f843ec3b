// What a build of the kernels computes correctly: every entry point checks its arguments here
// first and never computes on anything else.
//
// matmul_limit (matmul/matmul.hpp) and im2col_limit (im2col/im2col.hpp) give the first
// argument out of range: its name, its value, the allowed range and a status. The synthesis
// tops (matmul_kernel, im2col_kernel) return the status through their s_axilite return
// register and touch no memory unless it is status_ok; the host functions with the spec's
// signatures (matmul(), im2col(), ...) print one line to stderr and exit with the status; the
// sw_emu bridge returns it and keeps the line for cnnacc_last_error().
//
// Statuses: 0 ok, 1 an empty or inconsistent shape (a kernel larger than the padded input),
// 2 a parameter outside its range (M0, n, layout), 3 larger than this build's design (the
// compile-time maxima of common/design.hpp: MAX_W, MAX_SRC_M/N, MAX_K),
// 4 beyond what the arithmetic holds exactly (depth v of matmul).
#ifndef CNNACC_COMMON_LIMITS_HPP
#define CNNACC_COMMON_LIMITS_HPP

#include <cstdint>

#include "design.hpp"

namespace cnnacc {

inline constexpr uint32_t status_ok = 0;
inline constexpr uint32_t status_bad_shape = 1;
inline constexpr uint32_t status_bad_parameter = 2;
inline constexpr uint32_t status_exceeds_design = 3;
inline constexpr uint32_t status_exceeds_arithmetic = 4;

// The first argument outside its range, or none (status status_ok).
struct Limit {
    uint32_t status = status_ok;
    const char* name = "";
    uint64_t value = 0, lo = 0, hi = 0;
    const char* why = "";  // where the upper bound comes from
};

// Limit for `name` = value outside [lo, hi], else the limit passed on.
inline Limit check_range(const Limit& before, uint32_t status, const char* name, uint64_t value,
                         uint64_t lo, uint64_t hi, const char* why) {
    if (before.status != status_ok || (value >= lo && value <= hi)) {
        return before;
    }
    return Limit{status, name, value, lo, hi, why};
}

}  // namespace cnnacc

#ifndef __SYNTHESIS__
#include <cstdio>
#include <cstdlib>

namespace cnnacc {

// The one line a refusal prints: "<function>: <name> = <value> is outside [lo, hi] (<why>)".
inline int format_limit(char* line, std::size_t size, const char* function, const Limit& limit) {
    return std::snprintf(line, size, "%s: %s = %llu is outside [%llu, %llu] (%s)", function, limit.name,
                         static_cast<unsigned long long>(limit.value),
                         static_cast<unsigned long long>(limit.lo),
                         static_cast<unsigned long long>(limit.hi), limit.why);
}

// Host entry points: print the line to stderr and exit with the status, or return.
inline void refuse_unless_ok(const char* function, const Limit& limit) {
    if (limit.status == status_ok) {
        return;
    }
    char line[256];
    format_limit(line, sizeof(line), function, limit);
    std::fprintf(stderr, "%s\n", line);
    std::exit(static_cast<int>(limit.status));
}

}  // namespace cnnacc
#endif  // __SYNTHESIS__

#endif  // CNNACC_COMMON_LIMITS_HPP
