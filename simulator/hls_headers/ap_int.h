// Stand-in declarations of the Xilinx arbitrary-precision integer types, written for cnnacc's
// source reader (cnnacc hls-estimate FILE.cpp): types and member signatures only, enough for
// libclang to parse HLS C++ when the Xilinx headers are absent. Never compiled into a kernel.
#ifndef CNNACC_STANDIN_AP_INT_H
#define CNNACC_STANDIN_AP_INT_H

template <int W, bool S>
struct ap_range_ref {
    operator unsigned long long() const;
    ap_range_ref& operator=(unsigned long long value);
};

template <int W, bool S>
struct ap_int_base {
    ap_int_base();
    ap_int_base(long long value);
    operator long long() const;
    ap_range_ref<W, S> range(int high, int low) const;
    ap_range_ref<W, S> operator()(int high, int low) const;
    bool operator[](int bit) const;
    int length() const;
    template <typename T> ap_int_base& operator=(T value);
    template <typename T> ap_int_base& operator+=(T value);
    template <typename T> ap_int_base& operator-=(T value);
    template <typename T> ap_int_base& operator*=(T value);
    template <typename T> ap_int_base& operator|=(T value);
    template <typename T> ap_int_base& operator&=(T value);
    template <typename T> ap_int_base& operator^=(T value);
    template <typename T> ap_int_base& operator<<=(T value);
    template <typename T> ap_int_base& operator>>=(T value);
    ap_int_base& operator++();
    ap_int_base operator++(int);
    ap_int_base& operator--();
    ap_int_base operator--(int);
};

template <int W>
struct ap_int : ap_int_base<W, true> {
    ap_int();
    ap_int(long long value);
};

template <int W>
struct ap_uint : ap_int_base<W, false> {
    ap_uint();
    ap_uint(unsigned long long value);
};

#endif
