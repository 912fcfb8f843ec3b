// Our own kernel with the structure of velicharlagokulkumar/vitis-hls/Assignment_8/HLS/Source/cp_removal.cpp as kept in Assignment_8/HLS/project_38/solution2/.autopilot/db/cp_removal.pp.0.cpp (Vitis HLS 2022.2, Vivado IP flow): cyclic-prefix removal for an 8800-sample OFDM slot, every complex float sample read from an AXI4-Stream into a local buffer by one pipelined loop, then 8192 samples written out by a second pipelined loop that skips the two prefixes (320 samples before the first 4096, 288 more before the second), and one flag written to a third stream.
#include <hls_stream.h>

#define SLOT_LEN 8800
#define PREFIX_TOTAL 608
#define HALF 4096

typedef struct {
    float re;
    float im;
} cplx_t;

void cyclic_prefix_removal(hls::stream<cplx_t>& in_samples, hls::stream<cplx_t>& out_samples, hls::stream<bool>& t_last) {
#pragma HLS INTERFACE mode=axis register_mode=both port=out_samples register
#pragma HLS INTERFACE mode=axis register_mode=both port=in_samples register
    cplx_t s;
    cplx_t slot[SLOT_LEN];
    for (int n = 0; n < SLOT_LEN; n++) {
#pragma HLS PIPELINE II=1
        s = in_samples.read();
        slot[n] = s;
    }
    for (int n = 0; n < SLOT_LEN - PREFIX_TOTAL; n++) {
#pragma HLS PIPELINE II=1
        if (n < HALF) {
            out_samples.write(slot[n + 320]);
        } else {
            out_samples.write(slot[n + 608]);
        }
    }
    t_last.write(1);
}
