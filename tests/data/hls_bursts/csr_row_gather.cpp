// Our own kernel with the structure of Warrior-li/SDMA/src/spmm_device_fpga.cpp (Vitis HLS 2022.2): a CSR x dense kernel whose packer loads nonzeros under a bounds test and whose four processing units each copy a runtime-length row of their dense operand, but only for nonzeros flagged as new.
#include <hls_stream.h>
#include <stdint.h>

typedef uint32_t idx_t;
typedef float val_t;

#define ROWBUF 4096
#define GRP 4
#define UNITS 4

struct Nz {
    val_t v;
    idx_t r;
    idx_t c;
};

struct Pack {
    Nz e[GRP];
    bool dup[GRP];
};

static void pack_group(const idx_t *rp, const idx_t *cols, const val_t *nzv, hls::stream<Pack> q[UNITS],
                       idx_t base, idx_t nnz) {
#pragma HLS INLINE off
    idx_t tag[GRP];
    bool tag_ok[GRP];
#pragma HLS ARRAY_PARTITION variable = tag complete dim = 1
#pragma HLS ARRAY_PARTITION variable = tag_ok complete dim = 1
    Nz cur;
    bool cur_dup;
    Pack pk;
CAM_CLEAR:
    for (int k = 0; k < GRP; k++) {
#pragma HLS PIPELINE II = 1
        tag_ok[k] = false;
    }
    int filled = 0;
PACK:
    for (int g = 0; g < GRP; g++) {
#pragma HLS PIPELINE II = 1
        idx_t at = base + g;
        if (at < nnz) {
            val_t v = nzv[at];
            idx_t c = cols[at];
            bool hit = false;
        PACK_CMP:
            for (int k = 0; k < GRP; k++) {
#pragma HLS UNROLL
                hit |= (tag_ok[k] && tag[k] == c);
            }
            cur.v = v;
            cur.c = c;
            cur_dup = hit;
            if (!hit && filled < GRP) {
                tag[filled] = c;
                tag_ok[filled] = true;
                filled++;
            }
        } else {
            cur_dup = true;
        }
        pk.e[g] = cur;
        pk.dup[g] = cur_dup;
    }
FANOUT:
    for (int u = 0; u < UNITS; u++) {
#pragma HLS UNROLL
        q[u] << pk;
    }
}

static void copy_rows(Nz *grp, bool *dup, val_t *rows, idx_t &used, const val_t *dB, idx_t len, idx_t *start) {
#pragma HLS INLINE off
GATHER_NZ:
    for (int g = 0; g < GRP; g++) {
#pragma HLS PIPELINE II = 1
        if (dup[g] == false) {
        GATHER_K:
            for (int j = 0; j < (int)len; j++) {
#pragma HLS PIPELINE II = 1
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 1024
                rows[used + j] = dB[grp[g].c * len + j];
            }
            start[g] = used;
            used = used + len;
        } else {
        GATHER_DUP:
            for (int j = 0; j < g; j++) {
                if (grp[g].c == grp[j].c) {
                    start[g] = start[j];
                    break;
                }
            }
        }
    }
}

static void scale_row(hls::stream<val_t> &res, Nz a, val_t *rows, idx_t len, idx_t from) {
#pragma HLS INLINE off
SCALE:
    for (int j = 0; j < (int)len; j++) {
#pragma HLS PIPELINE II = 1
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 1024
        res.write(a.v * rows[from + j]);
    }
}

static void unit(hls::stream<Pack> &in, const val_t *dB, idx_t len) {
#pragma HLS INLINE off
    val_t rows[ROWBUF];
    idx_t used = 0;
    Nz grp[GRP];
    bool dup[GRP];
    idx_t start[GRP];
    Pack p = in.read();
UNPACK:
    for (int g = 0; g < GRP; g++) {
#pragma HLS PIPELINE II = 1
        grp[g] = p.e[g];
        dup[g] = p.dup[g];
    }
    copy_rows(grp, dup, rows, used, dB, len, start);
    val_t acc0[ROWBUF], acc1[ROWBUF];
ACC_CLEAR:
    for (int j = 0; j < (int)len; j++) {
#pragma HLS PIPELINE II = 1
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 1024
        acc0[j] = 0;
        acc1[j] = 0;
    }
ROUND:
    for (int r = 0; r < 2; r++) {
        hls::stream<val_t> sa, sb;
        scale_row(sa, grp[2 * r], rows, len, start[2 * r]);
        scale_row(sb, grp[2 * r + 1], rows, len, start[2 * r + 1]);
    MERGE:
        for (int j = 0; j < (int)len; j++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 1024
            acc0[j] += sa.read();
            acc1[j] += sb.read();
        }
    }
}

extern "C" void csr_gather_mm(idx_t n_rows, idx_t n_inner, idx_t width, idx_t nnz, const idx_t *rp,
                              const idx_t *cols, const val_t *nzv, const val_t *dB0, const val_t *dB1,
                              const val_t *dB2, const val_t *dB3, val_t *out) {
#pragma HLS INTERFACE m_axi port = rp offset = slave bundle = gmem0
#pragma HLS INTERFACE m_axi port = cols offset = slave bundle = gmem1
#pragma HLS INTERFACE m_axi port = nzv offset = slave bundle = gmem2
#pragma HLS INTERFACE m_axi port = dB0 offset = slave bundle = gmem3
#pragma HLS INTERFACE m_axi port = dB1 offset = slave bundle = gmem4
#pragma HLS INTERFACE m_axi port = dB2 offset = slave bundle = gmem5
#pragma HLS INTERFACE m_axi port = dB3 offset = slave bundle = gmem6
#pragma HLS INTERFACE m_axi port = out offset = slave bundle = gmem7
#pragma HLS INTERFACE s_axilite port = n_rows bundle = control
#pragma HLS INTERFACE s_axilite port = n_inner bundle = control
#pragma HLS INTERFACE s_axilite port = width bundle = control
#pragma HLS INTERFACE s_axilite port = nnz bundle = control
#pragma HLS INTERFACE s_axilite port = rp bundle = control
#pragma HLS INTERFACE s_axilite port = cols bundle = control
#pragma HLS INTERFACE s_axilite port = nzv bundle = control
#pragma HLS INTERFACE s_axilite port = dB0 bundle = control
#pragma HLS INTERFACE s_axilite port = dB1 bundle = control
#pragma HLS INTERFACE s_axilite port = dB2 bundle = control
#pragma HLS INTERFACE s_axilite port = dB3 bundle = control
#pragma HLS INTERFACE s_axilite port = out bundle = control
#pragma HLS INTERFACE s_axilite port = return bundle = control
    hls::stream<Pack> q[UNITS];
#pragma HLS STREAM variable = q depth = 16
TILE_LOOP:
    for (int i = 0; i < (int)nnz; i += GRP) {
#pragma HLS DATAFLOW
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 64
        pack_group(rp, cols, nzv, q, i, nnz);
        unit(q[0], dB0, width / 4);
        unit(q[1], dB1, width / 4);
        unit(q[2], dB2, width / 4);
        unit(q[3], dB3, width / 4);
    }
}
