// Our own kernel with the structure of Glyfina-Fernando/5775/ece5775/cordic.cpp (floating-point branch) as kept in float_iter_20.prj/solution1/.autopilot/db/cordic.pp.0.cpp (Vivado HLS 2014.2): float rotation-mode CORDIC, NUM_ITER iterations (20 here, passed as a define as the project did), each step dividing by (float)(1UL << step) and adding or subtracting an entry of a global const 64-entry float arctangent table; the unused local static angle table of the original is kept; no pragmas.
#ifndef NUM_ITER
#define NUM_ITER 30
#endif

typedef float theta_type;
typedef float cos_sin_type;

const theta_type atan_table[64] = {
    0.7853981634, 0.4636476090, 0.2449786631, 0.1243549945, 0.0624188100, 0.0312398334,
    0.0156237286, 0.0078123411, 0.0039062301, 0.0019531225, 0.0009765622, 0.0004882812,
    0.0002441406, 0.0001220703, 0.0000610352, 0.0000305176, 0.0000152588, 0.0000076294,
    0.0000038147, 0.0000019073, 0.0000009537, 0.0000004768, 0.0000002384, 0.0000001192,
    0.0000000596, 0.0000000298, 0.0000000149, 0.0000000075, 0.0000000037, 0.0000000019,
    0.0000000009, 0.0000000005, 0.0000000002, 0.0000000001, 0.00000000006, 0.00000000003,
    0.00000000001, 0.000000000007, 0.000000000004, 0.000000000002, 0.0000000000009,
    0.0000000000005, 0.0000000000002, 0.0000000000001, 0.00000000000006, 0.00000000000003,
    0.00000000000001, 0.000000000000007, 0.000000000000004, 0.000000000000002,
    0.0000000000000009, 0.0000000000000004, 0.0000000000000002, 0.0000000000000001,
    0.00000000000000006, 0.00000000000000003, 0.00000000000000001, 0.000000000000000007,
    0.000000000000000003, 0.000000000000000002, 0.0000000000000000009,
    0.0000000000000000004, 0.0000000000000000002, 0.0000000000000000001};

void cordic(theta_type theta, cos_sin_type *s, cos_sin_type *c) {
    static const float unused_angles[] = {
        0.78539816, 0.46364761, 0.24497866, 0.12435499, 0.06241881, 0.03123983, 0.01562373,
        0.00781234, 0.00390623, 0.00195312, 0.00097656, 0.00048828, 0.00024414, 0.00012207,
        0.00006103, 0.00003051, 0.00001526, 0.00000763, 0.00000381, 0.00000191};

    theta_type X, Y, T, acc_angle;
    unsigned k;
    X = 0.6072529351031;
    Y = 0;
    acc_angle = 0;
    for (k = 0; k < NUM_ITER; k++) {
        if (theta > acc_angle) {
            T = X - (Y / (float)(1UL << k));
            Y = (X / (float)(1UL << k)) + Y;
            X = T;
            acc_angle += atan_table[k];
        } else {
            T = X + (Y / (float)(1UL << k));
            Y = -(X / (float)(1UL << k)) + Y;
            X = T;
            acc_angle -= atan_table[k];
        }
    }
    *c = X;
    *s = Y;
}
