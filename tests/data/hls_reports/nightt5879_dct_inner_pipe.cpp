// Our own kernel with the structure of nightt5879/xilinx_fpga_class/hls/lab3/prj/dct_solution3/dct_solution3/hls/.autopilot/db/dct.pp.0.c (Vitis HLS 2024.2, dct_solution3): 8x8 2-D DCT of 16-bit shorts as read / row 1-D DCTs / transpose / column 1-D DCTs / transpose / write, PIPELINE written in the innermost loop of every nest (DCT_Inner_Loop, both Xpose inner loops, RD_Loop_Col, WR_Loop_Col) and nowhere else, no partitioning, all functions inlined. Our coefficient values are our own (same 8x8 shape, 15-bit range).
#define BLK 8
#define WORDS (1024 / 16)
#define FRAC_BITS 13
#define ROUND_SHIFT(v, s) (((v) + (1 << ((s) - 1))) >> (s))

typedef short sample_t;

void dct(short input[WORDS], short output[WORDS]);

void xform_1d(sample_t vin[BLK], sample_t vout[BLK]) {
    unsigned int u, t;
    int acc;
    const sample_t basis[BLK][BLK] = {
        {8190, 8190, 8190, 8190, 8190, 8190, 8190, 8190},
        {11360, 9630, 6430, 2258, -2258, -6430, -9630, -11360},
        {10700, 4430, -4430, -10700, -10700, -4430, 4430, 10700},
        {9630, -2258, -11360, -6430, 6430, 11360, 2258, -9630},
        {8190, -8190, -8190, 8190, 8190, -8190, -8190, 8190},
        {6430, -11360, 2258, 9630, -9630, -2258, 11360, -6430},
        {4430, -10700, 10700, -4430, -4430, 10700, -10700, 4430},
        {2258, -6430, 9630, -11360, 11360, -9630, 6430, -2258}
    };

DCT_Outer_Loop:
    for (u = 0; u < BLK; u++) {
    DCT_Inner_Loop:
        for (t = 0, acc = 0; t < BLK; t++) {
#pragma HLS PIPELINE
            int w = (int)basis[u][t];
            acc += vin[t] * w;
        }
        vout[u] = ROUND_SHIFT(acc, FRAC_BITS);
    }
}

void xform_2d(sample_t blk_in[BLK][BLK], sample_t blk_out[BLK][BLK]) {
    sample_t rows_done[BLK][BLK];
    sample_t cols_done[BLK][BLK], cols_in[BLK][BLK];
    unsigned a, b;

Row_DCT_Loop:
    for (a = 0; a < BLK; a++) {
        xform_1d(blk_in[a], rows_done[a]);
    }

Xpose_Row_Outer_Loop:
    for (b = 0; b < BLK; b++) {
    Xpose_Row_Inner_Loop:
        for (a = 0; a < BLK; a++) {
#pragma HLS PIPELINE
            cols_in[b][a] = rows_done[a][b];
        }
    }

Col_DCT_Loop:
    for (a = 0; a < BLK; a++) {
        xform_1d(cols_in[a], cols_done[a]);
    }

Xpose_Col_Outer_Loop:
    for (b = 0; b < BLK; b++) {
    Xpose_Col_Inner_Loop:
        for (a = 0; a < BLK; a++) {
#pragma HLS PIPELINE
            blk_out[b][a] = cols_done[a][b];
        }
    }
}

void load_block(short src[WORDS], short tile[BLK][BLK]) {
    int r, c;
RD_Loop_Row:
    for (r = 0; r < BLK; r++) {
    RD_Loop_Col:
        for (c = 0; c < BLK; c++) {
#pragma HLS PIPELINE
            tile[r][c] = src[r * BLK + c];
        }
    }
}

void store_block(short tile[BLK][BLK], short dst[WORDS]) {
    int r, c;
WR_Loop_Row:
    for (r = 0; r < BLK; r++) {
    WR_Loop_Col:
        for (c = 0; c < BLK; c++) {
#pragma HLS PIPELINE
            dst[r * BLK + c] = tile[r][c];
        }
    }
}

void dct(short input[WORDS], short output[WORDS]) {
    short tile_in[BLK][BLK];
    short tile_out[BLK][BLK];
    load_block(input, tile_in);
    xform_2d(tile_in, tile_out);
    store_block(tile_out, output);
}
