// Our own kernel with the structure of gct02/AHLS/hls/vitis_projects/jianyicheng/gemver/solution1/.autopilot/db/gemver.pp.0.cpp (Vitis HLS 2023.2): three float 256x256 nests (rank-2 update of A, transposed mat-vec into x, mat-vec into w), no pragmas.
void gemver(float mat[65536], float p1[256], float q1[256], float p2[256], float q2[256], float out_w[256],
            float out_x[256], float vy[256], float vz[256]) {
  const float k_alpha = 0.73f;
  const float k_beta = 0.69f;

  int rbase = 0;
  for (int r = 0; r < 256; r++) {
    float a1 = p1[r];
    float a2 = p2[r];
  loop_2:
    for (int c = 0; c < 256; c++)
      mat[rbase + c] = mat[rbase + c] + (a1 * q1[c] + a2 * q2[c]);
    rbase = rbase + 256;
  }

  for (int c = 0; c < 256; c++) {
    float acc = out_x[c];
    int off = 0;
  loop_3:
    for (int r = 0; r < 256; r++) {
      acc += k_beta * mat[off + c] * vy[r];
      off = off + 256;
    }
    out_x[c] = acc + vz[c];
  }

  int wbase = 0;
  for (int r = 0; r < 256; r++) {
    float acc = out_w[r];
  loop_4:
    for (int c = 0; c < 256; c++)
      acc = acc + k_alpha * mat[wbase + c] * out_x[c];
    out_w[r] = acc;
    wbase = wbase + 256;
  }
}
