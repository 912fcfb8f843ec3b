// Our own kernel with the structure of Ritarka/Layers-Template/2_1_1/layer_top.cpp, utils.cpp, conv_1x1.cpp (Vitis HLS 2022.1.2): a tiled 1x1 convolution (512 -> 128 channels, one 92x160 tile) that reloads a channel plane and one weight per input channel, calls a separate MAC pipelined over rows (160 columns unrolled), and stores each output plane with bias and ReLU.
#include <ap_fixed.h>

typedef ap_fixed<16, 3> act_t;
typedef ap_fixed<16, 3> par_t;

const int CI = 512;
const int CO = 128;
const int H = 92;
const int W = 160;
const int TH = 92;
const int TW = 160;
const int NTR = H / TH;
const int NTC = W / TW;

static void pw_mac(act_t acc[TH][TW], act_t plane[TH][TW], par_t k[1][1], int ci) {
CV_KY:
    for (int a = 0; a < 1; a++) {
    CV_KX:
        for (int b = 0; b < 1; b++) {
        CV_H:
            for (int y = 0; y < TH; y++) {
#pragma HLS PIPELINE
            CV_W:
                for (int x = 0; x < TW; x++) {
                    act_t p = plane[y + a][x + b] * k[a][b];
                    if (ci == 0 && a == 0 && b == 0)
                        acc[y][x] = p;
                    else
                        acc[y][x] += p;
                }
            }
        }
    }
}

static void fetch_plane(act_t plane[TH][TW], act_t src[CI][H][W], int r, int c, int ci) {
LD_Y:
    for (int y = 0; y < TH; y++) {
    LD_X:
        for (int x = 0; x < TW; x++) {
            // zero padding of 0 rows/columns: both tests fold away
            if ((r == 0 && y < 0) || (c == 0 && x < 0))
                plane[y][x] = 0;
            else if ((r == NTR - 1 && y > TH - 1) || (c == NTC - 1 && x > TW - 1))
                plane[y][x] = 0;
            else
                plane[y][x] = src[ci][r * TH + y][c * TW + x];
        }
    }
}

static void fetch_tap(par_t k[1][1], par_t src[CO][CI][1][1], int co, int ci) {
W_Y:
    for (int a = 0; a < 1; a++) {
    W_X:
        for (int b = 0; b < 1; b++) {
            k[a][b] = src[co][ci][a][b];
        }
    }
}

static void fetch_bias(par_t dst[CO], par_t src[CO]) {
BIAS_LD:
    for (int co = 0; co < CO; co++) {
        dst[co] = src[co];
    }
}

static void put_plane(act_t dst[CO][H][W], act_t acc[TH][TW], par_t bias[CO], int r, int c, int co) {
    act_t v;
ST_Y:
    for (int y = 0; y < TH; y++) {
    ST_X:
        for (int x = 0; x < TW; x++) {
            v = acc[y][x] + (act_t)bias[co];
            if (v < (act_t)0)
                dst[co][r * TH + y][c * TW + x] = (act_t)0;
            else
                dst[co][r * TH + y][c * TW + x] = v;
        }
    }
}

void pw_conv_tile(act_t fmap_in[CI][H][W], par_t pw_w[CO][CI][1][1], par_t pw_b[CO], act_t fmap_out[CO][H][W]) {
#pragma HLS INTERFACE m_axi depth = 1 port = fmap_in bundle = fm
#pragma HLS INTERFACE m_axi depth = 1 port = pw_w bundle = wt
#pragma HLS INTERFACE m_axi depth = 1 port = pw_b bundle = wt
#pragma HLS INTERFACE m_axi depth = 1 port = fmap_out bundle = fm
#pragma HLS INTERFACE s_axilite register port = return
    act_t plane[TH][TW];
#pragma HLS ARRAY_PARTITION variable = plane dim = 2 complete
    par_t tap[1][1];
    par_t bias[CO];
    act_t acc[TH][TW] = {0};
#pragma HLS ARRAY_PARTITION variable = acc dim = 2 complete

    fetch_bias(bias, pw_b);
ROW_T:
    for (int r = 0; r < NTR; r++) {
    COL_T:
        for (int c = 0; c < NTC; c++) {
        OUT_CH:
            for (int co = 0; co < CO; co++) {
            IN_CH:
                for (int ci = 0; ci < CI; ci++) {
                    fetch_plane(plane, fmap_in, r, c, ci);
                    fetch_tap(tap, pw_w, co, ci);
                    pw_mac(acc, plane, tap, ci);
                }
                put_plane(fmap_out, acc, bias, r, c, co);
            }
        }
    }
}
