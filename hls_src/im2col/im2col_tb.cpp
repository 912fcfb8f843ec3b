// Self-checking testbench of im2col (spec Part 2, Task 2).
//
// 1. src 32 x 32 x 3, 3 x 3 kernel, pad 0, through the spec's im2col(), against the golden
//    file written by tools/make_golden.py (argv[1], default im2col/golden_32x32x3_k3.txt,
//    found from hls_src/ or the repo root). Format: "src_m src_n src_c kernel_size_m
//    kernel_size_n pad_value", then the input [C][M][N], then the expected output
//    [C*KM*KN][OM*ON], whitespace-separated.
// 2. Kernel sizes 1, 5, 7 (square and not), odd input shapes and a non-zero pad value through
//    im2col_pad(), against a naive loop here that reads the unfold definition literally.
// Prints the first mismatch (index, expected, got) and returns 1, or prints PASS.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "im2col.hpp"
#include "testbench.hpp"

namespace {

size_t out_rows(size_t src_c, size_t kernel_size_m, size_t kernel_size_n) {
    return src_c * kernel_size_m * kernel_size_n;
}

int check_golden(const std::string& path) {
    std::ifstream file;
    if (!cnnacc::tb::open_golden(file, path)) {
        return 1;
    }
    std::vector<long long> params;
    if (!cnnacc::tb::read_values(file, "params", 6, 0, 4096, params)) {
        return 1;
    }
    const size_t src_m = static_cast<size_t>(params[0]), src_n = static_cast<size_t>(params[1]);
    const size_t src_c = static_cast<size_t>(params[2]);
    const size_t kernel_size_m = static_cast<size_t>(params[3]);
    const size_t kernel_size_n = static_cast<size_t>(params[4]);
    if (params[5] != 0) {
        std::printf("FAIL: golden file: pad_value %lld, the spec's im2col pads with 0\n",
                    params[5]);
        return 1;
    }
    if (cnnacc::im2col_limit(static_cast<uint32_t>(src_m), static_cast<uint32_t>(src_n),
                             static_cast<uint32_t>(src_c), static_cast<uint32_t>(kernel_size_m),
                             static_cast<uint32_t>(kernel_size_n))
            .status != cnnacc::status_ok) {
        std::printf("skip: golden file needs an image buffer of %zu x %zu\n", src_m, src_n);
        return 0;
    }
    const size_t rows = out_rows(src_c, kernel_size_m, kernel_size_n);
    const size_t cols = (src_m + 3 - kernel_size_m) * (src_n + 3 - kernel_size_n);
    std::vector<long long> in_values, expected_values;
    if (!cnnacc::tb::read_values(file, "input", src_c * src_m * src_n, 0, 255, in_values) ||
        !cnnacc::tb::read_values(file, "output", rows * cols, 0, 255, expected_values)) {
        return 1;
    }
    const std::vector<uint8_t> in = cnnacc::tb::to_bytes(in_values);
    const std::vector<uint8_t> expected = cnnacc::tb::to_bytes(expected_values);
    std::vector<uint8_t> out(rows * cols, 0);
    im2col(in.data(), out.data(), static_cast<uint32_t>(src_m), static_cast<uint32_t>(src_n),
           static_cast<uint32_t>(src_c), static_cast<uint32_t>(kernel_size_m),
           static_cast<uint32_t>(kernel_size_n));
    return cnnacc::tb::check_equal("golden 32x32x3 k3", expected.data(), out.data(), rows * cols,
                                   cols);
}

// out[(c, kr, kc)][(orow, ocol)] = in[c][orow + kr - 1][ocol + kc - 1], or pad_value outside.
std::vector<uint8_t> naive_im2col(const std::vector<uint8_t>& in, long src_m, long src_n,
                                  long src_c, long kernel_size_m, long kernel_size_n,
                                  uint8_t pad_value) {
    const long out_m = src_m + 3 - kernel_size_m, out_n = src_n + 3 - kernel_size_n;
    std::vector<uint8_t> out;
    for (long c = 0; c < src_c; ++c) {
        for (long kr = 0; kr < kernel_size_m; ++kr) {
            for (long kc = 0; kc < kernel_size_n; ++kc) {
                for (long orow = 0; orow < out_m; ++orow) {
                    for (long ocol = 0; ocol < out_n; ++ocol) {
                        const long row = orow + kr - 1, col = ocol + kc - 1;
                        const bool inside = row >= 0 && row < src_m && col >= 0 && col < src_n;
                        out.push_back(inside ? in[(c * src_m + row) * src_n + col] : pad_value);
                    }
                }
            }
        }
    }
    return out;
}

int check_kernel_sizes() {
    struct Case {
        long src_m, src_n, src_c, kernel_size_m, kernel_size_n;
        uint8_t pad_value;
    };
    const Case cases[] = {
        {32, 32, 3, 1, 1, 0},  {9, 13, 2, 5, 5, 0},   {8, 8, 4, 7, 7, 0},
        {5, 5, 1, 7, 7, 17},   {6, 11, 3, 3, 5, 128}, {1, 1, 1, 3, 3, 255},
        {5, 7, 2, 7, 1, 9},    {12, 3, 5, 1, 5, 0},
    };
    cnnacc::tb::ByteSource source(2024);
    for (const Case& c : cases) {
        if (cnnacc::im2col_limit(static_cast<uint32_t>(c.src_m), static_cast<uint32_t>(c.src_n),
                                 static_cast<uint32_t>(c.src_c), static_cast<uint32_t>(c.kernel_size_m),
                                 static_cast<uint32_t>(c.kernel_size_n))
                .status != cnnacc::status_ok) {
            std::printf("skip: k %ld x %ld, src_n %ld exceed this design's image buffer\n",
                        c.kernel_size_m, c.kernel_size_n, c.src_n);
            continue;
        }
        const std::vector<uint8_t> in =
            source.bytes(static_cast<size_t>(c.src_c * c.src_m * c.src_n));
        const std::vector<uint8_t> expected = naive_im2col(
            in, c.src_m, c.src_n, c.src_c, c.kernel_size_m, c.kernel_size_n, c.pad_value);
        std::vector<uint8_t> out(expected.size(), 0);
        im2col_pad(in.data(), out.data(), static_cast<uint32_t>(c.src_m),
                   static_cast<uint32_t>(c.src_n), static_cast<uint32_t>(c.src_c),
                   static_cast<uint32_t>(c.kernel_size_m), static_cast<uint32_t>(c.kernel_size_n),
                   c.pad_value);
        const size_t cols = static_cast<size_t>((c.src_m + 3 - c.kernel_size_m) *
                                                (c.src_n + 3 - c.kernel_size_n));
        const std::string what = "naive loop " + std::to_string(c.src_c) + "x" +
                                 std::to_string(c.src_m) + "x" + std::to_string(c.src_n) + " k" +
                                 std::to_string(c.kernel_size_m) + "x" +
                                 std::to_string(c.kernel_size_n) + " pad " +
                                 std::to_string(c.pad_value);
        if (cnnacc::tb::check_equal(what.c_str(), expected.data(), out.data(), expected.size(),
                                    cols)) {
            return 1;
        }
    }
    return 0;
}

// --call SRC_M SRC_N SRC_C KM KN: the spec's im2col() once on random bytes against the naive
// loop (PASS, or the mismatch and 1); a shape this build does not compute exits with
// im2col_limit's status and its line on stderr, from inside im2col().
int check_call(char** values) {
    long shape[5];
    for (int i = 0; i < 5; ++i) {
        char* end = nullptr;
        shape[i] = std::strtol(values[i], &end, 10);
        if (*end != '\0' || shape[i] < 0 || shape[i] > UINT32_MAX) {
            std::fprintf(stderr, "im2col testbench: --call argument %d = '%s' is not in [0, 2^32)\n", i + 1,
                         values[i]);
            return 2;
        }
    }
    const long src_m = shape[0], src_n = shape[1], src_c = shape[2], km = shape[3], kn = shape[4];
    const long out_m = src_m + 3 - km, out_n = src_n + 3 - kn;
    const bool sized = src_m > 0 && src_n > 0 && src_c > 0 && km > 0 && kn > 0 && out_m > 0 && out_n > 0;
    cnnacc::tb::ByteSource source(7);
    const std::vector<uint8_t> in = source.bytes(static_cast<size_t>(src_c * src_m * src_n));
    std::vector<uint8_t> out(sized ? static_cast<size_t>(src_c * km * kn * out_m * out_n) : 0, 0);
    im2col(in.data(), out.data(), static_cast<uint32_t>(src_m), static_cast<uint32_t>(src_n),
           static_cast<uint32_t>(src_c), static_cast<uint32_t>(km), static_cast<uint32_t>(kn));
    const std::vector<uint8_t> expected = naive_im2col(in, src_m, src_n, src_c, km, kn, 0);
    if (cnnacc::tb::check_equal("call", expected.data(), out.data(), expected.size(),
                                static_cast<size_t>(out_m * out_n))) {
        return 1;
    }
    std::printf("PASS\n");
    return 0;
}

// im2col_status (what the synthesis top computes) gives im2col_limit's status for every
// argument from just inside to just past each of its bounds, the others in range.
int check_status() {
    const uint32_t max_m = cnnacc::design::im2col_max_src_m, max_n = cnnacc::design::im2col_max_src_n;
    const uint32_t max_k = cnnacc::design::im2col_max_k;
    const uint32_t values[] = {0u, 1u, 2u, 3u, max_k - 1, max_k, max_k + 1, max_m - 1, max_m, max_m + 1,
                               max_m + 2, max_m + 3, max_n - 1, max_n, max_n + 1, max_n + 2, max_n + 3,
                               UINT32_MAX - 2, UINT32_MAX - 1, UINT32_MAX};
    const uint32_t base[5] = {max_m, max_n, 3, max_k, max_k};
    int checked = 0;
    for (int arg = 0; arg < 5; ++arg) {
        for (int other = 0; other < 5; ++other) {  // each value beside each other's bounds too
            for (uint32_t value : values) {
                for (uint32_t second : values) {
                    uint32_t a[5] = {base[0], base[1], base[2], base[3], base[4]};
                    a[arg] = value;
                    a[other] = other == arg ? value : second;
                    const uint32_t want = cnnacc::im2col_limit(a[0], a[1], a[2], a[3], a[4]).status;
                    const uint32_t got = cnnacc::im2col_status(a[0], a[1], a[2], a[3], a[4]);
                    if (got != want) {
                        std::printf("FAIL: im2col_status(%u, %u, %u, %u, %u) = %u, im2col_limit says %u\n", a[0],
                                    a[1], a[2], a[3], a[4], got, want);
                        return 1;
                    }
                    ++checked;
                }
            }
        }
    }
    std::printf("im2col_status agrees with im2col_limit on %d argument sets\n", checked);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 7 && std::string(argv[1]) == "--call") {
        return check_call(argv + 2);
    }
    const std::string golden = argc > 1 ? argv[1] : "im2col/golden_32x32x3_k3.txt";
    std::printf("im2col testbench: image buffer %d copies of %d x %d\n", cnnacc::design::im2col_max_k, cnnacc::design::im2col_max_src_m,
                cnnacc::design::im2col_max_src_n);
    if (check_status() || check_golden(golden) || check_kernel_sizes()) {
        return 1;
    }
    std::printf("PASS\n");
    return 0;
}
