// Stand-in declaration of hls::print, the C-simulation and co-simulation trace (see ap_int.h):
// parsing only; no hardware.
#ifndef CNNACC_STANDIN_HLS_PRINT_H
#define CNNACC_STANDIN_HLS_PRINT_H

namespace hls {
template <typename... T>
void print(const char* format, T... values);
}  // namespace hls

#endif
