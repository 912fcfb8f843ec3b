// Our own kernel with the structure of aahwu/AAHLS_labB hls_FFT_bitReverse (bit_reverse.cpp, read from solution1/.autopilot/db/bit_reverse.pp.0.cpp) (Vitis HLS 2022.1): in-place bit-reversal permutation of two 1024-entry float ap_memory arrays, a 1024-bit visited mask and a 10-step bit-reverse helper loop.
#include <ap_int.h>

typedef float val_t;
#define LEN 1024
#define LOG2_LEN 10

static unsigned int flip_bits(unsigned int v, unsigned int nbits) {
    int out = 0;
    for (int b = 0; b < nbits; b++) {
        out = (out << 1) | (v & 1);
        v = v >> 1;
    }
    return out;
}

void bit_reverse(val_t re[LEN], val_t im[LEN]) {
    unsigned int width = LOG2_LEN;
    ap_uint<32> j;
    ap_uint<LEN> done = 0;
Reverse:
    for (int i = 0; i < LEN; i++) {
        if (done[i] == 0) {
            ap_uint<32> cur = i;
            j = flip_bits(cur, width);
            done[j] = 1;
            val_t keep_re = re[i];
            val_t keep_im = im[i];
            re[i] = re[j];
            im[i] = im[j];
            re[j] = keep_re;
            im[j] = keep_im;
        }
    }
}
