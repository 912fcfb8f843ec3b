// Stand-in declaration of hls::burst_maxi, an m_axi port with explicit burst requests (see
// ap_int.h): parsing only. read/write are the accesses the reader counts, as on a stream.
#ifndef CNNACC_STANDIN_HLS_BURST_MAXI_H
#define CNNACC_STANDIN_HLS_BURST_MAXI_H

namespace hls {
template <typename T>
class burst_maxi {
   public:
    burst_maxi(T* pointer);
    void read_request(unsigned long offset, unsigned length);
    template <typename U = T>
    U read();
    void write_request(unsigned long offset, unsigned length);
    template <typename U = T>
    void write(const U& value, unsigned char byte_enable_mask = ~0);
    void write_response();
    template <typename U>
    void read_request_unaligned(unsigned long offset, unsigned length);
    template <typename U>
    void write_request_unaligned(unsigned long offset, unsigned length);
};
}  // namespace hls

#endif
