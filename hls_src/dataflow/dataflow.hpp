// The whole network as one DATAFLOW accelerator: per-layer units joined by streams.
//
// A second way to run an exported network, beside per-layer calls of the matmul kernel: every
// layer is its own unit, weights and requantization constants are on-chip ROMs, and the units
// run at once, each on the rows the one before it has produced (UG1399 "Dataflow": processes
// joined by hls::stream FIFOs start on their first data). The building blocks are the design
// card's two units carried over: im2col as a sliding window over a three-row line buffer, and
// the matmul as a matrix-vector unit folded PE x SIMD (output channels x input taps a cycle),
// as in FINN (Umuroglu et al. 2017) and hls4ml (Aarrestad et al. 2021).
//
// A stream word (bytes_t, common/wide.hpp) is one row of a feature map: W pixels of C codes,
// pixel-major (the codes of pixel j at j C .. j C + C - 1). A unit's shape and folding are
// template parameters; its ROMs are arguments (the generated network.hpp,
// simulator/network/dataflow.py), each one word per fold, as FINN stores them:
//   weights[(OUT / PE) (K / SIMD)][PE SIMD]: fold nf * (K / SIMD) + sf holds the weights of
//       channels nf PE .. nf PE + PE - 1 (pe-major) at taps sf SIMD .. sf SIMD + SIMD - 1
//       (conv taps ordered (kr, kc, c), K = 9 C; fc inputs in arrival order);
//   bias, m0, shift[OUT / PE][PE]: the requantization constants of channel nf PE + pe.
// Reshaped on their second dimension, a fold's constants are one ROM word: one read a cycle.
// The arithmetic is the numerical contract's (common/arith.hpp): acc = sum (x - ZX)(w - ZW)
// + bias in int32 (computed as ``dot`` says, with the bias ROM holding bias - ZX sum w +
// K ZX ZW), requantized by (m0, shift) of the output channel, clamped to [FLOOR, QMAX]
// (FLOOR = ZOUT with a fused ReLU; QMAX = 2^b - 1 for b-bit activations); the 2x2 max-pool
// of the codes follows (exact on codes: requantization never decreases with acc).
#ifndef CNNACC_DATAFLOW_DATAFLOW_HPP
#define CNNACC_DATAFLOW_DATAFLOW_HPP

#include <cstdint>

#include "arith.hpp"
#include "wide.hpp"

// Loop labels name loops in HLS reports and in cnnacc hls-estimate; they are never goto targets.
#pragma GCC diagnostic ignored "-Wunused-label"

namespace cnnacc {
namespace dataflow {

// A layer's zero points, clamp and rounding.
struct quant {
    uint8_t zx, zw, zout, floor, qmax;
    bool nearest;
};

// acc (with the bias) -> an output code, by the channel's (m0, shift).
inline uint8_t output_code(acc_t acc, uint32_t m0, uint32_t shift, const quant& q) {
    const uint8_t code = q.nearest ? requantize_nearest(acc, m0, shift, q.zout) : requantize_floor(acc, m0, shift, q.zout);
    return code < q.floor ? q.floor : (code > q.qmax ? q.qmax : code);
}

// sum over s of x[s] w[pe SIMD + s]: the raw 8-bit codes multiplied in fabric (an 8 x 8-bit
// product is LUTs, BIND_OP impl=fabric; the DSPs are left to the requantizer), the zero
// points applied after accumulation (Jacob et al. 2018 eq. 7-8, as hls_src/matmul does):
// sum (x - ZX)(w - ZW) = sum x w - ZW sum x - ZX sum w + K ZX ZW, the last two terms folded
// into the bias by the generator (simulator/network/dataflow.py).
template <int SIMD>
inline acc_t dot(const uint8_t x[SIMD], const uint8_t w[], int pe) {
    acc_t total = 0;
    for (int s = 0; s < SIMD; ++s) {
        const uint16_t product = x[s] * w[pe * SIMD + s];
#pragma HLS BIND_OP variable = product op = mul impl = fabric
        total += product;
    }
    return total;
}

// The kernel positions one tap fold of a 3x3 convolution over C channels covers when it takes
// SIMD taps: 1 when SIMD divides C (the fold is SIMD channels of one position), 3 or 9 when
// SIMD is 3 C or 9 C (a kernel row, the whole window); 0 for any other SIMD (not built).
constexpr int fold_positions(int C, int SIMD) {
    return SIMD <= C ? (C % SIMD == 0 ? 1 : 0) : (SIMD == 3 * C ? 3 : (SIMD == 9 * C ? 9 : 0));
}

// A 3x3 convolution (stride 1, pad 1 with ZX) of an H x W x C image arriving one row a word,
// then the optional 2x2 max-pool; one output row (pooled: every second one) a word.
// One pipelined loop (II 1) over output rows o, column groups (CP columns each), channel
// folds nf (PE channels each) and tap folds (SIMD taps each: kernel rows kr, columns kc and
// channel folds cf, as fold_positions says): H (W / CP) (OUT / PE) (9 C / SIMD) iterations an
// image, after one that reads row 0. Input row o + 1 is read into the three-row line buffer
// in the first iteration of output row o, whose window covers rows o - 1 .. o + 1 (outside
// the image: padding). Every index is a counter or a compile-time constant: no divider.
template <int C, int H, int W, int OUT, int PE, int SIMD, int CP, bool POOL>
void conv_unit(stream<bytes_t<W * C>>& in, stream<bytes_t<(POOL ? W / 2 : W) * OUT>>& out,
               const uint8_t weights[(OUT / PE) * (9 * C / SIMD)][PE * SIMD], const int32_t bias[OUT / PE][PE],
               const uint32_t m0[OUT / PE][PE], const uint32_t shift[OUT / PE][PE], const quant& q) {
#pragma HLS ARRAY_RESHAPE variable = weights complete dim = 2
#pragma HLS ARRAY_RESHAPE variable = bias complete dim = 2
#pragma HLS ARRAY_RESHAPE variable = m0 complete dim = 2
#pragma HLS ARRAY_RESHAPE variable = shift complete dim = 2
    constexpr int P = fold_positions(C, SIMD);
    static_assert(P != 0, "SIMD must divide C or be 3 C or 9 C");
    static_assert(OUT % PE == 0 && W % CP == 0, "PE must divide OUT and CP must divide W");
    constexpr int ROW = W * C;
    constexpr int OW = POOL ? W / 2 : W;
    constexpr int LANE = SIMD / P;  // channels a fold takes at one position
    constexpr int CF = C / LANE;    // channel folds of one position
    constexpr int TAPS = 9 * C / SIMD;
    uint8_t lines[3][ROW];  // three input rows, in rotating slots
#pragma HLS ARRAY_PARTITION variable = lines complete dim = 0
    uint8_t row_out[W * OUT];  // the output row being computed
#pragma HLS ARRAY_PARTITION variable = row_out complete dim = 0
    uint8_t pooled[OW * OUT];  // the max of the even output row's pairs, until the odd row
#pragma HLS ARRAY_PARTITION variable = pooled complete dim = 0
    acc_t acc[CP][PE];  // sum of x w over the taps so far, per column and channel
#pragma HLS ARRAY_PARTITION variable = acc complete dim = 0
    acc_t x_sum[CP];  // sum of x over the taps so far, per column
#pragma HLS ARRAY_PARTITION variable = x_sum complete dim = 0
    // counters, innermost first: channel fold, kernel column and row (those P covers stay 0),
    // tap fold, channel fold, first column of the group, output row; the slot of row o - 1
    int cf = 0, kc_fold = 0, kr_fold = 0, sf = 0, nf = 0, x0 = 0, o = 0, top = 2;
STEPS:
    for (int step = -1; step < H * (W / CP) * (OUT / PE) * TAPS; ++step) {
#pragma HLS PIPELINE II = 1
        // step -1 reads row 0; then row o + 1 arrives in the first iteration of output row o
        const bool prologue = step < 0;
        if (prologue || (x0 == 0 && nf == 0 && sf == 0 && o + 1 < H)) {
            const int slot = prologue ? 0 : (top == 0 ? 2 : top - 1);  // row o + 1: (top + 2) mod 3
            const bytes_t<ROW> word = in.read();
            for (int i = 0; i < ROW; ++i) {
                lines[slot][i] = word.v[i];
            }
        }
        if (prologue) {
            continue;
        }
        // where this iteration ends a count: each counter wraps when it and every inner one do
        const bool cf_end = cf == CF - 1;
        const bool kc_end = cf_end && (P != 1 || kc_fold == 2);
        const bool last_fold = kc_end && (P > 3 || kr_fold == 2);  // the last tap fold
        const bool nf_end = last_fold && nf == OUT / PE - 1;
        const bool row_end = nf_end && x0 == W - CP;  // the output row is complete
        for (int cp = 0; cp < CP; ++cp) {
            uint8_t window[SIMD];  // this fold's taps of column x0 + cp
#pragma HLS ARRAY_PARTITION variable = window complete dim = 0
            acc_t taps_sum = 0;    // their sum, for the weights' zero-point term
            for (int s = 0; s < SIMD; ++s) {
                const int kr = P == 9 ? s / (3 * C) : kr_fold;  // a constant or a counter
                const int kc = P == 1 ? kc_fold : (s / C) % 3;
                const int c = cf * LANE + s % LANE;
                const int y = o - 1 + kr;
                const int x = x0 + cp - 1 + kc;
                const int slot = top + kr >= 3 ? top + kr - 3 : top + kr;
                const bool inside = y >= 0 && y < H && x >= 0 && x < W;
                window[s] = inside ? lines[slot][x * C + c] : q.zx;
                taps_sum += window[s];
            }
            const acc_t column_sum = (sf == 0 ? acc_t{0} : x_sum[cp]) + taps_sum;
            x_sum[cp] = column_sum;
            for (int pe = 0; pe < PE; ++pe) {
                const acc_t sum = (sf == 0 ? acc_t{0} : acc[cp][pe]) + dot<SIMD>(window, weights[nf * TAPS + sf], pe);
                acc[cp][pe] = sum;
                if (last_fold) {
                    const acc_t total = sum - int{q.zw} * column_sum + bias[nf][pe];
                    row_out[(x0 + cp) * OUT + nf * PE + pe] = output_code(total, m0[nf][pe], shift[nf][pe], q);
                }
            }
        }
        if (row_end) {
            bytes_t<OW * OUT> word;
            for (int j = 0; j < OW; ++j) {
                for (int ch = 0; ch < OUT; ++ch) {
                    const int i = j * OUT + ch;
                    if (POOL) {  // the pair's max, then the max with the even row's
                        const uint8_t a = row_out[(2 * j) * OUT + ch];
                        const uint8_t b = row_out[(2 * j + 1) * OUT + ch];
                        const uint8_t m = a > b ? a : b;
                        pooled[i] = (o & 1) == 0 || m > pooled[i] ? m : pooled[i];
                        word.v[i] = pooled[i];
                    } else {
                        word.v[i] = row_out[i];
                    }
                }
            }
            if (!POOL || (o & 1) == 1) {  // an odd last row has no pair: dropped
                out.write(word);
            }
        }
        cf = cf_end ? 0 : cf + 1;
        kc_fold = !cf_end ? kc_fold : (kc_end ? 0 : kc_fold + 1);
        kr_fold = !kc_end ? kr_fold : (last_fold ? 0 : kr_fold + 1);
        sf = last_fold ? 0 : sf + 1;
        nf = !last_fold ? nf : (nf_end ? 0 : nf + 1);
        x0 = !nf_end ? x0 : (row_end ? 0 : x0 + CP);
        o = row_end ? o + 1 : o;
        top = !row_end ? top : (top == 2 ? 0 : top + 1);
    }
}

// A fully connected layer: ROWS input words of ROW codes (K = ROWS ROW inputs, in arrival
// order), OUT outputs in one word; PE outputs x SIMD inputs a cycle, (OUT / PE) (K / SIMD)
// iterations of one pipelined loop after the input is read.
template <int ROWS, int ROW, int OUT, int PE, int SIMD>
void fc_unit(stream<bytes_t<ROW>>& in, stream<bytes_t<OUT>>& out,
             const uint8_t weights[(OUT / PE) * (ROWS * ROW / SIMD)][PE * SIMD], const int32_t bias[OUT / PE][PE],
             const uint32_t m0[OUT / PE][PE], const uint32_t shift[OUT / PE][PE], const quant& q) {
#pragma HLS ARRAY_RESHAPE variable = weights complete dim = 2
#pragma HLS ARRAY_RESHAPE variable = bias complete dim = 2
#pragma HLS ARRAY_RESHAPE variable = m0 complete dim = 2
#pragma HLS ARRAY_RESHAPE variable = shift complete dim = 2
    constexpr int K = ROWS * ROW;
    constexpr int FOLDS = OUT / PE;
    constexpr int TAPS = K / SIMD;
    uint8_t x[K];
#pragma HLS ARRAY_PARTITION variable = x complete dim = 1
READ:
    for (int r = 0; r < ROWS; ++r) {
#pragma HLS PIPELINE II = 1
        const bytes_t<ROW> word = in.read();
        for (int i = 0; i < ROW; ++i) {
            x[r * ROW + i] = word.v[i];
        }
    }
    bytes_t<OUT> result;
    acc_t acc[PE];  // sum of x w over the inputs so far, per channel
#pragma HLS ARRAY_PARTITION variable = acc complete dim = 0
    acc_t x_sum = 0;  // sum of x over the inputs so far
    int nf = 0, sf = 0;
STEPS:
    for (int step = 0; step < FOLDS * TAPS; ++step) {
#pragma HLS PIPELINE II = 1
        const bool last_fold = sf == TAPS - 1;
        uint8_t inputs[SIMD];  // this fold's inputs
#pragma HLS ARRAY_PARTITION variable = inputs complete dim = 0
        acc_t inputs_sum = 0;
        for (int s = 0; s < SIMD; ++s) {
            inputs[s] = x[sf * SIMD + s];
            inputs_sum += inputs[s];
        }
        const acc_t all_sum = (sf == 0 ? acc_t{0} : x_sum) + inputs_sum;
        x_sum = all_sum;
        for (int pe = 0; pe < PE; ++pe) {
            const acc_t sum = (sf == 0 ? acc_t{0} : acc[pe]) + dot<SIMD>(inputs, weights[nf * TAPS + sf], pe);
            acc[pe] = sum;
            if (last_fold) {
                const acc_t total = sum - int{q.zw} * all_sum + bias[nf][pe];
                result.v[nf * PE + pe] = output_code(total, m0[nf][pe], shift[nf][pe], q);
            }
        }
        sf = last_fold ? 0 : sf + 1;
        nf = last_fold ? nf + 1 : nf;
    }
    out.write(result);
}

}  // namespace dataflow
}  // namespace cnnacc

#endif  // CNNACC_DATAFLOW_DATAFLOW_HPP
