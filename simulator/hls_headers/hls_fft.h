// Stand-in declarations of the FFT IP library (hls::fft and hls::ip_fft's configuration types;
// see ap_int.h): enough to parse a design that instantiates the core. The core is an IP block
// whose latency the source does not show: the reader refuses or times it by its own rule.
#ifndef CNNACC_STANDIN_HLS_FFT_H
#define CNNACC_STANDIN_HLS_FFT_H
#include "ap_int.h"
#include "hls_stream.h"
#include "hls_vector.h"

namespace hls {
namespace ip_fft {
enum arch { radix_4_burst_io = 1, radix_2_burst_io, pipelined_streaming_io, radix_2_lite_burst_io, automatically_select };
enum ordering { bit_reversed_order = 0, natural_order };
enum scaling { scaled = 0, unscaled, block_floating_point };
enum rounding { truncation = 0, convergent_rounding };
enum mem { block_ram = 0, distributed_ram };
enum opt { use_luts = 0, use_mults_resources, use_mults_performance, use_xtremedsp_slices };
enum type { fft_type = 0, ssr_type };

struct params_t {
    static const unsigned input_width;
    static const unsigned output_width;
    static const unsigned status_width;
    static const unsigned config_width;
    static const unsigned max_nfft;
    static const bool has_nfft;
    static const unsigned channels;
    static const unsigned arch_opt;
    static const unsigned phase_factor_width;
    static const unsigned ordering_opt;
    static const bool ovflo;
    static const unsigned scaling_opt;
    static const unsigned rounding_opt;
    static const unsigned mem_data;
    static const unsigned mem_phase_factors;
    static const unsigned mem_reorder;
    static const unsigned stages_block_ram;
    static const bool mem_hybrid;
    static const unsigned complex_mult_type;
    static const unsigned butterfly_type;
    static const bool use_native_float;
    static const bool cyclic_prefix_insertion;
    static const bool xk_index;
    static const unsigned output_ordering;
};

struct ssr_params_t : params_t {
    static const unsigned super_sample_rate;
    static const bool systolicfft_inv;
};

template <typename CONFIG>
struct config_t {
    config_t();
    void setDir(bool forward, unsigned channel = 0);
    void setSch(unsigned schedule, unsigned channel = 0);
    void setNfft(unsigned log2_length);
    void setCpLen(unsigned length);
    ap_uint<32> getData() const;
};

template <typename CONFIG>
struct status_t {
    status_t();
    bool getOvflo() const;
    unsigned getBlkExp() const;
    ap_uint<32> getData() const;
};
}  // namespace ip_fft

template <typename CONFIG, typename... Args>
void fft(Args&&... args);
}  // namespace hls

#endif
