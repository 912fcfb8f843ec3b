// Our own kernel with the structure of AndYmeisterrrrr/ESE532_hw7/Filter.cpp (Vitis HLS 2020.2): a DATAFLOW 7-tap separable blur on 8-bit pixels whose byte-wide frame read and frame write share one m_axi bundle.
#include <hls_stream.h>

#define IN_W 480
#define IN_H 270
#define TAPS 7
#define OUT_W (IN_W - (TAPS - 1))
#define OUT_H (IN_H - (TAPS - 1))

static const unsigned weights[TAPS] = {2, 15, 62, 98, 62, 15, 2};

static void load_frame(unsigned char *src, hls::stream<unsigned char> &px) {
LOAD_PX:
    for (int k = 0; k < IN_H * IN_W; k++) {
#pragma HLS PIPELINE
        px << src[k];
    }
}

static void blur_rows(hls::stream<unsigned char> &px, hls::stream<unsigned char> &mid) {
    unsigned char win[TAPS];
ROW_Y:
    for (int y = 0; y < IN_H; y++) {
    ROW_PRIME:
        for (int t = 0; t < TAPS - 1; t++)
            win[t] = px.read();
    ROW_X:
        for (int x = 0; x < OUT_W; x++) {
            win[TAPS - 1] = px.read();
            unsigned acc = 0;
        ROW_T:
            for (int t = 0; t < TAPS; t++) {
#pragma HLS UNROLL
                acc += weights[t] * win[t];
            }
            mid << (unsigned char)(acc >> 8);
        ROW_SHIFT:
            for (int t = 0; t < TAPS - 1; t++)
                win[t] = win[t + 1];
        }
    }
}

static void blur_cols(hls::stream<unsigned char> &mid, hls::stream<unsigned char> &res) {
    unsigned char ring[TAPS * OUT_W];
COL_FILL_Y:
    for (int y = 0; y < TAPS - 1; y++)
    COL_FILL_X:
        for (int x = 0; x < OUT_W; x++)
            ring[y * OUT_W + x] = mid.read();
COL_Y:
    for (int y = 0; y < OUT_H; y++) {
    COL_X:
        for (int x = 0; x < OUT_W; x++) {
            ring[((y + TAPS - 1) % TAPS) * OUT_W + x] = mid.read();
            unsigned acc = 0;
        COL_T:
            for (int t = 0; t < TAPS; t++) {
#pragma HLS UNROLL
                acc += weights[t] * ring[((y + t) % TAPS) * OUT_W + x];
            }
            res << (unsigned char)(acc >> 8);
        }
    }
}

static void store_frame(unsigned char *dst, hls::stream<unsigned char> &res) {
STORE_PX:
    for (int k = 0; k < OUT_H * OUT_W; k++) {
        dst[k] = res.read();
    }
}

void blur_frame(unsigned char *src, unsigned char *dst) {
#pragma HLS INTERFACE m_axi port = src bundle = aximm1
#pragma HLS INTERFACE m_axi port = dst bundle = aximm1
    static hls::stream<unsigned char> px("px");
    static hls::stream<unsigned char> mid("mid");
    static hls::stream<unsigned char> res("res");
#pragma HLS STREAM variable = px depth = 32
#pragma HLS STREAM variable = mid depth = 32
#pragma HLS STREAM variable = res depth = 32
#pragma HLS DATAFLOW
    load_frame(src, px);
    blur_rows(px, mid);
    blur_cols(mid, res);
    store_frame(dst, res);
}
