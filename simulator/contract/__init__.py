"""The numerical contract: quantize, requantize and the integer kernels every other part calls."""
