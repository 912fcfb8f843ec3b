"""ONNX Runtime's own quantizer against our import of its files, on the 10k test images.

Exports the shipped baseline as float ONNX (``compress.export.export_float_onnx``), quantizes
it with ONNX Runtime's ``quantize_static`` (500 calibration images of the training set, MinMax,
uint8 activations) in both formats (QOperator, QDQ), with uint8 and int8 weights, per tensor
and per channel; imports each file as ``cnnacc import`` reads it, and prints, against ONNX
Runtime running the same file on the float images / 255: identical predictions, both
accuracies, and per layer the share of output codes identical and within one code (ONNX
Runtime requantizes through float, rounding half to even; we through M0 and n). Usage:
`.venv/bin/python benchmarks/ort_agreement.py [--quick]` (--quick: 500 test images, 100
calibration images, per-tensor variants only).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 test images, 100 calibration images")
    args = parser.parse_args(argv)

    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    from compress.checkpoint import load_checkpoint
    from compress.data import load_fashion_mnist
    from compress.export import export_float_onnx
    from simulator.interop.onnx_agreement import producer_agreement
    from simulator.interop.onnx_model import load_onnx

    model, _ = load_checkpoint("baseline")
    train, test = load_fashion_mnist("train"), load_fashion_mnist("test")
    calibration = train.images[: 100 if args.quick else 500]
    images, labels = (test.images[:500], test.labels[:500]) if args.quick else (test.images, test.labels)

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.feeds = iter([{"input": batch.astype(np.float32) / 255.0} for batch in np.split(calibration, 10)])

        def get_next(self):
            return next(self.feeds, None)

    variants = [(f, w, c) for f in ("QOperator", "QDQ") for w in ("QUInt8", "QInt8") for c in (False, True)]
    if args.quick:
        variants = [variant for variant in variants if not variant[2]]
    print(f"{len(images):,} test images, {len(calibration)} calibration images")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "float.onnx"
        export_float_onnx(model, source)
        for fmt, weights, per_channel in variants:
            path = Path(folder) / f"{fmt}_{weights}_{int(per_channel)}.onnx"
            quantize_static(str(source), str(path), Reader(), quant_format=getattr(QuantFormat, fmt),
                            activation_type=QuantType.QUInt8, weight_type=getattr(QuantType, weights),
                            per_channel=per_channel)  # fmt: skip
            started = time.perf_counter()
            net = load_onnx(path)
            result = producer_agreement(path, images)
            seconds = time.perf_counter() - started
            theirs = float((result["their_predictions"] == labels).mean())
            ours = float((result["our_predictions"] == labels).mean())
            bits = sorted({layer.weight_bits for layer in net.layers})
            print(
                f"{fmt:9s} weights {weights:6s} {'per channel' if per_channel else 'per tensor ':11s}: identical "
                f"predictions {100 * result['predictions']:.2f} %, accuracy ONNX Runtime {100 * theirs:.2f} % / "
                f"ours {100 * ours:.2f} % (weight bits {bits}; import and both runs {seconds:.1f} s)"
            )
            for name, layer in result["layers"].items():
                print(
                    f"    {name:5s} codes identical {100 * layer['identical']:6.2f} %, within one "
                    f"{100 * layer['within_one']:6.2f} %, largest difference {layer['max']}"
                )


if __name__ == "__main__":
    main()
