// Our own kernel with the structure of j1hye0n/vitis_hls/workspace/array_blcokcyc/matmul_partition.cpp (Vitis HLS 2024.2, component_array_partition_block_cyclic): 16x16 int matrix product on m_axi pointers with a runtime dimension; local A cyclically and B block partitioned by 16, burst copy-in loops, a rep/row/col nest whose 16-trip inner product is unrolled under the auto-pipelined column loop, and a burst copy-out loop; trip counts given by LOOP_TRIPCOUNT.
#define MAX_DIM 16

const unsigned int tc_dim = MAX_DIM;

void matmul_partition(int* src_a, int* src_b, int* dst, int dim, int rep_count) {
#pragma HLS INTERFACE m_axi port = src_a depth = 256
#pragma HLS INTERFACE m_axi port = src_b depth = 256
#pragma HLS INTERFACE m_axi port = dst depth = 256

    int la[MAX_DIM * MAX_DIM];
    int lb[MAX_DIM * MAX_DIM];
    int lc[MAX_DIM * MAX_DIM];
#pragma HLS ARRAY_PARTITION variable = la dim = 1 cyclic factor = 16
#pragma HLS ARRAY_PARTITION variable = lb dim = 1 block factor = 16

readA:
    for (int n = 0, r = 0, c = 0; n < dim * dim; n++, c++) {
#pragma HLS LOOP_TRIPCOUNT min = tc_dim* tc_dim max = tc_dim * tc_dim
        if (c == dim) {
            c = 0;
            r++;
        }
        la[r * MAX_DIM + c] = src_a[n];
    }

readB:
    for (int n = 0, r = 0, c = 0; n < dim * dim; n++, c++) {
#pragma HLS LOOP_TRIPCOUNT min = tc_dim* tc_dim max = tc_dim * tc_dim
        if (c == dim) {
            c = 0;
            r++;
        }
        lb[r * MAX_DIM + c] = src_b[n];
    }

loop2:
    for (int rep = 0; rep < rep_count; rep++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 1
    lreorder1:
        for (int r = 0; r < dim; r++) {
#pragma HLS LOOP_TRIPCOUNT min = tc_dim max = tc_dim
        lreorder2:
            for (int c = 0; c < dim; c++) {
#pragma HLS LOOP_TRIPCOUNT min = tc_dim max = tc_dim
                int dot = 0;
            lreorder3:
                for (int k = 0; k < MAX_DIM; k++) {
                    dot += la[r * MAX_DIM + k] * lb[k * MAX_DIM + c];
                }
                lc[r * MAX_DIM + c] = dot;
            }
        }
    }

writeC:
    for (int n = 0, r = 0, c = 0; n < dim * dim; n++, c++) {
#pragma HLS LOOP_TRIPCOUNT min = tc_dim* tc_dim max = tc_dim * tc_dim
        if (c == dim) {
            c = 0;
            r++;
        }
        dst[n] = lc[r * MAX_DIM + c];
    }
}
