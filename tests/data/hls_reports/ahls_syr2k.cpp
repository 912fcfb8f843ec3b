// Our own kernel with the structure of gct02/AHLS/hls/vitis_projects/jianyicheng/syr2k/solution1/.autopilot/db/syr2k.pp.0.cpp (Vitis HLS 2023.2): float symmetric rank-2k update on 32x32, lower triangle (j <= i), innermost 32-trip k loop (4 fmul + 2 fadd per k), no pragmas.
void syr2k(float A[1024], float B[1024], float C[1024]) {
  const float k_al = 0.73f;
  const float k_be = 1.96f;
  int ibase = 0;
  for (int i = 0; i < 32; i++) {
    int jbase = 0;
    for (int j = 0; j <= i; j++) {
      int at = ibase + j;
      float acc = k_be * C[at];
    loop_2:
      for (int k = 0; k < 32; k++)
        acc += B[ibase + k] * (k_al * A[jbase + k]) + A[ibase + k] * (k_al * B[jbase + k]);
      C[at] = acc;
      jbase = jbase + 32;
    }
    ibase = ibase + 32;
  }
}
