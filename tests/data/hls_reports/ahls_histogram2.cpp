// Our own kernel with the structure of gct02/AHLS/hls/vitis_projects/jianyicheng/histogram2/solution1/.autopilot/db/histogram.pp.0.cpp (Vitis HLS 2023.2): eight independent 4096-trip int binning loops (5-way range test, +1 into a 5-entry count array each), then a 5-trip loop summing the eight count arrays.

void histogram(int src0[4096], int src1[4096], int src2[4096], int src3[4096], int src4[4096], int src5[4096], int src6[4096], int src7[4096], int cnt0[5], int cnt1[5], int cnt2[5], int cnt3[5], int cnt4[5], int cnt5[5], int cnt6[5], int cnt7[5], int total[5]) {
loop_0:
    for (int n = 0; n < 4096; n++) {
        int v = src0[n];
        if (v >= 1 && v < 21) {
            cnt0[0] += 1;
        } else if (v >= 21 && v < 41) {
            cnt0[1] += 1;
        } else if (v >= 41 && v < 61) {
            cnt0[2] += 1;
        } else if (v >= 61 && v < 81) {
            cnt0[3] += 1;
        } else {
            cnt0[4] += 1;
        }
    }

loop_1:
    for (int n = 0; n < 4096; n++) {
        int v = src1[n];
        if (v >= 1 && v < 21) {
            cnt1[0] += 1;
        } else if (v >= 21 && v < 41) {
            cnt1[1] += 1;
        } else if (v >= 41 && v < 61) {
            cnt1[2] += 1;
        } else if (v >= 61 && v < 81) {
            cnt1[3] += 1;
        } else {
            cnt1[4] += 1;
        }
    }

loop_2:
    for (int n = 0; n < 4096; n++) {
        int v = src2[n];
        if (v >= 1 && v < 21) {
            cnt2[0] += 1;
        } else if (v >= 21 && v < 41) {
            cnt2[1] += 1;
        } else if (v >= 41 && v < 61) {
            cnt2[2] += 1;
        } else if (v >= 61 && v < 81) {
            cnt2[3] += 1;
        } else {
            cnt2[4] += 1;
        }
    }

loop_3:
    for (int n = 0; n < 4096; n++) {
        int v = src3[n];
        if (v >= 1 && v < 21) {
            cnt3[0] += 1;
        } else if (v >= 21 && v < 41) {
            cnt3[1] += 1;
        } else if (v >= 41 && v < 61) {
            cnt3[2] += 1;
        } else if (v >= 61 && v < 81) {
            cnt3[3] += 1;
        } else {
            cnt3[4] += 1;
        }
    }

loop_4:
    for (int n = 0; n < 4096; n++) {
        int v = src4[n];
        if (v >= 1 && v < 21) {
            cnt4[0] += 1;
        } else if (v >= 21 && v < 41) {
            cnt4[1] += 1;
        } else if (v >= 41 && v < 61) {
            cnt4[2] += 1;
        } else if (v >= 61 && v < 81) {
            cnt4[3] += 1;
        } else {
            cnt4[4] += 1;
        }
    }

loop_5:
    for (int n = 0; n < 4096; n++) {
        int v = src5[n];
        if (v >= 1 && v < 21) {
            cnt5[0] += 1;
        } else if (v >= 21 && v < 41) {
            cnt5[1] += 1;
        } else if (v >= 41 && v < 61) {
            cnt5[2] += 1;
        } else if (v >= 61 && v < 81) {
            cnt5[3] += 1;
        } else {
            cnt5[4] += 1;
        }
    }

loop_6:
    for (int n = 0; n < 4096; n++) {
        int v = src6[n];
        if (v >= 1 && v < 21) {
            cnt6[0] += 1;
        } else if (v >= 21 && v < 41) {
            cnt6[1] += 1;
        } else if (v >= 41 && v < 61) {
            cnt6[2] += 1;
        } else if (v >= 61 && v < 81) {
            cnt6[3] += 1;
        } else {
            cnt6[4] += 1;
        }
    }

loop_7:
    for (int n = 0; n < 4096; n++) {
        int v = src7[n];
        if (v >= 1 && v < 21) {
            cnt7[0] += 1;
        } else if (v >= 21 && v < 41) {
            cnt7[1] += 1;
        } else if (v >= 41 && v < 61) {
            cnt7[2] += 1;
        } else if (v >= 61 && v < 81) {
            cnt7[3] += 1;
        } else {
            cnt7[4] += 1;
        }
    }

loop_8:
    for (int b = 0; b < 5; b++)
        total[b] = cnt0[b] + cnt1[b] + cnt2[b] + cnt3[b] + cnt4[b] + cnt5[b] + cnt6[b] + cnt7[b];
}
