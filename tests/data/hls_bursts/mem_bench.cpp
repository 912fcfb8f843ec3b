// Our own kernel with the structure of beltra/MemBench (ddrbench_sol, preprocessed source .autopilot/db/ddrbenchmark.pp.0.cpp) (Vitis HLS 2022.1): a DATAFLOW memory benchmark that, by a runtime flag, either fills or checks a runtime-length span of one m_axi bundle while a second process counts cycles.
#include <ap_int.h>
#include <hls_stream.h>
#include <stdint.h>

#define SPAN_DEPTH (((1 * 1024 * 1024) / 32) * 8)

static void fill_span(ap_uint<32> *buf, int n) {
FILL:
    for (int k = 0; k < n; k++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 262144
        buf[k] = (ap_uint<32>)k;
    }
}

static void check_span(ap_uint<32> *buf, int n) {
    ap_uint<32> good = 0;
CHECK:
    for (int k = 0; k < n; k++) {
#pragma HLS PIPELINE II = 1
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 262144
        good += (buf[k] == (ap_uint<32>)k);
    }
    buf[0] = good;
}

static void drive(ap_uint<32> *buf, hls::stream<int64_t> &tick, int n, bool do_write) {
    if (do_write == 1) {
        tick.write(0);
        fill_span(buf, n);
        tick.write(1);
    } else if (do_write == 0) {
        tick.write(0);
        check_span(buf, n);
        tick.write(1);
    }
}

static void stopwatch(hls::stream<int64_t> &tick, uint64_t *cycles) {
    int64_t v;
    int64_t c = tick.read();
SPIN:
    while (tick.read_nb(v) == false) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 262144
        c++;
    }
    *cycles = c;
}

void mem_bench(ap_uint<32> *buf, int n, bool do_write, uint64_t *cycles) {
#pragma HLS INTERFACE m_axi port = buf depth = SPAN_DEPTH bundle = gmem offset = slave
#pragma HLS INTERFACE m_axi port = cycles depth = 1 bundle = results offset = slave
#pragma HLS INTERFACE s_axilite register port = buf bundle = control
#pragma HLS INTERFACE s_axilite register port = cycles bundle = control
#pragma HLS INTERFACE s_axilite register port = n bundle = control
#pragma HLS INTERFACE s_axilite register port = do_write bundle = control
#pragma HLS INTERFACE s_axilite register port = return bundle = control
#pragma HLS DATAFLOW
    hls::stream<int64_t> tick;
    drive(buf, tick, n, do_write);
    stopwatch(tick, cycles);
}
