// Our own kernel with the structure of AngeloDamiani/es_vivadohls_cfiles/RTL_Selection_sort.prj/solution1/.autopilot/db/selection_sort.pp.0.c (Vivado HLS 2017.2): selection sort of 10 floats in one BRAM argument with int8_t indices, a triangular inner scan with a float compare, then a swap helper (inlined) that reads and writes two elements; no directives.
#include <stdint.h>

#define LEN 10

void swap(int8_t a, int8_t b, float v[LEN]) {
    float keep = v[a];
    v[a] = v[b];
    v[b] = keep;
}

void selection_sort(float v[LEN]) {
    int8_t best = 0;
    for (int8_t k = 0; k < LEN - 1; k++) {
        best = k;
        for (int8_t m = k + 1; m < LEN; m++)
            if (v[m] < v[best])
                best = m;
        swap(best, k, v);
    }
}
