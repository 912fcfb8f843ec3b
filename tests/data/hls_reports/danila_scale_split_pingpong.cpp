// Our own kernel with the structure of danila-kuryakin/fpga_labs/3sem_master/FPGA/lab5_z1/lab5_z1/sol5_pingpong/.autopilot/db/lab5_z1.pp.0.c (Vitis HLS 2021.2): 16384-word int scale, a split function copying one buffer into two, and two constant-multiply loops, each loop with PIPELINE off in the source; DATAFLOW on the top from the directives (danila_scale_split_pingpong.tcl), channels as pingpong.
#define LEN 16384

typedef int word_t;

void fan_out(word_t src[LEN], word_t dst_a[LEN], word_t dst_b[LEN]) {
L1:
    for (int n = 0; n < LEN; n++) {
#pragma HLS pipeline off
        dst_a[n] = src[n];
        dst_b[n] = src[n];
    }
}

void foo_m(int samples[LEN], int gain, int res_a[LEN], int res_b[LEN]) {
    int scaled[LEN], copy_a[LEN], copy_b[LEN];

Loop1:
    for (int n = 0; n < LEN; n++) {
#pragma HLS pipeline off
        scaled[n] = samples[n] * gain;
    }

    fan_out(scaled, copy_a, copy_b);

Loop2:
    for (int p = 0; p < LEN; p++) {
#pragma HLS pipeline off
        res_a[p] = copy_a[p] * 22;
    }
Loop3:
    for (int q = 0; q < LEN; q++) {
#pragma HLS pipeline off
        res_b[q] = copy_b[q] * 33;
    }
}
