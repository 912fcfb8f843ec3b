"""ONNX Runtime against our integer engine on the 10k test images, layer by layer.

Exports the shipped baseline (8-bit weights and activations) with ``--onnx``, runs the model
in ONNX Runtime (CPU) and our Numba engine on the same uint8 images, and prints: identical
predictions, and per layer the share of output codes that are identical and within one code,
chained (each engine feeds its own codes on) and alone (ONNX Runtime runs the layer on our
codes of the layer before). ONNX Runtime requantizes through float (round half to even of
acc S_in S_w / S_out), we through M0 and n: with the contract's floor rounding the two part
by one code on about a third of the elements, with its nearest rounding only where float and
fixed point round a value near a half differently; chained, later layers inherit the earlier
differences. Usage: `.venv/bin/python benchmarks/onnx_agreement.py [--quick]` (--quick: 500
images).
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time

from compress.checkpoint import load_checkpoint
from compress.data import load_fashion_mnist
from simulator.interop.onnx_agreement import runtime_agreement
from simulator.network.export import load_network


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the first 500 test images")
    args = parser.parse_args(argv)
    model, _ = load_checkpoint("baseline")
    test = load_fashion_mnist("test")
    images = test.images[:500] if args.quick else test.images
    with tempfile.TemporaryDirectory() as folder:
        model.save_weights(folder, onnx=True)
        net = load_network(folder)
    for rounding in ("floor", "nearest"):
        started = time.perf_counter()
        result = runtime_agreement(dataclasses.replace(net, rounding=rounding), images)
        result["ort_seconds"] = time.perf_counter() - started
        print(
            f"rounding {rounding}: {result['images']:,} images, identical predictions "
            f"{100 * result['predictions']:.2f} % (both engines, every layer: {result['ort_seconds']:.2f} s)"
        )
        for name, layer in result["layers"].items():
            for how, c in layer.items():
                print(
                    f"  {name:5s} {how:7s} codes identical {100 * c['identical']:6.2f} %, within one "
                    f"{100 * c['within_one']:6.2f} %, largest difference {c['max']}"
                )


if __name__ == "__main__":
    main()
