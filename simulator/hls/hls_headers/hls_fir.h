// Stand-in declarations of the FIR compiler IP library (hls::FIR and hls::ip_fir's
// configuration types; see ap_int.h and hls_fft.h): enough to parse; the core's latency is the
// reader's to refuse or time.
#ifndef CNNACC_STANDIN_HLS_FIR_H
#define CNNACC_STANDIN_HLS_FIR_H
#include "ap_int.h"
#include "hls_stream.h"

namespace hls {
namespace ip_fir {
enum filter_type { single_rate = 0, interpolation, decimation, hilbert_filter, interpolated };
enum rate_change_type { integer = 0, fixed_fractional };
enum chan_seq { basic = 0, advanced };
enum rate_specification { frequency = 0, input_period, output_period };
enum value_sign { value_signed = 0, value_unsigned };
enum quantization { integer_coefficients = 0, quantize_only, maximize_dynamic_range };
enum coeff_structure { inferred = 0, non_symmetric, symmetric, negative_symmetric, half_band, hilbert };
enum output_rounding_mode { full_precision = 0, truncate_lsbs, non_symmetric_rounding_down };
enum filter_arch { systolic_multiply_accumulate = 0, transpose_multiply_accumulate };
enum optimization_goal { area = 0, speed };
enum config_sync_mode { on_vector = 0, on_packet };
enum config_method { single = 0, by_channel };

struct params_t {
    static const unsigned input_width = 16;
    static const unsigned input_fractional_bits = 0;
    static const unsigned output_width = 24;
    static const unsigned output_fractional_bits = 0;
    static const unsigned coeff_width = 16;
    static const unsigned coeff_fractional_bits = 0;
    static const unsigned num_coeffs = 21;
    static const unsigned coeff_sets = 1;
    static const unsigned input_length = 21;
    static const unsigned output_length = 21;
    static const unsigned num_channels = 1;
    static const unsigned filter_type = single_rate;
    static const unsigned rate_change = integer;
    static const unsigned interp_rate = 1;
    static const unsigned decim_rate = 1;
    static const unsigned zero_pack_factor = 1;
    static const unsigned rate_specification = input_period;
    static const unsigned hardware_oversampling_rate = 1;
    static const unsigned sample_period = 1;
    static const unsigned sample_frequency = 1;
    static const unsigned quantization = integer_coefficients;
    static const bool best_precision = false;
    static const unsigned coeff_structure = non_symmetric;
    static const unsigned output_rounding_mode = full_precision;
    static const unsigned filter_arch = systolic_multiply_accumulate;
    static const unsigned optimization_goal = area;
    static const unsigned inter_column_pipe_length = 4;
    static const unsigned column_config = 1;
    static const unsigned config_method = single;
    static const unsigned coeff_padding = 0;
    static const unsigned num_paths = 1;
    static const bool data_sign = false;
    static const bool coeff_sign = false;
};
}  // namespace ip_fir

template <typename CONFIG>
class FIR {
   public:
    FIR();
    template <typename... Args>
    void run(Args&&... args);
};
}  // namespace hls

#endif
