// scale_add: out[i] = alpha * x[i] + y[i] on 64 signed 16-bit elements, with a 32-bit result.
//
// The three vectors are m_axi ports, each on a bundle of its own (two reads of one loop on one
// bundle would burst neither: UG1399 "Preconditions and Limitations of Burst Transfer"), and
// the loop is pipelined at II 1.
// `cnnacc hls-estimate examples/hls_project --json` should show one loop, SCALE_ADD, of 64 trips
// at II 1, so its latency is 64 cycles plus the few cycles of one iteration (the reads of x and y,
// the multiply-add, the write of out: more of them at the 4 ns clock of hls_config.cfg than at
// 10 ns), and the top's latency that loop plus the m_axi latency before the first read beat.
// Every access is sequential and unconditional: three bursts of length 64, no conflict.
#include <ap_int.h>

constexpr int N = 64;

void scale_add(const ap_int<16> *x, const ap_int<16> *y, ap_int<32> *out, ap_int<16> alpha) {
#pragma HLS INTERFACE mode = m_axi port = x bundle = gmem0 depth = 64
#pragma HLS INTERFACE mode = m_axi port = y bundle = gmem1 depth = 64
#pragma HLS INTERFACE mode = m_axi port = out bundle = gmem2 depth = 64
#pragma HLS INTERFACE mode = s_axilite port = alpha
#pragma HLS INTERFACE mode = s_axilite port = return

SCALE_ADD:
    for (int i = 0; i < N; i++) {
#pragma HLS PIPELINE II = 1
        out[i] = alpha * x[i] + y[i];
    }
}
