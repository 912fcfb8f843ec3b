// Our own kernel with the structure of S1ddharthhh/Pynq-Z2-Matrix-Acceleration/matmul-ip/matmul_hls.cpp as kept in matmul-ip/matmul/matmul_hls/hls/.autopilot/db/matmul_hls.pp.0.cpp (Vitis HLS 2024.1, Vivado IP flow): a 128x128 int matrix product with three local BRAM buffers block-partitioned by 16, both operands read from one AXI4-Stream, a pipelined output loop whose 128-term dot product is written with UNROLL factor=16, and the result written to a second AXI4-Stream with TLAST on the final word.
#include <ap_axi_sdata.h>
#include <hls_stream.h>

#define DIM 128

typedef int elem_t;
typedef ap_axiu<32, 0, 0, 0> beat_t;

void matmul_hls(hls::stream<beat_t>& stream_in, hls::stream<beat_t>& stream_out) {
#pragma HLS INTERFACE s_axilite port=return bundle=control
#pragma HLS INTERFACE axis port=stream_in
#pragma HLS INTERFACE axis port=stream_out
    elem_t lhs[DIM][DIM];
    elem_t rhs[DIM][DIM];
    elem_t prod[DIM][DIM];
#pragma HLS BIND_STORAGE variable=lhs type=ram_2p impl=bram
#pragma HLS BIND_STORAGE variable=rhs type=ram_2p impl=bram
#pragma HLS BIND_STORAGE variable=prod type=ram_2p impl=bram
#pragma HLS ARRAY_PARTITION variable=lhs type=block factor=16 dim=2
#pragma HLS ARRAY_PARTITION variable=rhs type=block factor=16 dim=1
#pragma HLS ARRAY_PARTITION variable=prod type=block factor=16 dim=2

    for (int r = 0; r < DIM; r++) {
        for (int c = 0; c < DIM; c++) {
#pragma HLS PIPELINE II=1
            lhs[r][c] = stream_in.read().data;
        }
    }
    for (int r = 0; r < DIM; r++) {
        for (int c = 0; c < DIM; c++) {
#pragma HLS PIPELINE II=1
            rhs[r][c] = stream_in.read().data;
        }
    }
    for (int r = 0; r < DIM; r++) {
        for (int c = 0; c < DIM; c++) {
#pragma HLS PIPELINE II=1
            elem_t acc = 0;
            for (int k = 0; k < DIM; k++) {
#pragma HLS UNROLL factor=16
                acc += lhs[r][k] * rhs[k][c];
            }
            prod[r][c] = acc;
        }
    }
    for (int r = 0; r < DIM; r++) {
        for (int c = 0; c < DIM; c++) {
#pragma HLS PIPELINE II=1
            beat_t out;
            out.data = prod[r][c];
            out.last = (r == DIM - 1 && c == DIM - 1);
            out.keep = -1;
            out.strb = -1;
            stream_out.write(out);
        }
    }
}
