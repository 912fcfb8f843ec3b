// Our own kernel with the structure of Xilinx/Vitis-HLS-Introductory-Examples/memory_bottleneck_resolved/mem_bottleneck_resolved.cpp (Vivado HLS 2019.2): three-tap running sum over a 128-entry block-RAM argument, the two older taps carried in registers, SUM_LOOP pipelined by a Tcl directive.
#include "ap_int.h"

#define DEPTH 128

typedef ap_int<7> tap_t;
typedef ap_int<10> total_t;

total_t array_mem_perform(tap_t samples[DEPTH]) {
    tap_t older = samples[0];
    tap_t newer = samples[1];
    total_t running = 0;
SUM_LOOP:
    for (int k = 2; k < DEPTH; k++) {
        tap_t incoming = samples[k];
        running += incoming + newer + older;
        older = newer;
        newer = incoming;
    }
    return running;
}
