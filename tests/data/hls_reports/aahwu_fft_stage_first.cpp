// Our own kernel with the structure of aahwu/AAHLS_labB hls_FFT_firstStage (fft_stage_first.cpp, read from solution1/.autopilot/db/fft_stage_first.pp.0.cpp) (Vitis HLS 2022.1): first radix-2 FFT stage over 1024 float points (512 butterflies with the twiddle W^0 read from constant tables), ap_memory in/out arrays cyclically partitioned by 4, loop unrolled by 2 (directives in aahwu_fft_stage_first.tcl).
typedef float val_t;
#define LEN 1024

// First entries of the 512-entry cos/-sin twiddle tables of the original (only index 0 is read).
const val_t tw_cos[] = {1.000000f, 0.999981f, 0.999925f, 0.999831f};
const val_t tw_sin[] = {-0.000000f, -0.006136f, -0.012272f, -0.018407f};

void fft_stage_first(val_t in_re[LEN], val_t in_im[LEN], val_t out_re[LEN], val_t out_im[LEN]) {
    val_t t_re;
    val_t t_im;
    int i;
    int hi;
    val_t c, s;
    c = tw_cos[0];
    s = tw_sin[0];
DFTpts:
    for (i = 0; i < LEN; i += 2) {
        hi = i + 1;
        t_re = in_re[hi] * c - in_im[hi] * s;
        t_im = in_im[hi] * c + in_re[hi] * s;
        out_re[hi] = in_re[i] - t_re;
        out_im[hi] = in_im[i] - t_im;
        out_re[i] = in_re[i] + t_re;
        out_im[i] = in_im[i] + t_im;
    }
}
