// Our own kernel with the structure of PengXuanyao/hls_cordic/src/cordic.cpp (Vitis HLS 2020.2, solution s_pipeline_func): sine/cosine by a 16-step rotation-mode CORDIC in ap_fixed<17,3> angle / ap_fixed<16,2> outputs, with a quadrant pre-step, per-step arrays indexed m and m+1 (as in the original, the last step writes one past the end), a const 16-entry arctangent table with 15 initializers, and a post-step switch; the top function pipelined by a directive (pengxuanyao_cordic_pipefunc.tcl).
#include <ap_fixed.h>
#include <ap_int.h>

#define ANG_W 17
#define ANG_F 14
#define OUT_W 16
#define OUT_F 14

typedef ap_fixed<ANG_W, ANG_W - ANG_F> ang_t;
typedef ap_fixed<OUT_W, OUT_W - OUT_F> res_t;
typedef ap_uint<2> quad_t;

const ang_t HALF_TURN = 3.14159265;
const res_t GAIN_INV = 0.6072529;

void fold_angle(ang_t in_angle, ang_t &angle, quad_t &quad) {
    if (in_angle > HALF_TURN / 2) {
        angle = HALF_TURN - in_angle;
        quad = 2;
    } else if (in_angle < -HALF_TURN / 2) {
        angle = -HALF_TURN - in_angle;
        quad = 3;
    } else {
        angle = in_angle;
        quad = 0;
    }
}

void rotate_steps(ang_t angle, quad_t quad, res_t &s_val, res_t &c_val, quad_t &quad_out) {
    const int STEPS = 16;
    res_t xs[STEPS];
    res_t ys[STEPS];
    ang_t zs[STEPS];
    quad_t qs[STEPS];

    xs[0] = GAIN_INV;
    ys[0] = 0;
    zs[0] = angle;
    qs[0] = quad;

    const ang_t atan_tab[16] = {
        0.785398, 0.463648, 0.244979, 0.124355, 0.062419,
        0.031240, 0.015624, 0.007812, 0.003906, 0.001953,
        0.000977, 0.000488, 0.000244, 0.000122, 0.000061};

    int m = 0;
loop:
    for (m = 0; m < STEPS; m++) {
        if (zs[m] >= 0) {
            xs[m + 1] = xs[m] - (ys[m] >> m);
            ys[m + 1] = ys[m] + (xs[m] >> m);
            zs[m + 1] = zs[m] - atan_tab[m];
        } else {
            xs[m + 1] = xs[m] + (ys[m] >> m);
            ys[m + 1] = ys[m] - (xs[m] >> m);
            zs[m + 1] = zs[m] + atan_tab[m];
        }
        qs[m + 1] = qs[m];
    }
    s_val = ys[STEPS - 1];
    c_val = xs[STEPS - 1];
    quad_out = qs[STEPS - 1];
}

void unfold(res_t s_val, res_t c_val, quad_t quad, res_t &sin_out, res_t &cos_out) {
    switch (int(quad)) {
    case 2:
        sin_out = s_val;
        cos_out = -c_val;
        break;
    case 3:
        sin_out = s_val;
        cos_out = -c_val;
        break;
    default:
        sin_out = s_val;
        cos_out = c_val;
        break;
    }
}

void cordic(ang_t in_angle, res_t &sin_out, res_t &cos_out) {
    ang_t angle;
    quad_t quad;
    res_t s_val;
    res_t c_val;
    quad_t quad_late;

    fold_angle(in_angle, angle, quad);
    rotate_steps(angle, quad, s_val, c_val, quad_late);
    unfold(s_val, c_val, quad_late, sin_out, cos_out);
}
