// Small kernels of our own for the HLS source reader's tests (cnnacc hls-estimate FILE.cpp).
#include <ap_int.h>
#include <hls_stream.h>

#define ROWS 16
constexpr int COLS = 8;

// Two plain nested loops: the inner one is pipelined by default, the outer one is not.
void nested(const int* in, int* out) {
Rows:
    for (int i = 0; i < ROWS; ++i) {
        for (int j = 0; j < COLS; j++) {
            out[i * COLS + j] = in[i * COLS + j] + 1;
        }
    }
}

// Explicit pragmas: II = 2, pipelining off, unrolling, a trip count range.
void pragmas(int* data, int n) {
    int local[32];
#pragma HLS ARRAY_PARTITION variable = local complete
Slow:
    for (int i = 0; i < 32; i += 1) {
#pragma HLS PIPELINE II = 2
        local[i] = data[i] * 3;
    }
Off:
    for (int i = 31; i >= 0; --i) {
#pragma HLS PIPELINE off
        data[i] = local[i];
    }
Unrolled:
    for (int i = 0; i < 4; i++) {
#pragma HLS UNROLL
        local[i] = local[i] + 1;
    }
Varying:
    for (int i = 0; i < n; i++) {
#pragma HLS LOOP_TRIPCOUNT min = 2 max = 10
        data[i] = 0;
    }
}

template <int N>
void fill(hls::stream<int>& s) {
Fill:
    for (int i = 0; i < N; i++) {
        s.write(i);
    }
}

void drain(hls::stream<int>& s, int* out) {
Drain:
    for (int i = 0; i < 64; i++) {
        out[i] = s.read();
    }
}

// A DATAFLOW region of two called functions, one a template.
void pipeline(int* out) {
#pragma HLS DATAFLOW
    hls::stream<int> s;
    fill<64>(s);
    drain(s, out);
}

// A BRAM read twice per iteration: two ports, II 1; three reads: II 2.
void ports(int* out) {
    int table[64];
Twice:
    for (int i = 1; i < 63; i++) {
        out[i] = table[i - 1] + table[i + 1];
    }
Thrice:
    for (int i = 1; i < 63; i++) {
        out[i] = table[i - 1] + table[i] + table[i + 1];
    }
}

// A variable bound without a trip count: its trips and the latency are unknown (csynth prints ?).
void unbounded(int* out, int n) {
    for (int i = 0; i < n; i++) {
        out[i] = 0;
    }
}

// Array arguments are block-RAM ports (ap_memory) by default, pointers m_axi ports.
void interfaces(const int table[64], const int* pointer, int out[64]) {
#pragma HLS INTERFACE mode = m_axi port = out
FromTable:
    for (int i = 0; i < 64; i++) {
        out[i] = table[i] + 1;
    }
FromPointer:
    for (int i = 0; i < 64; i++) {
        out[i] = pointer[i] + 1;
    }
}
