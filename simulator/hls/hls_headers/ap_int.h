// Stand-in declarations of the Xilinx arbitrary-precision integer types, written for cnnacc's
// source reader (cnnacc hls-estimate FILE.cpp): types and member signatures only, enough for
// libclang to parse HLS C++ when the Xilinx headers are absent. Never compiled into a kernel.
// Arithmetic goes through the conversion to a built-in integer, so the reader sees built-in
// operators and reads the width from the type's name; the part-selects (range, bit,
// operator[], operator()) and concatenations (concat, operator,) are proxies that convert
// both ways.
#ifndef CNNACC_STANDIN_AP_INT_H
#define CNNACC_STANDIN_AP_INT_H
#include <cstdint>

template <int W, bool S>
struct ap_int_base;

// the queries every integer-like value offers (members shared by the proxies and the types)
#define CNNACC_AP_QUERIES(SELF)                         \
    int length() const;                                 \
    int to_int() const;                                 \
    unsigned to_uint() const;                           \
    long to_long() const;                               \
    unsigned long to_ulong() const;                     \
    long long to_int64() const;                         \
    unsigned long long to_uint64() const;               \
    double to_double() const;                           \
    float to_float() const;                             \
    bool to_bool() const;                               \
    bool and_reduce() const;                            \
    bool or_reduce() const;                             \
    bool xor_reduce() const;                            \
    bool nand_reduce() const;                           \
    bool nor_reduce() const;                            \
    bool xnor_reduce() const;                           \
    bool is_zero() const;                               \
    bool iszero() const;                                \
    bool get_bit(int index) const;                      \
    template <typename V> void set_bit(int index, V value); \
    void set(int index);                                \
    void clear(int index);                              \
    void invert(int index);                             \
    SELF& set();                                        \
    SELF& clear();                                      \
    void reverse();                                     \
    void b_not();                                       \
    bool sign() const;                                  \
    int countLeadingZeros() const;                      \
    void lrotate(int n);                                \
    void rrotate(int n);

template <int W>
struct ap_concat_ref {
    operator unsigned long long() const;
    template <typename T> ap_concat_ref& operator=(const T& value);
    template <typename T> ap_concat_ref<W + 64> operator,(const T& other) const;
    CNNACC_AP_QUERIES(ap_concat_ref)
};

template <int W, bool S>
struct ap_bit_ref {
    operator bool() const;
    ap_bit_ref& operator=(const ap_bit_ref& value);
    template <typename T> ap_bit_ref& operator=(const T& value);
    bool operator~() const;
    bool get() const;
    template <typename T> ap_concat_ref<1 + 64> operator,(const T& other) const;
    int length() const;
    int to_int() const;
    bool to_bool() const;
};

template <int W, bool S>
struct ap_range_ref {
    operator unsigned long long() const;
    ap_range_ref& operator=(const ap_range_ref& value);
    template <typename T> ap_range_ref& operator=(const T& value);
    template <typename T> ap_range_ref& operator|=(const T& value);
    template <typename T> ap_range_ref& operator&=(const T& value);
    template <typename T> ap_range_ref& operator^=(const T& value);
    ap_bit_ref<W, S> operator[](int index) const;
    ap_bit_ref<W, S> bit(int index) const;
    ap_range_ref range(int high, int low) const;
    ap_range_ref operator()(int high, int low) const;
    ap_int_base<W, false> get() const;
    template <typename T> ap_concat_ref<W + 64> operator,(const T& other) const;
    CNNACC_AP_QUERIES(ap_range_ref)
};

template <int W, bool S>
struct ap_int_base {
    ap_int_base();
    template <typename T> ap_int_base(const T& value);
    ap_int_base(const char* text, signed char radix = 10);
    operator long long() const;
    ap_range_ref<W, S> range(int high, int low) const;
    ap_range_ref<W, S> range() const;
    ap_range_ref<W, S> operator()(int high, int low) const;
    ap_bit_ref<W, S> operator[](int index) const;
    ap_bit_ref<W, S> bit(int index) const;
    template <int W2, bool S2> ap_concat_ref<W + W2> concat(const ap_int_base<W2, S2>& other) const;
    template <int W2, bool S2> ap_concat_ref<W + W2> operator,(const ap_int_base<W2, S2>& other) const;
    template <int W2, bool S2> ap_concat_ref<W + W2> operator,(const ap_range_ref<W2, S2>& other) const;
    template <int W2, bool S2> ap_concat_ref<W + 1> operator,(const ap_bit_ref<W2, S2>& other) const;
    template <int W2> ap_concat_ref<W + W2> operator,(const ap_concat_ref<W2>& other) const;
    CNNACC_AP_QUERIES(ap_int_base)
    template <typename T> ap_int_base& operator=(const T& value);
    template <typename T> ap_int_base& operator+=(const T& value);
    template <typename T> ap_int_base& operator-=(const T& value);
    template <typename T> ap_int_base& operator*=(const T& value);
    template <typename T> ap_int_base& operator/=(const T& value);
    template <typename T> ap_int_base& operator%=(const T& value);
    template <typename T> ap_int_base& operator|=(const T& value);
    template <typename T> ap_int_base& operator&=(const T& value);
    template <typename T> ap_int_base& operator^=(const T& value);
    template <typename T> ap_int_base& operator<<=(const T& value);
    template <typename T> ap_int_base& operator>>=(const T& value);
    ap_int_base& operator++();
    ap_int_base operator++(int);
    ap_int_base& operator--();
    ap_int_base operator--(int);
};

// Arithmetic of two ap_int values is an ap_int value wide enough for the result (so a member
// such as (a + b).to_int() applies); with a C++ integer it goes through long long.
#define CNNACC_AP_BINARY(op, width)                                                              \
    template <int W1, bool S1, int W2, bool S2>                                                  \
    ap_int_base<(width), (S1 || S2)> operator op(const ap_int_base<W1, S1>&, const ap_int_base<W2, S2>&);
CNNACC_AP_BINARY(+, (W1 > W2 ? W1 : W2) + 1)
CNNACC_AP_BINARY(-, (W1 > W2 ? W1 : W2) + 1)
CNNACC_AP_BINARY(*, W1 + W2)
CNNACC_AP_BINARY(&, (W1 > W2 ? W1 : W2))
CNNACC_AP_BINARY(|, (W1 > W2 ? W1 : W2))
CNNACC_AP_BINARY(^, (W1 > W2 ? W1 : W2))
#undef CNNACC_AP_BINARY

template <int W>
struct ap_int : ap_int_base<W, true> {
    ap_int();
    ap_int(long long value);
    template <typename T> ap_int(const T& value);
    ap_int(const char* text, signed char radix = 10);
    using ap_int_base<W, true>::operator=;
};

template <int W>
struct ap_uint : ap_int_base<W, false> {
    ap_uint();
    ap_uint(unsigned long long value);
    template <typename T> ap_uint(const T& value);
    ap_uint(const char* text, signed char radix = 10);
    using ap_int_base<W, false>::operator=;
};

#endif
