// Our own kernel with the structure of Deep-In-Sight/getphasemap2/getPhaseMap.cpp (Vitis HLS 2020.2, solution2): four pipelined frame passes that stage 16-bit samples through two m_axi bundles, one of them read and written in the same pass, then two mode-selected packing passes that read two neighbours per iteration.
#include <hls_math.h>
#include <stdint.h>

#define FRAME_W 640
#define FRAME_H 480
#define PIXELS (FRAME_W * FRAME_H)
#define STAGE_DEPTH 1536000
#define SRC_DEPTH 1228800
#define MODE_RAW 0
#define MODE_AMP 1
#define MODE_PHASE 2

typedef uint16_t u16;
typedef int16_t s16;
typedef int16_t s12; // the 12-bit samples are kept sign-extended in 16 bits
typedef uint8_t u1;

static u16 tap_phase(s16 q, s16 i, u16 shift) {
    float fq = (float)(int)q;
    float fi = (float)(int)i;
    float aq = fq < 0 ? -fq : fq;
    float ai = fi < 0 ? -fi : fi;
    float r = (aq + ai) == 0 ? 0.0f : (fi - aq) / (aq + ai);
    float ang = fq < 0 ? 3.0f + r : 1.0f - r;
    u16 out = (u16)(unsigned)(ang * 16383.0f);
    return out + shift;
}

static u16 tap_amp(s16 q, s16 i, u1 keep_full) {
    int e = (int)q * (int)q + (int)i * (int)i;
    int a = (int)hls::sqrt((float)e);
    if (keep_full == 0 && a > 255)
        a = 255;
    return (u16)a;
}

void tof_phase_top(unsigned int ctrl, volatile u16 *sensor, volatile u16 *ref_buf, volatile u16 *work_buf) {
#pragma HLS INTERFACE s_axilite port = return
#pragma HLS INTERFACE s_axilite port = ctrl
#pragma HLS INTERFACE axis port = sensor depth = SRC_DEPTH
#pragma HLS INTERFACE m_axi port = ref_buf offset = slave bundle = port0 depth = STAGE_DEPTH max_widen_bitwidth = 32 max_write_burst_length = 32 max_read_burst_length = 32
#pragma HLS INTERFACE m_axi port = work_buf offset = slave bundle = port1 depth = STAGE_DEPTH max_widen_bitwidth = 32 max_write_burst_length = 32 max_read_burst_length = 32
    int mode = ctrl & 0x3;
    u1 keep_full = (ctrl >> 2) & 0x1;
    u16 shift = (ctrl >> 16) & 0xFFFF;
    s12 a0, a1, a2, a3;
    s16 d20, d31;
    u16 res, peak, lo, hi, packed;
PASS_A:
    for (int p = 0; p < PIXELS; p++) {
#pragma HLS PIPELINE
        a0 = (s12)sensor[p];
        work_buf[p] = a0;
    }
PASS_B:
    for (int p = PIXELS; p < 2 * PIXELS; p++) {
#pragma HLS PIPELINE
        a2 = (s12)(((int)sensor[p] << 20) >> 20);
        a0 = (s12)ref_buf[p - PIXELS];
        d20 = (s16)(a2 - a0);
        res = (mode == MODE_RAW) ? (u16)a2 : (u16)d20;
        work_buf[p] = res;
    }
PASS_C:
    for (int p = 2 * PIXELS; p < 3 * PIXELS; p++) {
#pragma HLS PIPELINE
        a1 = (s12)sensor[p];
        work_buf[p] = a1;
    }
    peak = 0;
PASS_D:
    for (int p = 3 * PIXELS; p < 4 * PIXELS; p++) {
#pragma HLS PIPELINE
        a3 = (s12)(((int)sensor[p] << 20) >> 20);
        d20 = (s16)ref_buf[p - 2 * PIXELS];
        a1 = (s12)work_buf[p - PIXELS];
        d31 = (s16)(a3 - a1);
        if (mode == MODE_RAW)
            res = a3;
        else if (mode == MODE_AMP)
            res = tap_amp(d31, d20, keep_full);
        else if (mode == MODE_PHASE)
            res = tap_phase(d31, d20, shift);
        else
            res = 0;
        peak = res > peak ? res : peak;
        work_buf[p] = res;
    }
    if (mode == MODE_AMP && keep_full == 1) {
        int q = 4 * PIXELS;
    PACK_SCALED:
        for (int p = 3 * PIXELS; p < 4 * PIXELS; p += 2) {
#pragma HLS PIPELINE
            lo = ref_buf[p];
            hi = ref_buf[p + 1];
            u16 slo = lo * 255 / peak;
            u16 shi = hi * 255 / peak;
            packed = (shi << 8) + slo;
            work_buf[q] = packed;
            q++;
        }
    } else if (mode == MODE_AMP && keep_full == 0) {
        int q = 4 * PIXELS;
    PACK_RAW:
        for (int p = 3 * PIXELS; p < 4 * PIXELS; p += 2) {
#pragma HLS PIPELINE
            lo = ref_buf[p];
            hi = ref_buf[p + 1];
            packed = (hi << 8) + lo;
            work_buf[q] = packed;
            q++;
        }
    }
}
