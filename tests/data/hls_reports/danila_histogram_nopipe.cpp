// Our own kernel with the structure of danila-kuryakin/fpga_labs/3sem_master/FPGA/lab3_z2/lab3_z2/ex_sol3/.autopilot/db/lab3_z2.pp.0.c (Vitis HLS 2021.2, ex_sol3): histogram of 8192 short samples into 8192 short bins, one loop with PIPELINE off in the source doing a read-modify-write of the bin the sample selects; the function's pipeline is turned off by a directive (danila_histogram_nopipe.tcl).
#define SAMPLES 8192
#define BINS 8192

typedef short val_t;

void lab3_z2(val_t samples[SAMPLES], val_t bins[BINS]) {
    int n;
    val_t key;
    for (n = 0; n < SAMPLES; n++) {
#pragma HLS PIPELINE off
        key = samples[n];
        bins[key] = bins[key] + 1;
    }
}
