// Our own kernel with the structure of agustinsilva447/hls_div/main.cpp (Vitis HLS 2022.1): one single-precision division of two ap_none scalar inputs into an ap_none output, block-level control removed (ap_ctrl_none).
void division_hls(const float numerator, const float denominator, float *quotient) {
#pragma HLS INTERFACE mode=ap_ctrl_none port=return
#pragma HLS INTERFACE mode=ap_none port=quotient
#pragma HLS INTERFACE mode=ap_none port=denominator
#pragma HLS INTERFACE mode=ap_none port=numerator
    float ratio = numerator / denominator;
    *quotient = ratio;
}
