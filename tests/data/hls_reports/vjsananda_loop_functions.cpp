// Our own kernel with the structure of vj-sananda/vivado-hls/loop_functions/loop_functions.c (Vivado HLS 2017.4): a top that calls one non-inlined sub-function twice, each running a prefix sum over a 32-entry BRAM argument with a variable 5-bit bound (no LOOP_TRIPCOUNT; the tool derives 0..31 from the bound's width).
#include "ap_int.h"

#define LEN 32

typedef ap_int<8> in_t;
typedef ap_int<13> out_t;
typedef ap_uint<5> count_t;

void sub_func(in_t src[LEN], out_t dst[LEN], count_t count) {
    int n;
    out_t running = 0;
SUM:
    for (n = 0; n < count; n++) {
        running += src[n];
        dst[n] = running;
    }
}

void loop_functions(in_t first_in[LEN], in_t second_in[LEN], out_t first_out[LEN], out_t second_out[LEN],
                    count_t first_count, count_t second_count) {
    sub_func(first_in, first_out, first_count);
    sub_func(second_in, second_out, second_count);
}
