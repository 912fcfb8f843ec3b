"""Library entry points behind ``cnnacc quantize``."""

from __future__ import annotations

from compress.checkpoint import load_checkpoint
from compress.data import load_fashion_mnist
from compress.observe import QuantSpec
from compress.quantize import (
    GRANULARITIES,
    build_integer_network,
    calibration_images,
    integer_predict,
    quantize_weights,
)
from compress.study import CALIBRATION_IMAGES, STUDY_BITS, StudyRecord, run_study
from compress.train import predict
from simulator.numerics import BITS_MAX, BITS_MIN, check_choice, check_int


def quantize_study(
    model_name: str = "baseline", *, bits=STUDY_BITS, seed: int = 0, data_dir=None, progress: bool = True
) -> list[StudyRecord]:
    """The whole study on the full test set (see compress.study)."""
    bits = tuple(sorted(set(bits)))
    for b in bits:
        check_int("quantize --study", "bits", b, BITS_MIN, BITS_MAX)
    train_split, test_split = load_fashion_mnist("train", data_dir), load_fashion_mnist("test", data_dir)
    model, _ = load_checkpoint(model_name)
    return run_study(model, train_split, test_split, bits=bits, seed=seed, progress=progress)


def quantize_one(
    model_name: str = "baseline",
    *,
    scheme: str,
    granularity: str,
    range_name: str,
    percentile: float,
    bits: int,
    activations: int | None,
    seed: int = 0,
    data_dir=None,
) -> dict:
    """Accuracy of one scheme: weight-only, or weights + activations on integers."""
    check_choice("quantize", "granularity", granularity, GRANULARITIES)
    spec = QuantSpec(scheme=scheme, range=range_name, bits=bits, percentile=percentile)
    if activations is not None:
        check_int("quantize", "activations", activations, BITS_MIN, BITS_MAX)
        if granularity != "layer":
            raise ValueError(f"quantize: granularity={granularity!r} with activations; the integer path is per-layer")
    test_split = load_fashion_mnist("test", data_dir)
    model, _ = load_checkpoint(model_name)
    if activations is None:
        predictions = predict(quantize_weights(model, spec, granularity), test_split)
    else:
        calibration = calibration_images(load_fashion_mnist("train", data_dir), CALIBRATION_IMAGES, seed)
        net = build_integer_network(model, calibration, weight_spec=spec, activation_spec=QuantSpec(bits=activations))
        predictions = integer_predict(net, test_split)
    accuracy = float((predictions == test_split.labels).mean())
    return {
        "scheme": scheme,
        "granularity": granularity,
        "range": range_name,
        "bits": bits,
        "activations": activations,
        "accuracy": accuracy,
        "images": len(test_split),
    }
