// Our own kernel with the structure of gct02/AHLS/hls/vitis_projects/jianyicheng/gSum/solution1/.autopilot/db/gSum.pp.0.cpp (Vitis HLS 2023.2): 1000-iteration double accumulation of a degree-6 Horner polynomial (6 dadd + 5 dmul) of a[i]+b[i], guarded by a sign test.

// helper (a separate file in the original): Horner form, 6 additions and 5 multiplications
double ahls_poly6(double v) {
    double acc = v + 0.5;
    acc = acc * v + 0.375;
    acc = acc * v + 0.1875;
    acc = acc * v + 0.3;
    acc = acc * v + 0.15;
    acc = acc * v + 0.0625;
    return acc;
}

double gSum(double a[1000], double b[1000]) {
    double total = 0.0;
    for (int n = 0; n < 1000; n++) {
        double t = a[n] + b[n];
        if (t >= 0)
            total += ahls_poly6(t);
    }
    return total;
}
