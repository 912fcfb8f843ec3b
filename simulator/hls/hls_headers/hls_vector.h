// Stand-in declaration of hls::vector (see ap_int.h): parsing only. Element-wise arithmetic
// and logic with another vector or a scalar, compound assignments, and the reductions.
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
    vector& operator-=(const vector& other);
    vector& operator*=(const vector& other);
    vector& operator/=(const vector& other);
    vector operator-() const;
    T reduce_add() const;
    T reduce_mult() const;
    T reduce_min() const;
    T reduce_max() const;
    friend vector operator+(const vector& a, const vector& b);
    friend vector operator-(const vector& a, const vector& b);
    friend vector operator*(const vector& a, const vector& b);
    friend vector operator/(const vector& a, const vector& b);
    friend vector operator+(const vector& a, const T& b);
    friend vector operator-(const vector& a, const T& b);
    friend vector operator*(const vector& a, const T& b);
    friend vector operator/(const vector& a, const T& b);
    friend vector operator*(const T& a, const vector& b);
    friend vector operator&(const vector& a, const vector& b);
    friend vector operator|(const vector& a, const vector& b);
    friend vector operator^(const vector& a, const vector& b);
};
}  // namespace hls

#endif
