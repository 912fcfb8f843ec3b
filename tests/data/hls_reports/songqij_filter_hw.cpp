// Our own kernel with the structure of songqij/ESE5320hw/hw7/Filter.cpp (Filter_HW with Filter_horizontal_HW and Filter_vertical_HW; Vitis HLS 2020.2, Vitis kernel flow): a 7-tap separable blur of a 480x270 frame, the horizontal pass reading the input over m_axi into a 7-register shift window and writing a 270x474 local array, the vertical pass walking that array column by column with its own 7-register window and writing the output over m_axi. No pragmas beyond the complete partitions of the windows and coefficient copies; loops are auto-pipelined by the tool.
#define IN_W (960)
#define IN_H (540)
#define TAPS (7)
#define SC_W (IN_W / 2)
#define SC_H (IN_H / 2)
#define OUT_W (SC_W - (TAPS - 1))
#define OUT_H (SC_H - (TAPS - 1))

static unsigned Weights[] = {2, 15, 62, 98, 62, 15, 2};

void Filter_horizontal_HW(const unsigned char* src, unsigned char* dst) {
    int x, y, t;
    unsigned char win[TAPS];
    unsigned char w[TAPS];
#pragma HLS ARRAY_PARTITION variable=w complete
#pragma HLS ARRAY_PARTITION variable=win complete
    for (int t0 = 0; t0 < 7; t0++) {
        w[t0] = Weights[t0];
    }
    for (y = 0; y < SC_H; y++) {
        for (t = 1; t < TAPS; t++) {
            win[t] = src[(y * SC_W) + t - 1];
        }
        for (x = 0; x < OUT_W; x++) {
            for (t = 0; t < TAPS - 1; t++) {
                win[t] = win[t + 1];
            }
            win[TAPS - 1] = src[y * SC_W + x + TAPS - 1];
            unsigned int acc = 0;
            for (t = 0; t < TAPS; t++) {
                acc += w[t] * win[t];
            }
            dst[y * OUT_W + x] = acc >> 8;
        }
    }
}

void Filter_vertical_HW(const unsigned char* src, unsigned char* dst) {
    int x, y, t;
    unsigned char win[TAPS];
    unsigned char w[TAPS];
#pragma HLS ARRAY_PARTITION variable=w complete
#pragma HLS ARRAY_PARTITION variable=win complete
    for (t = 0; t < TAPS; t++) {
        w[t] = Weights[t];
    }
    for (x = 0; x < OUT_W; x++) {
        for (t = 1; t < TAPS; t++) {
            win[t] = src[x + OUT_W * (t - 1)];
        }
        for (y = 0; y < OUT_H; y++) {
            unsigned int acc = 0;
            for (t = 0; t < (TAPS - 1); t++) {
                win[t] = win[t + 1];
            }
            win[TAPS - 1] = src[x + OUT_W * (y + TAPS - 1)];
            for (t = 0; t < TAPS; t++) {
                acc += w[t] * win[t];
            }
            dst[y * OUT_W + x] = acc >> 8;
        }
    }
}

void Filter_HW(const unsigned char* src, unsigned char* dst) {
    unsigned char mid[SC_H * OUT_W];
    Filter_horizontal_HW(src, mid);
    Filter_vertical_HW(mid, dst);
}
