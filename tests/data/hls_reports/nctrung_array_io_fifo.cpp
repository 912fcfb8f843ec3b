// Our own kernel with the structure of nguyencanhtrung/vivado-hls-practice/viv_hls/3_Interface_Synthesis/lab3/array_io.c as synthesized in array_io_prj/solution2 (Vivado HLS 2015.3): the same 8-channel accumulator with the 32-trip loop fully unrolled, the input on a dual-port BRAM interface and the output as an ap_fifo stream (Tcl directives).
#define CHANS 8
#define PER_CHAN 4
#define TOTAL (CHANS * PER_CHAN)

typedef short in_t;
typedef short out_t;
typedef int sum_t;

void array_io(out_t d_o[TOTAL], in_t d_i[TOTAL]) {
    // running total per channel, kept across calls
    static sum_t totals[CHANS];
For_Loop:
    for (int n = 0; n < TOTAL; n++) {
        int ch = n % CHANS;
        sum_t t = totals[ch] + d_i[n];
        totals[ch] = t;
        d_o[n] = totals[ch];
    }
}
