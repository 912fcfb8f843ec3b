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
    static const unsigned input_width = 16;
    static const unsigned output_width = 16;
    static const unsigned status_width = 8;
    static const unsigned config_width = 16;
    static const unsigned max_nfft = 10;
    static const bool has_nfft = false;
    static const unsigned channels = 1;
    static const unsigned arch_opt = pipelined_streaming_io;
    static const unsigned phase_factor_width = 16;
    static const unsigned ordering_opt = bit_reversed_order;
    static const bool ovflo = true;
    static const unsigned scaling_opt = scaled;
    static const unsigned rounding_opt = truncation;
    static const unsigned mem_data = block_ram;
    static const unsigned mem_phase_factors = block_ram;
    static const unsigned mem_reorder = block_ram;
    static const unsigned stages_block_ram = 0;
    static const bool mem_hybrid = false;
    static const unsigned complex_mult_type = use_mults_resources;
    static const unsigned butterfly_type = use_luts;
    static const bool use_native_float = false;
    static const bool cyclic_prefix_insertion = false;
    static const bool xk_index = false;
    static const unsigned output_ordering = bit_reversed_order;
};

struct ssr_params_t : params_t {
    static const unsigned super_sample_rate = 1;
    static const bool systolicfft_inv = false;
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
