// Our own kernel with the structure of ArdaAsci/hls_project/matrixmul.cpp (Vitis HLS 2021.1, matrixmul_prj/solution1): the UG871 3x3 char matrix product into res (inside a labelled block) followed by a second 3x3 nest that accumulates the square of each product element into res1; PIPELINE II=1 on Product comes from the solution's directives (ardaasci_matrixmul_square.tcl).
typedef char in_a_t;
typedef char in_b_t;
typedef short out_t;

#define RA 3
#define CA 3
#define RB 3
#define CB 3

void matrixmul(in_a_t m1[RA][CA], in_b_t m2[RB][CB], out_t prod[RA][CB], out_t sq[RA][CB]) {
section1: {
Row:
    for (int r = 0; r < RA; r++) {
    Col:
        for (int c = 0; c < CB; c++) {
            prod[r][c] = 0;
        Product:
            for (int k = 0; k < RB; k++) {
                prod[r][c] += m1[r][k] * m2[k][c];
            }
        }
    }
}
Row1:
    for (int r = 0; r < RA; r++) {
    Col2:
        for (int c = 0; c < CB; c++) {
            sq[r][c] += prod[r][c] * prod[r][c];
        }
    }
}
