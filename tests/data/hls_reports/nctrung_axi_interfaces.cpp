// Our own kernel with the structure of nguyencanhtrung/vivado-hls-practice/viv_hls/3_Interface_Synthesis/lab4/axi_interfaces.c as synthesized in axi_interfaces_prj/solution1 (Vivado HLS 2015.3): the 8-channel static accumulator over 32 short samples with both arrays cyclic-partitioned by 8 into AXI4-Stream ports and the loop unrolled by 8 and pipelined with rewind (Tcl directives).
#define CHANS 8
#define PER_CHAN 4
#define TOTAL (CHANS * PER_CHAN)

typedef short in_t;
typedef short out_t;
typedef int sum_t;

void axi_interfaces(out_t d_o[TOTAL], in_t d_i[TOTAL]) {
    static sum_t totals[CHANS];
For_Loop:
    for (int n = 0; n < TOTAL; n++) {
        int ch = n % CHANS;
        totals[ch] = totals[ch] + d_i[n];
        d_o[n] = totals[ch];
    }
}
