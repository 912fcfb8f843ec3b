// Our own kernel with the structure of MuhammadMajidAltaf/vivado_hls_training/Xilinx_HLS_Lab_Materials/hls/completed/hlx_system_integration/KC705/fir/fir.c (Vivado HLS 2016.1): 11-tap int FIR with a static shift register and a constant coefficient table, one sample per call, the down-counting tap loop not pipelined, all ports on one AXI4-Lite bundle.
#define TAPS 11

typedef int coef_t;
typedef int data_t;
typedef int acc_t;

void fir(data_t *y, data_t x) {
    const coef_t taps[TAPS] = {1, -8, -12, 20, 51, 60, 51, 20, -12, -8, 1};
    static data_t delay_line[TAPS];
    acc_t sum = 0;
Shift_Accum_Loop:
    for (int k = TAPS - 1; k >= 0; k--) {
        if (k == 0) {
            sum += x * taps[0];
            delay_line[0] = x;
        } else {
            delay_line[k] = delay_line[k - 1];
            sum += delay_line[k] * taps[k];
        }
    }
    *y = sum;
}
