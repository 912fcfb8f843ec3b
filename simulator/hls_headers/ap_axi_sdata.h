// Stand-in declarations of the AXI4-Stream side-channel types (see ap_int.h): parsing only.
#ifndef CNNACC_STANDIN_AP_AXI_SDATA_H
#define CNNACC_STANDIN_AP_AXI_SDATA_H
#include "ap_int.h"

template <int D, int U = 0, int TI = 0, int TD = 0>
struct ap_axis {
    ap_int<D> data;
    ap_uint<(D + 7) / 8> keep;
    ap_uint<(D + 7) / 8> strb;
    ap_uint<1> last;
};

template <int D, int U = 0, int TI = 0, int TD = 0>
struct ap_axiu {
    ap_uint<D> data;
    ap_uint<(D + 7) / 8> keep;
    ap_uint<(D + 7) / 8> strb;
    ap_uint<1> last;
};

#endif
