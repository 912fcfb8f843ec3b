// Our own kernel with the structure of bol-edu/2022-spring-nthu/Lab_A_UG871/Interface_Synthesis/lab3/array_io.c (Vitis HLS 2021.2, solution1): 32 interleaved 16-bit samples of 8 channels accumulated into a static int[8] (read-modify-write at i % 8), each running sum written to an ap_memory output; no pragmas.
typedef short in_t;
typedef short out_t;
typedef int sum_t;

#define NCH 8
#define PER_CH 4
#define TOTAL (NCH * PER_CH)

void array_io(out_t dst[TOTAL], in_t src[TOTAL]) {
    int n, ch;
    static sum_t run[NCH];
    sum_t t;
For_Loop:
    for (n = 0; n < TOTAL; n++) {
        ch = n % NCH;
        t = run[ch] + src[n];
        run[ch] = t;
        dst[n] = run[ch];
    }
}
