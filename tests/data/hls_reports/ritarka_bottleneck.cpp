// Our own kernel with the structure of Ritarka/Layers-Template/layer_top.cpp with layer1/, layer2/, layer3/ (Vitis HLS 2023.1.1): a ResNet bottleneck of three tiled convolutions (1x1 reduce, 3x3 padded, 1x1 expand) chained through two static on-chip maps, the last followed by an in-place residual add with ReLU over m_axi.
#include <ap_fixed.h>

typedef ap_fixed<16, 3> act_t;
typedef ap_fixed<16, 3> par_t;

const int H = 92;
const int W = 160;
const int WIDE = 512;
const int NARROW = 128;

// ---- stage 1: 1x1, 512 -> 128, m_axi input, on-chip output
static void s1_mac(act_t acc[H][W], act_t plane[H][W], par_t k, int ci) {
S1_CV_H:
    for (int y = 0; y < H; y++) {
#pragma HLS PIPELINE
    S1_CV_W:
        for (int x = 0; x < W; x++) {
            if (ci == 0)
                acc[y][x] = plane[y][x] * k;
            else
                acc[y][x] += plane[y][x] * k;
        }
    }
}

static void reduce_stage(act_t src[WIDE][H][W], par_t wt[NARROW][WIDE][1][1], par_t bs[NARROW], act_t dst[NARROW][H][W]) {
    act_t plane[H][W];
#pragma HLS ARRAY_PARTITION variable = plane dim = 2 complete
    act_t acc[H][W] = {0};
#pragma HLS ARRAY_PARTITION variable = acc dim = 2 complete
    par_t bias[NARROW];
    par_t k;
S1_BIAS:
    for (int o = 0; o < NARROW; o++) {
        bias[o] = bs[o];
    }
S1_OUT_CH:
    for (int o = 0; o < NARROW; o++) {
    S1_IN_CH:
        for (int c = 0; c < WIDE; c++) {
        S1_LD_Y:
            for (int y = 0; y < H; y++) {
            S1_LD_X:
                for (int x = 0; x < W; x++) {
                    plane[y][x] = src[c][y][x];
                }
            }
            k = wt[o][c][0][0];
            s1_mac(acc, plane, k, c);
        }
    S1_ST_Y:
        for (int y = 0; y < H; y++) {
        S1_ST_X:
            for (int x = 0; x < W; x++) {
                act_t v = acc[y][x] + (act_t)bias[o];
                dst[o][y][x] = (v < (act_t)0) ? (act_t)0 : v;
            }
        }
    }
}

// ---- stage 2: 3x3 pad 1, 128 -> 128, on-chip input and output
static void s2_mac(act_t acc[H][W], act_t tile[H + 2][W + 2], par_t k[3][3], int ci) {
S2_KY:
    for (int a = 0; a < 3; a++) {
    S2_KX:
        for (int b = 0; b < 3; b++) {
        S2_CV_H:
            for (int y = 0; y < H; y++) {
#pragma HLS PIPELINE
            S2_CV_W:
                for (int x = 0; x < W; x++) {
                    act_t p = tile[y + a][x + b] * k[a][b];
                    if (ci == 0 && a == 0 && b == 0)
                        acc[y][x] = p;
                    else
                        acc[y][x] += p;
                }
            }
        }
    }
}

static void middle_stage(act_t src[NARROW][H][W], par_t wt[NARROW][NARROW][3][3], par_t bs[NARROW], act_t dst[NARROW][H][W]) {
    act_t tile[H + 2][W + 2];
#pragma HLS ARRAY_PARTITION variable = tile dim = 2 complete
    act_t acc[H][W] = {0};
#pragma HLS ARRAY_PARTITION variable = acc dim = 2 complete
    par_t k[3][3];
    par_t bias[NARROW];
S2_BIAS:
    for (int o = 0; o < NARROW; o++) {
        bias[o] = bs[o];
    }
S2_OUT_CH:
    for (int o = 0; o < NARROW; o++) {
    S2_IN_CH:
        for (int c = 0; c < NARROW; c++) {
        S2_LD_Y:
            for (int y = 0; y < H + 2; y++) {
            S2_LD_X:
                for (int x = 0; x < W + 2; x++) {
                    if (y < 1 || x < 1 || y > H || x > W)
                        tile[y][x] = 0;
                    else
                        tile[y][x] = src[c][y - 1][x - 1];
                }
            }
        S2_W_Y:
            for (int a = 0; a < 3; a++) {
            S2_W_X:
                for (int b = 0; b < 3; b++) {
                    k[a][b] = wt[o][c][a][b];
                }
            }
            s2_mac(acc, tile, k, c);
        }
    S2_ST_Y:
        for (int y = 0; y < H; y++) {
        S2_ST_X:
            for (int x = 0; x < W; x++) {
                act_t v = acc[y][x] + (act_t)bias[o];
                dst[o][y][x] = (v < (act_t)0) ? (act_t)0 : v;
            }
        }
    }
}

// ---- stage 3: 1x1, 128 -> 512, on-chip input, m_axi output, then the residual add
static void s3_mac(act_t acc[H][W], act_t plane[H][W], par_t k, int ci) {
S3_CV_H:
    for (int y = 0; y < H; y++) {
#pragma HLS PIPELINE
    S3_CV_W:
        for (int x = 0; x < W; x++) {
            if (ci == 0)
                acc[y][x] = plane[y][x] * k;
            else
                acc[y][x] += plane[y][x] * k;
        }
    }
}

static void expand_stage(act_t src[NARROW][H][W], par_t wt[WIDE][NARROW][1][1], par_t bs[WIDE], act_t dst[WIDE][H][W],
                         act_t skip[WIDE][H][W]) {
    act_t plane[H][W];
#pragma HLS ARRAY_PARTITION variable = plane dim = 2 complete
    act_t acc[H][W] = {0};
#pragma HLS ARRAY_PARTITION variable = acc dim = 2 complete
    par_t bias[WIDE];
    par_t k;
S3_BIAS:
    for (int o = 0; o < WIDE; o++) {
        bias[o] = bs[o];
    }
S3_OUT_CH:
    for (int o = 0; o < WIDE; o++) {
    S3_IN_CH:
        for (int c = 0; c < NARROW; c++) {
        S3_LD_Y:
            for (int y = 0; y < H; y++) {
            S3_LD_X:
                for (int x = 0; x < W; x++) {
                    plane[y][x] = src[c][y][x];
                }
            }
            k = wt[o][c][0][0];
            s3_mac(acc, plane, k, c);
        }
    S3_ST_Y:
        for (int y = 0; y < H; y++) {
        S3_ST_X:
            for (int x = 0; x < W; x++) {
                dst[o][y][x] = acc[y][x] + (act_t)bias[o];
            }
        }
    }
RES_C:
    for (int o = 0; o < WIDE; o++) {
    RES_Y:
        for (int y = 0; y < H; y++) {
        RES_X:
            for (int x = 0; x < W; x++) {
                dst[o][y][x] += skip[o][y][x];
                if (dst[o][y][x] < (act_t)0)
                    dst[o][y][x] = (act_t)0;
            }
        }
    }
}

void bottleneck_top(act_t x_in[WIDE][H][W], par_t w_red[NARROW][WIDE][1][1], par_t b_red[NARROW],
                    par_t w_mid[NARROW][NARROW][3][3], par_t b_mid[NARROW], par_t w_exp[WIDE][NARROW][1][1],
                    par_t b_exp[WIDE], act_t y_out[WIDE][H][W]) {
#pragma HLS INTERFACE m_axi depth = 1 port = x_in bundle = fm
#pragma HLS INTERFACE m_axi depth = 1 port = y_out bundle = fm
#pragma HLS INTERFACE m_axi depth = 1 port = w_red bundle = wt
#pragma HLS INTERFACE m_axi depth = 1 port = b_red bundle = wt
#pragma HLS INTERFACE m_axi depth = 1 port = w_mid bundle = wt
#pragma HLS INTERFACE m_axi depth = 1 port = b_mid bundle = wt
#pragma HLS INTERFACE m_axi depth = 1 port = w_exp bundle = wt
#pragma HLS INTERFACE m_axi depth = 1 port = b_exp bundle = wt
#pragma HLS INTERFACE s_axilite register port = return
    static act_t red_map[NARROW][H][W] = {0};
    static act_t mid_map[NARROW][H][W] = {0};
    reduce_stage(x_in, w_red, b_red, red_map);
    middle_stage(red_map, w_mid, b_mid, mid_map);
    expand_stage(mid_map, w_exp, b_exp, y_out, x_in);
}
