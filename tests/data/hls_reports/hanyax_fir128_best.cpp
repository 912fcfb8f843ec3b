// Our own kernel with the structure of hanyax/Vivado_HLS_FIR_CORDIC_DFT-FFT_Implementations/FIR/fir128_best/fir.cpp (Vivado HLS 2019.1): 128-tap FIR on ap_int types (9-bit samples, 5-bit coefficients, 16-bit accumulator), coefficient and shift-register arrays completely partitioned, the 127-trip tap loop pipelined II=1 and unrolled by 2, tap 0 peeled.
#include "ap_int.h"

const int TAPS = 128;

typedef ap_int<5> coef_t;
typedef ap_int<9> data_t;
typedef ap_int<16> acc_t;

void fir(int *y, data_t x) {
    coef_t h[TAPS] = {
        10, 9, 8, 7, 5, 3, 2, 0, -2, -4, -6, -7, -8, -9, -10, -11, -11, -11, -10, -10, -9, -7, -6,
        -4, -3, -1, 1, 3, 5, 6, 8, 9, 10, 11, 11, 11, 11, 10, 9, 8, 7, 5, 3, 2, 0, -2, -4, -6, -7,
        -8, -9, -10, -11, -11, -11, -10, -10, -9, -7, -6, -4, -3, -1, 1, 3, 5, 6, 8, 9, 10, 11, 11,
        11, 11, 10, 9, 8, 7, 5, 3, 2, 0, -2, -4, -6, -7, -8, -9, -10, -11, -11, -11, -10, -10, -9,
        -7, -6, -4, -3, -1, 1, 3, 5, 6, 8, 9, 10, 11, 11, 11, 11, 10, 9, 8, 7, 5, 3, 2, 0, -2, -4,
        -6, -7, -8, -9, -10, -11, -11
    };
    static data_t line[TAPS];
    acc_t acc;
#pragma HLS array_partition variable=h complete
#pragma HLS array_partition variable=line complete
    acc = 0;
SHIFT_ACCUM_LOOP:
    for (int t = TAPS - 1; t > 0; t--) {
#pragma HLS pipeline II=1
#pragma HLS unroll factor=2
        line[t] = line[t - 1];
        acc += line[t] * h[t];
    }
    acc += x * h[0];
    line[0] = x;
    *y = acc;
}
