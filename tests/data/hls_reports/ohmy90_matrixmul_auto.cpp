// Our own kernel with the structure of ohmy90/Vitis-HLS-labs/LAB1/matrixmul (matrixmul.cpp, read from matrixmul/hls/.autopilot/db/matrixmul.pp.0.cpp; Vitis HLS 2025.2): UG871 lab1 3x3 by 3x3 product of signed chars into shorts, Row/Col/Product nest accumulating straight into the output array; no pragmas and no directives beyond the top.
typedef char mat_x_t;
typedef char mat_y_t;
typedef short mat_z_t;

#define XR 3
#define XC 3
#define YR 3
#define YC 3

void matrixmul(mat_x_t x[XR][XC], mat_y_t y[YR][YC], mat_z_t z[XR][YC]) {
Row:
    for (int row = 0; row < XR; row++) {
    Col:
        for (int col = 0; col < YC; col++) {
            z[row][col] = 0;
        Product:
            for (int k = 0; k < YR; k++) {
                z[row][col] += x[row][k] * y[k][col];
            }
        }
    }
}
