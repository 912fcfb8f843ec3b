// Our own kernel with the structure of cpantel/TheZynqBook/pynq-z2/2018.2/exercise03/hls/tut3A/matrix_mult.cpp (Vivado HLS 2018.2, matrix_multiplier/solution2): 5x5 by 5x5 product of signed 8-bit chars into 16-bit shorts, labelled Row/Col/Product nest accumulating straight into the output array; no pragmas in the source; directives in cpantel_matrixmul_pipe_product.tcl (pipeline Product).
typedef char lhs_t;
typedef char rhs_t;
typedef short acc_t;

#define DIM_M 5
#define DIM_K 5
#define DIM_N 5

void matrix_mult(lhs_t lhs[DIM_M][DIM_K], rhs_t rhs[DIM_K][DIM_N], acc_t out[DIM_M][DIM_N]) {
Row:
    for (int r = 0; r < DIM_M; r++) {
    Col:
        for (int c = 0; c < DIM_N; c++) {
            out[r][c] = 0;
        Product:
            for (int k = 0; k < DIM_K; k++) {
                out[r][c] += lhs[r][k] * rhs[k][c];
            }
        }
    }
}
