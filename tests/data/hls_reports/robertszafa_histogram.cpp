// Our own kernel with the structure of robertszafa/elastic-sycl-hls/FPT_benchmarks/vivado_reports/histogram/loop_imperfect.c (Vivado HLS 2019.2): weighted histogram of 1000 samples, each iteration a read-modify-write of the bin array through its single BRAM port; the loop is pipelined by a Tcl directive.
#define SAMPLES 1000

void loop_imperfect(int bin_of[SAMPLES], int bins[SAMPLES], int weight_of[SAMPLES]) {
LOOP_J:
    for (int s = 0; s < SAMPLES; ++s) {
        int b = bin_of[s];       // which bin
        int w = weight_of[s];    // how much to add
        int count = bins[b];     // read ...
        bins[b] = count + w;     // ... and write back the same word
    }
}
