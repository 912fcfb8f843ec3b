// Our own kernel with the structure of ValdecirDesenv/FPGA_picoZed/basic_output.c (Vitis HLS 2023.1): a block-level-handshake-free function that drives one 8-bit ap_none output with a constant pattern.
void led_pattern(unsigned char *leds) {
#pragma HLS INTERFACE ap_none port = leds
#pragma HLS INTERFACE ap_ctrl_none port = return
    *leds = 0xF0;
}
