// Stand-in declarations of ap_float, the custom-width floating-point type, and its
// accumulator (see ap_int.h): parsing only. Arithmetic goes through the conversion to double.
#ifndef CNNACC_STANDIN_AP_FLOAT_H
#define CNNACC_STANDIN_AP_FLOAT_H
#include "ap_fixed.h"

template <int W, int E>
struct ap_float {
    ap_float();
    template <typename T> ap_float(const T& value);
    operator double() const;
    float to_float() const;
    double to_double() const;
    template <typename T> ap_float& operator=(const T& value);
    template <typename T> ap_float& operator+=(const T& value);
    template <typename T> ap_float& operator-=(const T& value);
    template <typename T> ap_float& operator*=(const T& value);
    template <typename T> ap_float& operator/=(const T& value);
};

template <typename F, typename Acc>
struct ap_float_acc {
    ap_float_acc();
    F accumulate(const F& value, bool last);
};

#endif
