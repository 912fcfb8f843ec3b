// Our own kernel with the structure of terenceza/AccelAutoencoderOnFPGA/HLS/src/AutoEncoder.cpp (Vitis HLS 2022.1): a 4-10-4 autoencoder trainer that copies its 600 samples and both 40-entry weight sets from m_axi into fully partitioned on-chip arrays with three plain loops, then trains on-chip only.
#include <ap_fixed.h>

typedef ap_fixed<1, 16, AP_RND_ZERO> val_t;
typedef ap_fixed<1, 16, AP_RND_ZERO> rate_t;

#define NSAMP 150
#define NIN 4
#define NHID 10

static val_t squash(val_t x) {
    // piecewise stand-in for the original's sigmoid
    if (x > (val_t)2) return (val_t)1;
    if (x < (val_t)-2) return (val_t)0;
    return (val_t)0.5 + x * (val_t)0.25;
}

static void forward(val_t x[NIN], val_t enc[NIN * NHID], val_t dec[NIN * NHID], val_t hid[NHID], val_t y[NIN], val_t *err) {
#pragma HLS ARRAY_PARTITION variable = hid type = complete
#pragma HLS ARRAY_PARTITION variable = y type = complete
FW_H:
    for (int h = 0; h < NHID; h++) {
        val_t s = 0;
    FW_HI:
        for (int i = 0; i < NIN; i++) {
            s += enc[h * NIN + i] * x[i];
        }
        hid[h] = squash(s);
    }
    val_t e = 0;
FW_O:
    for (int o = 0; o < NIN; o++) {
        val_t s = 0;
    FW_OH:
        for (int h = 0; h < NHID; h++) {
            s += dec[o * NHID + h] * hid[h];
        }
        y[o] = squash(s);
        val_t d = x[o] - y[o];
        e += d * d;
    }
    *err = e;
}

static void backward(val_t x[NIN], val_t hid[NHID], val_t y[NIN], val_t enc[NIN * NHID], val_t dec[NIN * NHID],
                     val_t denc[NIN * NHID], val_t ddec[NIN * NHID], rate_t lr, rate_t mom) {
    val_t delta[NIN];
BW_D:
    for (int o = 0; o < NIN; o++) {
        delta[o] = (x[o] - y[o]) * y[o] * ((val_t)1 - y[o]);
    }
BW_DEC:
    for (int o = 0; o < NIN; o++) {
    BW_DEC_H:
        for (int h = 0; h < NHID; h++) {
            val_t step = lr * delta[o] * hid[h] + mom * ddec[o * NHID + h];
            dec[o * NHID + h] += step;
            ddec[o * NHID + h] = step;
        }
    }
BW_ENC:
    for (int h = 0; h < NHID; h++) {
        val_t back = 0;
    BW_ENC_O:
        for (int o = 0; o < NIN; o++) {
            back += delta[o] * dec[o * NHID + h];
        }
        back = back * hid[h] * ((val_t)1 - hid[h]);
    BW_ENC_I:
        for (int i = 0; i < NIN; i++) {
            val_t step = lr * back * x[i] + mom * denc[h * NIN + i];
            enc[h * NIN + i] += step;
            denc[h * NIN + i] = step;
        }
    }
}

void ae_train(val_t *samples, unsigned int *n_in_p, unsigned int *n_hid_p, val_t *w_enc, val_t *w_dec, rate_t *lr_p,
              rate_t *mom_p, val_t *recon, val_t *err_p) {
#pragma HLS INTERFACE s_axilite port = return bundle = CONTROL_BUS
#pragma HLS INTERFACE mode = m_axi port = samples offset = slave bundle = gmem
#pragma HLS INTERFACE mode = m_axi port = recon offset = slave bundle = gmem
#pragma HLS INTERFACE mode = m_axi port = w_enc
#pragma HLS INTERFACE mode = m_axi port = w_dec
#pragma HLS INTERFACE mode = s_axilite port = n_hid_p
#pragma HLS INTERFACE mode = s_axilite port = n_in_p
#pragma HLS INTERFACE mode = s_axilite port = samples
#pragma HLS INTERFACE mode = s_axilite port = recon
#pragma HLS INTERFACE mode = s_axilite port = lr_p
#pragma HLS INTERFACE mode = s_axilite port = mom_p
#pragma HLS INTERFACE mode = s_axilite port = err_p
    unsigned int n_in = 4;   // the pointer arguments are ignored, as in the original
    unsigned int n_hid = 10;
    unsigned int n_w = 4 * 10;
    rate_t lr = 0.15;
    rate_t mom = 0.9;
    *err_p = 0.0;

    val_t enc[NIN * NHID];
    val_t dec[NIN * NHID];
    val_t xs[NIN * NSAMP];
    val_t ys[NIN * NSAMP];
#pragma HLS ARRAY_PARTITION variable = xs type = complete
#pragma HLS ARRAY_PARTITION variable = ys type = complete
#pragma HLS ARRAY_PARTITION variable = enc type = complete
#pragma HLS ARRAY_PARTITION variable = dec type = complete
    val_t err = 0.0;

LD_SAMPLES:
    for (int k = 0; k < n_in * NSAMP; ++k) {
        xs[k] = samples[k];
    }
CLR_OUT:
    for (int k = 0; k < n_in; ++k) {
        ys[k] = 0.0;
    }
LD_ENC:
    for (int k = 0; k < n_w; ++k) {
        enc[k] = w_enc[k];
    }
LD_DEC:
    for (int k = 0; k < n_w; ++k) {
        dec[k] = w_dec[k];
    }

    val_t hid[NHID];
    val_t denc[NIN * NHID];
    val_t ddec[NIN * NHID];
INIT_STEP:
    for (int k = 0; k < NIN * NHID; ++k) {
        denc[k] = 0;
        ddec[k] = 0;
    }
EPOCH:
    for (int ep = 0; ep < 100000; ++ep) {
    SAMPLE:
        for (int s = 0; s < NSAMP; ++s) {
            forward(&xs[s], enc, dec, hid, ys, &err);
            *err_p = err;
            backward(&xs[s], hid, ys, enc, dec, denc, ddec, lr, mom);
        }
    }
}
