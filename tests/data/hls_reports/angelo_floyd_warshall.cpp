// Our own kernel with the structure of AngeloDamiani/es_vivadohls_cfiles/RTL_FloydWarshall/floyd_warshall.c (Vivado HLS 2017.2): Floyd-Warshall relaxation over a 10x10 uint32 distance matrix on one BRAM argument, 8-bit loop indices, innermost loop pipelined by a Tcl directive (the tool flattens the whole nest).
#include <stdint.h>

#define NODES 10

typedef uint32_t cost_t;
typedef uint8_t idx_t;

void floyd_warshall(cost_t D[NODES][NODES]) {
    idx_t via, src, dst;
OUTER_LOOP:
    for (via = 0; via < NODES; via++) {
    MIDDLE_LOOP:
        for (src = 0; src < NODES; src++) {
        INNER_LOOP:
            for (dst = 0; dst < NODES; dst++) {
                if ((D[src][via] + D[via][dst]) < D[src][dst])
                    D[src][dst] = D[src][via] + D[via][dst];
            }
        }
    }
}
