// Our own kernel with the structure of robertszafa/elastic-sycl-hls/FPT_benchmarks/vivado_reports/maximalMatching/loop_imperfect.c (Vivado HLS 2019.2): greedy maximal matching, a 1000-trip while loop reading an edge's two endpoints and their two vertex flags, and writing both flags when both are free; not pipelined.
#define EDGES 1000

void loop_imperfect(int flag[EDGES * 2], int ends[EDGES * 2]) {
    int e = 0;
    int matched = 0;
    while (e < EDGES) {
        int base = e * 2;
        int u = ends[base];
        int v = ends[base + 1];
        int fu = flag[u];
        int fv = flag[v];
        if (fu == 0 && fv == 0) {
            flag[u] = fv;
            flag[v] = fu;
            matched = matched + 1;
        }
        e = e + 1;
    }
}
