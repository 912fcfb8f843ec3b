// Our own kernel with the structure of robertszafa/elastic-sycl-hls/FPT_benchmarks/vivado_reports/spmv/loop_imperfect.c (Vivado HLS 2019.2): 19 x 20 sparse update matrix[row[ptr]] += a[p] * matrix[col[ptr]] with a running pointer; PIPELINE on the outer loop fully unrolls the 20-trip inner loop.
#define DIM 20

void loop_imperfect(int m[DIM * DIM], int ridx[DIM * DIM], int cidx[DIM * DIM], int coef[DIM * DIM]) {
    int pos = 0;
    for (int pass = 1; pass < DIM; pass++) {
#pragma HLS pipeline
        for (int q = 0; q < DIM; q++) {
#pragma HLS pipeline
            m[ridx[pos]] += coef[q] * m[cidx[pos]];
            pos++;
        }
    }
}
