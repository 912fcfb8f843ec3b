// Our own kernel with the structure of deck11/weighted_round_robin_arbiter/wrr.c (Vitis HLS 2024.1): weighted round-robin grant over 4 requesters read and written through three m_axi int[4] ports, with static per-requester counters in a 1-port BRAM and an early-return search loop.
void weighted_rr(int want[4], int share[4], int out_grant[4], int clear) {
#pragma HLS INTERFACE m_axi port=want offset=slave
#pragma HLS INTERFACE m_axi port=share offset=slave
#pragma HLS INTERFACE m_axi port=out_grant offset=slave
#pragma HLS INTERFACE s_axilite port=clear
#pragma HLS INTERFACE s_axilite port=return
#pragma HLS DATAFLOW
    static int used[4] = {0, 0, 0, 0};
    static int turn = 0;
#pragma HLS RESOURCE variable=used core=RAM_1P_BRAM

    if (clear) {
        for (int q = 0; q < 4; q++) {
#pragma HLS UNROLL factor=4
            out_grant[q] = 0;
            used[q] = 0;
        }
        turn = 0;
        return;
    }

    // search from the current pointer for a requester with budget left
    while (1) {
#pragma HLS LOOP_TRIPCOUNT min=1 max=4
        if (want[turn] == 1) {
            if (used[turn] < share[turn]) {
                out_grant[turn] = 1;
                used[turn]++;
                for (int q = 0; q < 4; q++) {
#pragma HLS UNROLL factor=4
                    if (q != turn) out_grant[q] = 0;
                }
                return;
            } else {
                used[turn] = 0;
            }
        }
        turn = (turn + 1) % 4;
    }
}
