// Our own kernel with the structure of pablo1318/TFGVitis/proyecto_kernels/src/krnl_vadd.cpp as kept in the solution's .autopilot/db/krnl_vadd.pp.0.cpp (Vitis HLS 2022.2, Vitis kernel flow): a three-process DATAFLOW over static hls::stream channels that reads `size` 32-bit words from one m_axi bundle, sums them in a plain accumulation loop, and writes the single total back through the same bundle; both loops carry LOOP_TRIPCOUNT 1000000.
#include <hls_stream.h>
#include <stdint.h>

#define WORDS 1000000

const int n_words = WORDS;

static void fetch_words(uint32_t* src, hls::stream<uint32_t>& to_sum, int count) {
mem_rd:
    for (int i = 0; i < count; i++) {
#pragma HLS LOOP_TRIPCOUNT min = n_words max = n_words
        to_sum << src[i];
    }
}

static void sum_words(hls::stream<uint32_t>& from_fetch, hls::stream<uint32_t>& to_store, int count) {
    int total = 0;
    for (int i = 0; i < count; i++) {
#pragma HLS LOOP_TRIPCOUNT min = n_words max = n_words
        total += from_fetch.read();
    }
    to_store << total;
}

static void put_total(uint32_t* dst, hls::stream<uint32_t>& from_sum, int count) {
mem_wr:
    dst[0] = from_sum.read();
}

extern "C" {
void krnl_vadd(uint32_t* in1, uint32_t* out, int size) {
#pragma HLS INTERFACE m_axi port = in1 bundle = gmem0
#pragma HLS INTERFACE m_axi port = out bundle = gmem0
    static hls::stream<uint32_t> words_s("words_s");
    static hls::stream<uint32_t> total_s("total_s");
#pragma HLS dataflow
    fetch_words(in1, words_s, size);
    sum_words(words_s, total_s, size);
    put_total(out, total_s, size);
}
}
