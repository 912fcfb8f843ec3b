// Our own kernel with the structure of Farhan-wrld/Real-Time-Object-Detection-Using-Hardware-Accelerated-CNN-on-Xilinx-Zynq-FPGA-with-Arm-Processor/hls_component/conv2d.cpp as kept in hls_component/hls/.autopilot/db/conv2d.pp.0.cpp (Vitis HLS 2025.2, Vivado IP flow): a small MNIST CNN in one function, 3x3 conv (1->8) + ReLU on a 28x28 image, 2x2 max-pool, 3x3 conv (8->16) + ReLU, 2x2 max-pool, flatten and a 400->10 dense layer; image, weights, biases and result on m_axi (weights and biases share one bundle), feature maps in local arrays. No pragmas besides the interfaces; the tool pipelines the loops.
void conv2d(float* input, float* weights, float* bias, float* output) {
#pragma HLS INTERFACE m_axi port=input bundle=gmem0 depth=784
#pragma HLS INTERFACE m_axi port=weights bundle=gmem1 depth=5224
#pragma HLS INTERFACE m_axi port=bias bundle=gmem1 depth=34
#pragma HLS INTERFACE m_axi port=output bundle=gmem2 depth=10
#pragma HLS INTERFACE s_axilite port=input
#pragma HLS INTERFACE s_axilite port=weights
#pragma HLS INTERFACE s_axilite port=bias
#pragma HLS INTERFACE s_axilite port=output
#pragma HLS INTERFACE s_axilite port=return
    float fmap1[8][26][26];
    float pooled1[8][13][13];
    float fmap2[16][11][11];
    float pooled2[16][5][5];
    float flat[400];

    for (int f = 0; f < 8; f++) {
        for (int r = 0; r < 26; r++) {
            for (int c = 0; c < 26; c++) {
                float acc = bias[f];
                for (int dy = 0; dy < 3; dy++) {
                    for (int dx = 0; dx < 3; dx++) {
                        acc += input[(r + dy) * 28 + (c + dx)] * weights[f * 9 + dy * 3 + dx];
                    }
                }
                if (acc < 0) acc = 0;
                fmap1[f][r][c] = acc;
            }
        }
    }

    for (int ch = 0; ch < 8; ch++) {
        for (int r = 0; r < 13; r++) {
            for (int c = 0; c < 13; c++) {
                float best = fmap1[ch][2 * r][2 * c];
                for (int py = 0; py < 2; py++)
                    for (int px = 0; px < 2; px++)
                        if (fmap1[ch][2 * r + py][2 * c + px] > best)
                            best = fmap1[ch][2 * r + py][2 * c + px];
                pooled1[ch][r][c] = best;
            }
        }
    }

    int w2_base = 72;
    int b2_base = 8;
    for (int f = 0; f < 16; f++) {
        for (int r = 0; r < 11; r++) {
            for (int c = 0; c < 11; c++) {
                float acc = bias[b2_base + f];
                for (int ch = 0; ch < 8; ch++) {
                    for (int dy = 0; dy < 3; dy++) {
                        for (int dx = 0; dx < 3; dx++) {
                            int wi = w2_base + f * 8 * 9 + ch * 9 + dy * 3 + dx;
                            acc += pooled1[ch][r + dy][c + dx] * weights[wi];
                        }
                    }
                }
                if (acc < 0) acc = 0;
                fmap2[f][r][c] = acc;
            }
        }
    }

    for (int ch = 0; ch < 16; ch++) {
        for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 5; c++) {
                float best = fmap2[ch][2 * r][2 * c];
                for (int py = 0; py < 2; py++)
                    for (int px = 0; px < 2; px++)
                        if (fmap2[ch][2 * r + py][2 * c + px] > best)
                            best = fmap2[ch][2 * r + py][2 * c + px];
                pooled2[ch][r][c] = best;
            }
        }
    }

    int k = 0;
    for (int ch = 0; ch < 16; ch++)
        for (int r = 0; r < 5; r++)
            for (int c = 0; c < 5; c++)
                flat[k++] = pooled2[ch][r][c];

    int w3_base = 72 + 1152;
    int b3_base = 8 + 16;
    for (int o = 0; o < 10; o++) {
        float acc = bias[b3_base + o];
        for (int n = 0; n < 400; n++)
            acc += flat[n] * weights[w3_base + o * 400 + n];
        output[o] = acc;
    }
}
