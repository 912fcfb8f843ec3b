// Stand-in declarations of the partitioned-array access helpers hls::gather and hls::scatter
// (see ap_int.h): parsing only.
#ifndef CNNACC_STANDIN_HLS_ARRAY_PARTITION_H
#define CNNACC_STANDIN_HLS_ARRAY_PARTITION_H
#include "hls_vector.h"

namespace hls {
template <typename T, unsigned long K, typename A, typename I>
vector<T, K> gather(A&& array, const I (&indices)[K]);
template <typename T, unsigned long K, typename A, typename I>
void scatter(A&& array, const I (&indices)[K], const vector<T, K>& values);
}  // namespace hls

#endif
