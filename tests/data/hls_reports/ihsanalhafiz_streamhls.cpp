// Our own kernel with the structure of ihsanalhafiz/Alveo_FPGA_Design_Workshop/src/streamhls.cpp (Vitis HLS 2023.2): three-process DATAFLOW (m_axi read of 16-float vectors -> stream, float x2 -> stream, stream -> m_axi write), 16 vectors of 16 floats.
#include <hls_stream.h>
#include <hls_vector.h>

#define LANES 16

// One stream token: sixteen floats carried as an hls::vector (zero-initialised member).
struct vec16_t {
    hls::vector<float, LANES> v = 0.0;
};

static void load_vecs(hls::stream<vec16_t> &to_calc, float *src, int count) {
    for (int base = 0; base < count; base += LANES) {
#pragma HLS PIPELINE II=1
        vec16_t pack;
        for (int k = 0; k < LANES; ++k) {
#pragma HLS UNROLL factor=16
            pack.v[k] = src[base + k];
        }
        to_calc.write(pack);
    }
}

static void double_vecs(hls::stream<vec16_t> &from_load, hls::stream<vec16_t> &to_store, int count) {
    for (int base = 0; base < count; base += LANES) {
#pragma HLS PIPELINE II=1
        vec16_t a = from_load.read();
        vec16_t b;
        for (int k = 0; k < LANES; ++k) {
            b.v[k] = a.v[k] * 2;
        }
        to_store.write(b);
    }
}

static void store_vecs(hls::stream<vec16_t> &from_calc, float *dst, int count) {
    for (int base = 0; base < count; base += LANES) {
#pragma HLS PIPELINE II=1
        vec16_t r = from_calc.read();
        for (int k = 0; k < LANES; ++k) {
#pragma HLS UNROLL factor=16
            dst[base + k] = r.v[k];
        }
    }
}

void streamhls(float *in_mem, float *out_mem) {
#pragma HLS INTERFACE m_axi port=in_mem offset=slave bundle=gmem
#pragma HLS INTERFACE m_axi port=out_mem offset=slave bundle=gmem
    hls::stream<vec16_t> s_in;
    hls::stream<vec16_t> s_out;
#pragma HLS STREAM variable=s_in depth=4
#pragma HLS STREAM variable=s_out depth=4
    int count = 256;
#pragma HLS DATAFLOW
    load_vecs(s_in, in_mem, count);
    double_vecs(s_in, s_out, count);
    store_vecs(s_out, out_mem, count);
}
