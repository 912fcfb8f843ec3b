// Our own kernel with the structure of MukulSingh105/Accelerated-Matrix-Multiplication/matrixmul.cpp (Vivado HLS 2019.2): 3x3 by 3x3 matrix product of 8-bit chars into 16-bit shorts, three labelled nested loops accumulating straight into the output array, no pragmas.
#define ROWS_A 3
#define COLS_A 3
#define ROWS_B 3
#define COLS_B 3

typedef char lhs_t;
typedef char rhs_t;
typedef short acc_t;

void matrixmul(lhs_t lhs[ROWS_A][COLS_A], rhs_t rhs[ROWS_B][COLS_B], acc_t out[ROWS_A][COLS_B]) {
Row:
    for (int r = 0; r < ROWS_A; r++) {
    Col:
        for (int c = 0; c < COLS_B; c++) {
            out[r][c] = 0;
        Product:
            for (int t = 0; t < ROWS_B; t++) {
                out[r][c] += lhs[r][t] * rhs[t][c];
            }
        }
    }
}
