// Stand-in declaration of hls::fence, an ordering point between accesses (see ap_int.h):
// parsing only.
#ifndef CNNACC_STANDIN_HLS_FENCE_H
#define CNNACC_STANDIN_HLS_FENCE_H

namespace hls {
template <typename... T>
void fence(T&&... objects);
}  // namespace hls

#endif
