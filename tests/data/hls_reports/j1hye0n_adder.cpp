// Our own kernel with the structure of j1hye0n/vitis_hls/workspace/sample1/adder.cpp (Vitis HLS 2024.2, hls_component/example): a scalar accumulate of two char inputs into a char in/out, all three pointers and the return on one s_axilite bundle.
void example(char *x, char *y, char *sum) {
#pragma HLS INTERFACE s_axilite port=x bundle=BUS_A
#pragma HLS INTERFACE s_axilite port=y bundle=BUS_A
#pragma HLS INTERFACE s_axilite port=sum bundle=BUS_A
#pragma HLS INTERFACE s_axilite port=return bundle=BUS_A
    *sum += *x + *y;
}
