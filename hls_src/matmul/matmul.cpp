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
// - load_a / load_b are a DATAFLOW region each of two processes: the fetch reads the
//   operand's words as burst trains (FetchRun: sequential addresses, nothing conditional), and
//   one flattened pipelined loop (ReadRows) over the rows of every step's tile takes a word a
//   beat into a small ring and emits a row once all its words are held, so rows that share
//   words cost no extra read. A B that fits B_BUFFER_BYTES bytes (an activation matrix), or an
//   A that fits A_BUFFER_BYTES (the input of an FC layer, re-read for every column tile), is
//   fetched whole, in order, once, and may be row-major; a larger operand is tiled (the
//   `layout` argument, matmul.hpp; the host tiles a row-major one) and fetched one contiguous
//   run per output tile (A's row block) or band (all of B).
// - compute is one flattened pipelined loop (ComputeBeats) over two banks of B registers: the
//   next B tile latches into one bank, a row per beat, while the A rows stream past the tile
//   in the other; it multiplies raw uint8 codes, two products per DSP48E2 (the pair shares the
//   A operand: a * (b1 << 18 | b0) = (a b1) << 18 + a b0, AMD WP486), and applies the zero
//   points after accumulation (Jacob et al. 2018 eq. 7-8): acc = sum a b - Zb sum a - Za sum b
//   + depth Za Zb, from the row sums of A and the column sums of B.
// - requantize adds the bias (one per output row, or per output column) and turns
//   REQUANT_LANES accumulators per cycle into uint8 codes (numerical contract eq. 5 or 6,
//   common/arith.hpp).
// - store gathers the rows of a band of TILE_U output rows (all its column tiles), then writes
//   the band as whole words in address order; the bytes of a word that crosses into the next
//   band wait in a carry word, so every word is written exactly once, in one burst train.
// Edges: rows past the edge of a tile are not streamed; depth past the edge is zero in the A
// rows, so the stale PE registers there add nothing. Nothing outside A, B or out is written;
// reads may touch the rest of the last word of a matrix (the host buffers are word-padded).
#include "matmul.hpp"

// Loop labels name loops in HLS reports and in cnnacc hls-estimate; they are never goto targets.
#pragma GCC diagnostic ignored "-Wunused-label"
// compute's row sums are read only after the step that writes them (its `first` flag); g++
// cannot follow the flag through the flattened loop
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

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
constexpr int a_buffer = cnnacc::design::matmul_a_buffer;
constexpr int b_buffer = cnnacc::design::matmul_b_buffer;
constexpr int word_bytes = cnnacc::word_bytes;
constexpr uint64_t product_shift = 18;  // the second product of a DSP48E2 pair starts at bit 18
constexpr uint64_t product_mask = (uint64_t{1} << product_shift) - 1;
// Column entries are kept a tile's span apart, the span rounded up to whole chunks of lanes,
// so lane l of every chunk reads bank l (cyclic partition by lanes): a compile-time bank.
constexpr int lane_span = (tile_w + lanes - 1) / lanes * lanes;
constexpr int column_entries = (max_w + tile_w - 1) / tile_w * lane_span;
constexpr int bias_entries = tile_u > column_entries ? tile_u : column_entries;  // a band's rows or all columns
constexpr int bias_words = 3 * bias_entries;                                    // (bias, M0, n) each
constexpr int requant_beats = tile_u * (lane_span / lanes);                     // a tile's rows by chunks
constexpr uint32_t partial_distance = 4;  // beats from writing a row's partial sums to reading them

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

// The words a row of length bytes at byte address spans: first .. last.
inline uint64_t first_word(uint64_t address) { return address / word_bytes; }
inline uint64_t last_word(uint64_t address, uint32_t length) {
    return (address + length - 1) / word_bytes;
}

// Words a row of up to n bytes can span, at any offset within a word.
constexpr int window_words(int n) { return (n + word_bytes - 2) / word_bytes + 1; }
// Banks of a read ring for rows of n bytes.
constexpr int ring_banks(int n) { return n / word_bytes + 1; }

// The last K words taken, in order (a ring): a row whose words all lie in it is emitted
// without taking a word again (rows that share a word, as the rows of a tiled operand do;
// or any row of an operand held whole). Words come in address order from the operand's
// fetch; at the start of a run (restart) the ring holds none.
template <int K>
struct Window {
    word_t words[K];
    int64_t lo = 0, hi = -1;  // words lo .. hi are held (none while hi < lo)

    void restart(int64_t first) {
        lo = first;
        hi = first - 1;
    }
    // The word to take for a row on words .. last: the next one, while the row is not held;
    // whole (an operand of `whole` words held whole): the next one, until all are taken.
    bool wanted(int64_t last, int64_t whole, int64_t& q) const {
        q = hi + 1;
        return whole > 0 ? q < whole : q <= last;
    }
    void put(int64_t q, const word_t& word) {
        if (q + 1 - lo > K) {
            lo = q + 1 - K;
        }
        hi = q;
        words[q % K] = word;
    }
    bool holds(int64_t first, int64_t last) const { return first >= lo && last <= hi; }
    uint8_t byte(uint64_t address) const {
        return word_byte(words[(address / word_bytes) % K], static_cast<int>(address % word_bytes));
    }
};

// A run of an operand's words, fetched in one burst train: words first .. first + count - 1.
struct Run {
    uint64_t first = 0, count = 0;
};

inline Run run_of(uint64_t start, uint64_t end) {
    Run run;
    run.first = start / word_bytes;
    run.count = (end - 1) / word_bytes - run.first + 1;
    return run;
}

// The rows of the A tiles in step order: for every step (ti, tk, tj), rows r of tile ti,
// bytes tj * TILE_V .. + depth. Row-major A (held whole), or tiled (row blocks of TILE_U
// rows, each a run of TILE_V-byte tiles (ti, tj), zero-padded past v): row block ti is then
// one run, fetched again for every output tile (ti, tk).
struct ARows {
    Steps steps;
    uint32_t u, v;
    bool tiled;
    uint32_t r = 0;

    ARows(uint32_t u_, uint32_t v_, uint32_t w_, bool tiled_)
        : steps(u_, v_, w_), u(u_), v(v_), tiled(tiled_) {}
    uint64_t total() const { return uint64_t{u} * steps.tiles_w * steps.tiles_v; }
    uint64_t address() const {
        if (tiled) {
            const uint32_t rows = extent(u, tile_u, steps.ti);
            return (uint64_t{steps.ti} * tile_u * steps.tiles_v + uint64_t{steps.tj} * rows + r) * tile_v;
        }
        return (uint64_t{steps.ti} * tile_u + r) * v + uint64_t{steps.tj} * tile_v;
    }
    uint32_t length() const { return extent(v, tile_v, steps.tj); }
    void next() {
        if (++r == extent(u, tile_u, steps.ti)) {
            r = 0;
            steps.next();
        }
    }
    bool run_start() const { return steps.tj == 0 && r == 0; }  // an output tile's first row
    uint32_t runs() const { return steps.tiles_u * steps.tiles_w; }
    uint32_t runs_per_band() const { return steps.tiles_w; }
    // Row block ti of a tiled A: from its first row to the end of its last row's bytes.
    Run run(uint32_t ti) const { return run_of(uint64_t{ti} * tile_u * steps.tiles_v * tile_v, run_end(ti)); }
    uint64_t run_end(uint32_t ti) const {
        const uint32_t rows = extent(u, tile_u, ti);
        const uint64_t last_row = (uint64_t{ti} * tile_u * steps.tiles_v + uint64_t{steps.tiles_v - 1} * rows + rows - 1);
        return last_row * tile_v + extent(v, tile_v, steps.tiles_v - 1);
    }
    // One past the last byte any row reads.
    uint64_t end() const { return tiled ? run_end(steps.tiles_u - 1) : uint64_t{u} * v; }
};

// The rows of the B tiles in step order, for the steps that latch a new B tile: rows j of
// depth tile tj, bytes tk * TILE_W .. + cols. Row-major B (held whole), or tiled (column
// blocks of TILE_W bytes, zero-padded past w, each holding all v rows): the blocks in order
// are then one run, fetched again for every band of output rows.
struct BRows {
    Steps steps;
    uint32_t v, w;
    bool tiled;
    uint32_t j = 0;

    BRows(uint32_t u_, uint32_t v_, uint32_t w_, bool tiled_)
        : steps(u_, v_, w_), v(v_), w(w_), tiled(tiled_) {}
    bool one_tile() const { return steps.tiles_v == 1 && steps.tiles_w == 1; }
    uint64_t total() const { return one_tile() ? uint64_t{v} : uint64_t{steps.tiles_u} * steps.tiles_w * v; }
    uint64_t address() const {
        const uint64_t row = uint64_t{steps.tj} * tile_v + j;
        return tiled ? (uint64_t{steps.tk} * v + row) * tile_w : row * w + uint64_t{steps.tk} * tile_w;
    }
    uint32_t length() const { return extent(w, tile_w, steps.tk); }
    void next() {
        if (++j == extent(v, tile_v, steps.tj)) {
            j = 0;
            steps.next();
        }
    }
    bool run_start() const { return steps.tk == 0 && steps.tj == 0 && j == 0; }  // a band's first row
    uint32_t runs() const { return one_tile() ? 1u : steps.tiles_u; }
    uint32_t runs_per_band() const { return 1; }
    Run run(uint32_t) const { return run_of(0, end()); }
    uint64_t end() const {
        return tiled ? (uint64_t{steps.tiles_w - 1} * v + v - 1) * tile_w + extent(w, tile_w, steps.tiles_w - 1)
                     : uint64_t{v} * w;
    }
};

// The fetch of an operand: its words in the order read_rows takes them, as burst trains of
// sequential addresses with nothing conditional in the loop (UG1399, "Optimizing Burst
// Transfers": automatic burst inference). Held whole: one run of `whole` words; tiled: one
// run per band (B) or per output tile (A), each Rows::run.
template <class Rows>
void fetch_words(const word_t* mem, Rows rows, int64_t whole, stream<word_t>& words) {
    const uint32_t runs = whole > 0 ? 1u : rows.runs();
    const uint32_t per_band = rows.runs_per_band();
    uint32_t band = 0, k = 0;
FetchRuns:
    for (uint32_t i = 0; i < runs; ++i) {
        CNNACC_PRAGMA(HLS LOOP_TRIPCOUNT min = 1 max = CNNACC_MATMUL_MAX_OUT_TILES)
        const Run run = whole > 0 ? Run{0, static_cast<uint64_t>(whole)} : rows.run(band);
        const uint64_t base = run.first, count = run.count;
    FetchRun:
        for (uint64_t q = 0; q < count; ++q) {
#pragma HLS PIPELINE II = 1
            CNNACC_PRAGMA(HLS LOOP_TRIPCOUNT min = 1 max = CNNACC_MATMUL_MAX_RUN_WORDS)
            words.write(mem[base + q]);
        }
        if (++k == per_band) {
            k = 0;
            ++band;
        }
    }
}

// One flattened pipelined loop over beats: each beat takes at most one word from the fetch
// and emits at most one row (N bytes, zero past the row's length) once all its words are
// held. With whole > 0 the operand's `whole` words come in address order into a ring of
// K >= whole words (rows go out as soon as their words are in); else the words of each run
// (the rows of a tiled operand from Rows::run_start on) come in address order.
template <int N, int K, class Rows>
void read_rows(stream<word_t>& words, Rows rows, int64_t whole, stream<bytes_t<N>>& out) {
    Window<K> window;
    [[maybe_unused]] constexpr int banks = ring_banks(N);  // a row of N bytes from distinct banks
#pragma HLS ARRAY_PARTITION variable = window.words cyclic factor = banks
    const uint64_t total = rows.total();
    uint64_t done = 0;
    if (whole == 0) {
        window.restart(static_cast<int64_t>(first_word(rows.address())));
    }
ReadRows:
    while (done < total) {
#pragma HLS PIPELINE II = 1
        CNNACC_PRAGMA(HLS LOOP_TRIPCOUNT min = 1 max = CNNACC_MATMUL_MAX_ROW_BEATS)
        const uint64_t address = rows.address();
        const uint32_t length = rows.length();
        const int64_t first = static_cast<int64_t>(first_word(address));
        const int64_t last = static_cast<int64_t>(last_word(address, length));
        int64_t q;
        if (window.wanted(last, whole, q)) {
            window.put(q, words.read());
        }
        if (window.holds(first, last)) {
            bytes_t<N> row = {};
            for (int c = 0; c < N; ++c) {
                row.v[c] = static_cast<uint32_t>(c) < length ? window.byte(address + c) : uint8_t{0};
            }
            out.write(row);
            rows.next();
            ++done;
            if (whole == 0 && done < total && rows.run_start()) {
                window.restart(static_cast<int64_t>(first_word(rows.address())));
            }
        }
    }
}

// Words of a load ring for rows of n bytes: the row window, or all of `buffer` bytes.
constexpr int ring_words(int n, int buffer) {
    return window_words(n) > buffer / word_bytes ? window_words(n) : buffer / word_bytes;
}
constexpr int a_ring_words = ring_words(tile_v, a_buffer);
constexpr int b_ring_words = ring_words(tile_w, b_buffer);

// The words of an operand whose rows end before byte `end` when a ring of `buffer` bytes
// holds them, else 0.
inline int64_t whole_words(uint64_t end, int buffer) {
    const uint64_t words = cnnacc::words_for(end);
    return words <= static_cast<uint64_t>(buffer / word_bytes) ? static_cast<int64_t>(words) : 0;
}

// The fetch and the rows of A and of B, each from the layout bits. A or B is held whole when it
// fits its ring (the input of an FC layer, an activation matrix kept on chip), else it is
// tiled (matmul_limit) and fetched run by run. Plain functions per operand, not one template:
// a DATAFLOW process takes scalars and streams, and each builds its own Rows walk from them.
void fetch_a(const word_t* a, stream<word_t>& words, uint32_t u, uint32_t v, uint32_t w, uint8_t layout) {
    const ARows rows(u, v, w, (layout & cnnacc::layout_a_tiled) != 0);
    fetch_words(a, rows, whole_words(rows.end(), a_buffer), words);
}

void rows_a(stream<word_t>& words, stream<a_row_t>& a_rows, uint32_t u, uint32_t v, uint32_t w, uint8_t layout) {
    const ARows rows(u, v, w, (layout & cnnacc::layout_a_tiled) != 0);
    read_rows<tile_v, a_ring_words>(words, rows, whole_words(rows.end(), a_buffer), a_rows);
}

void fetch_b(const word_t* b, stream<word_t>& words, uint32_t u, uint32_t v, uint32_t w, uint8_t layout) {
    const BRows rows(u, v, w, (layout & cnnacc::layout_b_tiled) != 0);
    fetch_words(b, rows, whole_words(rows.end(), b_buffer), words);
}

void rows_b(stream<word_t>& words, stream<b_row_t>& b_rows, uint32_t u, uint32_t v, uint32_t w, uint8_t layout) {
    const BRows rows(u, v, w, (layout & cnnacc::layout_b_tiled) != 0);
    read_rows<tile_w, b_ring_words>(words, rows, whole_words(rows.end(), b_buffer), b_rows);
}

// A load: its fetch and its rows, a DATAFLOW region of their own joined by a stream of words.
void load_a(const word_t* a, stream<a_row_t>& a_rows, uint32_t u, uint32_t v, uint32_t w, uint8_t layout) {
#pragma HLS DATAFLOW
    stream<word_t> words;
    CNNACC_PRAGMA(HLS STREAM variable = words depth = CNNACC_FETCH_DEPTH)
    fetch_a(a, words, u, v, w, layout);
    rows_a(words, a_rows, u, v, w, layout);
}

void load_b(const word_t* b, stream<b_row_t>& b_rows, uint32_t u, uint32_t v, uint32_t w, uint8_t layout) {
#pragma HLS DATAFLOW
    stream<word_t> words;
    CNNACC_PRAGMA(HLS STREAM variable = words depth = CNNACC_FETCH_DEPTH)
    fetch_b(b, words, u, v, w, layout);
    rows_b(words, b_rows, u, v, w, layout);
}

// What the beats of one step do: `rows` A rows stream past the tile of bank `bank` while the
// `depth` rows of the next B tile latch into the other bank; the step lasts `beats` beats
// (max of the two, at least partial_distance when it writes partial sums).
struct StepPlan {
    uint32_t rows = 0, depth = 0, beats = 1;
    bool first = true;        // the streaming step is the first of its output tile (tj == 0)
    bool last_depth = true;   // ... and the last (its rows leave as accumulators)
    bool continues = false;   // the latching tile is not the first of its column sums (tj > 0)
};

// The plan of step s (-1: the first tile latches alone) from the walk at that step: `cur` the
// streaming step, `next` the latching one. Tile extents are a compare with the last index.
StepPlan plan_step(const Steps& cur, const Steps& next, int64_t s, int64_t count, bool one_tile, uint32_t u_last,
                   uint32_t v_last) {
    StepPlan plan;
    plan.rows = s < 0 ? 0u : (cur.ti + 1 == cur.tiles_u ? u_last : uint32_t{tile_u});
    const bool latching = s + 1 < count && (s < 0 || !one_tile);
    plan.depth = !latching ? 0u : (next.tj + 1 == next.tiles_v ? v_last : uint32_t{tile_v});
    plan.first = cur.tj == 0;
    plan.last_depth = cur.last_depth();
    plan.continues = next.tj > 0;
    const uint32_t busy = plan.rows > plan.depth ? plan.rows : plan.depth;
    const bool writes_partial = s >= 0 && !plan.last_depth;
    plan.beats = writes_partial && busy < partial_distance ? partial_distance : busy;
    return plan;
}

// The PE array, one flattened pipelined loop over beats. Two banks of TILE_V x TILE_W
// registers hold B tiles: while the A rows of step s stream past the tile of step s (one row
// and TILE_V x TILE_W MACs per beat), the rows of the next B tile latch into the other bank,
// one per beat. Step s takes max(its A rows, the next tile's depth) beats (at least
// partial_distance when it writes partial sums); the first tile latches alone. The plan of
// the following step is worked out one step ahead, so a beat only counts against `beats`.
void compute(stream<a_row_t>& a_rows, stream<b_row_t>& b_rows, stream<acc_row_t>& acc_rows,
             uint8_t zero_a, uint8_t zero_b, uint32_t u, uint32_t v, uint32_t w) {
    uint8_t weights[2][tile_v][tile_w] = {};
#pragma HLS ARRAY_PARTITION variable = weights complete dim = 0
    uint32_t col_sums[2][tile_w] = {};  // per bank: sum of B over the depth up to its tile
#pragma HLS ARRAY_PARTITION variable = col_sums complete dim = 0
    uint32_t partial[tile_u][tile_w] = {};  // raw sums of earlier depth tiles, per output row
#pragma HLS ARRAY_PARTITION variable = partial complete dim = 2
    // sum over the depth so far of A, per output row; read only after it is written (no
    // initializer: a local RAM with one is written again on every call, an init loop)
    uint32_t row_sums[tile_u];
    // A row's sums are read again one step after they are written, at least partial_distance
    // beats later (a step that writes them lasts that long): the block RAM's read, add and
    // write fit between, at II 1.
#pragma HLS DEPENDENCE variable = partial inter distance = partial_distance true
#pragma HLS DEPENDENCE variable = row_sums inter distance = partial_distance true
    const int64_t zero_product = static_cast<int64_t>(v) * zero_a * zero_b;
    Steps cur(u, v, w);   // the walk one step ahead of the beats: the streaming step of the plan ahead
    Steps next(u, v, w);  // ... and its latching step
    const int64_t count = cur.count();
    const bool one_tile = cur.tiles_v == 1 && cur.tiles_w == 1;
    const uint32_t u_last = u - (cur.tiles_u - 1) * tile_u;  // rows of the last row tile
    const uint32_t v_last = v - (cur.tiles_v - 1) * tile_v;  // depth of the last depth tile
    StepPlan now = plan_step(cur, next, -1, count, one_tile, u_last, v_last);
    next.next();
    StepPlan ahead = plan_step(cur, next, 0, count, one_tile, u_last, v_last);
    int64_t s = -1;  // the streaming step; -1 while the first tile latches alone
    uint32_t t = 0;  // beat within the step
    int bank = 1;    // the bank of the streaming step's tile
ComputeBeats:
    while (s < count) {
#pragma HLS PIPELINE II = 1
        CNNACC_PRAGMA(HLS LOOP_TRIPCOUNT min = 1 max = CNNACC_MATMUL_MAX_ROW_BEATS)
        const uint32_t rows = now.rows;
        const uint32_t depth = now.depth;
        if (t < depth) {
            const b_row_t row = b_rows.read();
#pragma HLS ARRAY_PARTITION variable = row.v complete dim = 1
            const int other = 1 - bank;
            for (int c = 0; c < tile_w; ++c) {
                const uint32_t base = t > 0 ? col_sums[other][c] : (now.continues ? col_sums[bank][c] : 0u);
                weights[other][t][c] = row.v[c];
                col_sums[other][c] = base + row.v[c];
            }
        }
        if (t < rows) {
            const a_row_t a = a_rows.read();
#pragma HLS ARRAY_PARTITION variable = a.v complete dim = 1
            uint32_t row_sum = 0;
            uint32_t sums[tile_w] = {};
#pragma HLS ARRAY_PARTITION variable = sums complete dim = 1
            for (int j = 0; j < tile_v; ++j) {
                row_sum += a.v[j];
                for (int c = 0; c < tile_w; c += 2) {
                    if (c + 1 < tile_w) {  // one DSP48E2: two products sharing a.v[j]
                        const uint64_t packed = (uint64_t{weights[bank][j][c + 1]} << product_shift) |
                                                weights[bank][j][c];
                        const uint64_t pair = uint64_t{a.v[j]} * packed;
                        sums[c] += static_cast<uint32_t>(pair & product_mask);
                        sums[c + 1] += static_cast<uint32_t>(pair >> product_shift);
                    } else {
                        sums[c] += uint32_t{a.v[j]} * weights[bank][j][c];
                    }
                }
            }
            const bool first = now.first;
            const uint32_t total_row_sum = (first ? 0u : row_sums[t]) + row_sum;
            if (now.last_depth) {
                acc_row_t out;
#pragma HLS ARRAY_PARTITION variable = out.v complete dim = 1
                for (int c = 0; c < tile_w; ++c) {
                    const uint32_t raw = (first ? 0u : partial[t][c]) + sums[c];
                    // eq. 7-8: sum (a - Za)(b - Zb) = sum ab - Zb sum a - Za sum b + v Za Zb
                    out.v[c] = static_cast<acc_t>(static_cast<int64_t>(raw) -
                                                  int64_t{zero_b} * total_row_sum -
                                                  int64_t{zero_a} * col_sums[bank][c] + zero_product);
                }
                acc_rows.write(out);
            } else {
                for (int c = 0; c < tile_w; ++c) {
                    partial[t][c] = (first ? 0u : partial[t][c]) + sums[c];
                }
                row_sums[t] = total_row_sum;
            }
        }
        if (++t >= now.beats) {
            t = 0;
            if (depth > 0) {
                bank = 1 - bank;
            }
            now = ahead;
            ++s;
            cur.next();
            next.next();
            ahead = plan_step(cur, next, s + 1, count, one_tile, u_last, v_last);
        }
    }
}

// acc + bias -> uint8 codes, REQUANT_LANES per cycle, clamped from below at output_floor.
// The bias is one int32 per output row (read again for every band of TILE_U rows) or, with
// bias_columns, one per output column (read once). With channel_scales each entry is three
// words, (bias, M0, n): every row (or column) is requantized by its own multiplier.
void requantize(stream<acc_row_t>& acc_rows, stream<out_row_t>& out_rows, const int32_t* bias,
                uint8_t has_bias, uint8_t layout, uint32_t M0, uint32_t n, uint8_t zero_out,
                uint8_t output_floor, uint32_t u, uint32_t v, uint32_t w) {
    const bool bias_columns = (layout & cnnacc::layout_bias_columns) != 0;
    const bool channel_scales = (layout & cnnacc::layout_channel_scales) != 0;
    // entries are read only once loaded (no initializer: no init loop on every call)
    int32_t bias_buffer[bias_entries];
    uint32_t m0_buffer[bias_entries];
    uint8_t shift_buffer[bias_entries];
    // a bias (and a multiplier) per lane per cycle (column biases)
#pragma HLS ARRAY_PARTITION variable = bias_buffer cyclic factor = lanes
#pragma HLS ARRAY_PARTITION variable = m0_buffer cyclic factor = lanes
#pragma HLS ARRAY_PARTITION variable = shift_buffer cyclic factor = lanes
    const uint32_t fields = channel_scales ? 3 : 1;  // words per entry on the bias port
    Steps steps(u, v, w);
RequantizeTiles:
    for (uint32_t tile = 0; tile < steps.out_tiles(); ++tile) {
        CNNACC_PRAGMA(HLS LOOP_TRIPCOUNT min = 1 max = CNNACC_MATMUL_MAX_OUT_TILES)
        const uint32_t rows = extent(u, tile_u, steps.ti);
        const uint32_t cols = extent(w, tile_w, steps.tk);
        const uint32_t chunks = (cols + lanes - 1) / lanes;
        if (has_bias && (bias_columns ? tile == 0 : steps.tk == 0)) {
            const uint32_t entries = bias_columns ? w : rows;
            const uint32_t offset = bias_columns ? 0 : steps.ti * tile_u;
            // a column's entry: its tile's span plus its place in the tile; a row's: the row
            const uint32_t span = bias_columns ? lane_span : tile_w;
            uint32_t base = 0, place = 0, field = 0;
        LoadBias:
            for (uint32_t i = 0; i < entries * fields; ++i) {
#pragma HLS PIPELINE II = 1
                CNNACC_PRAGMA(HLS LOOP_TRIPCOUNT min = 1 max = bias_words)
                const int32_t word = bias[offset * fields + i];
                const uint32_t entry = base + place;
                if (field == 0) {
                    bias_buffer[entry] = word;
                } else if (field == 1) {
                    m0_buffer[entry] = static_cast<uint32_t>(word);
                } else {
                    shift_buffer[entry] = static_cast<uint8_t>(word);
                }
                if (++field == fields) {
                    field = 0;
                    if (++place == tile_w) {
                        place = 0;
                        base += span;
                    }
                }
            }
        }
        acc_row_t acc;
        out_row_t out = {};
        uint32_t r = 0, chunk = 0;
    RequantizeRows:
        for (uint32_t t = 0; t < rows * chunks; ++t) {
#pragma HLS PIPELINE II = 1
            CNNACC_PRAGMA(HLS LOOP_TRIPCOUNT min = 1 max = requant_beats)
            if (chunk == 0) {
                acc = acc_rows.read();
            }
            // a row's bias and scale: one read of one entry, for every lane
            const bool by_row = !bias_columns;
            const int64_t row_offset = has_bias && by_row ? int64_t{bias_buffer[r]} : int64_t{0};
            const uint32_t row_m0 = channel_scales && by_row ? m0_buffer[r] : M0;
            const uint32_t row_shift = channel_scales && by_row ? uint32_t{shift_buffer[r]} : n;
            for (int lane = 0; lane < lanes; ++lane) {
                const uint32_t c = chunk * lanes + lane;
                if (c < cols) {
                    const uint32_t entry = steps.tk * lane_span + chunk * lanes + lane;  // bank: lane
                    const bool by_column = bias_columns && has_bias;
                    const int64_t offset = by_column ? int64_t{bias_buffer[entry]} : row_offset;
                    const acc_t value = static_cast<acc_t>(acc.v[c] + offset);
                    const bool scaled = bias_columns && channel_scales;
                    const uint32_t m0 = scaled ? m0_buffer[entry] : row_m0;
                    const uint32_t shift = scaled ? uint32_t{shift_buffer[entry]} : row_shift;
                    const uint8_t code = cnnacc::requantize(value, m0, shift, zero_out);
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

// Words of the band buffer: a band of TILE_U rows of up to MAX_W bytes, from any lane
// of its first word on.
constexpr int band_words = (tile_u * max_w + word_bytes - 1) / word_bytes + 1;

// Output bands of TILE_U rows, written in address order as whole words. The band buffer holds
// the band's bytes where they go in out: word q of the buffer is word q of the band's first
// word on, byte lane b of a word in bank b. A row of a tile lands at a run-time address, so
// GatherOut turns its bytes to their lanes in registers (a rotation) and each lane's bank is
// written once a cycle: the bank of every access is a compile-time value (UG1399, "Array
// Partition"). WriteBand reads a word a cycle into out_words; the bytes of a word shared with
// the next band wait in a carry word, so every word of out is emitted exactly once, in order.
void store(stream<out_row_t>& out_rows, stream<word_t>& out_words, uint32_t u, uint32_t v, uint32_t w) {
    uint8_t band[band_words][word_bytes];
#pragma HLS ARRAY_PARTITION variable = band complete dim = 2
    uint8_t carry[word_bytes] = {};  // lanes below the band's first lane: the last band's bytes
#pragma HLS ARRAY_PARTITION variable = carry complete dim = 1
    Steps steps(u, v, w);
StoreTiles:
    for (uint32_t tile = 0; tile < steps.out_tiles(); ++tile) {
        CNNACC_PRAGMA(HLS LOOP_TRIPCOUNT min = 1 max = CNNACC_MATMUL_MAX_OUT_TILES)
        const uint32_t rows = extent(u, tile_u, steps.ti);
        const uint32_t cols = extent(w, tile_w, steps.tk);
        const uint64_t band_start = uint64_t{steps.ti} * tile_u * w;  // the band's first byte in out
        const uint32_t first_lane = static_cast<uint32_t>(band_start % word_bytes);
        // byte (r, col0) of the band, from its first word on: computed incrementally
        uint64_t at = first_lane + uint64_t{steps.tk} * tile_w;
    GatherOut:
        for (uint32_t r = 0; r < rows; ++r) {
#pragma HLS PIPELINE II = 1
            CNNACC_PRAGMA(HLS LOOP_TRIPCOUNT min = 1 max = TILE_U)
            const out_row_t row = out_rows.read();
#pragma HLS ARRAY_PARTITION variable = row.v complete dim = 1
            const uint64_t word = at / word_bytes;
            const uint32_t offset = static_cast<uint32_t>(at % word_bytes);
            for (int lane = 0; lane < word_bytes; ++lane) {
                // the bytes c = lane - offset (mod a word) + k words of the row's tile go to lane
                for (int k = 0; k < (tile_w + word_bytes - 1) / word_bytes + 1; ++k) {
                    const int64_t c = static_cast<int64_t>(lane) - offset + int64_t{k} * word_bytes;
                    if (c >= 0 && c < static_cast<int64_t>(cols)) {
                        band[word + k][lane] = row.v[c];
                    }
                }
            }
            at += w;
        }
        if (steps.tk + 1 == steps.tiles_w) {  // the band is complete
            const uint64_t band_end = band_start + uint64_t{rows} * w;
            const bool last_band = tile + 1 == steps.out_tiles();
            // the words the band completes; the last band also writes its partial last word
            const uint64_t n_words = (last_band ? cnnacc::words_for(band_end) : band_end / word_bytes) -
                                     band_start / word_bytes;
            const uint32_t end_lane = static_cast<uint32_t>(band_end % word_bytes);
            const uint64_t end_word = band_end / word_bytes - band_start / word_bytes;
        WriteBand:
            for (uint64_t q = 0; q < n_words; ++q) {
#pragma HLS PIPELINE II = 1
                CNNACC_PRAGMA(HLS LOOP_TRIPCOUNT min = 1 max = band_words)
                word_t word{};
                for (int lane = 0; lane < word_bytes; ++lane) {
                    const uint32_t b = static_cast<uint32_t>(lane);
                    const bool carried = q == 0 && b < first_lane;
                    const bool padding = q == end_word && b >= end_lane;  // past the last band's end
                    cnnacc::set_word_byte(word, lane, carried ? carry[lane] : (padding ? uint8_t{0} : band[q][lane]));
                }
                out_words.write(word);
            }
            // the band's partial last word waits for the next band (its lanes below end_lane)
            for (int lane = 0; lane < word_bytes; ++lane) {
#pragma HLS UNROLL
                const bool carried = end_word == 0 && static_cast<uint32_t>(lane) < first_lane;
                carry[lane] = carried ? carry[lane] : band[end_word][lane];
            }
        }
        steps.next_out_tile();
    }
}

// Every word of out in address order: one pipelined loop over the whole output, so the
// writes are one burst train and the write responses are waited for once, at its end (a burst
// loop inside StoreTiles would wait for them once a band: UG1399, "AXI Burst Transfers" and
// "Optimizing Burst Transfers"; im2col's write_output is the same process).
void write_output(stream<word_t>& out_words, word_t* out, uint32_t u, uint32_t w) {
    const uint64_t words = cnnacc::words_for(uint64_t{u} * w);
WriteOut:
    for (uint64_t q = 0; q < words; ++q) {
#pragma HLS PIPELINE II = 1
        CNNACC_PRAGMA(HLS LOOP_TRIPCOUNT min = 1 max = CNNACC_MATMUL_MAX_OUT_WORDS)
        out[q] = out_words.read();
    }
}

// The DATAFLOW region: nothing but the streams and the process calls (UG1399, "Dataflow":
// canonical form).
void run(word_t* out, const word_t* a, const word_t* b, const int32_t* bias, uint32_t M0, uint32_t n,
         uint8_t zero_a, uint8_t zero_b, uint8_t zero_out, uint32_t u, uint32_t v, uint32_t w, uint8_t has_bias,
         uint8_t output_floor, uint8_t layout) {
#pragma HLS DATAFLOW
    stream<a_row_t> a_rows;
    stream<b_row_t> b_rows;
    stream<acc_row_t> acc_rows;
    stream<out_row_t> out_rows;
    stream<word_t> out_words;
    // each stream holds one tile (single buffering) or two (ping-pong); out_words a burst or two
    CNNACC_PRAGMA(HLS STREAM variable = a_rows depth = CNNACC_ROWS_DEPTH)
    CNNACC_PRAGMA(HLS STREAM variable = b_rows depth = CNNACC_DEPTH_DEPTH)
    CNNACC_PRAGMA(HLS STREAM variable = acc_rows depth = CNNACC_ROWS_DEPTH)
    CNNACC_PRAGMA(HLS STREAM variable = out_rows depth = CNNACC_ROWS_DEPTH)
    CNNACC_PRAGMA(HLS STREAM variable = out_words depth = CNNACC_OUT_WORDS_DEPTH)
    load_a(a, a_rows, u, v, w, layout);
    load_b(b, b_rows, u, v, w, layout);
    compute(a_rows, b_rows, acc_rows, zero_a, zero_b, u, v, w);
    requantize(acc_rows, out_rows, bias, has_bias, layout, M0, n, zero_out, output_floor, u, v, w);
    store(out_rows, out_words, u, v, w);
    write_output(out_words, out, u, w);
}

}  // namespace

uint32_t matmul_kernel(word_t* out, const word_t* a, const word_t* b, const int32_t* bias,
                       const uint32_t M0, const uint32_t n, const uint8_t zero_a, const uint8_t zero_b,
                       const uint8_t zero_out, uint32_t u, uint32_t v, uint32_t w,
                       const uint8_t has_bias, const uint8_t output_floor, const uint8_t layout) {
    // Bundles, burst length, outstanding requests and latency come from the design.
    CNNACC_PRAGMA(HLS INTERFACE m_axi port = a offset = slave bundle = CNNACC_BUNDLE_A
                  max_read_burst_length = BURST_BEATS num_read_outstanding = MAX_OUTSTANDING
                  latency = MEM_LATENCY_CYCLES)
    CNNACC_PRAGMA(HLS INTERFACE m_axi port = b offset = slave bundle = CNNACC_BUNDLE_B
                  max_read_burst_length = BURST_BEATS num_read_outstanding = MAX_OUTSTANDING
                  latency = MEM_LATENCY_CYCLES)
    CNNACC_PRAGMA(HLS INTERFACE m_axi port = bias offset = slave bundle = CNNACC_BUNDLE_A
                  max_read_burst_length = BURST_BEATS latency = MEM_LATENCY_CYCLES)
    CNNACC_PRAGMA(HLS INTERFACE m_axi port = out offset = slave bundle = CNNACC_BUNDLE_OUT
                  max_write_burst_length = BURST_BEATS num_write_outstanding = MAX_OUTSTANDING
                  latency = MEM_LATENCY_CYCLES)
#pragma HLS INTERFACE s_axilite port = return bundle = control
    // Arguments this build does not compute are refused before any access (the status).
    const uint32_t status = cnnacc::matmul_status(u, v, w, M0, n, layout, has_bias != 0);
    if (status == cnnacc::status_ok) {
        run(out, a, b, bias, M0, n, zero_a, zero_b, zero_out, u, v, w, has_bias, output_floor, layout);
    }
    return status;
}

#ifndef __SYNTHESIS__
// Host side of the spec's API: the byte arrays go to word-padded device buffers (as XRT
// buffers are), the kernel runs, the result comes back.

uint64_t matmul_operand_bytes(uint32_t u, uint32_t v, uint32_t w, uint8_t layout, char operand) {
    const uint64_t tiles_v = (v + tile_v - 1) / tile_v, tiles_w = (w + tile_w - 1) / tile_w;
    if (operand == 'a') {
        return (layout & cnnacc::layout_a_tiled) ? uint64_t{u} * tiles_v * tile_v : uint64_t{u} * v;
    }
    return (layout & cnnacc::layout_b_tiled) ? tiles_w * tile_w * v : uint64_t{v} * w;
}

namespace {

// A row-major operand in the tiled layout of matmul.hpp: A in row blocks of TILE_U x TILE_V
// tiles, B in column blocks of TILE_W bytes; zero past the matrix.
std::vector<uint8_t> tile_a(const uint8_t* a, uint32_t u, uint32_t v, uint32_t w) {
    const Steps steps(u, v, w);
    std::vector<uint8_t> tiled(matmul_operand_bytes(u, v, w, cnnacc::layout_a_tiled, 'a'), 0);
    for (uint32_t ti = 0; ti < steps.tiles_u; ++ti) {
        const uint32_t rows = extent(u, tile_u, ti);
        for (uint32_t tj = 0; tj < steps.tiles_v; ++tj) {
            for (uint32_t r = 0; r < rows; ++r) {
                const uint64_t to = (uint64_t{ti} * tile_u * steps.tiles_v + uint64_t{tj} * rows + r) * tile_v;
                const uint64_t from = (uint64_t{ti} * tile_u + r) * v + uint64_t{tj} * tile_v;
                std::memcpy(&tiled[to], a + from, extent(v, tile_v, tj));
            }
        }
    }
    return tiled;
}

std::vector<uint8_t> tile_b(const uint8_t* b, uint32_t u, uint32_t v, uint32_t w) {
    const Steps steps(u, v, w);
    std::vector<uint8_t> tiled(matmul_operand_bytes(u, v, w, cnnacc::layout_b_tiled, 'b'), 0);
    for (uint32_t tk = 0; tk < steps.tiles_w; ++tk) {
        for (uint32_t j = 0; j < v; ++j) {
            std::memcpy(&tiled[(uint64_t{tk} * v + j) * tile_w], b + uint64_t{j} * w + uint64_t{tk} * tile_w,
                        extent(w, tile_w, tk));
        }
    }
    return tiled;
}

}  // namespace

void matmul_mapped(uint8_t* out, const uint32_t M0, const uint32_t n, const uint8_t* a,
                   const uint8_t* b, const uint8_t zero_a, const uint8_t zero_b,
                   const uint8_t zero_out, uint32_t u, uint32_t v, uint32_t w, const int32_t* bias,
                   const uint8_t output_floor, const uint8_t layout_in) {
    // a row-major operand too large for its ring goes to the device tiled (host_layout)
    const uint8_t layout = cnnacc::host_layout(u, v, w, layout_in);
    cnnacc::refuse_unless_ok("matmul_mapped", cnnacc::matmul_limit(u, v, w, M0, n, layout, bias != nullptr));
    std::vector<uint8_t> a_tiled, b_tiled;
    if ((layout ^ layout_in) & cnnacc::layout_a_tiled) {
        a_tiled = tile_a(a, u, v, w);
        a = a_tiled.data();
    }
    if ((layout ^ layout_in) & cnnacc::layout_b_tiled) {
        b_tiled = tile_b(b, u, v, w);
        b = b_tiled.data();
    }
    const uint64_t out_bytes = uint64_t{u} * w;
    // one spare word after A and B: a row may end in the last word
    const std::vector<word_t> a_words =
        cnnacc::to_device(a, matmul_operand_bytes(u, v, w, layout, 'a'), 1);
    const std::vector<word_t> b_words =
        cnnacc::to_device(b, matmul_operand_bytes(u, v, w, layout, 'b'), 1);
    std::vector<word_t> out_words(cnnacc::words_for(out_bytes));
    const uint32_t fields = (layout & cnnacc::layout_channel_scales) ? 3 : 1;
    const uint32_t entries = (layout & cnnacc::layout_bias_columns) ? w : u;
    std::vector<int32_t> bias_words(uint64_t{entries} * fields, 0);
    if (bias != nullptr) {
        std::memcpy(bias_words.data(), bias, sizeof(int32_t) * bias_words.size());
    }
    (void)matmul_kernel(out_words.data(), a_words.data(), b_words.data(), bias_words.data(), M0, n,
                        zero_a, zero_b, zero_out, u, v, w, bias != nullptr ? 1 : 0, output_floor, layout);
    cnnacc::from_device(out_words, out, out_bytes);
}

void matmul_layer(uint8_t* out, const uint32_t M0, const uint32_t n, const uint8_t* a,
                  const uint8_t* b, const uint8_t zero_a, const uint8_t zero_b,
                  const uint8_t zero_out, uint32_t u, uint32_t v, uint32_t w, const int32_t* bias,
                  const uint8_t output_floor) {
    cnnacc::refuse_unless_ok("matmul_layer",
                             cnnacc::matmul_limit(u, v, w, M0, n, cnnacc::host_layout(u, v, w, 0), bias != nullptr));
    matmul_mapped(out, M0, n, a, b, zero_a, zero_b, zero_out, u, v, w, bias, output_floor, 0);
}

void matmul(uint8_t* out, const uint32_t M0, const uint32_t n, const uint8_t* a, const uint8_t* b,
            const uint8_t zero_a, const uint8_t zero_b, const uint8_t zero_out, uint32_t u,
            uint32_t v, uint32_t w) {
    cnnacc::refuse_unless_ok("matmul", cnnacc::matmul_limit(u, v, w, M0, n, cnnacc::host_layout(u, v, w, 0), false));
    matmul_layer(out, M0, n, a, b, zero_a, zero_b, zero_out, u, v, w, nullptr, 0);
}
#endif  // __SYNTHESIS__
