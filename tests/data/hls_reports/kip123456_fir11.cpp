// Our own kernel with the structure of kip123456/vitis_hls_learning/pp4fpga/project1/fir11/fir.cpp (Vitis HLS 2023.2, solution1): the PP4FPGAs 11-tap int FIR baseline with an initialized local coefficient array, a static shift register shifted by one loop and a separate multiply-accumulate loop; no pragmas. Our coefficient values are our own (same count, zeros at the same taps, similar range).
const int TAPS = 11;

typedef int coef_t;
typedef int data_t;
typedef int acc_t;

void fir(data_t *y, data_t x) {
    coef_t h[TAPS] = {47, 0, -88, 0, 301, 512, 301, 0, -88, 0, 47};
    static data_t line[TAPS] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    acc_t t = 0;
    data_t sum;
    sum = 0;
    for (t = TAPS - 1; t >= 1; t--) line[t] = line[t - 1];
    line[0] = x;
    for (t = 0; t < TAPS; t++) sum += line[t] * h[t];
    *y = sum;
}
