// Our own kernel with the structure of Zaoldyeckk/High-Level-Synthesis-Flow-on-Zynq-using-Vivado-HLS/source/lab4/fir.c (Vivado HLS 2018.2): 58-tap short FIR with a 38-bit accumulator, a const 59-entry coefficient table, a static shift register, the 57-trip tap loop pipelined by a Tcl directive, and all ports on one AXI4-Lite bundle.
#include "ap_int.h"

#define TAPS 58

typedef short coef_t;
typedef short data_t;
typedef ap_int<38> acc_t;

void fir(data_t *y, data_t x) {
    const coef_t h[TAPS + 1] = {
        -60, -223, -398, -527, -556, -450, -198, 179, 634, 1096, 1485, 1724, 1751, 1532, 1072, 411,
        -373, -1181, -1898, -2420, -2662, -2574, -2152, -1438, -516, 498, 1474, 2282, 2814, 3000,
        2814, 2282, 1474, 498, -516, -1438, -2152, -2574, -2662, -2420, -1898, -1181, -373, 411,
        1072, 1532, 1751, 1724, 1485, 1096, 634, 179, -198, -450, -556, -527, -398, -223, -60
    };
    static data_t line[TAPS];
    acc_t acc;
    int t;
    acc = (acc_t)line[TAPS - 1] * (acc_t)h[TAPS];
loop:
    for (t = TAPS - 1; t != 0; t--) {
        acc += (acc_t)line[t - 1] * (acc_t)h[t];
        line[t] = line[t - 1];
    }
    acc += (acc_t)x * (acc_t)h[0];
    line[0] = x;
    *y = acc >> 15;
}
