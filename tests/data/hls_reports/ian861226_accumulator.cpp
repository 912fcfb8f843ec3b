// Our own kernel with the structure of ian861226/ACA21-HLS-LAB-A-team-8/accumulator/src/accumulator.cpp + accumulator.h (Vivado HLS 2019.2): a top that returns, through a pointer, the sum of a 4-entry ap_int<8> BRAM argument computed by a templated helper whose 4-trip ACCUM loop is pipelined II=1 by a Tcl directive.
#include "ap_int.h"

const int Width = 8;
const int Num_reg = 4;
const int log2_Num_reg = 2;

template <int W, int N, int L>
ap_int<W + L> acc_tmpl(ap_int<W> vals[N]) {
    ap_int<W + L> total;
    total = 0;
ACCUM:
    for (int k = 0; k < N; ++k)
        total += vals[k];
    return total;
}

void accumulator(ap_int<Width> din[Num_reg], ap_int<Width + log2_Num_reg> *dout) {
    *dout = acc_tmpl<Width, Num_reg, log2_Num_reg>(din);
}
