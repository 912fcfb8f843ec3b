// Our own kernel with the structure of gct02/AHLS/hls/vitis_projects/jianyicheng/gesummv/solution1/.autopilot/db/gesummv.pp.0.cpp (Vitis HLS 2023.2): two float matrix-vector products fused in one 256x256 nest, y = a*(M*v) + b*(N*v), no pragmas.
void gesummv(float mat_m[65536], float mat_n[65536], float part[256], float res[256], float vec[256]) {
  const float k_a = 0.73f;
  const float k_b = 1.63f;
  int base = 0;
  for (int row = 0; row < 256; row++) {
    float sum_m = 0.0f;
    float sum_n = 0.0f;
  loop_2:
    for (int col = 0; col < 256; col++) {
      float v = vec[col];
      sum_m = sum_m + v * mat_m[base + col];
      sum_n = sum_n + v * mat_n[base + col];
    }
    part[row] = sum_m;
    res[row] = k_b * sum_n + k_a * sum_m;
    base = base + 256;
  }
}
