// Stand-in declarations of the HLS math library (see ap_int.h): parsing only. The functions
// the reader times by name (sqrt, exp, log) and the common others, for float and double.
#ifndef CNNACC_STANDIN_HLS_MATH_H
#define CNNACC_STANDIN_HLS_MATH_H
#include <cstdint>

namespace hls {
template <typename T>
T sqrt(T x);
template <typename T>
T rsqrt(T x);
template <typename T>
T recip(T x);
template <typename T>
T exp(T x);
template <typename T>
T log(T x);
template <typename T>
T pow(T x, T y);
template <typename T>
T sin(T x);
template <typename T>
T cos(T x);
template <typename T>
T tanh(T x);
template <typename T>
T abs(T x);
template <typename T>
T fabs(T x);
template <typename T>
T floor(T x);
template <typename T>
T ceil(T x);
template <typename T>
T round(T x);
template <typename T>
T fmin(T x, T y);
template <typename T>
T fmax(T x, T y);
float sqrtf(float x);
float expf(float x);
float logf(float x);
}  // namespace hls

#endif
