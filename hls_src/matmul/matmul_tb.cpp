// Self-checking testbench of matmul (spec Part 2, Task 1).
//
// 1. The spec's worked 4 x 4 example, in the compiled rounding mode: floor mode must give
//    the spec's table; nearest mode gives the NumPy reference's table for the same inputs.
// 2. u = w = 64, v = 32 against the golden file written by tools/make_golden.py (argv[1],
//    default matmul/golden_u64_v32_w64.txt, found from hls_src/ or the repo root). Format:
//    "zero_a zero_b zero_out M0 n", then A (64 x 32), B (32 x 64), the floor-mode output
//    (64 x 64) and the nearest-mode output (64 x 64), whitespace-separated.
// 3. Shapes that are not multiples of the tile (and 1 x 1 x 1) against a naive triple loop
//    here, which checks the tiling and edge guards with the same requantize().
// 4. The same shapes with tiled operands (matmul_mapped, every layout of matmul.hpp), tiled
//    here by the layout's formulas, against the row-major result (bias per row or column).
// Prints the first mismatch (index, expected, got) and returns 1, or prints PASS.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "matmul.hpp"
#include "testbench.hpp"

namespace {

int check_worked_example() {
    // Real A (range [-4.5, 4]) quantized as q = clamp(rint(r / S_a) + Z_a, 0, 255) with
    // S_a = 8.5 / 255 = 1/30 and Z_a = rint(4.5 / S_a) = 135: r * 30 + 135, e.g.
    // row 0 = {0, -0.5, 1, -1.5} -> {135, 120, 165, 90}; row 2 = {4, -4.5, 0, -0.5} ->
    // {255, 0, 135, 120}.
    const uint8_t a_q[16] = {135, 120, 165, 90,   //
                             195, 60,  225, 30,   //
                             255, 0,   135, 120,  //
                             165, 90,  195, 60};
    // Real B (range [0, 4.5]) with S_b = 4.5 / 255 = 0.0176470588 and Z_b = 0:
    // q = rint(r * 56.667), e.g. row 0 = {0, 0.5, 1, 1.5} -> {0, 28.33, 56.67, 85} ->
    // {0, 28, 57, 85}; row 2 = {4, 4.5, 0, 0.5} -> {227, 255, 0, 28}.
    const uint8_t b_q[16] = {0,   28,  57,  85,   //
                             113, 142, 170, 198,  //
                             227, 255, 0,   28,   //
                             57,  85,  113, 142};
    // The spec's table (floor mode) and qmatmul_reference(..., rounding="nearest").
    const uint8_t expected_floor[16] = {224, 216, 131, 123,  //
                                        255, 246, 8,   0,    //
                                        54,  45,  39,  31,   //
                                        239, 231, 69,  61};
    const uint8_t expected_nearest[16] = {224, 216, 132, 124,  //
                                          255, 247, 8,   0,    //
                                          55,  46,  39,  31,   //
                                          240, 232, 70,  62};
    uint8_t out[16] = {};
    matmul(out, 1249445032u, 6u, a_q, b_q, 135, 0, 201, 4, 4, 4);
    if (cnnacc::design::rounding_nearest) {
        return cnnacc::tb::check_equal("worked example (nearest)", expected_nearest, out, 16, 4);
    }
    return cnnacc::tb::check_equal("worked example (floor, spec table)", expected_floor, out, 16,
                                   4);
}

int check_golden(const std::string& path) {
    constexpr size_t u = 64, v = 32, w = 64;
    std::ifstream file;
    if (!cnnacc::tb::open_golden(file, path)) {
        return 1;
    }
    std::vector<long long> params, a_values, b_values, floor_values, nearest_values;
    using cnnacc::tb::read_values;
    const bool read_all = read_values(file, "params", 5, 0, 4294967295LL, params) &&
                          read_values(file, "A", u * v, 0, 255, a_values) &&
                          read_values(file, "B", v * w, 0, 255, b_values) &&
                          read_values(file, "floor out", u * w, 0, 255, floor_values) &&
                          read_values(file, "nearest out", u * w, 0, 255, nearest_values);
    if (!read_all) {
        return 1;
    }
    const std::vector<uint8_t> a_q = cnnacc::tb::to_bytes(a_values);
    const std::vector<uint8_t> b_q = cnnacc::tb::to_bytes(b_values);
    const std::vector<uint8_t> expected =
        cnnacc::tb::to_bytes(cnnacc::design::rounding_nearest ? nearest_values : floor_values);
    std::vector<uint8_t> out(u * w, 0);
    matmul(out.data(), static_cast<uint32_t>(params[3]), static_cast<uint32_t>(params[4]),
           a_q.data(), b_q.data(), static_cast<uint8_t>(params[0]), static_cast<uint8_t>(params[1]),
           static_cast<uint8_t>(params[2]), u, v, w);
    return cnnacc::tb::check_equal("golden u=64 v=32 w=64", expected.data(), out.data(), u * w, w);
}

// Naive reference of the same contract: acc in int32, then the same requantize().
std::vector<uint8_t> naive_matmul(const std::vector<uint8_t>& a_q, const std::vector<uint8_t>& b_q,
                                  uint32_t M0, uint32_t n, uint8_t zero_a, uint8_t zero_b,
                                  uint8_t zero_out, size_t u, size_t v, size_t w) {
    std::vector<uint8_t> out(u * w);
    for (size_t i = 0; i < u; ++i) {
        for (size_t k = 0; k < w; ++k) {
            cnnacc::acc_t acc = 0;
            for (size_t j = 0; j < v; ++j) {
                acc += (a_q[i * v + j] - zero_a) * (b_q[j * w + k] - zero_b);
            }
            out[i * w + k] = cnnacc::requantize(acc, M0, n, zero_out);
        }
    }
    return out;
}

int check_odd_shapes() {
    struct Case {
        size_t u, v, w;
        uint8_t zero_a, zero_b, zero_out;
        uint32_t M0, n;
    };
    // Shapes straddling tile edges for any tile shape in [1, 256]; a full-scale case with
    // extreme zero points; M0 and n spread over their ranges.
    const Case cases[] = {
        {1, 1, 1, 0, 0, 0, 1u << 30, 0},
        {37, 19, 23, 128, 3, 77, 1518500250u, 9},
        {17, 65, 33, 0, 255, 255, 2147483647u, 12},
        {5, 300, 3, 255, 0, 128, 1073741824u, 15},
        {70, 41, 66, 90, 140, 10, 1800000000u, 7},
    };
    cnnacc::tb::ByteSource source(12345);
    for (const Case& c : cases) {
        const std::vector<uint8_t> a_q = source.bytes(c.u * c.v);
        const std::vector<uint8_t> b_q = source.bytes(c.v * c.w);
        const std::vector<uint8_t> expected =
            naive_matmul(a_q, b_q, c.M0, c.n, c.zero_a, c.zero_b, c.zero_out, c.u, c.v, c.w);
        std::vector<uint8_t> out(c.u * c.w, 0);
        matmul(out.data(), c.M0, c.n, a_q.data(), b_q.data(), c.zero_a, c.zero_b, c.zero_out,
               static_cast<uint32_t>(c.u), static_cast<uint32_t>(c.v), static_cast<uint32_t>(c.w));
        const std::string what = "naive loop u=" + std::to_string(c.u) + " v=" +
                                 std::to_string(c.v) + " w=" + std::to_string(c.w);
        if (cnnacc::tb::check_equal(what.c_str(), expected.data(), out.data(), c.u * c.w, c.w)) {
            return 1;
        }
    }
    return 0;
}

// A (u x v) tiled: row blocks of TILE_U rows, each a run of tiles (ti, tj) of rows x TILE_V.
std::vector<uint8_t> tile_a(const std::vector<uint8_t>& a, size_t u, size_t v) {
    constexpr size_t tu = cnnacc::design::tile_u, tv = cnnacc::design::tile_v;
    const size_t tiles_v = (v + tv - 1) / tv;
    std::vector<uint8_t> out(u * tiles_v * tv, 0);
    for (size_t i = 0; i < u; ++i) {
        const size_t ti = i / tu, rows = u - ti * tu < tu ? u - ti * tu : tu;
        for (size_t j = 0; j < v; ++j) {
            const size_t tj = j / tv;
            out[(ti * tu * tiles_v + tj * rows + i % tu) * tv + j % tv] = a[i * v + j];
        }
    }
    return out;
}

// B (v x w) tiled: column blocks of TILE_W columns, each holding all v rows.
std::vector<uint8_t> tile_b(const std::vector<uint8_t>& b, size_t v, size_t w) {
    constexpr size_t tw = cnnacc::design::tile_w;
    std::vector<uint8_t> out((w + tw - 1) / tw * tw * v, 0);
    for (size_t j = 0; j < v; ++j) {
        for (size_t k = 0; k < w; ++k) {
            out[((k / tw) * v + j) * tw + k % tw] = b[j * w + k];
        }
    }
    return out;
}

int check_tiled_layouts() {
    const size_t shapes[][3] = {{1, 1, 1}, {37, 19, 23}, {17, 65, 33}, {1, 300, 70}};
    cnnacc::tb::ByteSource source(777);
    for (const auto& shape : shapes) {
        const size_t u = shape[0], v = shape[1], w = shape[2];
        const std::vector<uint8_t> a_q = source.bytes(u * v), b_q = source.bytes(v * w);
        const std::vector<uint8_t> a_tiled = tile_a(a_q, u, v), b_tiled = tile_b(b_q, v, w);
        std::vector<int32_t> bias(u > w ? u : w);
        for (size_t i = 0; i < bias.size(); ++i) {
            bias[i] = static_cast<int32_t>(i * 97) - 1000;
        }
        for (uint8_t layout = 1; layout < 8; ++layout) {
            const bool columns = (layout & cnnacc::layout_bias_columns) != 0;
            // row-major reference: a per-column bias is the transposed product's per-row bias
            std::vector<uint8_t> expected(u * w), out(u * w);
            if (columns) {
                std::vector<uint8_t> a_t(v * u), b_t(w * v), out_t(w * u);
                for (size_t i = 0; i < u; ++i) {
                    for (size_t j = 0; j < v; ++j) {
                        a_t[j * u + i] = a_q[i * v + j];
                    }
                }
                for (size_t j = 0; j < v; ++j) {
                    for (size_t k = 0; k < w; ++k) {
                        b_t[k * v + j] = b_q[j * w + k];
                    }
                }
                matmul_layer(out_t.data(), 1518500250u, 9, b_t.data(), a_t.data(), 3, 200, 77,
                             static_cast<uint32_t>(w), static_cast<uint32_t>(v), static_cast<uint32_t>(u),
                             bias.data(), 5);
                for (size_t i = 0; i < u; ++i) {
                    for (size_t k = 0; k < w; ++k) {
                        expected[i * w + k] = out_t[k * u + i];
                    }
                }
            } else {
                matmul_layer(expected.data(), 1518500250u, 9, a_q.data(), b_q.data(), 200, 3, 77,
                             static_cast<uint32_t>(u), static_cast<uint32_t>(v), static_cast<uint32_t>(w),
                             bias.data(), 5);
            }
            const uint8_t* a = (layout & cnnacc::layout_a_tiled) ? a_tiled.data() : a_q.data();
            const uint8_t* b = (layout & cnnacc::layout_b_tiled) ? b_tiled.data() : b_q.data();
            matmul_mapped(out.data(), 1518500250u, 9, a, b, 200, 3, 77,
                          static_cast<uint32_t>(u), static_cast<uint32_t>(v), static_cast<uint32_t>(w),
                          bias.data(), 5, layout);
            const std::string what = "layout " + std::to_string(layout) + " u=" + std::to_string(u) +
                                     " v=" + std::to_string(v) + " w=" + std::to_string(w);
            if (cnnacc::tb::check_equal(what.c_str(), expected.data(), out.data(), u * w, w)) {
                return 1;
            }
        }
    }
    return 0;
}

// --call U V W M0 N: the spec's matmul() once on random bytes (zero points 3, 200, 77)
// against the naive loop (PASS, or the mismatch and 1); arguments this build does not compute
// exit with matmul_limit's status and its line on stderr, from inside matmul().
int check_call(char** values) {
    unsigned long long args[5];
    for (int i = 0; i < 5; ++i) {
        char* end = nullptr;
        args[i] = std::strtoull(values[i], &end, 10);
        if (*end != '\0' || values[i][0] == '-' || args[i] > UINT32_MAX) {
            std::fprintf(stderr, "matmul testbench: --call argument %d = '%s' is not in [0, 2^32)\n", i + 1,
                         values[i]);
            return 2;
        }
    }
    const size_t u = args[0], v = args[1], w = args[2];
    const uint32_t M0 = static_cast<uint32_t>(args[3]), n = static_cast<uint32_t>(args[4]);
    cnnacc::tb::ByteSource source(7);
    const std::vector<uint8_t> a_q = source.bytes(u * v);
    const std::vector<uint8_t> b_q = source.bytes(v * w);
    std::vector<uint8_t> out(u * w, 0);
    matmul(out.data(), M0, n, a_q.data(), b_q.data(), 3, 200, 77, static_cast<uint32_t>(u),
           static_cast<uint32_t>(v), static_cast<uint32_t>(w));
    const std::vector<uint8_t> expected = naive_matmul(a_q, b_q, M0, n, 3, 200, 77, u, v, w);
    if (cnnacc::tb::check_equal("call", expected.data(), out.data(), u * w, w)) {
        return 1;
    }
    std::printf("PASS\n");
    return 0;
}

// matmul_status (what the synthesis top computes) gives matmul_limit's status for every
// argument from just inside to just past each of its bounds, beside each other argument's.
int check_status() {
    const uint32_t max_w = cnnacc::design::matmul_max_w, depth = cnnacc::matmul_max_depth;
    const uint32_t a_words = cnnacc::design::matmul_a_buffer, b_words = cnnacc::design::matmul_b_buffer;
    const std::vector<uint32_t> values = {0u, 1u, 2u, 31u, 32u, 15u, 16u, max_w - 1, max_w, max_w + 1, depth - 1,
                                          depth, depth + 1, a_words - 1, a_words, a_words + 1, b_words, b_words + 1,
                                          (1u << 30) - 1, 1u << 30, (1u << 31) - 1, 1u << 31, UINT32_MAX};
    const uint32_t base[7] = {8, 16, 8, 1u << 30, 0, 0, 1};
    int checked = 0;
    for (int arg = 0; arg < 7; ++arg) {
        for (int other = 0; other < 7; ++other) {
            for (uint32_t value : values) {
                for (uint32_t second : values) {
                    uint32_t a[7] = {base[0], base[1], base[2], base[3], base[4], base[5], base[6]};
                    a[arg] = value;
                    a[other] = other == arg ? value : second;
                    const bool has_bias = a[6] != 0;
                    const uint32_t want = cnnacc::matmul_limit(a[0], a[1], a[2], a[3], a[4], a[5], has_bias).status;
                    const uint32_t got = cnnacc::matmul_status(a[0], a[1], a[2], a[3], a[4], a[5], has_bias);
                    if (got != want) {
                        std::printf("FAIL: matmul_status(%u, %u, %u, %u, %u, %u, %d) = %u, matmul_limit says %u\n",
                                    a[0], a[1], a[2], a[3], a[4], a[5], has_bias ? 1 : 0, got, want);
                        return 1;
                    }
                    ++checked;
                }
            }
        }
    }
    std::printf("matmul_status agrees with matmul_limit on %d argument sets\n", checked);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 7 && std::string(argv[1]) == "--call") {
        return check_call(argv + 2);
    }
    const std::string golden = argc > 1 ? argv[1] : "matmul/golden_u64_v32_w64.txt";
    std::printf("matmul testbench: TILE %d x %d x %d, rounding %s\n", cnnacc::design::tile_u,
                cnnacc::design::tile_v, cnnacc::design::tile_w,
                cnnacc::design::rounding_nearest ? "nearest" : "floor");
    if (check_status() || check_worked_example() || check_golden(golden) || check_odd_shapes() ||
        check_tiled_layouts()) {
        return 1;
    }
    std::printf("PASS\n");
    return 0;
}
