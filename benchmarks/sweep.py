"""Designs per second of `cnnacc sweep` on a local Dask cluster of 1 and of 2 workers, same run;
with --large N, an N-design sweep end to end and a 1,000-design check against the serial models.

Default: a random sample of the matmul design space (tiles, AXI width, buffering, requantizer
lanes) at the spec's 64 x 32 x 64 call, analytic model, evaluated on a LocalCluster of one
worker, then of two (one single-threaded worker process each); prints designs per second of
each and the speed-up, and checks that both tables are identical.

--large N: `cnnacc sweep` (a subprocess, `--scheduler local`) of N random designs over tiles,
AXI width, burst length, memory latency, buffering and requantizer lanes, timed from start to
written table and figure; then 1,000 of its rows (seeded) are computed again, one by one, with
the analytic twin (`analytic_matmul`) and the SimPy model (`run_matmul_des`) and compared. The
base design allows 64 outstanding AXI requests, and 64 bursts of at least 4 beats outlast the
longest memory latency swept (192 cycles): reads never wait on the request limit, where the
two views agree by construction (with contention the SimPy model is the slower one).

Usage: `.venv/bin/python benchmarks/sweep.py [--designs N] [--quick] [--large N]`.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from simulator.explore.sweep import parse_spec, run_sweep
from simulator.hardware.designs import MatmulDesign
from simulator.timing.units.matmul import analytic_matmul, run_matmul_des
from simulator.timing.units.source_depths import reference_readings

LARGE_SPEC = {
    "kernel": "matmul",
    "shape": [64, 32, 64],
    "model": "analytic",
    "sampling": "random",
    "seed": 0,
    "base": {"max_outstanding": 64},
    "fields": {
        "tile_u": {"min": 8, "max": 64, "step": 8},
        "tile_v": [8, 16, 32],
        "tile_w": {"min": 16, "max": 128, "step": 16},
        "axi_width_bits": [64, 128, 256, 512],
        "burst_beats": [4, 8, 16, 32],
        "mem_latency_cycles": {"min": 16, "max": 192, "step": 16},
        "buffering": ["single", "ping_pong"],
        "requant_lanes": [8, 16, 32, 64],
    },
}
CHECKED = 1000


def workers_speedup(designs: int) -> None:
    spec = parse_spec(
        {
            "shape": [64, 32, 64],
            "sampling": "random",
            "samples": designs,
            "seed": 0,
            "fields": {
                "tile_u": [8, 16, 32, 64],
                "tile_v": [8, 16, 32, 64],
                "tile_w": [8, 16, 32, 64, 128],
                "axi_width_bits": [64, 128, 256, 512],
                "buffering": ["single", "ping_pong"],
                "requant_lanes": [8, 16, 32, 64],
            },
        }
    )
    runs = {workers: run_sweep(spec, scheduler="local", workers=workers, chunk=100) for workers in (1, 2)}
    for workers, run in runs.items():
        rate = run.designs_per_second
        print(f"{workers} worker(s): {len(run.rows):,} designs in {run.seconds:.1f} s, {rate:,.0f} designs/s")
    print(f"speed-up 2 / 1 workers: {runs[2].designs_per_second / runs[1].designs_per_second:.2f}x")
    print(f"identical tables: {runs[1].rows == runs[2].rows}")


def large(designs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        spec_path, table = Path(folder) / "spec.json", Path(folder) / "sweep.csv"
        spec_path.write_text(json.dumps(LARGE_SPEC | {"samples": designs}))
        cnnacc = [sys.executable, "-m", "cnnacc", "sweep", str(spec_path), "--out", str(table), "--json", "--quiet"]
        started = time.perf_counter()
        done = subprocess.run(cnnacc, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"cnnacc sweep failed: {done.stderr.strip().splitlines()[-1:]}")
        summary = json.loads(done.stdout)
        with table.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
    print(
        f"{designs:,}-design analytic sweep, --scheduler local: {wall:.1f} s end to end ({wall / 60:.1f} min; "
        f"{summary['seconds']:.1f} s on {summary['workers']} workers, {summary['designs_per_second']:,.0f} designs/s); "
        f"{len(summary['pareto'])} designs on the Pareto front; noise on stderr: {bool(done.stderr.strip())}"
    )
    spec = parse_spec(LARGE_SPEC | {"samples": designs})
    sample = random.Random(0).sample(range(len(rows)), min(CHECKED, len(rows)))
    twin = des = 0
    with reference_readings():  # the sweep's default depths
        for index in sample:
            fields = spec.designs(index, index + 1)[0]
            assert all(str(value) == rows[index][name] for name, value in fields.items())
            design = MatmulDesign(**(spec.base | fields))
            swept = (int(rows[index]["latency_cycles"]), int(rows[index]["interval_cycles"]))
            result = analytic_matmul(design, *spec.shape)
            twin += swept == (result.latency_cycles, result.interval_cycles)
            result = run_matmul_des(design, *spec.shape)
            des += swept == (result.latency_cycles, result.interval_cycles)
    print(f"{len(sample):,} sampled rows: equal to the serial analytic twin {twin:,}, to the SimPy model {des:,}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--designs", type=int, default=20000, help="random designs to evaluate (default 20000)")
    parser.add_argument("--quick", action="store_true", help="200 designs")
    parser.add_argument("--large", type=int, metavar="N", help="an N-design sweep end to end (e.g. 1000000)")
    args = parser.parse_args(argv)
    if args.large:
        large(args.large)
        return
    workers_speedup(200 if args.quick else args.designs)


if __name__ == "__main__":
    main()
