"""A whole integer network on the accelerator: its layers, their mapping onto the matmul, the
export format and the network timing.
"""
