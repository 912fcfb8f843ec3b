// Our own kernel with the structure of InputBlackBoxOutput/Systolic-Matrix-Multiplier/design.cpp (Vitis HLS 2022.2): 8x8 int matrix product on a systolic grid of zero-initialised, partitioned register arrays, one pipelined wave loop of 23 trips, m_axi in/out copies unrolled by 8.
#define SZ 8

extern "C" {
void multiplier(int mat_a[SZ][SZ], int mat_b[SZ][SZ], int mat_c[SZ][SZ], unsigned int len) {
#pragma HLS INTERFACE m_axi port=mat_a offset=slave depth=64 bundle=gmem1
#pragma HLS INTERFACE m_axi port=mat_b offset=slave depth=64 bundle=gmem2
#pragma HLS INTERFACE m_axi port=mat_c offset=slave depth=1 bundle=gmem3
#pragma HLS INTERFACE s_axilite port=mat_a bundle=control
#pragma HLS INTERFACE s_axilite port=mat_b bundle=control
#pragma HLS INTERFACE s_axilite port=mat_c bundle=control
#pragma HLS INTERFACE s_axilite port=len bundle=control
#pragma HLS INTERFACE s_axilite port=return bundle=control
    int bufA[SZ][SZ] = {0};
#pragma HLS ARRAY_PARTITION variable=bufA dim=1 complete
    int bufB[SZ][SZ] = {0};
#pragma HLS ARRAY_PARTITION variable=bufB dim=2 complete
    for (int r = 0; r < SZ; r++) {
        for (int c = 0; c < SZ; c++) {
#pragma HLS UNROLL factor=8
            bufA[r][c] = mat_a[r][c];
            bufB[r][c] = mat_b[r][c];
        }
    }
    int a_in[SZ][SZ] = {0};
#pragma HLS ARRAY_PARTITION variable=a_in dim=0 complete
    int b_in[SZ][SZ] = {0};
#pragma HLS ARRAY_PARTITION variable=b_in dim=0 complete
    int a_reg[SZ][SZ] = {0};
#pragma HLS ARRAY_PARTITION variable=a_reg dim=0 complete
    int b_reg[SZ][SZ] = {0};
#pragma HLS ARRAY_PARTITION variable=b_reg dim=0 complete
    int acc[SZ][SZ] = {0};
#pragma HLS ARRAY_PARTITION variable=acc dim=0 complete
    int n_waves = (SZ * 2 + SZ - 2) + 1;
    int span = 0;
systolic1:
    for (int w = 0; w < n_waves; w++) {
#pragma HLS PIPELINE II=1
    feed_r:
        for (int r = 0; r < SZ; r++) {
        feed_c:
            for (int c = 0; c < SZ; c++) {
                int d = r + c;
                span = (w >= SZ) ? SZ : w + 1;
                bool started = (d <= w);
                bool finished = (w >= span + d);
                if (started && !finished) {
                    a_in[r][c] = (c != 0) ? a_reg[r][c - 1] : bufA[r][w - d];
                    b_in[r][c] = (r != 0) ? b_reg[r - 1][c] : bufB[w - d][c];
                } else {
                    a_in[r][c] = 0;
                    b_in[r][c] = 0;
                }
            }
        }
    mac_r:
        for (int r = 0; r < SZ; r++) {
        mac_c:
            for (int c = 0; c < SZ; c++) {
                if (r + c < w) acc[r][c] = a_reg[r][c] * b_reg[r][c] + acc[r][c];
                else acc[r][c] = 0;
            }
        }
    move_r:
        for (int r = 0; r < SZ; r++) {
        move_c:
            for (int c = 0; c < SZ; c++) {
                a_reg[r][c] = a_in[r][c];
                b_reg[r][c] = b_in[r][c];
            }
        }
    }
    for (int r = 0; r < SZ; r++) {
        for (int c = 0; c < SZ; c++) {
#pragma HLS UNROLL factor=8
            mat_c[r][c] = acc[r][c];
        }
    }
}
}
