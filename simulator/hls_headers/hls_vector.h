// Stand-in declaration of hls::vector (see ap_int.h): parsing only.
#ifndef CNNACC_STANDIN_HLS_VECTOR_H
#define CNNACC_STANDIN_HLS_VECTOR_H

namespace hls {
template <typename T, unsigned long N>
class vector {
   public:
    vector();
    vector(const T& value);
    T& operator[](unsigned long index);
    const T& operator[](unsigned long index) const;
    vector& operator+=(const vector& other);
    vector& operator*=(const vector& other);
};
}  // namespace hls

#endif
