"""The whole network as one DATAFLOW accelerator against per-layer calls of the matmul kernel.

For each shipped model: batch-1 latency, the interval between images and the DSPs of the
per-layer design (the reference matmul and im2col designs, activations through DRAM,
``simulator.network.network_timing``) and of the dataflow design the folding search chooses
(``simulator.network.dataflow_fold``: latency and interval from SimPy over its streams, the
static schedule of its C++ beside them), with their ratios, and the median wall time of the
search plus the estimate. Usage: `.venv/bin/python benchmarks/dataflow.py [--quick]`
(--quick: the baseline only, one timing run).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from compress.shipping import export_model
from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.hardware.resources import estimate_resources
from simulator.network.dataflow_fold import estimate, search_folding
from simulator.network.export import load_network
from simulator.network.network_timing import network_timing

MODELS = ("baseline", "w4a4", "search_90")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the baseline only, one timing run")
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else 5
    per_layer_dsp = estimate_resources(MatmulDesign()).dsp + estimate_resources(Im2colDesign()).dsp
    header = f"{'model':10s} {'design':10s} {'latency':>9s} {'interval':>9s} {'images/s':>11s} {'DSP':>6s}"
    print(header)
    for name in MODELS[:1] if args.quick else MODELS:
        with tempfile.TemporaryDirectory() as folder:
            export_model(Path(folder) / "export", model_name=name)
            net = load_network(Path(folder) / "export")
        spent = []
        for _ in range(repeats):
            start = time.perf_counter()
            found = estimate(net, search_folding(net))
            spent.append(time.perf_counter() - start)
        if net.layers[0].activation_bits == 8 and all(layer.activation_bits == 8 for layer in net.layers):
            layers = network_timing(net).to_json()
            latency, interval = layers["latency_cycles_per_image"], layers["cycles_per_image"]
            rate = layers["images_per_second"]
            print(f"{name:10s} {'per-layer':10s} {latency:9,.0f} {interval:9,.0f} {rate:11,.0f} {per_layer_dsp:6,d}")
        else:
            latency = interval = None
            print(f"{name:10s} {'per-layer':10s} {'refused: sub-byte activations (the matmul kernel takes 8 bits)'}")
        timing = found.simpy
        print(
            f"{name:10s} {'dataflow':10s} {timing.latency_cycles:9,d} {timing.interval_cycles:9,d} "
            f"{found.images_per_second:11,.0f} {found.resources.dsp:6,d}   (static schedule of its C++: latency "
            f"{found.static_latency:,}, interval {found.static_interval:,})"
        )
        if latency is not None:
            ratios = f"{latency / timing.latency_cycles:8.1f}x {interval / timing.interval_cycles:8.1f}x"
            print(f"{'':10s} {'ratio':10s} {ratios}   (per-layer / dataflow)")
        print(f"{'':10s} search + estimate: {statistics.median(spent):.2f} s (median of {repeats})")


if __name__ == "__main__":
    main()
