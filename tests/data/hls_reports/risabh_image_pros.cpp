// Our own kernel with the structure of RISABH-UG26/image_pros/src/image_processing.cpp (Vitis HLS 2022.2): AXI-stream 3x3 line-buffer filter over a runtime-sized frame (tripcount 480x640), PIPELINE II=1 on the column loop, filter chosen by a 3-bit register (bypass, Sobel, threshold, Gaussian, negate, sharpen).
#include <ap_int.h>
#include <ap_axi_sdata.h>
#include <hls_stream.h>

#define LINE_MAX 640
#define K 3
typedef ap_uint<8> pix_t;
typedef ap_int<16> acc_t;
typedef ap_axiu<8, 1, 1, 1> beat_t;

const int kSx[K][K] = {{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}};
const int kSy[K][K] = {{-1, -2, -1}, {0, 0, 0}, {1, 2, 1}};
const int kBlur[K][K] = {{1, 2, 1}, {2, 4, 2}, {1, 2, 1}};
const int kSharp[K][K] = {{0, -1, 0}, {-1, 5, -1}, {0, -1, 0}};

static void edge3(pix_t w[K][K], pix_t &o) {
#pragma HLS INLINE
    acc_t gx = 0, gy = 0;
    for (int r = 0; r < K; r++) {
#pragma HLS UNROLL
        for (int c = 0; c < K; c++) {
#pragma HLS UNROLL
            gx += w[r][c] * kSx[r][c];
            gy += w[r][c] * kSy[r][c];
        }
    }
    acc_t ax = (gx < 0) ? (acc_t)(-gx) : gx;
    acc_t ay = (gy < 0) ? (acc_t)(-gy) : gy;
    acc_t mag = ax + ay;
    o = (mag > 255) ? (pix_t)255 : (pix_t)mag;
}

static void blur3(pix_t w[K][K], pix_t &o) {
#pragma HLS INLINE
    acc_t s = 0;
    for (int r = 0; r < K; r++) {
#pragma HLS UNROLL
        for (int c = 0; c < K; c++) {
#pragma HLS UNROLL
            s += w[r][c] * kBlur[r][c];
        }
    }
    o = (pix_t)(s >> 4);
}

static void sharp3(pix_t w[K][K], pix_t &o) {
#pragma HLS INLINE
    acc_t s = 0;
    for (int r = 0; r < K; r++) {
#pragma HLS UNROLL
        for (int c = 0; c < K; c++) {
#pragma HLS UNROLL
            s += w[r][c] * kSharp[r][c];
        }
    }
    if (s < 0) o = 0;
    else if (s > 255) o = 255;
    else o = (pix_t)s;
}

void image_pros(hls::stream<beat_t> &in_s, hls::stream<beat_t> &out_s, ap_uint<3> mode,
                ap_uint<8> level, ap_uint<16> cols, ap_uint<16> rows) {
#pragma HLS INTERFACE axis port=in_s
#pragma HLS INTERFACE axis port=out_s
#pragma HLS INTERFACE s_axilite port=mode bundle=control
#pragma HLS INTERFACE s_axilite port=level bundle=control
#pragma HLS INTERFACE s_axilite port=cols bundle=control
#pragma HLS INTERFACE s_axilite port=rows bundle=control
#pragma HLS INTERFACE s_axilite port=return bundle=control
    static pix_t lines[2][LINE_MAX];
#pragma HLS ARRAY_PARTITION variable=lines complete dim=1
    pix_t win[K][K];
#pragma HLS ARRAY_PARTITION variable=win complete dim=0
ROW_LOOP:
    for (int y = 0; y < rows; y++) {
#pragma HLS LOOP_TRIPCOUNT min=480 max=480
COL_LOOP:
        for (int x = 0; x < cols; x++) {
#pragma HLS LOOP_TRIPCOUNT min=640 max=640
#pragma HLS PIPELINE II=1
            beat_t b = in_s.read();
            pix_t px = b.data;
            for (int r = 0; r < K; r++) {
#pragma HLS UNROLL
                win[r][0] = win[r][1];
                win[r][1] = win[r][2];
            }
            win[0][2] = lines[0][x];
            win[1][2] = lines[1][x];
            win[2][2] = px;
            lines[0][x] = lines[1][x];
            lines[1][x] = px;
            pix_t res;
            bool inside = (y >= 2) && (x >= 2);
            switch (mode) {
            case 2: if (inside) edge3(win, res); else res = 0; break;
            case 3: res = (px > level) ? 255 : 0; break;
            case 4: if (inside) blur3(win, res); else res = px; break;
            case 5: res = 255 - px; break;
            case 6: if (inside) sharp3(win, res); else res = px; break;
            default: res = px; break;
            }
            beat_t o;
            o.data = res;
            o.keep = b.keep; o.strb = b.strb;  // the original also copies user/id/dest (1-bit side channels)
            o.last = (x == cols - 1) ? 1 : 0;
            out_s.write(o);
        }
    }
}
