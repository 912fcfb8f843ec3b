// Stand-in declaration of hls::stream (see ap_int.h): parsing only. A stream with a depth
// (hls::stream<T, DEPTH>) is a stream<T>, so it binds to a stream<T>& parameter.
#ifndef CNNACC_STANDIN_HLS_STREAM_H
#define CNNACC_STANDIN_HLS_STREAM_H
#include <cassert>

namespace hls {
template <typename T, int DEPTH = 0>
class stream;

template <typename T>
class stream<T, 0> {
   public:
    // bodies only so that a stream of a type without linkage parses; never run
    stream() {}
    explicit stream(const char*) {}
    T read() { return T(); }
    void read(T&) {}
    bool read_nb(T&) { return true; }
    void write(const T&) {}
    bool write_nb(const T&) { return true; }
    bool empty() const { return false; }
    bool full() const { return false; }
    int size() const { return 0; }
    int capacity() const { return 0; }
    void operator>>(T&) {}
    void operator<<(const T&) {}
};

template <typename T, int DEPTH>
class stream : public stream<T, 0> {
   public:
    stream() {}
    explicit stream(const char*) {}
};
}  // namespace hls

#endif
