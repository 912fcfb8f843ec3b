// Our own kernel with the structure of hanyax/Vivado_HLS_FIR_CORDIC_DFT-FFT_Implementations/FIR/fir11_baseline/fir.cpp (Vivado HLS 2019.1): 11-tap int FIR, one sample per call, an initialized (non-const) local coefficient array, a static shift register, and a down-counting tap loop with a branch for tap 0; no pragmas.
const int TAPS = 11;

typedef int coef_t;
typedef int data_t;
typedef int acc_t;

void fir(data_t *y, data_t x) {
    coef_t h[TAPS] = {41, 0, -77, 0, 290, 512, 290, 0, -77, 0, 41};
    static data_t line[TAPS];
    acc_t acc = 0;
SHIFT_ACCUM_LOOP:
    for (int t = TAPS - 1; t >= 0; t--) {
        if (t == 0) {
            acc += x * h[0];
            line[0] = x;
        } else {
            line[t] = line[t - 1];
            acc += line[t] * h[t];
        }
    }
    *y = acc;
}
