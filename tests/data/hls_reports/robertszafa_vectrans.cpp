// Our own kernel with the structure of robertszafa/elastic-sycl-hls/FPT_benchmarks/vivado_reports/vecTrans/loop_imperfect.c (Vivado HLS 2019.2): pipelined 1000-trip loop that reads A[i], evaluates a degree-9 integer polynomial by Horner's rule (8 multiplies) and scatters the result to A[b[i]].
#define LEN 1000

void loop_imperfect(int vals[LEN], int dest[LEN]) {
    for (int n = 0; n < LEN; n++) {
#pragma HLS pipeline
        int x = vals[n];
        int h = x + 112;
        h = h * x + 23;
        h = h * x + 36;
        h = h * x + 82;
        h = h * x + 127;
        h = h * x + 2;
        h = h * x + 20;
        h = h * x + 100;
        vals[dest[n]] = h;
    }
}
