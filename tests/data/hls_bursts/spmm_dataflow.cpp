// Our own kernel with the structure of ChenZehao1018/Sparse-Matrix-Acceleartor-for-HLS/kernel.cpp (Vitis HLS 2021.1): a DATAFLOW sparse x dense product whose reader stages stream five m_axi ports (one bundle each) with runtime lengths and whose writer stores a runtime rows x cols nest.
#include <ap_int.h>
#include <hls_stream.h>
#include <stdint.h>

#define LANES 2
#define DEPTH_B 8
#define PES 2

static void rd_offsets(int n_off, int *offs, hls::stream<int> &off_q) {
OFF_RD:
    for (int i = 0; i < n_off; i++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 64
        off_q.write(offs[i]);
    }
}

static void rd_nonzeros(int n_nz, uint32_t *coord, float *vals, hls::stream<uint32_t> &coord_q,
                        hls::stream<float> &val_q) {
    int total = PES * n_nz;
NZ_RD:
    for (int i = 0; i < total; i++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 512
        coord_q.write(coord[i]);
        val_q.write(vals[i]);
    }
}

static void rd_dense(int rows, int cols, float *dense, hls::stream<float> &dense_q) {
    int total = rows * cols;
DENSE_RD:
    for (int i = 0; i < total; i++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 16
        dense_q.write(dense[i]);
    }
}

static void multiply(int n_off, hls::stream<int> &off_q, hls::stream<uint32_t> &coord_q,
                     hls::stream<float> &val_q, hls::stream<float> &dense_q,
                     hls::stream<float> out_q[LANES]) {
    float bcache[LANES][DEPTH_B];
    float acc[LANES][DEPTH_B];
FILL_B:
    for (int k = 0; k < DEPTH_B; k++) {
    FILL_L:
        for (int l = 0; l < LANES; l++) {
            bcache[l][k] = dense_q.empty() ? 0.0f : dense_q.read();
            acc[l][k] = 0.0f;
        }
    }
    int lo = off_q.read();
SEG:
    for (int s = 0; s < n_off - 1; s++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 63
        int hi = off_q.read();
    SEG_NZ:
        for (int e = lo; e < hi; e++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 8
        SEG_PE:
            for (int p = 0; p < PES; p++) {
                float a = val_q.read();
                uint32_t rc = coord_q.read();
                uint32_t col = (rc >> 16) & 0x7;
                uint32_t row = rc & 0xffff;
            SEG_LANE:
                for (int l = 0; l < LANES; l++) {
                    if (((row >> 15) & 1) == 0)
                        acc[l][row & 0x7] += a * bcache[l][col];
                }
            }
        }
        lo = hi;
    }
DRAIN:
    for (int k = 0; k < DEPTH_B; k++) {
    DRAIN_L:
        for (int l = 0; l < LANES; l++) {
            out_q[l].write(acc[l][k]);
        }
    }
}

static void wr_result(int rows, int cols, hls::stream<float> out_q[LANES], float *result) {
RES_ROW:
    for (int r = 0; r < rows; r++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 8
    RES_COL:
        for (int c = 0; c < cols; c++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 2
            result[r * cols + c] = out_q[c].read();
        }
    }
}

void sparse_dense_mm(int *offs, uint32_t *coord, float *vals, float *dense, float *result,
                     int n_off, int n_nz, int rows, int inner, int cols) {
#pragma HLS INTERFACE m_axi port = offs offset = slave bundle = gmem0
#pragma HLS INTERFACE m_axi port = coord offset = slave bundle = gmem1
#pragma HLS INTERFACE m_axi port = vals offset = slave bundle = gmem2
#pragma HLS INTERFACE m_axi port = dense offset = slave bundle = gmem3
#pragma HLS INTERFACE m_axi port = result offset = slave bundle = gmem4
#pragma HLS INTERFACE s_axilite port = offs
#pragma HLS INTERFACE s_axilite port = coord
#pragma HLS INTERFACE s_axilite port = vals
#pragma HLS INTERFACE s_axilite port = dense
#pragma HLS INTERFACE s_axilite port = result
#pragma HLS INTERFACE s_axilite port = n_off
#pragma HLS INTERFACE s_axilite port = n_nz
#pragma HLS INTERFACE s_axilite port = rows
#pragma HLS INTERFACE s_axilite port = inner
#pragma HLS INTERFACE s_axilite port = cols
#pragma HLS INTERFACE s_axilite port = return
    hls::stream<int> off_q;
    hls::stream<uint32_t> coord_q;
    hls::stream<float> val_q;
    hls::stream<float> dense_q;
    hls::stream<float> out_q[LANES];
#pragma HLS STREAM variable = off_q depth = 32
#pragma HLS STREAM variable = coord_q depth = 32
#pragma HLS STREAM variable = val_q depth = 32
#pragma HLS STREAM variable = dense_q depth = 32
#pragma HLS STREAM variable = out_q depth = 32
#pragma HLS DATAFLOW
    rd_offsets(n_off, offs, off_q);
    rd_nonzeros(n_nz, coord, vals, coord_q, val_q);
    rd_dense(inner, cols, dense, dense_q);
    multiply(n_off, off_q, coord_q, val_q, dense_q, out_q);
    wr_result(rows, cols, out_q, result);
}
