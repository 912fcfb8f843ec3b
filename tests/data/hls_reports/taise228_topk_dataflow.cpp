// Our own kernel with the structure of Taise228/topk_sort/topk_sort.cpp at 7b29c5e (Vitis HLS 2022.1): DATAFLOW top-100 insertion network over 1000 AXI-stream samples, fully unrolled compare/swap stages inside II=1 pipelines on three completely partitioned int[100] arrays.
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
#pragma HLS DATAFLOW
    int best[KEEP];
    int carry[KEEP];
    int nxt[KEEP];
#pragma HLS ARRAY_PARTITION variable=best complete dim=0
#pragma HLS ARRAY_PARTITION variable=carry complete dim=0
#pragma HLS ARRAY_PARTITION variable=nxt complete dim=0

    for (int a = 0; a < KEEP; a++) {
#pragma HLS UNROLL
        best[a] = 0; carry[a] = 0; nxt[a] = 0;
    }

    word_t res;
    word_t in;
    for (int n = 0; n < COUNT; n++) {
#pragma HLS PIPELINE II=1
        in = in_s.read();
        int x = in.data;
        res.keep = in.keep;
        res.strb = in.strb;
        for (int p = 0; p < KEEP; p++) {
#pragma HLS UNROLL
            if (p == 0) {
                if (x > best[0]) { nxt[0] = best[0]; best[0] = x; }
                else { nxt[0] = x; }
            } else {
                if (carry[p - 1] > best[p]) { nxt[p] = best[p]; best[p] = carry[p - 1]; }
                else { nxt[p] = carry[p - 1]; }
            }
        }
        for (int p = 0; p < KEEP; p++) {
#pragma HLS UNROLL
            carry[p] = nxt[p];
        }
    }

    for (int a = 0; a < KEEP - 1; a++) {
#pragma HLS PIPELINE II=1
        for (int p = 0; p < KEEP; p++) {
#pragma HLS UNROLL
            if (p >= a + 1) {
                if (carry[p - 1] > best[p]) { nxt[p] = best[p]; best[p] = carry[p - 1]; }
                else { nxt[p] = carry[p - 1]; }
            }
        }
        for (int p = 0; p < KEEP; p++) {
#pragma HLS UNROLL
            if (p >= a + 1) carry[p] = nxt[p];
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
