// Stand-in declarations of the AXI4-Stream side-channel types (see ap_int.h): parsing only.
// ap_axis / ap_axiu (signed / unsigned data of D bits) and hls::axis<T, ...> (data of type T),
// with the side channels as members and the get_ / set_ accessors; hls::axis_user carries a
// user channel only.
#ifndef CNNACC_STANDIN_AP_AXI_SDATA_H
#define CNNACC_STANDIN_AP_AXI_SDATA_H
#include "ap_int.h"

enum {
    AXIS_ENABLE_DATA = 1, AXIS_ENABLE_DEST = 2, AXIS_ENABLE_ID = 4, AXIS_ENABLE_KEEP = 8,
    AXIS_ENABLE_LAST = 16, AXIS_ENABLE_STRB = 32, AXIS_ENABLE_USER = 64, AXIS_ENABLE_ALL = 127
};

#define CNNACC_AXIS_ACCESSORS(DATA, BYTES, U, TI, TD) \
    DATA get_data() const;                            \
    void set_data(const DATA& value);                 \
    ap_uint<BYTES> get_keep() const;                  \
    void set_keep(const ap_uint<BYTES>& value);       \
    ap_uint<BYTES> get_strb() const;                  \
    void set_strb(const ap_uint<BYTES>& value);       \
    ap_uint<U> get_user() const;                      \
    void set_user(const ap_uint<U>& value);           \
    ap_uint<1> get_last() const;                      \
    void set_last(const ap_uint<1>& value);           \
    ap_uint<TI> get_id() const;                       \
    void set_id(const ap_uint<TI>& value);            \
    ap_uint<TD> get_dest() const;                     \
    void set_dest(const ap_uint<TD>& value);

template <int D, int U = 0, int TI = 0, int TD = 0>
struct ap_axis {
    ap_int<D> data;
    ap_uint<(D + 7) / 8> keep;
    ap_uint<(D + 7) / 8> strb;
    ap_uint<U> user;
    ap_uint<1> last;
    ap_uint<TI> id;
    ap_uint<TD> dest;
    CNNACC_AXIS_ACCESSORS(ap_int<D>, (D + 7) / 8, U, TI, TD)
};

template <int D, int U = 0, int TI = 0, int TD = 0>
struct ap_axiu {
    ap_uint<D> data;
    ap_uint<(D + 7) / 8> keep;
    ap_uint<(D + 7) / 8> strb;
    ap_uint<U> user;
    ap_uint<1> last;
    ap_uint<TI> id;
    ap_uint<TD> dest;
    CNNACC_AXIS_ACCESSORS(ap_uint<D>, (D + 7) / 8, U, TI, TD)
};

namespace hls {
template <typename T, int U = 0, int TI = 0, int TD = 0, int ENABLE = AXIS_ENABLE_ALL, bool STRICT = false>
struct axis {
    T data;
    ap_uint<sizeof(T)> keep;
    ap_uint<sizeof(T)> strb;
    ap_uint<U> user;
    ap_uint<1> last;
    ap_uint<TI> id;
    ap_uint<TD> dest;
    CNNACC_AXIS_ACCESSORS(T, sizeof(T), U, TI, TD)
};

template <int U, int ENABLE = AXIS_ENABLE_USER, bool STRICT = false>
struct axis_user {
    ap_uint<U> user;
    ap_uint<1> last;
    CNNACC_AXIS_ACCESSORS(ap_uint<1>, 1, U, 1, 1)
};
}  // namespace hls

#endif
