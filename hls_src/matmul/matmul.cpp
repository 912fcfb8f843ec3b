// Tiled quantized matmul, the synthesizable top of spec Part 2, Task 1.
//
// Schedule (output-stationary tiling, one tile of out at a time):
//   TileRows x TileCols over the tiles of out (TILE_U x TILE_W each)
//     ClearAcc
//     AccumulateV over the v dimension in steps of TILE_V:
//       LoadTileA (TILE_U x TILE_V), LoadTileB (TILE_V x TILE_W)   burst reads
//       ComputeTile: TILE_W MACs per cycle into a TILE_U x TILE_W int32 accumulator
//     RequantizeTile (eq. 5 or 6 of the contract, one output per cycle)
//     StoreTile                                                     burst writes
// Edge tiles (u, v, w not multiples of the tile) are handled by guards: loads past the edge
// store an operand of 0 (the value of an element equal to its zero point), so they add
// nothing to the accumulators; stores past the edge are skipped. Nothing outside A, B or out
// is ever read or written.
#include "matmul.hpp"

// Loop labels name loops in HLS reports and directives; they are never goto targets.
#pragma GCC diagnostic ignored "-Wunused-label"

#include <cstddef>

namespace {

using cnnacc::acc_t;
using cnnacc::operand_t;

constexpr int tile_u = cnnacc::design::tile_u;
constexpr int tile_v = cnnacc::design::tile_v;
constexpr int tile_w = cnnacc::design::tile_w;
// Tripcount hints of the runtime-bound tile loops (the report's shape).
constexpr int tiles_u = cnnacc::matmul_tiles_u;
constexpr int tiles_v = cnnacc::matmul_tiles_v;
constexpr int tiles_w = cnnacc::matmul_tiles_w;

// a_tile[r][c] = a[row0 + r][col0 + c] - zero_a, or 0 past the edge of A.
void load_tile_a(const uint8_t* a, operand_t a_tile[tile_u][tile_v], uint32_t row0,
                 uint32_t col0, uint32_t u, uint32_t v, uint8_t zero_a) {
LoadTileA:
    for (int r = 0; r < tile_u; ++r) {
    LoadTileARow:
        for (int c = 0; c < tile_v; ++c) {
#pragma HLS PIPELINE II = 1
            // one element per cycle along a row of A: consecutive addresses, one burst per row
            const uint32_t row = row0 + static_cast<uint32_t>(r);
            const uint32_t col = col0 + static_cast<uint32_t>(c);
            const bool inside = row < u && col < v;
            const size_t address = static_cast<size_t>(row) * v + col;
            a_tile[r][c] = inside ? static_cast<operand_t>(a[address] - zero_a) : operand_t{0};
        }
    }
}

// b_tile[r][c] = b[row0 + r][col0 + c] - zero_b, or 0 past the edge of B.
void load_tile_b(const uint8_t* b, operand_t b_tile[tile_v][tile_w], uint32_t row0,
                 uint32_t col0, uint32_t v, uint32_t w, uint8_t zero_b) {
LoadTileB:
    for (int r = 0; r < tile_v; ++r) {
    LoadTileBRow:
        for (int c = 0; c < tile_w; ++c) {
#pragma HLS PIPELINE II = 1
            // one element per cycle along a row of B: consecutive addresses, one burst per row
            const uint32_t row = row0 + static_cast<uint32_t>(r);
            const uint32_t col = col0 + static_cast<uint32_t>(c);
            const bool inside = row < v && col < w;
            const size_t address = static_cast<size_t>(row) * w + col;
            b_tile[r][c] = inside ? static_cast<operand_t>(b[address] - zero_b) : operand_t{0};
        }
    }
}

// acc[i][k] += sum_j a_tile[i][j] b_tile[j][k] (eq. 3), TILE_W MACs per cycle.
void compute_tile(const operand_t a_tile[tile_u][tile_v], const operand_t b_tile[tile_v][tile_w],
                  acc_t acc[tile_u][tile_w]) {
ComputeDepth:
    for (int j = 0; j < tile_v; ++j) {
    ComputeRows:
        for (int i = 0; i < tile_u; ++i) {
#pragma HLS PIPELINE II = 1
            // rows i change every cycle, so the accumulator read-modify-write of one row is
            // TILE_U cycles apart and II = 1 holds (a 1-cycle int32 add closes it at TILE_U = 1)
        MacCols:
            for (int k = 0; k < tile_w; ++k) {
#pragma HLS UNROLL
                // a row of TILE_W PEs: one product of 9-bit operands per DSP
                acc[i][k] += static_cast<acc_t>(a_tile[i][j]) * static_cast<acc_t>(b_tile[j][k]);
            }
        }
    }
}

// acc[i][k] = bias[row0 + i] (the layer's int32 bias, eq. 3 of the extended API) or 0.
void init_acc(acc_t acc[tile_u][tile_w], const int32_t* bias, uint32_t row0, uint32_t u) {
InitAcc:
    for (int i = 0; i < tile_u; ++i) {
#pragma HLS PIPELINE II = 1
        const uint32_t row = row0 + static_cast<uint32_t>(i);
        const acc_t start = (bias != nullptr && row < u) ? static_cast<acc_t>(bias[row]) : acc_t{0};
    InitAccRow:
        for (int k = 0; k < tile_w; ++k) {
            acc[i][k] = start;
        }
    }
}

// out_tile = requantize(acc) in the design's rounding mode (eq. 5 or 6).
void requantize_tile(const acc_t acc[tile_u][tile_w], uint8_t out_tile[tile_u][tile_w],
                     uint32_t M0, uint32_t n, uint8_t zero_out, uint8_t out_min) {
RequantizeTile:
    for (int i = 0; i < tile_u; ++i) {
    RequantizeRow:
        for (int k = 0; k < tile_w; ++k) {
#pragma HLS PIPELINE II = 1
            // one 32 x 31-bit multiply and shift per cycle: cheaper than TILE_W of them
            // a fused ReLU is a clamp from below at the output zero point (out_min)
            const uint8_t value = cnnacc::requantize(acc[i][k], M0, n, zero_out);
            out_tile[i][k] = value < out_min ? out_min : value;
        }
    }
}

// out[row0 + r][col0 + c] = out_tile[r][c] inside out; past the edge nothing is written.
void store_tile(uint8_t* out, const uint8_t out_tile[tile_u][tile_w], uint32_t row0,
                uint32_t col0, uint32_t u, uint32_t w) {
StoreTile:
    for (int r = 0; r < tile_u; ++r) {
    StoreTileRow:
        for (int c = 0; c < tile_w; ++c) {
#pragma HLS PIPELINE II = 1
            // one element per cycle along a row of out: one burst per row
            const uint32_t row = row0 + static_cast<uint32_t>(r);
            const uint32_t col = col0 + static_cast<uint32_t>(c);
            if (row < u && col < w) {
                out[static_cast<size_t>(row) * w + col] = out_tile[r][c];
            }
        }
    }
}

}  // namespace

namespace {

// The tiled schedule shared by both tops; bias may be nullptr (no bias).
void matmul_tiles(uint8_t* out, uint32_t M0, uint32_t n, const uint8_t* a, const uint8_t* b,
                  uint8_t zero_a, uint8_t zero_b, uint8_t zero_out, uint32_t u, uint32_t v,
                  uint32_t w, const int32_t* bias, uint8_t out_min) {
#pragma HLS INLINE
    operand_t a_tile[tile_u][tile_v];
    operand_t b_tile[tile_v][tile_w];
#pragma HLS ARRAY_PARTITION variable = b_tile complete dim = 2
    // ComputeTile reads a whole row of the B tile per cycle (MacCols is unrolled over k)
    acc_t acc[tile_u][tile_w];
#pragma HLS ARRAY_PARTITION variable = acc complete dim = 2
    // ... and updates a whole row of accumulators per cycle
    uint8_t out_tile[tile_u][tile_w];

TileRows:
    for (uint32_t row0 = 0; row0 < u; row0 += tile_u) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = tiles_u avg = tiles_u
    TileCols:
        for (uint32_t col0 = 0; col0 < w; col0 += tile_w) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = tiles_w avg = tiles_w
            init_acc(acc, bias, row0, u);
        AccumulateV:
            for (uint32_t depth0 = 0; depth0 < v; depth0 += tile_v) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = tiles_v avg = tiles_v
                load_tile_a(a, a_tile, row0, depth0, u, v, zero_a);
                load_tile_b(b, b_tile, depth0, col0, v, w, zero_b);
                compute_tile(a_tile, b_tile, acc);
            }
            requantize_tile(acc, out_tile, M0, n, zero_out, out_min);
            store_tile(out, out_tile, row0, col0, u, w);
        }
    }
}

}  // namespace

void matmul(uint8_t* out, const uint32_t M0, const uint32_t n, const uint8_t* a, const uint8_t* b,
            const uint8_t zero_a, const uint8_t zero_b, const uint8_t zero_out, uint32_t u,
            uint32_t v, uint32_t w) {
#pragma HLS INTERFACE m_axi port = a offset = slave bundle = gmem0 depth = 2048
#pragma HLS INTERFACE m_axi port = b offset = slave bundle = gmem1 depth = 2048
#pragma HLS INTERFACE m_axi port = out offset = slave bundle = gmem2 depth = 4096
    // one AXI master per matrix, so loads of A and B never contend for a port
    // (depths are the report's shape, 64 x 32, 32 x 64 and 64 x 64, for co-simulation)
#pragma HLS INTERFACE s_axilite port = out bundle = control
#pragma HLS INTERFACE s_axilite port = a bundle = control
#pragma HLS INTERFACE s_axilite port = b bundle = control
#pragma HLS INTERFACE s_axilite port = M0 bundle = control
#pragma HLS INTERFACE s_axilite port = n bundle = control
#pragma HLS INTERFACE s_axilite port = zero_a bundle = control
#pragma HLS INTERFACE s_axilite port = zero_b bundle = control
#pragma HLS INTERFACE s_axilite port = zero_out bundle = control
#pragma HLS INTERFACE s_axilite port = u bundle = control
#pragma HLS INTERFACE s_axilite port = v bundle = control
#pragma HLS INTERFACE s_axilite port = w bundle = control
#pragma HLS INTERFACE s_axilite port = return bundle = control

    matmul_tiles(out, M0, n, a, b, zero_a, zero_b, zero_out, u, v, w, nullptr, 0);
}

void matmul_layer(uint8_t* out, const uint32_t M0, const uint32_t n, const uint8_t* a,
                  const uint8_t* b, const uint8_t zero_a, const uint8_t zero_b,
                  const uint8_t zero_out, uint32_t u, uint32_t v, uint32_t w, const int32_t* bias,
                  const uint8_t out_min) {
#pragma HLS INTERFACE m_axi port = a offset = slave bundle = gmem0 depth = 2048
#pragma HLS INTERFACE m_axi port = b offset = slave bundle = gmem1 depth = 2048
#pragma HLS INTERFACE m_axi port = out offset = slave bundle = gmem2 depth = 4096
    // one AXI master per matrix, so loads of A and B never contend for a port
    // (depths are the report's shape, 64 x 32, 32 x 64 and 64 x 64, for co-simulation)
#pragma HLS INTERFACE s_axilite port = out bundle = control
#pragma HLS INTERFACE s_axilite port = a bundle = control
#pragma HLS INTERFACE s_axilite port = b bundle = control
#pragma HLS INTERFACE s_axilite port = M0 bundle = control
#pragma HLS INTERFACE s_axilite port = n bundle = control
#pragma HLS INTERFACE s_axilite port = zero_a bundle = control
#pragma HLS INTERFACE s_axilite port = zero_b bundle = control
#pragma HLS INTERFACE s_axilite port = zero_out bundle = control
#pragma HLS INTERFACE s_axilite port = u bundle = control
#pragma HLS INTERFACE s_axilite port = v bundle = control
#pragma HLS INTERFACE s_axilite port = w bundle = control
#pragma HLS INTERFACE m_axi port = bias offset = slave bundle = gmem0 depth = 64
#pragma HLS INTERFACE s_axilite port = bias bundle = control
#pragma HLS INTERFACE s_axilite port = out_min bundle = control
#pragma HLS INTERFACE s_axilite port = return bundle = control

    matmul_tiles(out, M0, n, a, b, zero_a, zero_b, zero_out, u, v, w, bias, out_min);
}
