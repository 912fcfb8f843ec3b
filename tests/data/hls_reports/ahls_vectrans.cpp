// Our own kernel with the structure of gct02/AHLS/hls/vitis_projects/jianyicheng/vecTrans/solution1/.autopilot/db/vecTrans.pp.0.cpp and g.pp.0.cpp (Vitis HLS 2023.2): int scatter loop of 1000 iterations, each reads A[i], evaluates a degree-8 Horner polynomial in a called function (7 int32 mul, 8 add) and writes A[b[i]]; no HLS pragmas.
int poly8(int t) {
  int h = t + 112;
  h = h * t + 23;
  h = h * t + 36;
  h = h * t + 82;
  h = h * t + 127;
  h = h * t + 2;
  h = h * t + 20;
  return h * t + 100;
}

void vecTrans(int A[1024], int b[1024]) {
  for (int n = 0; n < 1000; n++) {
    int v = A[n];
    A[b[n]] = poly8(v);
  }
}
