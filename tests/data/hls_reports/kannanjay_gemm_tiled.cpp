// Our own kernel with the structure of KannanJay101/ENSC453_LAB3/lab1-base-code/c-sim/mm_kernel.cpp as kept in proj_csim/solution1/.autopilot/db/mm_kernel.pp.0.cpp (Vitis HLS 2020.2.2, Vivado IP flow): a float GEMM C = alpha*A*B + beta*C over 16x16 tiles in local buffers; the tile loops have run-time bounds with LOOP_TRIPCOUNT 64 (64 tiles of 16 a dimension), bounds-checked pipelined tile loads and store on m_axi, and a non-inlined 16x16 compute with the 16-term dot product unrolled.
#define TS 16

static void fetch_tile(float* mem, float tile[TS][TS], int row0, int col0, int rows, int cols) {
LOAD_LOOP_I:
    for (int r = 0; r < TS; r++) {
    LOAD_LOOP_J:
        for (int c = 0; c < TS; c++) {
#pragma HLS PIPELINE II=1
            int gr = row0 + r;
            int gc = col0 + c;
            tile[r][c] = (gr < rows && gc < cols) ? mem[gr * cols + gc] : 0.0f;
        }
    }
}

static void compute_tile(float ta[TS][TS], float tb[TS][TS], float tc[TS][TS], float scale) {
#pragma HLS ARRAY_PARTITION variable=ta dim=2 complete
#pragma HLS ARRAY_PARTITION variable=tb dim=1 complete
COMPUTE_LOOP_I:
    for (int r = 0; r < TS; r++) {
    COMPUTE_LOOP_J:
        for (int c = 0; c < TS; c++) {
#pragma HLS PIPELINE II=1
            float dot = 0.0f;
        COMPUTE_LOOP_K:
            for (int k = 0; k < TS; k++) {
#pragma HLS UNROLL
                dot += ta[r][k] * tb[k][c];
            }
            tc[r][c] += scale * dot;
        }
    }
}

static void put_tile(float* mem, float tile[TS][TS], int row0, int col0, int rows, int cols) {
STORE_LOOP_I:
    for (int r = 0; r < TS; r++) {
    STORE_LOOP_J:
        for (int c = 0; c < TS; c++) {
#pragma HLS PIPELINE II=1
            int gr = row0 + r;
            int gc = col0 + c;
            if (gr < rows && gc < cols)
                mem[gr * cols + gc] = tile[r][c];
        }
    }
}

void kernel_gemm(float* C, float* A, float* B, float alpha, float beta, int ni, int nj, int nk) {
#pragma HLS INTERFACE m_axi port=A offset=slave bundle=gmem0 depth=4194304
#pragma HLS INTERFACE m_axi port=B offset=slave bundle=gmem1 depth=4194304
#pragma HLS INTERFACE m_axi port=C offset=slave bundle=gmem0 depth=4194304
#pragma HLS INTERFACE s_axilite port=alpha bundle=control
#pragma HLS INTERFACE s_axilite port=beta bundle=control
#pragma HLS INTERFACE s_axilite port=ni bundle=control
#pragma HLS INTERFACE s_axilite port=nj bundle=control
#pragma HLS INTERFACE s_axilite port=nk bundle=control
#pragma HLS INTERFACE s_axilite port=return bundle=control
    float tile_a[TS][TS];
    float tile_b[TS][TS];
    float tile_c[TS][TS];

TILE_LOOP_I:
    for (int bi = 0; bi < ni; bi += TS) {
#pragma HLS loop_tripcount min=64 max=64 avg=64
    TILE_LOOP_J:
        for (int bj = 0; bj < nj; bj += TS) {
#pragma HLS loop_tripcount min=64 max=64 avg=64
        INIT_LOOP_II:
            for (int r = 0; r < TS; r++) {
            INIT_LOOP_JJ:
                for (int c = 0; c < TS; c++) {
#pragma HLS PIPELINE II=1
                    int gr = bi + r;
                    int gc = bj + c;
                    tile_c[r][c] = (gr < ni && gc < nj) ? (C[gr * nj + gc] * beta) : 0.0f;
                }
            }
        TILE_LOOP_K:
            for (int bk = 0; bk < nk; bk += TS) {
#pragma HLS loop_tripcount min=64 max=64 avg=64
                fetch_tile(A, tile_a, bi, bk, ni, nk);
                fetch_tile(B, tile_b, bk, bj, nk, nj);
                compute_tile(tile_a, tile_b, tile_c, alpha);
            }
            put_tile(C, tile_c, bi, bj, ni, nj);
        }
    }
}
