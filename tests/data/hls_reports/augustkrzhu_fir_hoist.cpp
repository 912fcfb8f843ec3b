// Our own kernel with the structure of AugustKRZhu/PP4FPGA_HLS/code_hoisting/fir.c (Vivado HLS 2018.2): 11-tap int FIR with coefficients from a BRAM argument, one unlabelled 10-trip shift-and-accumulate loop over a static register array with tap 0 hoisted out; not pipelined.
#define TAPS 11

typedef int coef_t;
typedef int data_t;
typedef int acc_t;

void fir(data_t *y, coef_t h[TAPS], data_t x) {
    static data_t line[TAPS];
    acc_t acc;
    int t;
    acc = 0;
    for (t = TAPS - 1; t > 0; t--) {
        line[t] = line[t - 1];
        acc += line[t] * h[t];
    }
    line[0] = x;
    acc += x * h[0];
    *y = acc;
}
