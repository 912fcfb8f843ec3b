// Our own kernel with the structure of Ang-Andrew/Vivado_HLS_training/projects/lab3/dct.prj/solution3/.autopilot/db/dct.pp.0.c (Vivado HLS 2016.3): 8x8 2-D DCT (1-D DCT sub-function with a constant 8x8 coefficient ROM called per row and per column, transposes, copy-in/copy-out nests) with DCT_Outer_Loop and the four copy/transpose inner loops pipelined by Tcl directives.
#define BLK 8
#define WORDS 64
#define FRAC_BITS 13
#define ROUND_SHIFT(v, s) (((v) + (1 << ((s) - 1))) >> (s))

typedef short sample_t;

void dct_1d(sample_t x[BLK], sample_t y[BLK]) {
    const sample_t basis[BLK][BLK] = {
        {  8192,   8192,   8192,   8192,   8192,   8192,   8192,   8192},
        { 11363,   9633,   6436,   2260,  -2260,  -6436,  -9633, -11363},
        { 10703,   4433,  -4433, -10703, -10703,  -4433,   4433,  10703},
        {  9633,  -2260, -11363,  -6436,   6436,  11363,   2260,  -9633},
        {  8192,  -8192,  -8192,   8192,   8192,  -8192,  -8192,   8192},
        {  6436, -11363,   2260,   9633,  -9633,  -2260,  11363,  -6436},
        {  4433, -10703,  10703,  -4433,  -4433,  10703, -10703,   4433},
        {  2260,  -6436,   9633, -11363,  11363,  -9633,   6436,  -2260},
    };
DCT_Outer_Loop:
    for (unsigned f = 0; f < BLK; f++) {
        int sum = 0;
    DCT_Inner_Loop:
        for (unsigned t = 0; t < BLK; t++) {
            sum += x[t] * (int)basis[f][t];
        }
        y[f] = ROUND_SHIFT(sum, FRAC_BITS);
    }
}

void dct_2d(sample_t blk_in[BLK][BLK], sample_t blk_out[BLK][BLK]) {
    sample_t rows_done[BLK][BLK];
    sample_t cols_in[BLK][BLK], cols_done[BLK][BLK];
Row_DCT_Loop:
    for (unsigned r = 0; r < BLK; r++)
        dct_1d(blk_in[r], rows_done[r]);
Xpose_Row_Outer_Loop:
    for (unsigned a = 0; a < BLK; a++)
    Xpose_Row_Inner_Loop:
        for (unsigned b = 0; b < BLK; b++)
            cols_in[a][b] = rows_done[b][a];
Col_DCT_Loop:
    for (unsigned r = 0; r < BLK; r++)
        dct_1d(cols_in[r], cols_done[r]);
Xpose_Col_Outer_Loop:
    for (unsigned a = 0; a < BLK; a++)
    Xpose_Col_Inner_Loop:
        for (unsigned b = 0; b < BLK; b++)
            blk_out[a][b] = cols_done[b][a];
}

void read_data(short src[WORDS], short tile[BLK][BLK]) {
RD_Loop_Row:
    for (int r = 0; r < BLK; r++)
    RD_Loop_Col:
        for (int c = 0; c < BLK; c++)
            tile[r][c] = src[r * BLK + c];
}

void write_data(short tile[BLK][BLK], short dst[WORDS]) {
WR_Loop_Row:
    for (int r = 0; r < BLK; r++)
    WR_Loop_Col:
        for (int c = 0; c < BLK; c++)
            dst[r * BLK + c] = tile[r][c];
}

void dct(short input[WORDS], short output[WORDS]) {
    short tile_in[BLK][BLK];
    short tile_out[BLK][BLK];
    read_data(input, tile_in);
    dct_2d(tile_in, tile_out);
    write_data(tile_out, output);
}
