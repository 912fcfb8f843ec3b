"""Write the golden files of the HLS testbenches from the NumPy reference.

The C++ testbenches (hls_src/<op>/<op>_tb.cpp) compare the kernels with these files, so the
C++ is checked against simulator/contract/numerics.py (DESIGN.md "Numerical contract") without Python
at test time. Inputs come from numpy's default_rng(0); the files are committed, and running
this script again reproduces them byte for byte.

    .venv/bin/python hls_src/tools/make_golden.py

matmul/golden_u64_v32_w64.txt (the report's shape, spec Part 2 Task 1):
    "zero_a zero_b zero_out M0 n", then A (64 x 32), B (32 x 64), the "floor" output
    (64 x 64) and the "nearest" output (64 x 64), one matrix row per line.
im2col/golden_32x32x3_k3.txt (the report's shape, spec Part 2 Task 2):
    "src_m src_n src_c kernel_size_m kernel_size_n pad_value", then the input [C][M][N]
    (one row per line) and the output [C*KM*KN][OM*ON] (one row per line).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HLS_SRC = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HLS_SRC.parent))

from simulator.contract import numerics  # noqa: E402

SEED = 0


def format_rows(matrix: np.ndarray) -> str:
    """One line per row of a 2-D integer array."""
    return "".join(" ".join(str(int(x)) for x in row) + "\n" for row in matrix)


def matmul_golden(rng: np.random.Generator, u: int = 64, v: int = 32, w: int = 64) -> str:
    """Random uint8 A, B and zero points; M chosen so the outputs span most of [0, 255]."""
    a_q = rng.integers(0, 256, size=(u, v), dtype=np.uint8)
    b_q = rng.integers(0, 256, size=(v, w), dtype=np.uint8)
    zero_a, zero_b = (int(z) for z in rng.integers(0, 256, size=2))
    zero_out = int(rng.integers(64, 192))
    acc = numerics.qmatmul_accumulate(a_q, b_q, zero_a, zero_b)  # (u, w)
    # Map the largest |acc| to 200 codes: most outputs land inside [0, 255], some clamp.
    M0, n = numerics.quantize_multiplier(200.0 / float(np.abs(acc).max()))  # noqa: N806
    outputs = [
        numerics.qmatmul_reference(
            a_q, b_q, zero_a=zero_a, zero_b=zero_b, zero_out=zero_out, M0=M0, n=n, rounding=rounding
        )
        for rounding in numerics.ROUNDING_MODES  # floor, then nearest
    ]
    header = f"{zero_a} {zero_b} {zero_out} {M0} {n}\n"
    return header + "".join(format_rows(m) for m in (a_q, b_q, *outputs))


def im2col_golden(
    rng: np.random.Generator, src_m: int = 32, src_n: int = 32, src_c: int = 3, kernel_size: int = 3
) -> str:
    """Random uint8 input through im2col_reference with the spec's pad value 0."""
    x_q = rng.integers(0, 256, size=(src_c, src_m, src_n), dtype=np.uint8)
    out = numerics.im2col_reference(x_q, kernel_size, kernel_size, pad_value=0)
    header = f"{src_m} {src_n} {src_c} {kernel_size} {kernel_size} 0\n"
    return header + format_rows(x_q.reshape(src_c * src_m, src_n)) + format_rows(out)


def main() -> None:
    rng = np.random.default_rng(SEED)
    files = {
        HLS_SRC / "matmul" / "golden_u64_v32_w64.txt": matmul_golden(rng),
        HLS_SRC / "im2col" / "golden_32x32x3_k3.txt": im2col_golden(rng),
    }
    for path, text in files.items():
        path.write_text(text)
        print(f"wrote {path.relative_to(HLS_SRC.parent)}")


if __name__ == "__main__":
    main()
