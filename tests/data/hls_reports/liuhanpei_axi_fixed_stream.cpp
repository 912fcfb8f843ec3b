// Our own kernel with the structure of LiuHanpei/hls4ML_template/axi_port_fixed_point/hls (mem_streaming.cpp and utils.cpp as kept in solution1/.autopilot/db/*.pp.0.cpp; Vitis HLS 2023.2.1, Vivado IP flow): five 160-bit words read over one m_axi bundle and unpacked into fifty ap_fixed<16,4> values, each halved in place, then packed back into five 160-bit words written over a second m_axi bundle. No pipeline pragmas; the tool pipelines the three loops.
#include <ap_fixed.h>
#include <ap_int.h>

#define N_VALS 50
#define N_WORDS 5
#define PER_WORD 10

typedef ap_fixed<16, 4> q16_t;
typedef ap_uint<160> bus_t;

void unpack_words(q16_t vals[N_VALS], bus_t words[N_WORDS]) {
    for (int w = 0; w < N_WORDS; w++) {
        bus_t word = words[w];
        for (int k = 0; k < PER_WORD; k++) {
            vals[w * PER_WORD + k].range(15, 0) = word.range(0 + (k * 16), 15 + (k * 16));
        }
    }
}

void pack_words(bus_t words[N_WORDS], q16_t vals[N_VALS]) {
    for (int w = 0; w < N_WORDS; w++) {
        bus_t word = 0;
        for (int k = 0; k < PER_WORD; k++) {
            word.range(0 + (k * 16), 15 + (k * 16)) = vals[w * PER_WORD + k].range(15, 0);
        }
        words[w] = word;
    }
}

void halve_all(q16_t vals[N_VALS]) {
    for (int n = 0; n < N_VALS; n++)
        vals[n] = vals[n] / 2;
}

void mem_streaming(bus_t data_out[N_WORDS], bus_t data_in[N_WORDS]) {
#pragma HLS interface m_axi port=data_in offset=slave bundle=in
#pragma HLS interface m_axi port=data_out offset=slave bundle=out
#pragma HLS INTERFACE s_axilite register port=return
    q16_t vals[N_VALS];
    unpack_words(vals, data_in);
    halve_all(vals);
    pack_words(data_out, vals);
}
