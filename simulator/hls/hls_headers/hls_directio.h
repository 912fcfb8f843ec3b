// Stand-in declarations of the direct-I/O port types hls::ap_none, ap_vld, ap_ack and ap_hs
// (see ap_int.h): parsing only. read/write are the accesses the reader counts, as on a stream.
#ifndef CNNACC_STANDIN_HLS_DIRECTIO_H
#define CNNACC_STANDIN_HLS_DIRECTIO_H

namespace hls {
template <typename T>
class cnnacc_direct_io {
   public:
    cnnacc_direct_io();
    T read();
    void read(T& value);
    bool read_nb(T& value);
    void write(const T& value);
    bool write_nb(const T& value);
    bool valid() const;
    bool empty() const;
    bool full() const;
};
template <typename T>
class ap_none : public cnnacc_direct_io<T> {};
template <typename T>
class ap_vld : public cnnacc_direct_io<T> {};
template <typename T>
class ap_ack : public cnnacc_direct_io<T> {};
template <typename T>
class ap_hs : public cnnacc_direct_io<T> {};
}  // namespace hls

#endif
