// Our own kernel with the structure of gct02/AHLS/hls/vitis_projects/jianyicheng/bnn/solution1/.autopilot/db/bnn.pp.0.cpp (Vitis HLS 2023.2): BNN-style kernel, 100 outer iterations each running a 100-trip xor/multiply scatter-accumulate helper, plus a 100-trip conditional bias helper on the last outer iteration.

// first helper (g1.cpp in the original): scatter-accumulate of (a ^ b) * scale into acc[idx[...]]
void ahls_bnn_accum(int scale, int act[10000], int row, int wt[10000], int src_idx[10000], int acc[10000]) {
    for (int c = 0; c < 100; c++) {
        int flat = row * 100 + c;
        int bits = act[flat] ^ wt[flat];
        acc[src_idx[flat]] += bits * scale;
    }
}

// second helper (g2.cpp in the original): move each addressed value towards zero by the bias
void ahls_bnn_bias(int bias[10000], int row, int dst_idx[10000], int acc[10000]) {
    for (int c = 0; c < 100; c++) {
        int flat = row * 100 + c;
        int b = bias[flat];
        int v = acc[dst_idx[flat]];
        int r;
        if (v > 0)
            r = v - b;
        else
            r = v + b;
        acc[dst_idx[flat]] = r;
    }
}

void bnn(int src_idx[10000], int scale, int wt[10000], int dst_idx[10000], int acc[10000], int act[10000], int bias[10000]) {
    for (int row = 0; row < 100; row++) {
        ahls_bnn_accum(scale, act, row, wt, src_idx, acc);
        if (row == 99) {
            ahls_bnn_bias(bias, row, dst_idx, acc);
        }
    }
}
