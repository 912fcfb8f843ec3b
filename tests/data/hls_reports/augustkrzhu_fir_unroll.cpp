// Our own kernel with the structure of AugustKRZhu/PP4FPGA_HLS/loop_unrolling_unroll_directive/fir.c (Vivado HLS 2018.2): 11-tap int FIR with the static shift register completely partitioned and both the shift loop and the multiply-accumulate loop fully unrolled, so all 11 coefficient reads hit the top-level BRAM argument in one state machine pass.
#define TAPS 11

typedef int coef_t;
typedef int data_t;
typedef int acc_t;

void fir(data_t *y, coef_t h[TAPS], data_t x) {
    static data_t line[TAPS];
#pragma HLS array_partition variable = line complete
    acc_t acc;
    int t;
TDL:
    for (t = TAPS - 1; t > 0; t = t - 1) {
#pragma HLS unroll
        line[t] = line[t - 1];
    }
    line[0] = x;
    acc = 0;
MAC:
    for (t = TAPS - 1; t >= 0; t = t - 1) {
#pragma HLS unroll
        acc += line[t] * h[t];
    }
    *y = acc;
}
