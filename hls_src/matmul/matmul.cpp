// Quantized matmul accelerator, the synthesizable top of spec Part 2, Task 1.
//
// A DATAFLOW region of five processes joined by streams (hls::stream in Vitis):
//
//   load_a --A rows--> compute --accumulator rows--> requantize --out rows--> store
//   load_b --B rows--^
//
// Steps: for every output tile (ti, tk) of TILE_U x TILE_W, in row-major order, for every depth
// tile tj of TILE_V: the B tile (tj, tk) is held in the PE array (TILE_V x TILE_W registers,
// "B stationary") while the rows of the A tile (ti, tj) stream past it, one row per cycle:
// each cycle the array does TILE_V x TILE_W multiply-accumulates into one output row.
// - load_a / load_b read their tile with AXI words of AXI_WIDTH_BITS (one word per cycle, one
//   burst train per tile: one segment when the tile spans whole rows of its matrix, else one
//   per row), then emit it row by row. A B tile is read again only when it changes (with one
//   depth tile and one column tile, B is read once per call).
// - compute multiplies raw uint8 codes, two products per DSP48E2 (the pair shares the A
//   operand: a * (b1 << 18 | b0) = (a b1) << 18 + a b0, AMD WP486), and applies the zero
//   points after accumulation (Jacob et al. 2018 eq. 7-8): acc = sum a b - Zb sum a - Za sum b
//   + depth Za Zb, from the row sums of A and the column sums of B.
// - requantize adds the bias and turns REQUANT_LANES accumulators per cycle into uint8 codes
//   (numerical contract eq. 5 or 6, common/arith.hpp).
// - store gathers the rows of a band of TILE_U output rows (all its column tiles), then writes
//   the band as whole words in address order; the bytes of a word that crosses into the next
//   band wait in a carry word, so every word is written exactly once, in one burst train.
// Edges: rows past the edge of a tile are not streamed; depth past the edge is zero in the A
// rows, so the stale PE registers there add nothing. Nothing outside A, B or out is written;
// reads may touch the rest of the last word of a matrix (the host buffers are word-padded).
#include "matmul.hpp"

// Loop labels name loops in HLS reports and in cnnacc hls-estimate; they are never goto targets.
#pragma GCC diagnostic ignored "-Wunused-label"

#include <cstring>
#include <vector>

namespace {

using cnnacc::acc_t;
using cnnacc::bytes_t;
using cnnacc::stream;
using cnnacc::word_byte;
using cnnacc::word_t;

constexpr int tile_u = cnnacc::design::tile_u;
constexpr int tile_v = cnnacc::design::tile_v;
constexpr int tile_w = cnnacc::design::tile_w;
constexpr int lanes = cnnacc::design::requant_lanes;
constexpr int max_w = cnnacc::design::matmul_max_w;
constexpr int word_bytes = cnnacc::word_bytes;
constexpr uint64_t product_shift = 18;  // the second product of a DSP48E2 pair starts at bit 18
constexpr uint64_t product_mask = (uint64_t{1} << product_shift) - 1;

typedef bytes_t<tile_v> a_row_t;  // one row of an A tile, zero past its depth
typedef bytes_t<tile_w> b_row_t;  // one row of a B tile
typedef bytes_t<tile_w> out_row_t;
struct acc_row_t {
    acc_t v[tile_w];  // sum_j (a - Za)(b - Zb), exact
};

// The walk over the steps (ti, tk, tj) that every process repeats in the same order.
struct Steps {
    uint32_t tiles_u, tiles_v, tiles_w;
    uint32_t ti = 0, tk = 0, tj = 0;

    Steps(uint32_t u, uint32_t v, uint32_t w)
        : tiles_u((u + tile_u - 1) / tile_u),
          tiles_v((v + tile_v - 1) / tile_v),
          tiles_w((w + tile_w - 1) / tile_w) {}
    uint32_t count() const { return tiles_u * tiles_w * tiles_v; }
    uint32_t out_tiles() const { return tiles_u * tiles_w; }
    // B changes at every step, except with a single depth and column tile (B is one tile).
    bool b_reused(uint32_t step) const { return step > 0 && tiles_v == 1 && tiles_w == 1; }
    bool last_depth() const { return tj + 1 == tiles_v; }
    void next() {
        if (++tj == tiles_v) {
            tj = 0;
            if (++tk == tiles_w) {
                tk = 0;
                ++ti;
            }
        }
    }
    void next_out_tile() {
        if (++tk == tiles_w) {
            tk = 0;
            ++ti;
        }
    }
};

uint32_t extent(uint32_t total, uint32_t tile, uint32_t index) {
    const uint32_t rest = total - index * tile;
    return rest < tile ? rest : tile;
}

// The words a block read takes: a block of n_rows rows of len bytes, pitch bytes apart from
// byte base, is one segment when its rows are adjacent (pitch == len) and n_rows segments
// otherwise. Every segment reads the same number of words: the words covering it, or, when
// rows start at different offsets within a word, the most any offset needs.
struct Block {
    uint64_t base, pitch;
    uint32_t segments, segment_len, words_per_segment;

    Block(uint64_t base_, uint32_t n_rows, uint32_t len, uint64_t pitch_) : base(base_) {
        const bool adjacent = pitch_ == len || n_rows == 1;
        segments = adjacent ? 1 : n_rows;
        segment_len = adjacent ? n_rows * len : len;
        pitch = adjacent ? uint64_t{segment_len} : pitch_;
        const bool same_offsets = segments == 1 || pitch % word_bytes == 0;
        const uint64_t first = base / word_bytes;
        const uint64_t last = (base + segment_len - 1) / word_bytes;
        words_per_segment = same_offsets ? static_cast<uint32_t>(last - first + 1)
                                         : (segment_len + word_bytes - 2) / word_bytes + 1;
    }
    uint32_t words() const { return segments * words_per_segment; }
};

// The words of a block in read order: segment by segment, words_per_segment words each.
struct BlockWalk {
    const Block& block;
    uint32_t segment = 0, k = 0;

    explicit BlockWalk(const Block& block_) : block(block_) {}
    uint64_t word() const { return (block.base + segment * block.pitch) / word_bytes + k; }
    void next() {
        if (++k == block.words_per_segment) {
            k = 0;
            ++segment;
        }
    }
};

// Scatters the bytes of word index q that fall in segment s of block into buf (pitch len).
inline void scatter_word(const Block& block, uint32_t s, uint64_t q, const word_t& word,
                         uint8_t* buf) {
    const uint64_t start = block.base + s * block.pitch;
    for (int b = 0; b < word_bytes; ++b) {
        const int64_t offset = static_cast<int64_t>(q * word_bytes + b) - static_cast<int64_t>(start);
        if (offset >= 0 && offset < static_cast<int64_t>(block.segment_len)) {
            buf[s * block.segment_len + offset] = word_byte(word, b);
        }
    }
}

// A tiles (ti, tj) for every step, row by row.
void load_a(const word_t* a, stream<a_row_t>& a_rows, uint32_t u, uint32_t v, uint32_t w) {
    uint8_t tile[tile_u * tile_v];
    CNNACC_PRAGMA(HLS ARRAY_PARTITION variable = tile cyclic factor = CNNACC_A_BANKS)
    Steps steps(u, v, w);
LoadATiles:
    for (uint32_t step = 0; step < steps.count(); ++step) {
        const uint32_t rows = extent(u, tile_u, steps.ti);
        const uint32_t depth = extent(v, tile_v, steps.tj);
        const Block block(uint64_t{steps.ti} * tile_u * v + uint64_t{steps.tj} * tile_v, rows,
                          depth, v);
        BlockWalk walk(block);
    ReadA:
        for (uint32_t t = 0; t < block.words(); ++t) {
#pragma HLS PIPELINE II = 1
            const uint64_t q = walk.word();
            scatter_word(block, walk.segment, q, a[q], tile);
            walk.next();
        }
    EmitA:
        for (uint32_t r = 0; r < rows; ++r) {
#pragma HLS PIPELINE II = 1
            a_row_t row = {};
            for (int j = 0; j < tile_v; ++j) {
                row.v[j] = static_cast<uint32_t>(j) < depth ? tile[r * depth + j] : uint8_t{0};
            }
            a_rows.write(row);
        }
        steps.next();
    }
}

// B tiles (tj, tk) for every step that needs a new one, row by row.
void load_b(const word_t* b, stream<b_row_t>& b_rows, uint32_t u, uint32_t v, uint32_t w) {
    uint8_t tile[tile_v * tile_w];
    CNNACC_PRAGMA(HLS ARRAY_PARTITION variable = tile cyclic factor = CNNACC_B_BANKS)
    Steps steps(u, v, w);
LoadBTiles:
    for (uint32_t step = 0; step < steps.count(); ++step) {
        if (!steps.b_reused(step)) {
            const uint32_t depth = extent(v, tile_v, steps.tj);
            const uint32_t cols = extent(w, tile_w, steps.tk);
            const Block block(uint64_t{steps.tj} * tile_v * w + uint64_t{steps.tk} * tile_w, depth,
                              cols, w);
            BlockWalk walk(block);
        ReadB:
            for (uint32_t t = 0; t < block.words(); ++t) {
#pragma HLS PIPELINE II = 1
                const uint64_t q = walk.word();
                scatter_word(block, walk.segment, q, b[q], tile);
                walk.next();
            }
        EmitB:
            for (uint32_t j = 0; j < depth; ++j) {
#pragma HLS PIPELINE II = 1
                b_row_t row = {};
                for (int c = 0; c < tile_w; ++c) {
                    row.v[c] = static_cast<uint32_t>(c) < cols ? tile[j * cols + c] : uint8_t{0};
                }
                b_rows.write(row);
            }
        }
        steps.next();
    }
}

// The PE array: B tile held in registers, one A row per cycle, TILE_V x TILE_W MACs per cycle.
void compute(stream<a_row_t>& a_rows, stream<b_row_t>& b_rows, stream<acc_row_t>& acc_rows,
             uint8_t zero_a, uint8_t zero_b, uint32_t u, uint32_t v, uint32_t w) {
    uint8_t weights[tile_v][tile_w] = {};
#pragma HLS ARRAY_PARTITION variable = weights complete dim = 0
    uint32_t col_sums[tile_w] = {};  // sum over the depth so far of B, per column
#pragma HLS ARRAY_PARTITION variable = col_sums complete dim = 1
    uint32_t partial[tile_u][tile_w] = {};  // raw sums of earlier depth tiles, per output row
#pragma HLS ARRAY_PARTITION variable = partial complete dim = 2
    uint32_t row_sums[tile_u] = {};  // sum over the depth so far of A, per output row
    const int64_t zero_product = static_cast<int64_t>(v) * zero_a * zero_b;
    Steps steps(u, v, w);
ComputeSteps:
    for (uint32_t step = 0; step < steps.count(); ++step) {
        const uint32_t rows = extent(u, tile_u, steps.ti);
        if (!steps.b_reused(step)) {
            const uint32_t depth = extent(v, tile_v, steps.tj);
        LatchB:
            for (uint32_t j = 0; j < depth; ++j) {
#pragma HLS PIPELINE II = 1
                const b_row_t row = b_rows.read();
                const bool first = steps.tj == 0 && j == 0;
                for (int c = 0; c < tile_w; ++c) {
                    weights[j][c] = row.v[c];
                    col_sums[c] = (first ? 0u : col_sums[c]) + row.v[c];
                }
            }
        }
    StreamA:
        for (uint32_t r = 0; r < rows; ++r) {
#pragma HLS PIPELINE II = 1
            const a_row_t a = a_rows.read();
            uint32_t row_sum = 0;
            uint32_t sums[tile_w] = {};
            for (int j = 0; j < tile_v; ++j) {
                row_sum += a.v[j];
                for (int c = 0; c < tile_w; c += 2) {
                    if (c + 1 < tile_w) {  // one DSP48E2: two products sharing a.v[j]
                        const uint64_t packed = (uint64_t{weights[j][c + 1]} << product_shift) |
                                                weights[j][c];
                        const uint64_t pair = uint64_t{a.v[j]} * packed;
                        sums[c] += static_cast<uint32_t>(pair & product_mask);
                        sums[c + 1] += static_cast<uint32_t>(pair >> product_shift);
                    } else {
                        sums[c] += uint32_t{a.v[j]} * weights[j][c];
                    }
                }
            }
            const bool first = steps.tj == 0;
            const uint32_t total_row_sum = (first ? 0u : row_sums[r]) + row_sum;
            if (steps.last_depth()) {
                acc_row_t out;
                for (int c = 0; c < tile_w; ++c) {
                    const uint32_t raw = (first ? 0u : partial[r][c]) + sums[c];
                    // eq. 7-8: sum (a - Za)(b - Zb) = sum ab - Zb sum a - Za sum b + v Za Zb
                    out.v[c] = static_cast<acc_t>(static_cast<int64_t>(raw) -
                                                  int64_t{zero_b} * total_row_sum -
                                                  int64_t{zero_a} * col_sums[c] + zero_product);
                }
                acc_rows.write(out);
            } else {
                for (int c = 0; c < tile_w; ++c) {
                    partial[r][c] = (first ? 0u : partial[r][c]) + sums[c];
                }
                row_sums[r] = total_row_sum;
            }
        }
        steps.next();
    }
}

// acc + bias -> uint8 codes, REQUANT_LANES per cycle, clamped from below at output_floor.
void requantize(stream<acc_row_t>& acc_rows, stream<out_row_t>& out_rows, const int32_t* bias,
                uint8_t has_bias, uint32_t M0, uint32_t n, uint8_t zero_out, uint8_t output_floor,
                uint32_t u, uint32_t v, uint32_t w) {
    int32_t bias_tile[tile_u] = {};
    Steps steps(u, v, w);
RequantizeTiles:
    for (uint32_t tile = 0; tile < steps.out_tiles(); ++tile) {
        const uint32_t rows = extent(u, tile_u, steps.ti);
        const uint32_t cols = extent(w, tile_w, steps.tk);
        const uint32_t chunks = (cols + lanes - 1) / lanes;
        if (has_bias) {
        LoadBias:
            for (uint32_t r = 0; r < rows; ++r) {
#pragma HLS PIPELINE II = 1
                bias_tile[r] = bias[steps.ti * tile_u + r];
            }
        }
        acc_row_t acc;
        out_row_t out = {};
        uint32_t r = 0, chunk = 0;
    RequantizeRows:
        for (uint32_t t = 0; t < rows * chunks; ++t) {
#pragma HLS PIPELINE II = 1
            if (chunk == 0) {
                acc = acc_rows.read();
            }
            const int64_t offset = has_bias ? bias_tile[r] : 0;
            for (int lane = 0; lane < lanes; ++lane) {
                const uint32_t c = chunk * lanes + lane;
                if (c < static_cast<uint32_t>(tile_w)) {
                    const acc_t value = static_cast<acc_t>(acc.v[c] + offset);
                    const uint8_t code = cnnacc::requantize(value, M0, n, zero_out);
                    out.v[c] = code < output_floor ? output_floor : code;
                }
            }
            if (++chunk == chunks) {
                out_rows.write(out);
                chunk = 0;
                ++r;
            }
        }
        steps.next_out_tile();
    }
}

// Byte i of the carry bytes followed by the band bytes.
inline uint8_t joined_byte(const uint8_t carry[word_bytes], uint32_t carried, const uint8_t* band,
                           uint64_t i) {
    return i < carried ? carry[i] : band[i - carried];
}

// Output bands of TILE_U rows, written in address order as whole words.
void store(stream<out_row_t>& out_rows, word_t* out, uint32_t u, uint32_t v, uint32_t w) {
    uint8_t band[tile_u * max_w];
    CNNACC_PRAGMA(HLS ARRAY_PARTITION variable = band cyclic factor = CNNACC_OUT_BANKS)
    uint8_t carry[word_bytes] = {};
#pragma HLS ARRAY_PARTITION variable = carry complete dim = 1
    uint32_t carried = 0;    // bytes waiting in carry
    uint64_t next_word = 0;  // index of the next word of out
    Steps steps(u, v, w);
StoreTiles:
    for (uint32_t tile = 0; tile < steps.out_tiles(); ++tile) {
        const uint32_t rows = extent(u, tile_u, steps.ti);
        const uint32_t cols = extent(w, tile_w, steps.tk);
        const uint32_t col0 = steps.tk * tile_w;
    GatherOut:
        for (uint32_t r = 0; r < rows; ++r) {
#pragma HLS PIPELINE II = 1
            const out_row_t row = out_rows.read();
            for (int c = 0; c < tile_w; ++c) {
                if (static_cast<uint32_t>(c) < cols) {
                    band[r * w + col0 + c] = row.v[c];
                }
            }
        }
        if (steps.tk + 1 == steps.tiles_w) {  // the band is complete
            const uint64_t joined = carried + uint64_t{rows} * w;
            // whole words only, except the last band, whose last word is padded
            const bool last_band = tile + 1 == steps.out_tiles();
            const uint64_t n_words = last_band ? cnnacc::words_for(joined) : joined / word_bytes;
        WriteBand:
            for (uint64_t q = 0; q < n_words; ++q) {
#pragma HLS PIPELINE II = 1
                word_t word{};
                for (int b = 0; b < word_bytes; ++b) {
                    const uint64_t i = q * word_bytes + b;
                    cnnacc::set_word_byte(word, b, i < joined ? joined_byte(carry, carried, band, i) : 0);
                }
                out[next_word + q] = word;
            }
            next_word += n_words;
            const uint32_t left = last_band ? 0 : static_cast<uint32_t>(joined % word_bytes);
            uint8_t kept[word_bytes];
            for (int b = 0; b < word_bytes; ++b) {
                kept[b] = static_cast<uint32_t>(b) < left
                              ? joined_byte(carry, carried, band, n_words * word_bytes + b)
                              : uint8_t{0};
            }
            for (int b = 0; b < word_bytes; ++b) {
                carry[b] = kept[b];
            }
            carried = left;
        }
        steps.next_out_tile();
    }
}

}  // namespace

void matmul_kernel(word_t* out, const word_t* a, const word_t* b, const int32_t* bias,
                   const uint32_t M0, const uint32_t n, const uint8_t zero_a, const uint8_t zero_b,
                   const uint8_t zero_out, uint32_t u, uint32_t v, uint32_t w,
                   const uint8_t has_bias, const uint8_t output_floor) {
    // Bundles, burst length, outstanding requests and latency come from the design.
    CNNACC_PRAGMA(HLS INTERFACE m_axi port = a offset = slave bundle = CNNACC_BUNDLE_A
                  max_read_burst_length = AXI_BURST_BEATS num_read_outstanding = AXI_OUTSTANDING
                  latency = AXI_LATENCY)
    CNNACC_PRAGMA(HLS INTERFACE m_axi port = b offset = slave bundle = CNNACC_BUNDLE_B
                  max_read_burst_length = AXI_BURST_BEATS num_read_outstanding = AXI_OUTSTANDING
                  latency = AXI_LATENCY)
    CNNACC_PRAGMA(HLS INTERFACE m_axi port = bias offset = slave bundle = CNNACC_BUNDLE_A
                  max_read_burst_length = AXI_BURST_BEATS latency = AXI_LATENCY)
    CNNACC_PRAGMA(HLS INTERFACE m_axi port = out offset = slave bundle = CNNACC_BUNDLE_OUT
                  max_write_burst_length = AXI_BURST_BEATS num_write_outstanding = AXI_OUTSTANDING
                  latency = AXI_LATENCY)
#pragma HLS INTERFACE s_axilite port = return bundle = control
#pragma HLS DATAFLOW
    stream<a_row_t> a_rows;
    stream<b_row_t> b_rows;
    stream<acc_row_t> acc_rows;
    stream<out_row_t> out_rows;
    // each stream holds one tile (single buffering) or two (ping-pong)
    CNNACC_PRAGMA(HLS STREAM variable = a_rows depth = CNNACC_ROWS_DEPTH)
    CNNACC_PRAGMA(HLS STREAM variable = b_rows depth = CNNACC_DEPTH_DEPTH)
    CNNACC_PRAGMA(HLS STREAM variable = acc_rows depth = CNNACC_ROWS_DEPTH)
    CNNACC_PRAGMA(HLS STREAM variable = out_rows depth = CNNACC_ROWS_DEPTH)
    load_a(a, a_rows, u, v, w);
    load_b(b, b_rows, u, v, w);
    compute(a_rows, b_rows, acc_rows, zero_a, zero_b, u, v, w);
    requantize(acc_rows, out_rows, bias, has_bias, M0, n, zero_out, output_floor, u, v, w);
    store(out_rows, out, u, v, w);
}

#ifndef __SYNTHESIS__
// Host side of the spec's API: the byte arrays go to word-padded device buffers (as XRT
// buffers are), the kernel runs, the result comes back.

void matmul_layer(uint8_t* out, const uint32_t M0, const uint32_t n, const uint8_t* a,
                  const uint8_t* b, const uint8_t zero_a, const uint8_t zero_b,
                  const uint8_t zero_out, uint32_t u, uint32_t v, uint32_t w, const int32_t* bias,
                  const uint8_t output_floor) {
    const uint64_t out_bytes = uint64_t{u} * w;
    // one spare word after A and B: a block read may touch the word after the last one
    const std::vector<word_t> a_words = cnnacc::to_device(a, uint64_t{u} * v, 1);
    const std::vector<word_t> b_words = cnnacc::to_device(b, uint64_t{v} * w, 1);
    std::vector<word_t> out_words(cnnacc::words_for(out_bytes));
    std::vector<int32_t> bias_words(u, 0);
    if (bias != nullptr) {
        std::memcpy(bias_words.data(), bias, sizeof(int32_t) * u);
    }
    matmul_kernel(out_words.data(), a_words.data(), b_words.data(), bias_words.data(), M0, n,
                  zero_a, zero_b, zero_out, u, v, w, bias != nullptr ? 1 : 0, output_floor);
    cnnacc::from_device(out_words, out, out_bytes);
}

void matmul(uint8_t* out, const uint32_t M0, const uint32_t n, const uint8_t* a, const uint8_t* b,
            const uint8_t zero_a, const uint8_t zero_b, const uint8_t zero_out, uint32_t u,
            uint32_t v, uint32_t w) {
    matmul_layer(out, M0, n, a, b, zero_a, zero_b, zero_out, u, v, w, nullptr, 0);
}
#endif  // __SYNTHESIS__
