// Stand-in declarations of the Xilinx fixed-point types (see ap_int.h): parsing only. The value
// converts to double for arithmetic; the bit-level members are those of ap_int.
#ifndef CNNACC_STANDIN_AP_FIXED_H
#define CNNACC_STANDIN_AP_FIXED_H
#include "ap_int.h"

enum ap_q_mode { AP_RND, AP_RND_ZERO, AP_RND_MIN_INF, AP_RND_INF, AP_RND_CONV, AP_TRN, AP_TRN_ZERO };
enum ap_o_mode { AP_SAT, AP_SAT_ZERO, AP_SAT_SYM, AP_WRAP, AP_WRAP_SM };

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
struct ap_fixed_base {
    ap_fixed_base();
    template <typename T> ap_fixed_base(const T& value);
    operator double() const;
    ap_range_ref<W, S> range(int high, int low) const;
    ap_range_ref<W, S> range() const;
    ap_range_ref<W, S> operator()(int high, int low) const;
    ap_bit_ref<W, S> operator[](int index) const;
    ap_bit_ref<W, S> bit(int index) const;
    template <typename T> ap_concat_ref<W + 64> operator,(const T& other) const;
    CNNACC_AP_QUERIES(ap_fixed_base)
    ap_int_base<I, S> to_ap_int_base() const;
    template <typename T> ap_fixed_base& operator=(const T& value);
    template <typename T> ap_fixed_base& operator+=(const T& value);
    template <typename T> ap_fixed_base& operator-=(const T& value);
    template <typename T> ap_fixed_base& operator*=(const T& value);
    template <typename T> ap_fixed_base& operator/=(const T& value);
    template <typename T> ap_fixed_base& operator<<=(const T& value);
    template <typename T> ap_fixed_base& operator>>=(const T& value);
    ap_fixed_base operator-() const;  // a negation keeps the fixed-point type
    ap_fixed_base operator<<(int shift) const;  // a shift keeps the type (the binary point moves the bits)
    ap_fixed_base operator>>(int shift) const;
    ap_fixed_base& operator++();
    ap_fixed_base operator++(int);
    ap_fixed_base& operator--();
    ap_fixed_base operator--(int);
};

template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0>
struct ap_fixed : ap_fixed_base<W, I, true, Q, O, N> {
    ap_fixed();
    ap_fixed(double value);
    template <typename T> ap_fixed(const T& value);
    using ap_fixed_base<W, I, true, Q, O, N>::operator=;
};

template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0>
struct ap_ufixed : ap_fixed_base<W, I, false, Q, O, N> {
    ap_ufixed();
    ap_ufixed(double value);
    template <typename T> ap_ufixed(const T& value);
    using ap_fixed_base<W, I, false, Q, O, N>::operator=;
};

#endif
