// Stand-in declarations of the DSP intrinsics library (hls::dsp58 for the DSP58 slice and
// hls::dspcplx for its complex mode; see ap_int.h): port types, register options and the
// cascade operations, enough to parse. The operand widths are the slice's (27 x 24 bits into a
// 58-bit accumulator; 18-bit complex operands).
#ifndef CNNACC_STANDIN_HLS_DSP_BUILTINS_H
#define CNNACC_STANDIN_HLS_DSP_BUILTINS_H
#include "ap_int.h"

namespace hls {
namespace dsp58 {
typedef ap_int<27> A_t;
typedef ap_int<24> B_t;
typedef ap_int<58> C_t;
typedef ap_int<27> D_t;
struct R_t {
    A_t acout;
    B_t bcout;
    C_t pcout;
    C_t pout;
};
enum reg_t {
    REG_A1 = 1, REG_A2 = 2, REG_B1 = 4, REG_B2 = 8, REG_C = 16, REG_D = 32, REG_AD = 64, REG_M = 128, REG_P = 256
};
template <int REGS>
struct cascade {
    R_t mul_add(A_t a, B_t b, C_t c);
    R_t mul_sub(A_t a, B_t b, C_t c);
    R_t mul_rev_sub(A_t a, B_t b, C_t c);
    R_t add_mul_add(A_t a, D_t d, B_t b, C_t c);
    R_t add_mul_sub(A_t a, D_t d, B_t b, C_t c);
    R_t sub_mul_add(A_t a, D_t d, B_t b, C_t c);
    R_t sub_mul_sub(A_t a, D_t d, B_t b, C_t c);
};
template <int REGS>
C_t mul_add(A_t a, B_t b, C_t c);
template <int REGS>
C_t mul_sub(A_t a, B_t b, C_t c);
template <int REGS>
C_t mul_rev_sub(A_t a, B_t b, C_t c);
template <int REGS>
C_t add_mul_add(A_t a, D_t d, B_t b, C_t c);
}  // namespace dsp58

namespace dspcplx {
template <int W>
struct cplx {
    ap_int<W> real_part;
    ap_int<W> imag_part;
    cplx();
    template <typename T>
    cplx(const T& real, const T& imag = T());
    ap_int<W> real() const;
    ap_int<W> imag() const;
    template <typename T>
    void real(const T& value);
    template <typename T>
    void imag(const T& value);
};
typedef cplx<18> A_t;
typedef cplx<18> B_t;
typedef cplx<58> C_t;
struct R_t {
    B_t bcout;
    C_t pcout;
    C_t pout;
};
enum reg_t { BALANCED_PIPELINE = 1, FULL_PIPELINE = 2, REG_A = 4, REG_B = 8, REG_C = 16, REG_M = 32, REG_P = 64 };
template <int REGS>
struct cascade {
    R_t mul_add(A_t a, B_t b, C_t c);
    R_t mul_sub(A_t a, B_t b, C_t c);
    R_t conj_mul_add(A_t a, B_t b, C_t c);
};
template <int REGS>
C_t mul_add(A_t a, B_t b, C_t c);
template <int REGS>
C_t conj_mul_add(A_t a, B_t b, C_t c);
}  // namespace dspcplx
}  // namespace hls

#endif
