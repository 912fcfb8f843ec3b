// Our own kernel with the structure of ian861226/ACA21-HLS-LAB-A-team-8/adder_trees/src/Preventing_tree_balancing.cpp (Vivado HLS 2019.2): conditional sum of 8 ap_int<8> values read from an ap_fifo array argument under 8 bool flags read from a second ap_fifo array, both loops fully unrolled into a local copy and a chained add.
#include "ap_int.h"

#define WIDTH_OUT 8
#define WIDTH 8
#define NUM_REGS 8

ap_int<WIDTH_OUT> adder_tree_unbalanced(ap_int<WIDTH> din[NUM_REGS], bool s[NUM_REGS]) {
#pragma HLS INTERFACE ap_fifo port=s
#pragma HLS INTERFACE ap_fifo port=din
    ap_int<WIDTH_OUT> total = 0;
    ap_int<WIDTH> local[NUM_REGS];
copied_loop:
    for (int k = 0; k != NUM_REGS; k++) {
#pragma HLS UNROLL
        local[k] = din[k];
    }
operate_loop:
    for (int k = 0; k != NUM_REGS; k++) {
#pragma HLS UNROLL
        if (s[k])
            total += local[k];
    }
    return total;
}
