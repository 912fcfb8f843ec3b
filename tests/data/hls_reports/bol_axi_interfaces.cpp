// Our own kernel with the structure of bol-edu/2022-spring-nthu/Lab_A_UG871/Interface_Synthesis/lab4/axi_interfaces.c (Vitis HLS 2021.2, solution1): the 8-channel running-sum loop of array_io with both arrays cyclically partitioned by 8 onto AXI-stream ports and the 32-trip loop unrolled by 8 and pipelined with rewind (directives in bol_axi_interfaces.tcl).
typedef short in_t;
typedef short out_t;
typedef int sum_t;

#define NCH 8
#define PER_CH 4
#define TOTAL (NCH * PER_CH)

void axi_interfaces(out_t dst[TOTAL], in_t src[TOTAL]) {
    int n, ch;
    static sum_t run[NCH];
For_Loop:
    for (n = 0; n < TOTAL; n++) {
        ch = n % NCH;
        run[ch] = run[ch] + src[n];
        dst[n] = run[ch];
    }
}
