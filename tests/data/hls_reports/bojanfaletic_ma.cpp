// Our own kernel with the structure of BojanFaletic/MA_HLS/ma.cpp (Vitis HLS 2020.2): 32-tap moving average of ap_fixed<13,8> samples as a pipelined function (II=1, ap_ctrl_none) with a static 34-entry shift register, a static warm-up counter and a static accumulator, divided by 32.
#include <ap_fixed.h>
#include <ap_int.h>

#define TAPS 32
typedef ap_fixed<13, 8, AP_RND> smp_t;
typedef ap_fixed<26, 13, AP_RND> sum_t;

static smp_t delay_line(smp_t const x) {
    static smp_t hist[TAPS + 2];
    static ap_uint<8> seen = 0;
#pragma HLS RESET variable=seen
    hist[TAPS + 1] = x;
    for (int t = 0; t < TAPS + 1; t++) {
#pragma HLS UNROLL
        hist[t] = hist[t + 1];
    }
    if (seen < TAPS) {
        seen++;
        return 0;
    } else {
        return hist[0];
    }
}

smp_t ma(smp_t const x) {
#pragma HLS PIPELINE II=1
#pragma HLS INTERFACE ap_ctrl_none port=return
    static sum_t total = 0;
#pragma HLS RESET variable=total
    smp_t oldest = delay_line(x);
    total += x - oldest;
    return total / TAPS;
}
