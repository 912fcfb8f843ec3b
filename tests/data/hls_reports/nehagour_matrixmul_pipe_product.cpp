// Our own kernel with the structure of nehagour-lab/Vivado_HLS_Artix_7_FPGA/single_loop/INTEGER_MATRIX_MULTIPLICATION/MATRIX_MULTIPLICATION_16_PIPELINE_1 (mat_pipeline.cpp, read from solution1/.autopilot/db/mat_pipeline.pp.0.cpp; Vivado HLS 2017.2): UG871 lab1 3x3 by 3x3 product of signed chars into shorts with PIPELINE II=1 written in Product.
typedef char left_t;
typedef char right_t;
typedef short sum_t;

#define N_ROW 3
#define N_MID 3
#define N_COL 3

void matrixmul(left_t p[N_ROW][N_MID], right_t q[N_MID][N_COL], sum_t r[N_ROW][N_COL]) {
Row:
    for (int i = 0; i < N_ROW; i++) {
    Col:
        for (int j = 0; j < N_COL; j++) {
            r[i][j] = 0;
        Product:
            for (int k = 0; k < N_MID; k++) {
#pragma HLS PIPELINE II=1
                r[i][j] += p[i][k] * q[k][j];
            }
        }
    }
}
