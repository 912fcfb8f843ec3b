// Our own kernel with the structure of hashi0203/Vitis_HLS_Gaussian/src/gaussian.cpp (Vitis HLS 2020.2): 3x3 Gaussian blur of a 512x512 AXI4-Stream image with a 2-row line buffer and a 3x3 register window, four PIPELINE II=1 loop nests.
#include "ap_int.h"
#include "hls_stream.h"
#include "ap_axi_sdata.h"

typedef ap_axis<32, 0, 0, 0> pixel_beat;
typedef hls::stream<pixel_beat> pixel_stream;

const int ROWS = 512;
const int COLS = 512;
const int TAPS = 3;            // window side (odd)
const int HALF = TAPS / 2;     // window radius
const int WEIGHT[TAPS][TAPS] = {{1, 2, 1}, {2, 4, 2}, {1, 2, 1}};
const int NORM_BITS = 4;       // the weights sum to 1 << NORM_BITS

inline bool inside(int row, int col) {
    return row >= 0 && row < ROWS && col >= 0 && col < COLS;
}

inline int round_shift(int value, int bits) {
    int half_bit = 1 << (bits - 1);
    bool round_up = (value & half_bit) != 0;
    value = value >> bits;
    if (round_up) {
        value = value + 1;
    }
    return value;
}

void gaussian(pixel_stream &src, pixel_stream &dst) {
#pragma HLS INTERFACE s_axilite port=return bundle=CONTROL_BUS
#pragma HLS INTERFACE axis port=src
#pragma HLS INTERFACE axis port=dst

    int rows_buf[TAPS - 1][COLS];
    int win[TAPS][TAPS];
#pragma HLS ARRAY_PARTITION variable=rows_buf complete dim=1
#pragma HLS ARRAY_PARTITION variable=win complete dim=0

    pixel_beat beat;
    // prime the line buffer and the window with COLS * HALF + HALF + 1 pixels
buf_x1:
    for (int c = COLS - HALF - 1; c < COLS; c++) {
#pragma HLS PIPELINE II=1
        beat = src.read();
        rows_buf[HALF - 1][c] = beat.data;
    }

buf_y:
    for (int r = HALF; r < TAPS - 1; r++) {
    buf_x2:
        for (int c = 0; c < COLS; c++) {
#pragma HLS PIPELINE II=1
            beat = src.read();
            rows_buf[r][c] = beat.data;
        }
    }

win_y:
    for (int wr = HALF; wr < TAPS; wr++) {
    win_x:
        for (int wc = HALF; wc < TAPS; wc++) {
#pragma HLS PIPELINE II=1
            win[wr][wc] = rows_buf[wr - 1][COLS - TAPS + wc];
        }
    }

    pixel_beat result;
    result.keep = beat.keep;
    result.strb = beat.strb;
    result.last = 0;

    int consumed = COLS * HALF + HALF + 1;
for_y:
    for (int r = 0; r < ROWS; r++) {
    for_x:
        for (int c = 0; c < COLS; c++) {
#pragma HLS PIPELINE II=1
            int acc = 0;
            for (int dr = -HALF; dr <= HALF; dr++) {
                for (int dc = -HALF; dc <= HALF; dc++) {
                    if (inside(r + dr, c + dc)) {
                        acc += WEIGHT[dr + HALF][dc + HALF] * win[dr + HALF][dc + HALF];
                    }
                }
            }
            result.data = round_shift(acc, NORM_BITS);
            if (r == ROWS - 1 && c == COLS - 1) {
                result.last = 1;
            }
            dst.write(result);

            int fresh = 0;
            if (consumed < ROWS * COLS) {
                beat = src.read();
                fresh = beat.data;
                consumed++;
            }

            // slide the window one column to the left
            for (int wr = 0; wr < TAPS; wr++) {
                for (int wc = 0; wc < TAPS - 1; wc++) {
                    win[wr][wc] = win[wr][wc + 1];
                }
            }
            // new right column from the line buffer; the line buffer column moves up one row
            win[0][TAPS - 1] = rows_buf[0][c];
            for (int lr = 1; lr < TAPS - 1; lr++) {
                win[lr][TAPS - 1] = rows_buf[lr][c];
                rows_buf[lr - 1][c] = rows_buf[lr][c];
            }
            win[TAPS - 1][TAPS - 1] = fresh;
            rows_buf[TAPS - 2][c] = fresh;
        }
    }
}
