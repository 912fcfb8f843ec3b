"""Integer inference of the 10k test images against PyTorch FP32 evaluation, in one run.

Prints the median of three runs of each and their ratio. Usage:
`.venv/bin/python benchmarks/network.py [EXPORT_DIR]` (default: export the shipped baseline
at 8 bits into a temporary folder first).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time

from compress.checkpoint import load_checkpoint
from compress.data import load_fashion_mnist
from compress.train import predict
from simulator.export import load_network
from simulator.network import run_network


def median_seconds(func, repeats: int = 3) -> float:
    func()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    model, _ = load_checkpoint("baseline")
    test = load_fashion_mnist("test")
    if len(sys.argv) > 1:
        net = load_network(sys.argv[1])
    else:
        with tempfile.TemporaryDirectory() as folder:
            model.save_weights(folder)
            net = load_network(folder)
    fp32 = median_seconds(lambda: predict(model, test))
    integer = median_seconds(lambda: run_network(net, test.images))
    print(f"PyTorch FP32 evaluation, 10k images: {fp32:.3f} s (median of 3)")
    print(f"integer inference (Numba), 10k images: {integer:.3f} s (median of 3)")
    print(f"ratio integer / FP32: {integer / fp32:.2f}x")


if __name__ == "__main__":
    main()
