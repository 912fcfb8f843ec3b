# Our rewrite of hls_FFT_firstStage/solution1/directives.tcl (arguments renamed to our kernel's names).
set_directive_top -name fft_stage_first "fft_stage_first"
set_directive_unroll -factor 2 "fft_stage_first/DFTpts"
set_directive_array_partition -type cyclic -factor 4 -dim 1 "fft_stage_first" in_im
set_directive_array_partition -type cyclic -factor 4 -dim 1 "fft_stage_first" in_re
set_directive_array_partition -type cyclic -factor 4 -dim 1 "fft_stage_first" out_re
set_directive_array_partition -type cyclic -factor 4 -dim 1 "fft_stage_first" out_im
