// Our own kernel with the structure of gct02/AHLS/hls/vitis_projects/jianyicheng/trVecAccum/solution1/.autopilot/db/trVecAccum.pp.0.cpp (Vitis HLS 2023.2): triangular float accumulation, outer 256 rows, inner trip = row index (0..255, no LOOP_TRIPCOUNT), result stored at r[i*i+7]; no pragmas.
void trVecAccum(float a[65536], float r[65536]) {
  int base = 0;
loop_0:
  for (int row = 0; row < 256; row++) {
    float acc = r[row];
  loop_1:
    for (int k = 0; k < row; k++)
      acc += a[base + k];
    r[row * row + 7] = acc;
    base = base + 256;
  }
}
