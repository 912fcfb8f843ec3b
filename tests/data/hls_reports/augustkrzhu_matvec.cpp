// Our own kernel with the structure of AugustKRZhu/PP4FPGA_HLS/matrix_vector_mult/matrix_vector_base/matrix_vector_base.c (Vivado HLS 2018.2): 8x8 int matrix times 8-vector, the row loop pipelined II=1 with the 8-term dot product fully unrolled; the matrix argument is partitioned by columns (8 BRAM ports) and the input vector completely (8 scalar ports).
#define DIM 8

typedef int elem_t;

void matrix_vector(elem_t A[DIM][DIM], elem_t vin[DIM], elem_t vout[DIM]) {
#pragma HLS array_partition variable=A dim=2 complete
#pragma HLS array_partition variable=vin complete
    elem_t r, k;
data_loop:
    for (r = 0; r < DIM; r++) {
#pragma HLS pipeline II=1
        elem_t acc = 0;
    dot_product_loop:
        for (k = 0; k < DIM; k++) {
#pragma HLS unroll
            acc += vin[k] * A[r][k];
        }
        vout[r] = acc;
    }
}
