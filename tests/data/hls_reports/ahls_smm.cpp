// Our own kernel with the structure of gct02/AHLS/hls/vitis_projects/jianyicheng/sparseMatrixPower/solution1/.autopilot/db/smm.pp.0.cpp and g.pp.0.cpp (Vitis HLS 2023.2): int loop of 100 that, when a flag is small, calls a function holding a 100-trip multiply-accumulate loop over one array; no HLS pragmas.
void col_mac(int vec[200], int col, int mat[10000]) {
  for (int r = 0; r < 100; r++) {
    vec[100 + r] += vec[r] * mat[100 * r + col];
  }
}

void smm(int data[200], int all_zero[100], int w[10000]) {
  for (int c = 0; c < 100; c++) {
    int flag = all_zero[c];
    if (flag < 10) {
      col_mac(data, c, w);
    }
  }
}
