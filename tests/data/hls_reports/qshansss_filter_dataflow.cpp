// Our own kernel with the structure of QSHANSSS/ESE5320_SoC/hw7/Filter.cpp as synthesized (hw7/HW7/solution1/.autopilot/db/Filter.pp.0.cpp, Vitis HLS 2020.2): DATAFLOW top load (m_axi -> stream) / compute (nested DATAFLOW: 7-tap horizontal then 7-tap vertical filter on 8-bit streams) / store (stream -> m_axi) over a 480x270 frame.
#include "hls_stream.h"

#define IN_W 960
#define IN_H 540
#define TAPS 7
#define FRAME_W (IN_W / 2)
#define FRAME_H (IN_H / 2)
#define OUT_W (FRAME_W - (TAPS - 1))
#define OUT_H (FRAME_H - (TAPS - 1))

static unsigned kernel_weights[] = {2, 15, 62, 98, 62, 15, 2};

void horizontal_pass(hls::stream<unsigned char> &pixels_in, hls::stream<unsigned char> &partial_out) {
    unsigned char taps[7];
    int x, y, t;

    for (y = 0; y < FRAME_H; y++) {
        for (int p = 0; p < TAPS - 1; p++) {
#pragma HLS UNROLL
            taps[p] = pixels_in.read();
        }
        for (x = 0; x < OUT_W; x++) {
#pragma HLS PIPELINE II=1
            taps[TAPS - 1] = pixels_in.read();
            unsigned int acc = 0;
            for (t = 0; t < TAPS; t++) {
#pragma HLS UNROLL
                acc += kernel_weights[t] * taps[t];
            }
            partial_out.write(acc >> 8);
            for (int p = 0; p < TAPS - 1; p++) {
#pragma HLS UNROLL
                taps[p] = taps[p + 1];
            }
        }
    }
}

void vertical_pass(hls::stream<unsigned char> &partial_in, hls::stream<unsigned char> &pixels_out) {
    int x, y, t, p;
    unsigned char columns[7][OUT_W];
#pragma HLS ARRAY_PARTITION variable=columns complete dim=1

    for (y = 0; y < OUT_H + 6; y++) {
        for (x = 0; x < OUT_W; x++) {
            if (y < 6) {
                columns[y][x] = partial_in.read();
            } else {
                unsigned int acc = 0;
                columns[TAPS - 1][x] = partial_in.read();
                for (t = 0; t < TAPS; t++) {
#pragma HLS UNROLL
                    acc += kernel_weights[t] * columns[t][x];
                }
                pixels_out.write(acc >> 8);
                for (int q = 0; q < TAPS - 1; q++) {
#pragma HLS UNROLL
                    columns[q][x] = columns[q + 1][x];
                }
            }
        }
    }
}

void load(unsigned char *frame_in, hls::stream<unsigned char> &pixels) {
    for (int n = 0; n < FRAME_H * FRAME_W; n++)
        pixels.write(frame_in[n]);
}

void compute(hls::stream<unsigned char> &pixels_in, hls::stream<unsigned char> &pixels_out) {
#pragma HLS DATAFLOW
    static hls::stream<unsigned char> between;
    horizontal_pass(pixels_in, between);
    vertical_pass(between, pixels_out);
}

void store(hls::stream<unsigned char> &pixels, unsigned char *frame_out) {
    for (int n = 0; n < OUT_H * OUT_W; n++)
        frame_out[n] = pixels.read();
}

void Filter_HW_stream(unsigned char *frame_in, unsigned char *frame_out) {
#pragma HLS DATAFLOW
#pragma HLS INTERFACE m_axi port=frame_in offset=slave bundle=p0 depth=129600
#pragma HLS INTERFACE m_axi port=frame_out offset=slave bundle=p1 depth=129600

    static hls::stream<unsigned char> raw;
    static hls::stream<unsigned char> unused_link;
    static hls::stream<unsigned char> filtered;
    load(frame_in, raw);
    compute(raw, filtered);
    store(filtered, frame_out);
}
