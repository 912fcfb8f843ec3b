// Our own kernel with the structure of hanyax/Vivado_HLS_FIR_CORDIC_DFT-FFT_Implementations/FIR/fir128_optimized4/fir.cpp (Vivado HLS 2019.1): 128-tap int FIR split into two unlabelled II=1 pipelined loops, first the shift-register update (read and write of one BRAM), then the multiply-accumulate over the initialized local coefficients.
const int TAPS = 128;

typedef int coef_t;
typedef int data_t;
typedef int acc_t;

void fir(data_t *y, data_t x) {
    coef_t h[TAPS] = {
        10, 9, 8, 7, 5, 3, 2, 0, -2, -4, -6, -7, -8, -9, -10, -11, -11, -11, -10, -10, -9, -7, -6,
        -4, -3, -1, 1, 3, 5, 6, 8, 9, 10, 11, 11, 11, 11, 10, 9, 8, 7, 5, 3, 2, 0, -2, -4, -6, -7,
        -8, -9, -10, -11, -11, -11, -10, -10, -9, -7, -6, -4, -3, -1, 1, 3, 5, 6, 8, 9, 10, 11, 11,
        11, 11, 10, 9, 8, 7, 5, 3, 2, 0, -2, -4, -6, -7, -8, -9, -10, -11, -11, -11, -10, -10, -9,
        -7, -6, -4, -3, -1, 1, 3, 5, 6, 8, 9, 10, 11, 11, 11, 11, 10, 9, 8, 7, 5, 3, 2, 0, -2, -4,
        -6, -7, -8, -9, -10, -11, -11
    };
    static data_t line[TAPS];
    acc_t acc = 0;
    int t;
    for (t = TAPS - 1; t >= 0; t--) {
#pragma HLS pipeline II=1
        if (t == 0) {
            line[0] = x;
        } else {
            line[t] = line[t - 1];
        }
    }
    for (t = TAPS - 1; t >= 0; t--) {
#pragma HLS pipeline II=1
        if (t == 0) {
            acc += x * h[0];
        } else {
            acc += line[t] * h[t];
        }
    }
    *y = acc;
}
