// Our own kernel with the structure of AugustKRZhu/PP4FPGA_HLS/loop_fission/fir.c (Vivado HLS 2018.2): 11-tap int FIR with coefficients from a BRAM argument, split into a 10-trip shift loop over a static register array and an 11-trip multiply-accumulate loop, neither pipelined.
#define TAPS 11

typedef int coef_t;
typedef int data_t;
typedef int acc_t;

void fir(data_t *y, coef_t h[TAPS], data_t x) {
    static data_t line[TAPS];
    acc_t acc;
    int t;
TDL:
    for (t = TAPS - 1; t > 0; t--) {
        line[t] = line[t - 1];
    }
    line[0] = x;
    acc = 0;
MAC:
    for (t = TAPS - 1; t >= 0; t--) {
        acc += line[t] * h[t];
    }
    *y = acc;
}
