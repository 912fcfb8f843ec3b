// Helpers shared by the self-checking testbenches (<op>_tb.cpp); never part of a kernel.
//
// Golden files are whitespace-separated integers written by hls_src/tools/make_golden.py
// from the NumPy reference (simulator/contract/numerics.py). A testbench reports the first mismatch
// as index, expected and got, and returns non-zero.
#ifndef CNNACC_COMMON_TESTBENCH_HPP
#define CNNACC_COMMON_TESTBENCH_HPP

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace cnnacc {
namespace tb {

// Opens path, or hls_src/<path> when run from the repository root instead of hls_src/.
inline bool open_golden(std::ifstream& file, const std::string& path) {
    file.open(path);
    if (!file.is_open()) {
        file.clear();
        file.open("hls_src/" + path);
    }
    if (!file.is_open()) {
        std::printf("FAIL: cannot open golden file %s (run from hls_src/ or the repo root, "
                    "or pass the path as argv[1])\n", path.c_str());
        return false;
    }
    return true;
}

// Reads count integers in [lo, hi]; false (with a message) on a short or bad file.
inline bool read_values(std::ifstream& file, const char* what, size_t count, long long lo,
                        long long hi, std::vector<long long>& values) {
    values.resize(count);
    for (size_t i = 0; i < count; ++i) {
        if (!(file >> values[i]) || values[i] < lo || values[i] > hi) {
            std::printf("FAIL: golden file: %s value %zu is missing or outside [%lld, %lld]\n",
                        what, i, lo, hi);
            return false;
        }
    }
    return true;
}

inline std::vector<uint8_t> to_bytes(const std::vector<long long>& values) {
    return std::vector<uint8_t>(values.begin(), values.end());
}

// 0 if equal; otherwise prints the first mismatch (flat index, row, column) and returns 1.
inline int check_equal(const char* what, const uint8_t* expected, const uint8_t* got,
                       size_t count, size_t cols) {
    for (size_t i = 0; i < count; ++i) {
        if (expected[i] != got[i]) {
            std::printf("FAIL: %s: first mismatch at index %zu (row %zu, col %zu): "
                        "expected %u, got %u\n",
                        what, i, i / cols, i % cols, static_cast<unsigned>(expected[i]),
                        static_cast<unsigned>(got[i]));
            return 1;
        }
    }
    std::printf("ok: %s (%zu values)\n", what, count);
    return 0;
}

// Deterministic bytes for in-code checks (64-bit LCG, Knuth's MMIX constants).
class ByteSource {
  public:
    explicit ByteSource(uint64_t seed) : state_(seed) {}
    uint8_t next() {
        state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<uint8_t>(state_ >> 56);
    }
    std::vector<uint8_t> bytes(size_t count) {
        std::vector<uint8_t> values(count);
        for (uint8_t& value : values) {
            value = next();
        }
        return values;
    }

  private:
    uint64_t state_;
};

}  // namespace tb
}  // namespace cnnacc

#endif  // CNNACC_COMMON_TESTBENCH_HPP
