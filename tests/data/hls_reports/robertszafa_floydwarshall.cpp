// Our own kernel with the structure of robertszafa/elastic-sycl-hls/FPT_benchmarks/vivado_reports/floydWarshall/loop_imperfect.c (Vivado HLS 2019.2): all-pairs shortest path relaxation over a 10x10 distance matrix stored flat in one BRAM argument, three nested 10-trip loops, nothing pipelined.
#define V 10

void loop_imperfect(int d[V * V]) {
    for (int via = 0; via < V; ++via) {
        for (int from = 0; from < V; ++from) {
            for (int to = 0; to < V; ++to) {
                int direct = d[from * V + to];
                int detour = d[from * V + via] + d[via * V + to];
                if (direct > detour)
                    d[from * V + to] = d[from * V + via] + d[via * V + to];
            }
        }
    }
}
