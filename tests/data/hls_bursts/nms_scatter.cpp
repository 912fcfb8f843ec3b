// Our own kernel with the structure of xiongxiongz/hls_cluster_nms/src/nms_impl.cpp (Vitis HLS 2023.2): fully unrolled box/score loads from two bundles, an on-chip sort and IoU table, then a pipelined loop that writes keep flags through a data-dependent (sorted) index.
#include <ap_int.h>

#define NBOX 100

struct Box {
    float l, t, r, b, conf;
    ap_uint<16> id;
};

void box_suppress(float *coords, float *conf, float iou_limit, ap_uint<1> *keep) {
#pragma HLS INTERFACE mode = m_axi port = keep bundle = gmem depth = 100 offset = slave
#pragma HLS INTERFACE mode = m_axi port = conf bundle = gmem1 depth = 100 offset = slave
#pragma HLS INTERFACE mode = m_axi port = coords bundle = gmem0 depth = 400 offset = slave
#pragma HLS INTERFACE s_axilite port = iou_limit
#pragma HLS INTERFACE s_axilite port = return
    Box bx[NBOX];
LOAD:
    for (int n = 0; n < NBOX; n++) {
#pragma HLS UNROLL
        bx[n].l = coords[4 * n + 0];
        bx[n].t = coords[4 * n + 1];
        bx[n].r = coords[4 * n + 2];
        bx[n].b = coords[4 * n + 3];
        bx[n].conf = conf[n];
        bx[n].id = n;
    }
    // on-chip insertion sort by confidence, descending
SORT_I:
    for (int n = 1; n < NBOX; n++) {
        Box cur = bx[n];
        int k = n - 1;
    SORT_SHIFT:
        while (k >= 0 && bx[k].conf < cur.conf) {
#pragma HLS LOOP_TRIPCOUNT min = 0 max = 99
            bx[k + 1] = bx[k];
            k--;
        }
        bx[k + 1] = cur;
    }
    float ovl[NBOX][NBOX];
IOU_I:
    for (int i = 1; i < NBOX; i++) {
    IOU_J:
        for (int j = 0; j < i; j++) {
#pragma HLS PIPELINE II = 1
            float ix = (bx[i].r < bx[j].r ? bx[i].r : bx[j].r) - (bx[i].l > bx[j].l ? bx[i].l : bx[j].l) + 1;
            float iy = (bx[i].b < bx[j].b ? bx[i].b : bx[j].b) - (bx[i].t > bx[j].t ? bx[i].t : bx[j].t) + 1;
            float inter = (ix > 0 ? ix : 0) * (iy > 0 ? iy : 0);
            float ai = (bx[i].r - bx[i].l + 1) * (bx[i].b - bx[i].t + 1);
            float aj = (bx[j].r - bx[j].l + 1) * (bx[j].b - bx[j].t + 1);
            ovl[j][i] = inter / (ai + aj - inter);
        }
    }
    keep[bx[0].id] = 1;
EMIT:
    for (int i = 1; i < NBOX; i++) {
#pragma HLS PIPELINE II = 1
        float worst = ovl[0][i];
    EMIT_MAX:
        for (int j = 1; j < i; j++) {
            worst = (bx[j].conf > 0 && ovl[j][i] > worst) ? ovl[j][i] : worst;
        }
        bx[i].conf = worst < iou_limit ? bx[i].conf : 0.0f;
        keep[bx[i].id] = bx[i].conf > 0 ? 1 : 0;
    }
}
