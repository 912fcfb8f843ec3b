// Our own kernel with the structure of enzobelline/ELEN226/Assignment2/InnerProduct/inner_product.cpp (Vitis HLS 2022.1, solution1): 8-element inner product of 16-bit ap_fixed BRAM arguments, loop not pipelined (the project set config_compile -pipeline_loops 0; PIPELINE off below stands in for that setting).
#include "ap_fixed.h"

#define LEN 8

typedef ap_fixed<16, 16> word_t;

void inner_product(word_t lhs[LEN], word_t rhs[LEN], word_t &dot) {
    word_t total;
    total = 0;
inner_product_loop:
    for (int n = 0; n < LEN; n++) {
#pragma HLS PIPELINE off
        total += lhs[n] * rhs[n];
    }
    dot = total;
}
