// Our own kernel with the structure of AngeloDamiani/es_vivadohls_cfiles/RTL_Bellman_ford.prj/solution1/bellman_ford.c (Vivado HLS 2017.2): Bellman-Ford over a 10x10 float adjacency matrix with 64-bit long distances: an inlined edge-counting 10x10 nest, an unrolled init loop, then 10 passes of a relaxation loop whose bound is the edge count (TRIPCOUNT max 50 by Tcl), float add and compares per step.
#define V 10

typedef long dist_t;
typedef long index_t;

dist_t edge_counter(float adj[V][V]) {
    dist_t edges = 0;
EFOR1:
    for (index_t r = 0; r < V; r++) {
    EFOR2:
        for (index_t c = 0; c < V; c++) {
            if (adj[r][c] != -1)
                ++edges;
        }
    }
    return edges;
}

void bellman_ford(float adj[V][V], dist_t dist[V]) {
    dist_t edges = edge_counter(adj);
FOR1:
    for (index_t v = 0; v < V; v++) {
        dist[v] = 127;
    }
    dist[0] = 0;
FOR2:
    for (index_t to = 0; to < V; to++) {
    FOR3:
        for (index_t from = 0; from < edges; from++) {
            if (dist[from] + adj[from][to] <= dist[to] && adj[from][to] != -1) {
                dist[to] = dist[from] + adj[from][to];
            }
        }
    }
}
