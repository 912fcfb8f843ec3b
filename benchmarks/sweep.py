"""Designs per second of `cnnacc sweep` on a local Dask cluster of 1 and of 2 workers, same run.

A random sample of the matmul design space (tiles, AXI width, buffering, requantizer lanes) at
the spec's 64 x 32 x 64 call, analytic model, evaluated on a LocalCluster of one worker, then
of two (one single-threaded worker process each); prints designs per second of each and the
speed-up, and checks that both tables are identical. Usage:
`.venv/bin/python benchmarks/sweep.py [--designs N] [--quick]` (default 4,000; --quick: 200).
"""

from __future__ import annotations

import argparse

from simulator.sweep import parse_spec, run_sweep


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--designs", type=int, default=4000, help="random designs to evaluate (default 4000)")
    parser.add_argument("--quick", action="store_true", help="200 designs")
    args = parser.parse_args(argv)
    designs = 200 if args.quick else args.designs
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


if __name__ == "__main__":
    main()
