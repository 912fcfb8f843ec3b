// Our own kernel with the structure of LeVDuc22/XilinxProject/project1.cpp (Vitis HLS 2022.2): one 16-bit unsigned multiply-add of three scalar arguments returned by value, no pragmas.
#include <stdint.h>

uint16_t lab1(uint16_t x, uint16_t y, uint16_t z) {
    uint16_t r;
    r = x * y + z;
    return r;
}
