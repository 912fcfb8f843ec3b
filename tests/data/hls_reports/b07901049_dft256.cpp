// Our own kernel with the structure of b07901049/1111HLS_labB dft_256 solution1 (dft.cpp as synthesized, read from solution1/.autopilot/db/dft.pp.0.cpp) (Vitis HLS 2022.1): 256-point float DFT computing cos/sin of a double-precision angle per term, two local float[256] sums accumulated in place, copy-in and copy-out loops, no pragmas.
#include <hls_math.h>

typedef float smp_t;
#define PTS 256

void dft(smp_t re_io[PTS], smp_t im_io[PTS]) {
    int k, n;
    float ang;
    float acc_re[PTS], acc_im[PTS], x[PTS];

    for (n = 0; n < PTS; n++) {
        x[n] = re_io[n];
        acc_re[n] = 0;
        acc_im[n] = 0;
    }

    for (k = 0; k < PTS; k++) {
        for (n = 0; n < PTS; n++) {
            ang = k * n * 2 * 3.14159265358979323846 / PTS;  // double arithmetic, stored as float
            acc_re[k] += x[n] * hls::cos(ang);
            acc_im[k] -= x[n] * hls::sin(ang);
        }
    }

    for (n = 0; n < PTS; n++) {
        re_io[n] = acc_re[n];
        im_io[n] = acc_im[n];
    }
}
