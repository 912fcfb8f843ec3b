// Our own kernel with the structure of Taise228/topk_sort/topk_sort.cpp at 2dd44dd (Vitis HLS 2022.1): top-100 insertion network over 1000 AXI-stream samples held in two completely partitioned int[100] arrays, with pipelined inner loops inside non-pipelined outer loops.
#include <ap_int.h>
#include <hls_stream.h>
#include <ap_axi_sdata.h>

typedef ap_axis<32, 0, 0, 0> word_t;

const int KEEP = 100;
const int COUNT = 1000;

void topk_sort(hls::stream<word_t> &in_s, hls::stream<word_t> &out_s) {
#pragma HLS INTERFACE s_axilite port=return bundle=CONTROL_BUS
#pragma HLS INTERFACE axis port=in_s
#pragma HLS INTERFACE axis port=out_s
    int best[KEEP];
    int carry[KEEP];
#pragma HLS ARRAY_PARTITION variable=best complete dim=0
#pragma HLS ARRAY_PARTITION variable=carry complete dim=0

    for (int a = 0; a < KEEP; a++) {
#pragma HLS PIPELINE II=1
        best[a] = 0;
        carry[a] = 0;
    }

    word_t res;
    word_t in;
    for (int n = 0; n < COUNT; n++) {
        in = in_s.read();
        int x = in.data;
        res.keep = in.keep;
        res.strb = in.strb;
        for (int p = 0; p < KEEP; p++) {
#pragma HLS PIPELINE II=1
            if (p == 0) {
                if (x > best[0]) { carry[0] = best[0]; best[0] = x; }
                else { carry[0] = x; }
            } else {
                if (carry[p - 1] > best[p]) { carry[p] = best[p]; best[p] = carry[p - 1]; }
                else { carry[p] = carry[p - 1]; }
            }
        }
    }

    // drain: push the remaining carries down the network
    for (int a = 0; a < KEEP - 1; a++) {
        for (int p = a + 1; p < KEEP; p++) {
#pragma HLS PIPELINE II=1
            if (carry[p - 1] > best[p]) { carry[p] = best[p]; best[p] = carry[p - 1]; }
            else { carry[p] = carry[p - 1]; }
        }
    }

    for (int a = 0; a < KEEP; a++) {
#pragma HLS PIPELINE II=1
        word_t o;
        o.data = best[a];
        o.last = (a == KEEP - 1) ? 1 : 0;
        out_s.write(o);
    }
}
