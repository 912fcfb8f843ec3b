// Our own kernel with the structure of gct02/AHLS/hls/vitis_projects/jianyicheng/matrixtrans/solution1/.autopilot/db/matrixtrans.pp.0.cpp (Vitis HLS 2023.2): eight independent labelled 8192-trip int copy loops, each between its own pair of ap_memory arrays.

void matrixtrans(int in0[8192], int in1[8192], int in2[8192], int in3[8192], int in4[8192], int in5[8192], int in6[8192], int in7[8192], int out0[8192], int out1[8192], int out2[8192], int out3[8192], int out4[8192], int out5[8192], int out6[8192], int out7[8192]) {
loop_0:
    for (int e = 0; e < 8192; e++)
        out0[e] = in0[e];

loop_1:
    for (int e = 0; e < 8192; e++)
        out1[e] = in1[e];

loop_2:
    for (int e = 0; e < 8192; e++)
        out2[e] = in2[e];

loop_3:
    for (int e = 0; e < 8192; e++)
        out3[e] = in3[e];

loop_4:
    for (int e = 0; e < 8192; e++)
        out4[e] = in4[e];

loop_5:
    for (int e = 0; e < 8192; e++)
        out5[e] = in5[e];

loop_6:
    for (int e = 0; e < 8192; e++)
        out6[e] = in6[e];

loop_7:
    for (int e = 0; e < 8192; e++)
        out7[e] = in7[e];
}
