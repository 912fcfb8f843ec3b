"""Speed of the operators: Numba qmatmul against float32 BLAS, the C++ kernel, im2col.

Prints medians of repeated warm runs and ratios measured in the same run. Timing never
decides pass/fail; run with `.venv/bin/python benchmarks/operators.py [--quick]` (--quick:
small shapes and few repeats, to check that the script runs).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from simulator.contract import kernels, numerics
from simulator.emulation import sw_emu


def median_seconds(func, repeats: int) -> float:
    func()  # warm: JIT compilation, library load, caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small shapes, few repeats")
    quick = parser.parse_args(argv).quick
    scale = 100 if quick else 1
    rng = np.random.default_rng(0)
    M0, n = numerics.quantize_multiplier(0.00909)  # noqa: N806
    args = {"zero_a": 135, "zero_b": 7, "zero_out": 201, "M0": M0, "n": n}
    header = (
        ("shape (u, v, w)", 18),
        ("numba qmatmul", 15),
        ("float32 BLAS", 14),
        ("BLAS / numba", 13),
        ("C++ sw_emu", 12),
    )
    print(" ".join(f"{name:>{width}s}" for name, width in header))
    shapes = (((64, 32, 64), 2000), ((256, 256, 256), 50), ((1024, 1024, 1024), 7))
    for (u, v, w), repeats in shapes[:1] if quick else shapes:
        repeats = max(1, repeats // scale)
        a_q = rng.integers(0, 256, (u, v), dtype=np.uint8)
        b_q = rng.integers(0, 256, (v, w), dtype=np.uint8)
        a_f, b_f = a_q.astype(np.float32), b_q.astype(np.float32)
        numba_s = median_seconds(lambda a_q=a_q, b_q=b_q: kernels.qmatmul(a_q, b_q, **args), repeats)
        blas_s = median_seconds(lambda a_f=a_f, b_f=b_f: np.matmul(a_f, b_f), repeats)
        cpp_s = None
        if u <= 256:
            cpp_s = median_seconds(lambda a_q=a_q, b_q=b_q: sw_emu.qmatmul(a_q, b_q, **args), max(1, repeats // 10))
        cpp = f"{cpp_s * 1e3:9.3f} ms" if cpp_s is not None else "   (skipped)"
        print(f"{str((u, v, w)):>18s} {numba_s * 1e6:12.1f} us {blas_s * 1e6:11.1f} us {blas_s / numba_s:12.2f}x {cpp}")
    x_q = rng.integers(0, 256, (3, 32, 32), dtype=np.uint8)
    numba_s = median_seconds(lambda: kernels.im2col(x_q, 3, 3), 2000 // scale)
    reference_s = median_seconds(lambda: numerics.im2col_reference(x_q, 3, 3), 500 // scale)
    cpp_s = median_seconds(lambda: sw_emu.im2col(x_q, 3, 3), 500 // scale)
    print(
        f"im2col 32x32x3 k3: numba {numba_s * 1e6:.1f} us, numpy reference {reference_s * 1e6:.1f} us, "
        f"C++ sw_emu {cpp_s * 1e6:.1f} us"
    )


if __name__ == "__main__":
    main()
