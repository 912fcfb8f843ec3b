// Our own kernel with the structure of songqij/ESE5320hw/hw7/Filter.cpp, function Filter_vertical_HW synthesized as the top (solution_FILTER_VERTICAL; Vitis HLS 2020.2, Vitis kernel flow): the vertical pass of a 7-tap blur over a 474-wide, 270-row frame, column by column, a 7-register shift window primed with six m_axi reads per column and one m_axi read, a 7-term sum and one m_axi write per output row. No pragmas beyond the complete partitions of the window and coefficient copy; loops are auto-pipelined by the tool.
#define IN_W (960)
#define IN_H (540)
#define TAPS (7)
#define SC_W (IN_W / 2)
#define SC_H (IN_H / 2)
#define OUT_W (SC_W - (TAPS - 1))
#define OUT_H (SC_H - (TAPS - 1))

static unsigned Weights[] = {2, 15, 62, 98, 62, 15, 2};

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

