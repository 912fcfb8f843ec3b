// Our own kernel with the structure of enzobelline/ELEN226/Assignment3/mmul/mmul.cpp (Vitis HLS 2022.1, solution2): 3x4 by 4x6 matrix product of 16-bit ap_fixed BRAM arguments as a perfect row/col/prod nest with the accumulator reset and the store inside prod; PIPELINE on prod by a Tcl directive (enzobelline_mmul_pipe.tcl), which Vitis flattened into one loop.
#include "ap_fixed.h"

#define ROWS 3
#define INNER 4
#define COLS 6

typedef ap_fixed<16, 16, AP_TRN, AP_WRAP> entry_t;

void mmul(entry_t left[ROWS][INNER], entry_t right[INNER][COLS], entry_t out[ROWS][COLS]) {
    int r, c, k;
    entry_t partial = 0;
row:
    for (r = 0; r < ROWS; r++) {
    col:
        for (c = 0; c < COLS; c++) {
        prod:
            for (k = 0; k < INNER; k++) {
                if (k == 0) partial = 0;
                partial += left[r][k] * right[k][c];
                if (k == INNER - 1) out[r][c] = partial;
            }
        }
    }
}
