// Our own kernel with the structure of AngeloDamiani/es_vivadohls_cfiles/RTL_InsertionSort/insertion_sort.c (Vivado HLS 2017.2): insertion sort of 10 floats in an argument array that a Tcl directive partitions completely (scalar in/out ports), with a data-dependent while loop (TRIPCOUNT max 10) shifting elements; nothing pipelined.
#include <stdint.h>

#define LEN 10

typedef float elem_t;
typedef int pos_t;

void insertion_sort(elem_t v[LEN]) {
FOR_LOOP:
    for (pos_t k = 1; k < LEN; k++) {
        elem_t item = v[k];
        pos_t p = k - 1;
    WHILE_LOOP:
        while (p >= 0 && v[p] > item) {
            v[p + 1] = v[p];
            p = p - 1;
        }
        v[p + 1] = item;
    }
}
