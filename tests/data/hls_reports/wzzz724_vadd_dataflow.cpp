// Our own kernel with the structure of wzzz724/Vitis_learning/example_kernels/src/krnl_vadd.cpp as kept in the v++ build's solution/.autopilot/db/krnl_vadd.pp.0.cpp (Vitis HLS 2022.2, Vitis kernel flow): the four-process DATAFLOW vector add, two readers on two m_axi bundles, an adder and a writer joined by static hls::stream channels; every loop runs to a run-time size with LOOP_TRIPCOUNT 4096.
#include <hls_stream.h>
#include <stdint.h>

#define N_ELEMS 4096

const int n_elems = N_ELEMS;

static void read_vec(uint32_t* src, hls::stream<uint32_t>& dst, int n) {
mem_rd:
    for (int i = 0; i < n; i++) {
#pragma HLS LOOP_TRIPCOUNT min = n_elems max = n_elems
        dst << src[i];
    }
}

static void add_vec(hls::stream<uint32_t>& a, hls::stream<uint32_t>& b, hls::stream<uint32_t>& sum, int n) {
execute:
    for (int i = 0; i < n; i++) {
#pragma HLS LOOP_TRIPCOUNT min = n_elems max = n_elems
        sum << (a.read() + b.read());
    }
}

static void write_vec(uint32_t* dst, hls::stream<uint32_t>& src, int n) {
mem_wr:
    for (int i = 0; i < n; i++) {
#pragma HLS LOOP_TRIPCOUNT min = n_elems max = n_elems
        dst[i] = src.read();
    }
}

extern "C" {
void krnl_vadd(uint32_t* in1, uint32_t* in2, uint32_t* out, int size) {
#pragma HLS INTERFACE m_axi port = in1 bundle = gmem0
#pragma HLS INTERFACE m_axi port = in2 bundle = gmem1
#pragma HLS INTERFACE m_axi port = out bundle = gmem0
    static hls::stream<uint32_t> a_s("a_s");
    static hls::stream<uint32_t> b_s("b_s");
    static hls::stream<uint32_t> sum_s("sum_s");
#pragma HLS dataflow
    read_vec(in1, a_s, size);
    read_vec(in2, b_s, size);
    add_vec(a_s, b_s, sum_s, size);
    write_vec(out, sum_s, size);
}
}
