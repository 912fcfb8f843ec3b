// Stand-in declaration of hls::task, a free-running function of the data-driven task-level
// parallelism (see ap_int.h): parsing only.
#ifndef CNNACC_STANDIN_HLS_TASK_H
#define CNNACC_STANDIN_HLS_TASK_H
#include "hls_stream.h"

#ifndef hls_thread_local
#define hls_thread_local thread_local
#endif

namespace hls {
class task {
   public:
    task();
    template <typename F, typename... Args>
    task(F&& body, Args&&... args);
    template <typename F, typename... Args>
    void operator()(F&& body, Args&&... args);
};
}  // namespace hls

#endif
