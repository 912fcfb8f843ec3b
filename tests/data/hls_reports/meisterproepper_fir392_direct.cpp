// Our own kernel with the structure of MeisterProepper/HLS-multirate-DSP/HLS_FIR/Direct_FIR_DSP/FIR_HLS.cpp as kept in Direct_FIR_DSP/hls/.autopilot/db/FIR_HLS.pp.0.cpp (Vitis HLS 2024.2): one-sample direct-form FIR of 392 taps on AXI4-Stream shorts with ap_ctrl_none, the delay line a static global short array and the taps a const global short table, a multiply-accumulate loop into a 32-bit int and a separate shift loop, both with short counters and a run-time tap count argument (the call passes 392); no loop pragmas. Our tap values are our own (392 entries, within the 14-bit signed range of the original).
#include <hls_stream.h>

#define N_TAPS 392

static short delay_line[N_TAPS];
const short taps[392] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1,
    0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, -1, -2, -3,
    -3, -3, -2, -1, 1, 2, 4, 5, 5, 4, 3, 1, -2, -4,
    -6, -7, -7, -6, -4, 0, 4, 7, 10, 11, 10, 8, 4, -1,
    -6, -11, -14, -15, -14, -10, -5, 2, 9, 15, 19, 20, 18, 12,
    5, -5, -14, -21, -25, -26, -22, -14, -4, 8, 19, 28, 33, 32,
    26, 16, 2, -13, -27, -37, -41, -39, -31, -17, 1, 20, 36, 47,
    51, 47, 35, 16, -6, -28, -47, -59, -62, -55, -39, -15, 12, 39,
    61, 74, 75, 64, 42, 12, -21, -53, -77, -91, -90, -74, -45, -8,
    33, 70, 98, 111, 106, 84, 47, 0, -49, -93, -123, -135, -125, -95,
    -47, 11, 71, 122, 155, 165, 149, 107, 45, -28, -100, -160, -197, -204,
    -178, -120, -40, 53, 142, 214, 256, 257, 217, 138, 30, -91, -206, -296,
    -344, -338, -276, -162, -10, 157, 315, 437, 498, 481, 381, 204, -32, -296,
    -549, -749, -854, -830, -653, -318, 166, 769, 1447, 2145, 2802, 3358, 3761, 3973,
    3973, 3761, 3358, 2802, 2145, 1447, 769, 166, -318, -653, -830, -854, -749, -549,
    -296, -32, 204, 381, 481, 498, 437, 315, 157, -10, -162, -276, -338, -344,
    -296, -206, -91, 30, 138, 217, 257, 256, 214, 142, 53, -40, -120, -178,
    -204, -197, -160, -100, -28, 45, 107, 149, 165, 155, 122, 71, 11, -47,
    -95, -125, -135, -123, -93, -49, 0, 47, 84, 106, 111, 98, 70, 33,
    -8, -45, -74, -90, -91, -77, -53, -21, 12, 42, 64, 75, 74, 61,
    39, 12, -15, -39, -55, -62, -59, -47, -28, -6, 16, 35, 47, 51,
    47, 36, 20, 1, -17, -31, -39, -41, -37, -27, -13, 2, 16, 26,
    32, 33, 28, 19, 8, -4, -14, -22, -26, -25, -21, -14, -5, 5,
    12, 18, 20, 19, 15, 9, 2, -5, -10, -14, -15, -14, -11, -6,
    -1, 4, 8, 10, 11, 10, 7, 4, 0, -4, -6, -7, -7, -6,
    -4, -2, 1, 3, 4, 5, 5, 4, 2, 1, -1, -2, -3, -3,
    -3, -2, -1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0,
    -1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

short fir_step(short delays[], const short coefs[], short int n_taps, short sample, int shift);

void FIR_HLS(hls::stream<short> &input, hls::stream<short> &output) {
#pragma HLS INTERFACE mode=axis port=input
#pragma HLS INTERFACE mode=axis port=output
#pragma HLS INTERFACE mode=ap_ctrl_none port=return
    short sample = input.read();
    short result = fir_step(delay_line, taps, N_TAPS, sample, 15);
    output.write(result);
}

short fir_step(short delays[], const short coefs[], short int n_taps, short sample, int shift) {
    short i, out;
    int acc = 0;

    delays[n_taps - 1] = sample;
    acc = 0;
    for (i = 0; i < n_taps; i++)
        acc += delays[n_taps - 1 - i] * coefs[i];

    for (i = 1; i < n_taps; i++)
        delays[i - 1] = delays[i];

    out = (short)(acc >> shift);
    return out;
}
