"""The HLS kernels built with g++ (software emulation) and called from Python."""
