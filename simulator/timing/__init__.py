"""The timing of the kernels: their loop programs, the static and SimPy views of them, and the
results.
"""
