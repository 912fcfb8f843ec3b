"""Integer inference of the 10k test images against PyTorch FP32 evaluation, in one run.

Prints the median of five runs of each, measured alternately in the same run, and their ratio. Usage:
`.venv/bin/python benchmarks/network.py [EXPORT_DIR] [--quick]` (default: export the shipped
baseline at 8 bits into a temporary folder first; --quick: the first 500 images, one run).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time

from compress.checkpoint import load_checkpoint
from compress.data import load_fashion_mnist
from compress.train import predict
from simulator.network.export import load_network
from simulator.network.network import run_network


def median_seconds(funcs, repeats: int) -> list[float]:
    """Median wall time of each function; runs alternate so both see the same machine load."""
    for func in funcs:
        func()  # warm up: JIT, caches
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(repeats):
        for func, spent in zip(funcs, times):
            start = time.perf_counter()
            func()
            spent.append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in times]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export", nargs="?", help="export folder (default: the baseline at 8 bits)")
    parser.add_argument("--quick", action="store_true", help="the first 500 images, one run")
    args = parser.parse_args(argv)
    model, _ = load_checkpoint("baseline")
    test = load_fashion_mnist("test")
    repeats = 1 if args.quick else 5
    if args.quick:
        test = dataclasses.replace(test, images=test.images[:500], labels=test.labels[:500])
    if args.export:
        net = load_network(args.export)
    else:
        with tempfile.TemporaryDirectory() as folder:
            model.save_weights(folder)
            net = load_network(folder)
    fp32, integer = median_seconds([lambda: predict(model, test), lambda: run_network(net, test.images)], repeats)
    images = len(test.images)
    print(f"PyTorch FP32 evaluation, {images:,} images: {fp32:.3f} s (median of {repeats})")
    print(f"integer inference (Numba), {images:,} images: {integer:.3f} s (median of {repeats})")
    print(f"ratio integer / FP32: {integer / fp32:.2f}x")


if __name__ == "__main__":
    main()
