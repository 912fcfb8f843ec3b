// Our own kernel with the structure of Hi9173/CSE-237C-Starter/project_files/project2/cordic/HLS/cordic/cordiccart2pol.cpp (Vitis HLS 2024.2, cordiccart2pol.comp): float cartesian-to-polar CORDIC with a quadrant pre-rotation, then 20 vectoring steps that multiply by a global (non-const) float table of powers of two and add or subtract a global float arctangent table entry; all ports on s_axilite (the INTERFACE pragmas sit after the loop, as in the original); no loop pragmas.
#define STEPS 20

typedef float real_t;

real_t pow2_tab[STEPS] = {
    1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125, 0.00390625, 0.001953125,
    0.0009765625, 0.00048828125, 0.000244140625, 0.0001220703125, 6.103515625e-05,
    3.0517578125e-05, 1.52587890625e-05, 7.62939453125e-06, 3.814697265625e-06, 1.9073486328125e-06};

real_t atan_tab[STEPS] = {
    0.78539816, 0.46364761, 0.24497866, 0.12435499, 0.06241881, 0.03123983, 0.01562373,
    0.00781234, 0.00390623, 0.00195312, 0.00097656, 0.00048828, 0.00024414, 0.00012207,
    6.1035156e-05, 3.0517578e-05, 1.5258789e-05, 7.6293945e-06, 3.8146973e-06, 1.9073486e-06};

void cordiccart2pol(real_t x, real_t y, real_t *r, real_t *theta) {
    real_t px = x;
    real_t py = y;
    real_t ang = 0;

    real_t scale = 0.60725293500888;

    real_t nx, ny;
    if (py < 0) {
        nx = -py;
        ny = px;
        ang = ang - 1.5708;
    } else {
        nx = py;
        ny = -px;
        ang = ang + 1.5708;
    }
    px = nx;
    py = ny;

    for (int k = 0; k < STEPS; k++) {
        if (py < 0) {
            nx = px - (py * pow2_tab[k]);
            ny = py + (px * pow2_tab[k]);
            ang = ang - atan_tab[k];
        } else {
            nx = px + (py * pow2_tab[k]);
            ny = py - (px * pow2_tab[k]);
            ang = ang + atan_tab[k];
        }
        px = nx;
        py = ny;
    }
#pragma HLS INTERFACE mode=s_axilite port=return
#pragma HLS INTERFACE mode=s_axilite port=x
#pragma HLS INTERFACE mode=s_axilite port=y
#pragma HLS INTERFACE mode=s_axilite port=r
#pragma HLS INTERFACE mode=s_axilite port=theta

    *r = px * scale;
    *theta = ang;
}
