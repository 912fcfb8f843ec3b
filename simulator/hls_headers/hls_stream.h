// Stand-in declaration of hls::stream (see ap_int.h): parsing only.
#ifndef CNNACC_STANDIN_HLS_STREAM_H
#define CNNACC_STANDIN_HLS_STREAM_H

namespace hls {
template <typename T, int DEPTH = 2>
class stream {
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
    void operator>>(T&) {}
    void operator<<(const T&) {}
};
}  // namespace hls

#endif
