// Design parameters of the cnnacc HLS kernels: the one place that reads -D flags.
//
// Every tunable of the hardware (tile sizes, rounding mode, im2col buffer sizes) arrives
// from the Python design object (simulator.sw_emu, STYLE.md section 3) as a -D flag and
// is turned here into a typed constexpr with a static_assert range check. Kernel code
// uses only the constexprs below, never the macros. With no -D flag at all this header
// describes the reference design: 32 x 32 x 64 matmul tiles (MatmulDesign()), floor requantization
// (DESIGN.md "Numerical contract", eq. 5) and an im2col line buffer of 7 rows x 512.
//
// Flags (all optional):
//   TILE_U, TILE_V, TILE_W   matmul tile shape, each in [1, 256]
//   ROUNDING_NEAREST         0 = "floor" requantization, 1 = "nearest" (gemmlowp)
//   IM2COL_MAX_SRC_N         widest input row the im2col line buffer holds, [1, 4096]
//   IM2COL_MAX_K             tallest kernel (rows of the line buffer), [1, 7]
#ifndef CNNACC_COMMON_DESIGN_HPP
#define CNNACC_COMMON_DESIGN_HPP

namespace cnnacc {
namespace design {

#ifdef TILE_U
inline constexpr long long tile_u_flag = TILE_U;
#else
inline constexpr long long tile_u_flag = 32;
#endif

#ifdef TILE_V
inline constexpr long long tile_v_flag = TILE_V;
#else
inline constexpr long long tile_v_flag = 32;
#endif

#ifdef TILE_W
inline constexpr long long tile_w_flag = TILE_W;
#else
inline constexpr long long tile_w_flag = 64;
#endif

#ifdef ROUNDING_NEAREST
inline constexpr long long rounding_nearest_flag = ROUNDING_NEAREST;
#else
inline constexpr long long rounding_nearest_flag = 0;
#endif

#ifdef IM2COL_MAX_SRC_N
inline constexpr long long im2col_max_src_n_flag = IM2COL_MAX_SRC_N;
#else
inline constexpr long long im2col_max_src_n_flag = 512;
#endif

#ifdef IM2COL_MAX_K
inline constexpr long long im2col_max_k_flag = IM2COL_MAX_K;
#else
inline constexpr long long im2col_max_k_flag = 7;
#endif

static_assert(tile_u_flag >= 1 && tile_u_flag <= 256, "TILE_U is out of range; expected [1, 256]");
static_assert(tile_v_flag >= 1 && tile_v_flag <= 256, "TILE_V is out of range; expected [1, 256]");
static_assert(tile_w_flag >= 1 && tile_w_flag <= 256, "TILE_W is out of range; expected [1, 256]");
static_assert(rounding_nearest_flag == 0 || rounding_nearest_flag == 1,
              "ROUNDING_NEAREST is out of range; expected 0 (floor) or 1 (nearest)");
static_assert(im2col_max_src_n_flag >= 1 && im2col_max_src_n_flag <= 4096,
              "IM2COL_MAX_SRC_N is out of range; expected [1, 4096]");
static_assert(im2col_max_k_flag >= 1 && im2col_max_k_flag <= 7,
              "IM2COL_MAX_K is out of range; expected [1, 7]");

// Checked values, in the types the kernels index with.
inline constexpr int tile_u = static_cast<int>(tile_u_flag);
inline constexpr int tile_v = static_cast<int>(tile_v_flag);
inline constexpr int tile_w = static_cast<int>(tile_w_flag);
inline constexpr bool rounding_nearest = rounding_nearest_flag == 1;
inline constexpr int im2col_max_src_n = static_cast<int>(im2col_max_src_n_flag);
inline constexpr int im2col_max_k = static_cast<int>(im2col_max_k_flag);

}  // namespace design
}  // namespace cnnacc

#endif  // CNNACC_COMMON_DESIGN_HPP
