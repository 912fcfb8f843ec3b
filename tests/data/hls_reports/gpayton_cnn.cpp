// Our own kernel with the structure of Gpayton787/CS133_Lab4/cnn.cpp (Vitis HLS 2023.2): a 5x5 float convolution over 16 blocks of 16 output channels and 256 input channels, with non-inlined pipelined loaders and store on three m_axi bundles and a pipelined 56x28 compute nest whose 4x8x5x5 body is unrolled.
#include <hls_vector.h>

typedef hls::vector<float, 16> v16f;
typedef hls::vector<float, 4> v4f;
typedef hls::vector<float, 1> v1f;

static void get_plane(float buf[1][228][228], v4f src[3326976], int ch) {
#pragma HLS inline off
LDI_C:
    for (int c = 0; c < 1; c += 1) {
    LDI_Y:
        for (int y = 0; y < 228; y += 1) {
        LDI_X:
            for (int x = 0; x < 228; x += 4) {
#pragma HLS pipeline II = 1
                v4f pk = src[(c + ch) * 12996 + y * 57 + x / 4];
            LDI_U:
                for (int u = 0; u < 4; u++) {
#pragma HLS unroll
                    buf[c][y][x + u] = pk[u];
                }
            }
        }
    }
}

static void get_tile(float buf[16][224][224], v16f src[802816], int blk) {
#pragma HLS inline off
LDO_C:
    for (int c = 0; c < 16; c += 1) {
    LDO_Y:
        for (int y = 0; y < 224; y += 1) {
        LDO_X:
            for (int x = 0; x < 224; x += 16) {
#pragma HLS pipeline II = 1
                v16f pk = src[(c + blk * 16) * 3136 + y * 14 + x / 16];
            LDO_U:
                for (int u = 0; u < 16; u++) {
#pragma HLS unroll
                    buf[c][y][x + u] = pk[u];
                }
            }
        }
    }
}

static void get_filters(float buf[16][256][5][5], v1f src[1638400], int blk) {
#pragma HLS inline off
LDW_O:
    for (int o = 0; o < 16; o += 1) {
    LDW_I:
        for (int i = 0; i < 256; i += 1) {
        LDW_KY:
            for (int ky = 0; ky < 5; ky += 1) {
            LDW_KX:
                for (int kx = 0; kx < 5; kx += 1) {
#pragma HLS pipeline II = 1
                    v1f one = src[(o + blk * 16) * 6400 + i * 25 + ky * 5 + kx];
                    buf[o][i][ky][kx] = one[0];
                }
            }
        }
    }
}

static void put_tile(float buf[16][224][224], v16f dst[802816], int blk) {
#pragma HLS inline off
STO_C:
    for (int c = 0; c < 16; c += 1) {
    STO_Y:
        for (int y = 0; y < 224; y += 1) {
        STO_X:
            for (int x = 0; x < 224; x += 16) {
#pragma HLS pipeline II = 1
                v16f pk;
            STO_U:
                for (int u = 0; u < 16; u++) {
#pragma HLS unroll
                    pk[u] = buf[c][y][x + u];
                }
                dst[(c + blk * 16) * 3136 + y * 14 + x / 16] = pk;
            }
        }
    }
}

static void conv_body(float in[1][228][228], float acc[16][224][224], float wt[16][256][5][5], v4f vin[3326976],
                      v1f vw[1638400], v16f vout[802816]) {
BLK:
    for (int b = 0; b < 16; b++) {
        get_filters(wt, vw, b);
        get_tile(acc, vout, b);
    CH:
        for (int ch = 0; ch < 256; ch++) {
            get_plane(in, vin, ch);
        OC:
            for (int oc = 0; oc < 16; oc++) {
            TY:
                for (int ty = 0; ty < 224 / 4; ty++) {
                TX:
                    for (int tx = 0; tx < 224 / 8; tx++) {
#pragma HLS pipeline
                    PY:
                        for (int py = 0; py < 4; py++) {
#pragma HLS unroll
                        PX:
                            for (int px = 0; px < 8; px++) {
#pragma HLS unroll
                            KY:
                                for (int ky = 0; ky < 5; ky++) {
#pragma HLS unroll
                                KX:
                                    for (int kx = 0; kx < 5; kx++) {
#pragma HLS unroll
                                        int y = ty * 4 + py;
                                        int x = tx * 8 + px;
                                        acc[oc][y][x] += wt[oc][ch][ky][kx] * in[0][y + ky][x + kx];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        put_tile(acc, vout, b);
    }
}

void conv5_vec(v4f vin[3326976], v1f vw[1638400], v16f vout[802816]) {
#pragma HLS INTERFACE m_axi port = vin offset = slave bundle = kernel_input
#pragma HLS INTERFACE m_axi port = vout offset = slave bundle = kernel_output
#pragma HLS INTERFACE m_axi port = vw offset = slave bundle = kernel_weight
    float in[1][228][228];
    float acc[16][224][224];
    float wt[16][256][5][5];
#pragma HLS ARRAY_PARTITION variable = in cyclic factor = 1 dim = 1
#pragma HLS ARRAY_PARTITION variable = in cyclic factor = 8 dim = 2
#pragma HLS ARRAY_PARTITION variable = in cyclic factor = 12 dim = 3
#pragma HLS ARRAY_PARTITION variable = acc cyclic factor = 1 dim = 1
#pragma HLS ARRAY_PARTITION variable = acc cyclic factor = 4 dim = 2
#pragma HLS ARRAY_PARTITION variable = acc cyclic factor = 8 dim = 3
#pragma HLS ARRAY_PARTITION variable = wt cyclic factor = 1 dim = 1
#pragma HLS ARRAY_PARTITION variable = wt cyclic factor = 1 dim = 2
#pragma HLS ARRAY_PARTITION variable = wt cyclic factor = 5 dim = 3
#pragma HLS ARRAY_PARTITION variable = wt cyclic factor = 5 dim = 4
    conv_body(in, acc, wt, vin, vw, vout);
}
