// Our own kernel with the structure of songqij/ESE5320hw/hw6/apps/mmult/fpga/hls/MMult.cpp as kept in hw6/saved_x/kernel/mmult_fpga/mmult_fpga/solution/.autopilot/db/MMult.pp.0.cpp (Vitis HLS 2020.2, Vitis kernel flow): a three-process DATAFLOW over hls::stream channels that multiplies 130 pairs of 32x32 float matrices, a reader of both m_axi inputs, a compute process with partitioned 32x32 local buffers and a pipelined output loop whose 32-term dot product is unrolled, and a writer.
#include <hls_stream.h>

#define DIM 32
#define BATCH 130

void read(const float* A, const float* B, hls::stream<float>& a_s, hls::stream<float>& b_s, int count) {
    for (int n = 0; n < count; n++) {
        a_s.write(A[n]);
        b_s.write(B[n]);
    }
}

void execution(hls::stream<float>& a_s, hls::stream<float>& b_s, hls::stream<float>& c_s) {
    float lhs[DIM][DIM];
    float rhs[DIM][DIM];
#pragma HLS array_partition variable=lhs block factor=32 dim=2
#pragma HLS array_partition variable=rhs block factor=32 dim=1
    for (int m = 0; m < BATCH; m++) {
        for (int r = 0; r < DIM; r++) {
            for (int c = 0; c < DIM; c++) {
                lhs[r][c] = a_s.read();
                rhs[r][c] = b_s.read();
            }
        }
        for (int r = 0; r < DIM; r++) {
            for (int c = 0; c < DIM; c++) {
#pragma HLS PIPELINE II=1
                float acc = 0;
                for (int k = 0; k < DIM; k++) {
                    float prod = lhs[r][k] * rhs[k][c];
                    acc += prod;
                }
                c_s.write(acc);
            }
        }
    }
}

void write(hls::stream<float>& c_s, float* C, int count) {
    for (int n = 0; n < count; n++) {
        C[n] = c_s.read();
    }
}

void mmult_fpga(float A[BATCH * DIM * DIM], float B[BATCH * DIM * DIM], float C[BATCH * DIM * DIM]) {
#pragma HLS INTERFACE m_axi port=A bundle=b0
#pragma HLS INTERFACE m_axi port=B bundle=b1
#pragma HLS INTERFACE m_axi port=C bundle=b2
#pragma HLS INTERFACE ap_ctrl_chain port=return
#pragma HLS DATAFLOW
    hls::stream<float> a_s;
    hls::stream<float> b_s;
    hls::stream<float> c_s;
    read(A, B, a_s, b_s, DIM * DIM * BATCH);
    execution(a_s, b_s, c_s);
    write(c_s, C, DIM * DIM * BATCH);
}
