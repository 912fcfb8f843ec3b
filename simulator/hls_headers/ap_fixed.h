// Stand-in declarations of the Xilinx fixed-point types (see ap_int.h): parsing only.
#ifndef CNNACC_STANDIN_AP_FIXED_H
#define CNNACC_STANDIN_AP_FIXED_H
#include "ap_int.h"

enum ap_q_mode { AP_RND, AP_RND_ZERO, AP_RND_MIN_INF, AP_RND_INF, AP_RND_CONV, AP_TRN, AP_TRN_ZERO };
enum ap_o_mode { AP_SAT, AP_SAT_ZERO, AP_SAT_SYM, AP_WRAP, AP_WRAP_SM };

template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0>
struct ap_fixed {
    ap_fixed();
    ap_fixed(double value);
    operator double() const;
    template <typename T> ap_fixed& operator=(T value);
    template <typename T> ap_fixed& operator+=(T value);
    template <typename T> ap_fixed& operator-=(T value);
    template <typename T> ap_fixed& operator*=(T value);
};

template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0>
struct ap_ufixed : ap_fixed<W, I, Q, O, N> {
    ap_ufixed();
    ap_ufixed(double value);
};

#endif
