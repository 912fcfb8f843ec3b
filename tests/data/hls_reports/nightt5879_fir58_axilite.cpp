// Our own kernel with the structure of nightt5879/xilinx_fpga_class/hls/lab4/fir.c (Vitis HLS 2024.2, project fir): 58-tap FIR on 16-bit shorts with a 38-bit accumulator (ap_cint int38 in the original C, ap_int<38> here), a const 59-entry coefficient table, a static shift register, the first and last taps outside a 57-trip loop counting down, all ports on one s_axilite bundle; no loop pragmas. Our coefficient values are our own (same count, symmetric, large centre tap).
#include "ap_int.h"

#define TAPS 58

typedef short coef_t;
typedef short data_t;
typedef ap_int<38> acc_t;

void fir(data_t *y, data_t x) {
#pragma HLS INTERFACE mode=s_axilite port=return bundle=fir_io
#pragma HLS INTERFACE mode=s_axilite port=y bundle=fir_io
#pragma HLS INTERFACE mode=s_axilite port=x bundle=fir_io
    const coef_t h[TAPS + 1] = {
        -350, -60, 31, 160, 285, 340, 290, 150, 20, -75, -60, 50, 180, 200, 35,
        -340, -850, -1260, -1350, -940, -45, 1110, 2200, 2800, 2620, 1610, 20,
        -1700, -3000, 29000, -3000, -1700, 20, 1610, 2620, 2800, 2200, 1110, -45,
        -940, -1350, -1260, -850, -340, 35, 200, 180, 50, -60, -75, 20, 150, 290,
        340, 285, 160, 31, -60, -350
    };
    static data_t taps[TAPS];
    acc_t sum;
    int k;

    sum = (acc_t)taps[TAPS - 1] * (acc_t)h[TAPS];
loop:
    for (k = TAPS - 1; k != 0; k--) {
        sum += (acc_t)taps[k - 1] * (acc_t)h[k];
        taps[k] = taps[k - 1];
    }
    sum += (acc_t)x * (acc_t)h[0];
    taps[0] = x;
    *y = sum >> 15;
}
