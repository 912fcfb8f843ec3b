// Our own kernel with the structure of ohmy90/Vitis-HLS-labs/LAB3/DCT (dct.c, read from dct/hls/.autopilot/db/dct.pp.0.c; Vitis HLS 2025.2): the UG871 8x8 2-D DCT (read_data, dct_2d with a 1-D DCT per row and per column and two transposes, write_data), no pragmas and no directives beyond the top. Coefficient table: the 8-point DCT basis in Q13, our own symmetric rounding.
#define N 8
#define NSAMP (1024 / 16)
#define QBITS 13
typedef short coef_t;
void dct_1d(coef_t vin[N], coef_t vout[N]) {
    unsigned int u, t;
    int acc;
    const coef_t basis[N][N] = {
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
    for (u = 0; u < N; u++) {
    DCT_Inner_Loop:
        for (t = 0, acc = 0; t < N; t++) {
            int w = (int)basis[u][t];
            acc += vin[t] * w;
        }
        vout[u] = (acc + (1 << (QBITS - 1))) >> QBITS;
    }
}
void dct_2d(coef_t blk_in[N][N], coef_t blk_out[N][N]) {
    coef_t stage1[N][N];
    coef_t stage2_in[N][N], stage2_out[N][N];
    unsigned a, b;
Row_DCT_Loop:
    for (a = 0; a < N; a++) {
        dct_1d(blk_in[a], stage1[a]);
    }
Xpose_Row_Outer_Loop:
    for (b = 0; b < N; b++)
    Xpose_Row_Inner_Loop:
        for (a = 0; a < N; a++)
            stage2_in[b][a] = stage1[a][b];
Col_DCT_Loop:
    for (a = 0; a < N; a++) {
        dct_1d(stage2_in[a], stage2_out[a]);
    }
Xpose_Col_Outer_Loop:
    for (b = 0; b < N; b++)
    Xpose_Col_Inner_Loop:
        for (a = 0; a < N; a++)
            blk_out[b][a] = stage2_out[a][b];
}
void read_data(short src[NSAMP], short tile[N][N]) {
    int y, x;
RD_Loop_Row:
    for (y = 0; y < N; y++) {
    RD_Loop_Col:
        for (x = 0; x < N; x++)
            tile[y][x] = src[y * N + x];
    }
}
void write_data(short tile[N][N], short dst[NSAMP]) {
    int y, x;
WR_Loop_Row:
    for (y = 0; y < N; y++) {
    WR_Loop_Col:
        for (x = 0; x < N; x++)
            dst[y * N + x] = tile[y][x];
    }
}
void dct(short input[NSAMP], short output[NSAMP]) {
    short tile_in[N][N];
    short tile_out[N][N];
    read_data(input, tile_in);
    dct_2d(tile_in, tile_out);
    write_data(tile_out, output);
}
