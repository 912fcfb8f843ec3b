// Stand-in declarations of the scheduling utilities ap_wait and ap_wait_n (see ../ap_int.h):
// parsing only.
#ifndef CNNACC_STANDIN_AP_UTILS_H
#define CNNACC_STANDIN_AP_UTILS_H

void ap_wait();
void ap_wait_n(int cycles);

#endif
