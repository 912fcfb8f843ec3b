// Stand-in declarations of the split and merge channels (hls::split / hls::merge, round_robin
// and load_balance) of task-level parallelism (see ap_int.h): parsing only. A split has one
// input stream and N outputs, a merge N inputs and one output.
#ifndef CNNACC_STANDIN_HLS_NP_CHANNEL_H
#define CNNACC_STANDIN_HLS_NP_CHANNEL_H
#include "hls_stream.h"

#ifndef hls_thread_local
#define hls_thread_local thread_local
#endif

namespace hls {
namespace split {
template <typename T, int N, int DEPTH = 2, int N_DEPTH = 0>
struct round_robin {
    stream<T> in;
    stream<T> out[N];
};
template <typename T, int N, int DEPTH = 2, int N_DEPTH = 0>
struct load_balance {
    stream<T> in;
    stream<T> out[N];
};
}  // namespace split
namespace merge {
template <typename T, int N, int DEPTH = 2, int N_DEPTH = 0>
struct round_robin {
    stream<T> in[N];
    stream<T> out;
};
template <typename T, int N, int DEPTH = 2, int N_DEPTH = 0>
struct load_balance {
    stream<T> in[N];
    stream<T> out;
};
}  // namespace merge
}  // namespace hls

#endif
