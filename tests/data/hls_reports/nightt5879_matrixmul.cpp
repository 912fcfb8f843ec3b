// Our own kernel with the structure of nightt5879/FPGA ZedBoard/HLS_lab/lab1 matrixmul (UG871 lab1 matrixmul.cpp, read from hls/.autopilot/db/matrixmul.pp.0.cpp) (Vitis HLS 2024.1, unified hls_config.cfg flow): 3x3 by 3x3 product of signed 8-bit chars into 16-bit shorts, labelled Row/Col/Product nest accumulating straight into the output array; no pragmas or directives.
typedef char elem_a_t;
typedef char elem_b_t;
typedef short elem_r_t;

#define N_ROWS_A 3
#define N_COLS_A 3
#define N_ROWS_B 3
#define N_COLS_B 3

void matrixmul(elem_a_t x[N_ROWS_A][N_COLS_A], elem_b_t y[N_ROWS_B][N_COLS_B],
               elem_r_t z[N_ROWS_A][N_COLS_B]) {
Row:
    for (int r = 0; r < N_ROWS_A; r++) {
    Col:
        for (int c = 0; c < N_COLS_B; c++) {
            z[r][c] = 0;
        Product:
            for (int k = 0; k < N_ROWS_B; k++) {
                z[r][c] += x[r][k] * y[k][c];
            }
        }
    }
}
