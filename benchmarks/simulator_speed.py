"""Acceptance numbers of the simulator (issue: cycle-approximate simulator), printed from one run.

1. Default designs at the spec's sizes (matmul u = w = 64, v = 32; im2col 32 x 32 x 3,
   3 x 3): predicted latency against the memory-bound limit of the 512-bit port, the
   resources and whether they fit the xcvu9p, and the csynth-like latency of the hls_src
   kernels as written (static schedule model).
2. Speed: one spec-size matmul simulation (values + SimPy timing), warm, median; a sweep of
   1000 random designs at the spec size with the DES and with the analytic twin; the DES of
   the 28 x 28 MyConvNet layers in SCALE-Sim-compatible mode (SCALE-Sim itself is timed in
   benchmarks/scalesim_compare.py, in the same run as our DES).
Timing never decides pass or fail; the script prints medians and ratios.

    .venv/bin/python benchmarks/simulator_speed.py [--sweep N] [--repeats N] [--quick]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.contract.numerics import quantize_multiplier  # noqa: E402
from simulator.hardware.designs import (  # noqa: E402
    AXI_PORTS,
    BUFFERING,
    Im2colDesign,
    MatmulDesign,
)
from simulator.interop.scalesim import ScaleSimConfig, read_topology, simulate_scalesim  # noqa: E402
from simulator.timing.kernel_schedule import kernel_schedule  # noqa: E402
from simulator.timing.units.im2col import analytic_im2col, simulate_im2col  # noqa: E402
from simulator.timing.units.matmul import analytic_matmul, simulate_matmul  # noqa: E402

SPEC_MATMUL = (64, 32, 64)
SPEC_IM2COL = (3, 32, 32, 3, 3)
MYCONVNET = ROOT / "tests" / "data" / "scalesim" / "myconvnet.csv"


def median_seconds(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def random_design(rng: random.Random) -> MatmulDesign:
    """A design from the space a user would sweep at the spec size."""
    width = rng.choice([64, 128, 256, 512, 1024])
    return MatmulDesign(
        axi_width_bits=width,
        burst_beats=rng.choice([b for b in (4, 8, 16, 32) if b * width // 8 <= 4096]),
        max_outstanding=rng.choice([4, 8, 16]),
        axi_ports=rng.choice(AXI_PORTS),
        tile_u=rng.choice([8, 16, 32, 64]),
        tile_v=rng.choice([8, 16, 32]),
        tile_w=rng.choice([8, 16, 32, 64]),
        requant_lanes=rng.choice([8, 16, 32, 64, 128]),
        buffering=rng.choice(BUFFERING),
    )


def spec_operands(u: int, v: int, w: int) -> dict:
    rng = np.random.default_rng(0)
    M0, n = quantize_multiplier(2.0**-12)  # noqa: N806
    return {
        "a_q": rng.integers(0, 256, (u, v), dtype=np.uint8),
        "b_q": rng.integers(0, 256, (v, w), dtype=np.uint8),
        "zero_a": 128,
        "zero_b": 128,
        "zero_out": 128,
        "M0": M0,
        "n": n,
    }


def report_default_designs() -> None:
    print("== default designs at the spec's sizes")
    matmul = MatmulDesign()
    _, result = simulate_matmul(matmul, **spec_operands(*SPEC_MATMUL))
    bare = (
        SPEC_MATMUL[0] * SPEC_MATMUL[1] + SPEC_MATMUL[1] * SPEC_MATMUL[2] + SPEC_MATMUL[0] * SPEC_MATMUL[2]
    ) // matmul.bytes_per_beat
    print(
        f"matmul u=64 v=32 w=64, design {matmul.fingerprint()}: {result.latency_cycles} cycles = "
        f"{result.latency_us:.3f} us"
    )
    print(
        f"  memory-bound limit of {matmul.axi_width_bits}-bit ports ({matmul.axi_ports}): "
        f"{result.memory_bound_cycles} cycles "
        f"(max(L + read beats, L + write beats + L)); "
        f"ratio {result.latency_cycles / result.memory_bound_cycles:.2f}x"
    )
    print(
        f"  all 8192 bytes through one port, latency ignored: {bare} cycles; ratio {result.latency_cycles / bare:.2f}x"
    )
    print(
        f"  compute bound {result.compute_bound_cycles} cycles, interval {result.interval_cycles} "
        "cycles, "
        f"{result.throughput_gmacs:.1f} GMAC/s, PE utilization {100 * result.pe_utilization:.1f} %"
    )
    print(f"  resources: {_resources(result.resources)}")
    hls = kernel_schedule(matmul, SPEC_MATMUL)
    print(f"  static schedule of hls_src/matmul.cpp (the same design): {hls.latency_cycles} cycles")
    im2col = Im2colDesign()
    x_q = np.random.default_rng(0).integers(0, 256, SPEC_IM2COL[:3], dtype=np.uint8)
    _, result = simulate_im2col(im2col, x_q, 3, 3)
    print(
        f"im2col 3x32x32, 3x3, design {im2col.fingerprint()}: {result.latency_cycles} cycles = "
        f"{result.latency_us:.3f} us"
    )
    print(
        f"  memory-bound limit of one {im2col.axi_width_bits}-bit port: "
        f"{result.memory_bound_cycles} cycles "
        "(3072 bytes in, 27648 bytes out); ratio "
        f"{result.latency_cycles / result.memory_bound_cycles:.2f}x"
    )
    print(f"  {result.outputs_per_cycle:.1f} outputs/cycle, {result.throughput_gbytes_per_s:.1f} GB/s")
    print(f"  resources: {_resources(result.resources)}")
    hls = kernel_schedule(im2col, SPEC_IM2COL)
    print(f"  static schedule of hls_src/im2col.cpp (the same design): {hls.latency_cycles} cycles")


def _resources(resources) -> str:
    percent = resources.utilization_percent
    kinds = ", ".join(
        f"{kind} {getattr(resources, kind)} ({percent[kind]:.2f} %)"
        for kind in ("dsp", "bram_18k", "uram", "lut", "ff")
    )
    return f"{kinds}; fits {resources.part}: {resources.fits}"


def report_speed(sweep: int, repeats: int) -> None:
    print("\n== speed (medians)")
    operands = spec_operands(*SPEC_MATMUL)
    design = MatmulDesign()
    simulate_matmul(design, **operands)  # warm: Numba kernels compiled, caches filled
    one = median_seconds(lambda: simulate_matmul(design, **operands), repeats)
    print(
        f"one spec-size matmul simulation (values + DES), warm: {1e3 * one:.2f} ms (median of "
        f"{repeats}; target <= 10 ms)"
    )
    x_q = np.random.default_rng(0).integers(0, 256, SPEC_IM2COL[:3], dtype=np.uint8)
    one_im2col = median_seconds(lambda: simulate_im2col(Im2colDesign(), x_q, 3, 3), repeats)
    print(f"one spec-size im2col simulation (values + DES), warm: {1e3 * one_im2col:.2f} ms")

    designs = [random_design(random.Random(seed)) for seed in range(sweep)]
    for name, run in (
        ("DES", lambda d: simulate_matmul(d, **operands)),
        ("analytic", lambda d: analytic_matmul(d, *SPEC_MATMUL)),
    ):
        start = time.perf_counter()
        latencies = [
            run(design)[1].latency_cycles if name == "DES" else run(design).latency_cycles for design in designs
        ]
        seconds = time.perf_counter() - start
        print(
            f"{sweep}-design sweep at the spec size, {name}: {seconds:.2f} s "
            f"({1e3 * seconds / sweep:.2f} ms per design; "
            f"target <= 30 s); best {min(latencies)} cycles, worst {max(latencies)} cycles"
        )
    start = time.perf_counter()
    for design in (
        Im2colDesign(axi_width_bits=width, burst_beats=burst)
        for width in (32, 64, 128, 256, 512)
        for burst in (1, 2, 4, 8)
    ):
        analytic_im2col(design, *SPEC_IM2COL)
    print(f"20-design im2col sweep, analytic: {1e3 * (time.perf_counter() - start):.1f} ms")

    layers = read_topology(MYCONVNET)
    for rows, cols, dataflow in ((32, 32, "os"), (8, 8, "ws"), (4, 16, "is")):
        config = ScaleSimConfig(run_name="bench", array_rows=rows, array_cols=cols, dataflow=dataflow)
        seconds = median_seconds(lambda config=config: simulate_scalesim(layers, config), repeats)
        cycles = [result.total_cycles for result in simulate_scalesim(layers, config)]
        print(
            f"MyConvNet 28x28 layers, SCALE-Sim-compatible DES, {rows}x{cols} {dataflow}: "
            f"{1e3 * seconds:.2f} ms, "
            f"cycles {cycles} (SCALE-Sim's time: benchmarks/scalesim_compare.py)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sweep", type=int, default=1000, help="designs in the sweep (default 1000)")
    parser.add_argument("--repeats", type=int, default=200, help="runs per median (default 200)")
    parser.add_argument("--quick", action="store_true", help="10 designs, 3 repeats")
    args = parser.parse_args(argv)
    if args.quick:
        args.sweep, args.repeats = 10, 3
    report_default_designs()
    report_speed(args.sweep, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
