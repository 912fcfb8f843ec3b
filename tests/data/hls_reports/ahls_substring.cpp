// Our own kernel with the structure of gct02/AHLS/hls/vitis_projects/jianyicheng/substring/solution1/.autopilot/db/substring.pp.0.cpp (Vitis HLS 2023.2): count occurrences of the pattern 1,2,3 across eight chained 4096-int segments; eight labelled outer loops, each with an unlabelled 3-trip inner compare loop that reads the next segment past the end.

int substring(int seg0[4096], int seg1[4096], int seg2[4096], int seg3[4096], int seg4[4096], int seg5[4096], int seg6[4096], int seg7[4096]) {
    int hits0 = 0;
    int hits1 = 0;
    int hits2 = 0;
    int hits3 = 0;
    int hits4 = 0;
    int hits5 = 0;
    int hits6 = 0;
    int hits7 = 0;

loop_0:
    for (int p = 0; p < 4096; p++) {
        int ok = 1;
        for (int q = 0; q < 3; q++) {
            int at = p + q;
            int ch;
            if (at < 4096)
                ch = seg0[at];
            else
                ch = seg1[at - 4096];
            if (ch != q + 1)
                ok = 0;
        }
        if (ok == 1)
            hits0++;
    }

loop_1:
    for (int p = 0; p < 4096; p++) {
        int ok = 1;
        for (int q = 0; q < 3; q++) {
            int at = p + q;
            int ch;
            if (at < 4096)
                ch = seg1[at];
            else
                ch = seg2[at - 4096];
            if (ch != q + 1)
                ok = 0;
        }
        if (ok == 1)
            hits1++;
    }

loop_2:
    for (int p = 0; p < 4096; p++) {
        int ok = 1;
        for (int q = 0; q < 3; q++) {
            int at = p + q;
            int ch;
            if (at < 4096)
                ch = seg2[at];
            else
                ch = seg3[at - 4096];
            if (ch != q + 1)
                ok = 0;
        }
        if (ok == 1)
            hits2++;
    }

loop_3:
    for (int p = 0; p < 4096; p++) {
        int ok = 1;
        for (int q = 0; q < 3; q++) {
            int at = p + q;
            int ch;
            if (at < 4096)
                ch = seg3[at];
            else
                ch = seg4[at - 4096];
            if (ch != q + 1)
                ok = 0;
        }
        if (ok == 1)
            hits3++;
    }

loop_4:
    for (int p = 0; p < 4096; p++) {
        int ok = 1;
        for (int q = 0; q < 3; q++) {
            int at = p + q;
            int ch;
            if (at < 4096)
                ch = seg4[at];
            else
                ch = seg5[at - 4096];
            if (ch != q + 1)
                ok = 0;
        }
        if (ok == 1)
            hits4++;
    }

loop_5:
    for (int p = 0; p < 4096; p++) {
        int ok = 1;
        for (int q = 0; q < 3; q++) {
            int at = p + q;
            int ch;
            if (at < 4096)
                ch = seg5[at];
            else
                ch = seg6[at - 4096];
            if (ch != q + 1)
                ok = 0;
        }
        if (ok == 1)
            hits5++;
    }

loop_6:
    for (int p = 0; p < 4096; p++) {
        int ok = 1;
        for (int q = 0; q < 3; q++) {
            int at = p + q;
            int ch;
            if (at < 4096)
                ch = seg6[at];
            else
                ch = seg7[at - 4096];
            if (ch != q + 1)
                ok = 0;
        }
        if (ok == 1)
            hits6++;
    }

loop_7:
    for (int p = 0; p < 4096 - 3; p++) {
        int ok = 1;
        for (int q = 0; q < 3; q++) {
            int ch = seg7[p + q];
            if (ch != q + 1)
                ok = 0;
        }
        if (ok == 1)
            hits7++;
    }

    return hits0 + hits1 + hits2 + hits3 + hits4 + hits5 + hits6 + hits7;
}
