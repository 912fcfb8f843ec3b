// Our own kernel with the structure of devanshj1996/FPGA-Final-project-Federated-Learning/tiled_conv.cpp (Vitis HLS 2022.1): a tiled 5x5 conv with a zero-padding conditional tile load, a 5x5 weight load and a column-strided fully connected layer, on two m_axi bundles.
#include <ap_fixed.h>

typedef ap_fixed<16, 3> val_t;

#define IMG_H 28
#define IMG_W 28
#define KS 5
#define CONV_H 24
#define CONV_W 24
#define POOL_H 12
#define POOL_W 12
#define TH 6
#define TW 6
#define HALO 4
#define BUF_H (TH + HALO)
#define BUF_W (TW + HALO)
#define PT_H (TH / 2)
#define PT_W (TW / 2)
#define FC_IN (POOL_H * POOL_W)
#define FC_OUT 10
#define PAD 0

static void fetch_tile(val_t tile[1][BUF_H][BUF_W], val_t pix[1][IMG_H][IMG_W], int r0, int c0) {
LD_CH:
    for (int ch = 0; ch < 1; ch++) {
    LD_Y:
        for (int y = 0; y < BUF_H; y++) {
        LD_X:
            for (int x = 0; x < BUF_W; x++) {
                int gy = r0 * TH + y;
                int gx = c0 * TW + x;
                if (gy < PAD || gx < PAD || gy >= IMG_H + PAD || gx >= IMG_W + PAD)
                    tile[ch][y][x] = 0;
                else
                    tile[ch][y][x] = pix[ch][gy - PAD][gx - PAD];
            }
        }
    }
}

static void fetch_filter(val_t fbuf[1][1][KS][KS], val_t filt[1][1][KS][KS], int grp) {
W_OC:
    for (int oc = 0; oc < 1; oc++) {
    W_IC:
        for (int ic = 0; ic < 1; ic++) {
        W_KY:
            for (int ky = 0; ky < KS; ky++) {
            W_KX:
                for (int kx = 0; kx < KS; kx++) {
                    fbuf[oc][ic][ky][kx] = filt[grp + oc][ic][ky][kx];
                }
            }
        }
    }
}

static void conv_relu(val_t acc[1][TH][TW], val_t tile[1][BUF_H][BUF_W], val_t fbuf[1][1][KS][KS]) {
CV_Y:
    for (int y = 0; y < TH; y++) {
    CV_X:
        for (int x = 0; x < TW; x++) {
            val_t s = 0;
        CV_KY:
            for (int ky = 0; ky < KS; ky++) {
            CV_KX:
                for (int kx = 0; kx < KS; kx++) {
                    s += fbuf[0][0][ky][kx] * tile[0][y + ky][x + kx];
                }
            }
            acc[0][y][x] = s > 0 ? s : (val_t)0;
        }
    }
}

static void pool2(val_t acc[1][TH][TW], val_t pooled[1][PT_H][PT_W]) {
PL_Y:
    for (int y = 0; y < PT_H; y++) {
    PL_X:
        for (int x = 0; x < PT_W; x++) {
            val_t m = -1;
        PL_DY:
            for (int dy = 0; dy < 2; dy++) {
            PL_DX:
                for (int dx = 0; dx < 2; dx++) {
                    val_t v = acc[0][2 * y + dy][2 * x + dx];
                    m = v > m ? v : m;
                }
            }
            pooled[0][y][x] = m;
        }
    }
}

static void dense(val_t feat[FC_IN], val_t fc_w[FC_IN][FC_OUT], val_t logits[FC_OUT]) {
FC_O:
    for (int o = 0; o < FC_OUT; o++) {
        val_t s = 0;
    FC_I:
        for (int i = 0; i < FC_IN; i++) {
            s += feat[i] * fc_w[i][o];
        }
        logits[o] = s;
    }
}

void lenet_tile_top(val_t pix[1][IMG_H][IMG_W], val_t filt[1][1][KS][KS],
                    val_t fc_w[FC_IN][FC_OUT], val_t logits[FC_OUT]) {
#pragma HLS INTERFACE m_axi port = pix bundle = fm depth = 1
#pragma HLS INTERFACE m_axi port = filt bundle = wt depth = 1
#pragma HLS INTERFACE m_axi port = fc_w bundle = wt depth = 1
#pragma HLS INTERFACE m_axi port = logits bundle = fm depth = 1
#pragma HLS INTERFACE s_axilite port = return
    val_t tile[1][BUF_H][BUF_W];
    val_t fbuf[1][1][KS][KS];
    val_t acc[1][TH][TW];
    val_t pooled[1][PT_H][PT_W];
    val_t fmap[1][POOL_H][POOL_W];
    val_t feat[FC_IN];
ROW_T:
    for (int r = 0; r < CONV_H / TH; r++) {
    COL_T:
        for (int c = 0; c < CONV_W / TW; c++) {
            fetch_tile(tile, pix, r, c);
        GRP:
            for (int g = 0; g < 1; g++) {
                fetch_filter(fbuf, filt, g);
                conv_relu(acc, tile, fbuf);
                pool2(acc, pooled);
            KEEP_Y:
                for (int y = 0; y < PT_H; y++) {
                KEEP_X:
                    for (int x = 0; x < PT_W; x++) {
                        fmap[g][r * PT_H + y][c * PT_W + x] = pooled[0][y][x];
                    }
                }
            }
        }
    FLAT_Y:
        for (int y = 0; y < PT_H; y++) {
        FLAT_X:
            for (int x = 0; x < POOL_W; x++) {
                int row = r * PT_H + y;
                feat[row * POOL_W + x] = fmap[0][row][x];
            }
        }
    }
    dense(feat, fc_w, logits);
}
