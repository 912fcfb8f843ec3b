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
// A stream word (bytes_t, common/wide.hpp) is one row of a feature map: W pixels of C codes, pixel-major (the codes of
// pixel j are at j C .. j C + C - 1). A layer is described by a struct of constants (the
// generated network.hpp, simulator/network/dataflow_codegen.py):
//   conv: C, H, W (input), OUT, PE, SIMD, CP (output columns a cycle), POOL, NEAREST,
//         ZX, ZW, ZOUT, FLOOR, QMAX, weights[OUT][9 C] (taps ordered (kr, kc, c)),
//         bias[OUT], m0[OUT], shift[OUT]
//   fc:   ROWS, ROW (input rows of ROW codes, K = ROWS ROW inputs in arrival order), OUT,
//         PE, SIMD, and the same quantization constants, weights[OUT][K]
// The arithmetic is the numerical contract's (common/arith.hpp): acc = sum (x - ZX)(w - ZW)
// + bias in int32, requantized by (m0, shift) of the output channel, clamped to [FLOOR, QMAX]
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

// acc (with the bias) -> an output code of channel o of layer L.
template <class L>
inline uint8_t output_code(acc_t acc, int o) {
    const uint8_t code = L::NEAREST ? requantize_nearest(acc, L::m0[o], L::shift[o], L::ZOUT)
                                    : requantize_floor(acc, L::m0[o], L::shift[o], L::ZOUT);
    return code < L::FLOOR ? L::FLOOR : (code > L::QMAX ? L::QMAX : code);
}

// A 3x3 convolution (stride 1, pad 1 with ZX) of an H x W x C image arriving one row a word,
// then the optional 2x2 max-pool; one output row (pooled: every second one) a word.
// Step r reads input row r into the line buffer and computes output row r - 1, whose window
// covers input rows r - 2 .. r (rows outside the image are padding). Each output row is
// computed CP columns x PE channels x SIMD taps a cycle: W / CP column groups, OUT / PE
// channel folds, 9 C / SIMD tap folds.
template <class L>
void conv_unit(stream<bytes_t<L::W * L::C>>& in, stream<bytes_t<(L::POOL ? L::W / 2 : L::W) * L::OUT>>& out) {
    constexpr int K = 9 * L::C;
    constexpr int ROW = L::W * L::C;
    constexpr int OW = L::POOL ? L::W / 2 : L::W;
    uint8_t lines[3][ROW];  // input rows r - 2, r - 1, r at step r, each in slot (row mod 3)
#pragma HLS ARRAY_PARTITION variable = lines complete dim = 1
    uint8_t pooled[OW * L::OUT];  // the pooled row being formed (the max of two output rows)
    uint8_t row_out[L::W * L::OUT];
    acc_t acc[L::CP][L::PE];
#pragma HLS ARRAY_PARTITION variable = acc complete dim = 0
STEPS:
    for (int r = 0; r <= L::H; ++r) {
        if (r < L::H) {
            const bytes_t<ROW> word = in.read();
        LOAD:
            for (int i = 0; i < ROW; ++i) {
#pragma HLS UNROLL
                lines[r % 3][i] = word.v[i];
            }
        }
        if (r == 0) {
            continue;
        }
        const int o = r - 1;  // the output row of this step
    COLUMNS:
        for (int g = 0; g < L::W / L::CP; ++g) {
        FOLDS:
            for (int nf = 0; nf < L::OUT / L::PE; ++nf) {
            TAPS:
                for (int sf = 0; sf < K / L::SIMD; ++sf) {
#pragma HLS PIPELINE II = 1
                    for (int cp = 0; cp < L::CP; ++cp) {
                        for (int pe = 0; pe < L::PE; ++pe) {
                            acc_t sum = sf == 0 ? acc_t{0} : acc[cp][pe];
                            for (int s = 0; s < L::SIMD; ++s) {
                                const int t = sf * L::SIMD + s;  // tap (kr, kc, c)
                                const int kr = t / (3 * L::C);
                                const int kc = (t / L::C) % 3;
                                const int c = t % L::C;
                                const int y = o - 1 + kr;
                                const int x = g * L::CP + cp - 1 + kc;
                                const bool inside = y >= 0 && y < L::H && x >= 0 && x < L::W;
                                const int slot = (y + 3) % 3;
                                const int xq = inside ? int{lines[slot][x * L::C + c]} : int{L::ZX};
                                const int wq = L::weights[nf * L::PE + pe][t];
                                sum += (xq - int{L::ZX}) * (wq - int{L::ZW});
                            }
                            acc[cp][pe] = sum;
                            if (sf == K / L::SIMD - 1) {
                                const int ch = nf * L::PE + pe;
                                row_out[(g * L::CP + cp) * L::OUT + ch] = output_code<L>(sum + L::bias[ch], ch);
                            }
                        }
                    }
                }
            }
        }
        if (!L::POOL) {
            bytes_t<OW * L::OUT> word;
            for (int i = 0; i < OW * L::OUT; ++i) {
                word.v[i] = row_out[i];
            }
            out.write(word);
            continue;
        }
        if (o % 2 == 0 && o == L::H - 1) {  // an odd last row has no pair: dropped
            continue;
        }
    POOL:
        for (int j = 0; j < OW; ++j) {
            for (int ch = 0; ch < L::OUT; ++ch) {
#pragma HLS UNROLL
                const uint8_t a = row_out[(2 * j) * L::OUT + ch];
                const uint8_t b = row_out[(2 * j + 1) * L::OUT + ch];
                const uint8_t m = a > b ? a : b;
                const int i = j * L::OUT + ch;
                pooled[i] = o % 2 == 0 ? m : (m > pooled[i] ? m : pooled[i]);
            }
        }
        if (o % 2 == 1) {
            bytes_t<OW * L::OUT> word;
            for (int i = 0; i < OW * L::OUT; ++i) {
                word.v[i] = pooled[i];
            }
            out.write(word);
        }
    }
}

// A fully connected layer: ROWS input words of ROW codes (K = ROWS ROW inputs, in arrival
// order), OUT outputs in one word; PE outputs x SIMD inputs a cycle.
template <class L>
void fc_unit(stream<bytes_t<L::ROW>>& in, stream<bytes_t<L::OUT>>& out) {
    constexpr int K = L::ROWS * L::ROW;
    uint8_t x[K];
READ:
    for (int r = 0; r < L::ROWS; ++r) {
        const bytes_t<L::ROW> word = in.read();
        for (int i = 0; i < L::ROW; ++i) {
#pragma HLS UNROLL
            x[r * L::ROW + i] = word.v[i];
        }
    }
    bytes_t<L::OUT> result;
    acc_t acc[L::PE];
#pragma HLS ARRAY_PARTITION variable = acc complete dim = 0
FOLDS:
    for (int nf = 0; nf < L::OUT / L::PE; ++nf) {
    TAPS:
        for (int sf = 0; sf < K / L::SIMD; ++sf) {
#pragma HLS PIPELINE II = 1
            for (int pe = 0; pe < L::PE; ++pe) {
                acc_t sum = sf == 0 ? acc_t{0} : acc[pe];
                for (int s = 0; s < L::SIMD; ++s) {
                    const int t = sf * L::SIMD + s;
                    sum += (int{x[t]} - int{L::ZX}) * (int{L::weights[nf * L::PE + pe][t]} - int{L::ZW});
                }
                acc[pe] = sum;
                if (sf == K / L::SIMD - 1) {
                    const int o = nf * L::PE + pe;
                    result.v[o] = output_code<L>(sum + L::bias[o], o);
                }
            }
        }
    }
    out.write(result);
}

}  // namespace dataflow
}  // namespace cnnacc

#endif  // CNNACC_DATAFLOW_DATAFLOW_HPP
