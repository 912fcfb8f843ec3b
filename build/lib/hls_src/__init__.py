"""The HLS C++ kernels (the design), shipped with the package so that sw_emu builds them anywhere."""
