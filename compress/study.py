"""The quantization study of spec Part 1 Step 1: accuracy against bit width for every scheme.

Weight-only (Task 1): {symmetric, asymmetric} x {global, layer, channel} x {full range,
percentile 99.9 / 99.99, MSE clipping} at every studied bit width. Weight + activation
(Task 2): per-layer weights (full range, as the spec asks, and MSE clipping, the better one)
with full-range asymmetric activations at the same widths, and MSE-clipped weights with
KL-calibrated activations (``compress.observe``), executed on integers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from tqdm import tqdm

from compress.data import Split
from compress.model import MyConvNet
from compress.observe import QuantSpec, observe_interval
from compress.quantize import (
    build_integer_network,
    calibration_images,
    integer_predict_fast,
    quantize_weights,
    weight_quant_params,
)
from compress.train import predict
from simulator.explore.tasks import run_tasks

STUDY_BITS = (2, 3, 4, 5, 6, 8, 12, 16)
WEIGHT_RANGES = (("full", None), ("percentile", 99.9), ("mse", None))
# Task 1b's sweep of the clip: symmetric weights, one global range or one per layer
SWEEP_PERCENTILES = (99.0, 99.5, 99.9, 99.99)
SWEEP_BITS = (2, 3, 4, 5, 6, 8)
CALIBRATION_IMAGES = 2000


@dataclass(frozen=True)
class StudyRecord:
    """One measured configuration; ``activations`` is the activation bit width or None (float)."""

    scheme: str
    granularity: str
    range: str
    percentile: float | None
    bits: int
    activations: int | None
    accuracy: float
    activation_range: str | None = None  # the activations' observer (None: float activations)

    @property
    def label(self) -> str:
        clip = f"p{self.percentile:g}" if self.range == "percentile" else self.range
        return f"{self.scheme}/{self.granularity}/{clip}"

    @property
    def row(self) -> str:
        """The label with the activations: "+A" (full range) or "+A kl" (another observer)."""
        if self.activations is None:
            return self.label
        return self.label + (" +A" if self.activation_range in (None, "full") else f" +A {self.activation_range}")

    def to_json(self) -> dict:
        return asdict(self)


def weight_only_configs(bits: tuple[int, ...]) -> list[tuple[QuantSpec, str]]:
    configs = []
    for scheme in ("symmetric", "asymmetric"):
        for granularity in ("global", "layer", "channel"):
            for range_name, percentile in WEIGHT_RANGES:
                for b in bits:
                    spec = QuantSpec(scheme=scheme, range=range_name, bits=b, percentile=percentile or 99.99)
                    configs.append((spec, granularity))
    return configs


def measure_config(model: MyConvNet, calibration: np.ndarray, test_split: Split, config: tuple) -> StudyRecord:
    """One configuration of the study on the test split: ("weights", spec, granularity) or
    ("integer", weight spec, activation bits, activation observer). One torch thread, so the
    float evaluation is the same in this process and on any worker."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _measure(model, calibration, test_split, config)
    except Exception as error:  # name the configuration, whatever worker ran it
        described = ", ".join(str(part) for part in config)
        raise ValueError(f"quantization study configuration ({described}): {type(error).__name__}: {error}") from error
    finally:
        torch.set_num_threads(threads)


def _measure(model: MyConvNet, calibration: np.ndarray, test_split: Split, config: tuple) -> StudyRecord:
    if config[0] == "weights":
        _, spec, granularity = config
        quantized = quantize_weights(model, spec, granularity)
        accuracy = float((predict(quantized, test_split) == test_split.labels).mean())
        return record(spec, granularity, None, accuracy)
    _, weight_spec, act_bits, act_range = config
    net = build_integer_network(
        model,
        calibration,
        weight_spec=weight_spec,
        activation_spec=QuantSpec(bits=act_bits, range=act_range),
        classes=test_split.classes,
    )
    accuracy = float((integer_predict_fast(net, test_split) == test_split.labels).mean())
    return record(weight_spec, "layer", act_bits, accuracy, act_range)


def run_study(
    model: MyConvNet,
    train_split: Split,
    test_split: Split,
    *,
    bits: tuple[int, ...] = STUDY_BITS,
    seed: int = 0,
    progress: bool = True,
    scheduler: str = "synchronous",
    workers: int | None = None,
) -> list[StudyRecord]:
    """Measure every scheme on the full test split, each configuration a task on
    ``scheduler`` (``simulator.explore.tasks``); deterministic given ``seed``, whatever the scheduler."""
    configs: list[tuple] = [("weights", spec, granularity) for spec, granularity in weight_only_configs(bits)]
    configs += [("integer", QuantSpec(range=r, bits=b), b, "full") for r in ("full", "mse") for b in bits]
    configs += [("integer", QuantSpec(range="mse", bits=b), b, "kl") for b in bits]
    calibration = calibration_images(train_split, CALIBRATION_IMAGES, seed)
    return _measure_all(configs, (model, calibration, test_split), "quantization study", progress, scheduler, workers)


def percentile_sweep(
    model: MyConvNet,
    test_split: Split,
    *,
    bits: tuple[int, ...] = SWEEP_BITS,
    progress: bool = True,
    scheduler: str = "synchronous",
    workers: int | None = None,
) -> list[StudyRecord]:
    """Task 1b's sweep of the clip: symmetric weight-only quantization clipped at each of
    ``SWEEP_PERCENTILES`` of |w|, over one global range and over each layer's own, at each width
    (the full range and the MSE clip are rows of ``run_study``); on the full test split."""
    configs = [
        ("weights", QuantSpec(scheme="symmetric", range="percentile", bits=b, percentile=p), granularity)
        for granularity in ("global", "layer")
        for p in SWEEP_PERCENTILES
        for b in bits
    ]
    no_calibration = np.empty((0,), np.uint8)  # weight-only: nothing is calibrated
    return _measure_all(configs, (model, no_calibration, test_split), "clip sweep", progress, scheduler, workers)


def _measure_all(
    configs: list[tuple], shared: tuple, desc: str, progress: bool, scheduler: str, workers: int | None
) -> list[StudyRecord]:
    """``measure_config`` of every configuration, each a task on ``scheduler``, with a progress bar."""
    with tqdm(total=len(configs), desc=desc, disable=not progress) as bar:
        update = lambda _: bar.update()  # noqa: E731
        run = run_tasks(measure_config, configs, shared=shared, scheduler=scheduler, workers=workers, progress=update)
    return run.results


def record(
    spec: QuantSpec, granularity: str, activations: int | None, accuracy: float, activation_range: str | None = None
) -> StudyRecord:
    return StudyRecord(
        scheme=spec.scheme,
        granularity=granularity,
        range=spec.range,
        percentile=spec.percentile if spec.range == "percentile" else None,
        bits=spec.bits,
        activations=activations,
        accuracy=accuracy,
        activation_range=activation_range,
    )


def best_record(records: list[StudyRecord], bits: int, weight_only: bool = True) -> StudyRecord:
    """The most accurate record at ``bits`` (weight-only or W+A)."""
    candidates = [r for r in records if r.bits == bits and (r.activations is None) == weight_only]
    return max(candidates, key=lambda r: r.accuracy)


def accuracy_table(records: list[StudyRecord]) -> tuple[list[str], list[int], np.ndarray]:
    """(labels, bits, accuracy[label, bits]) for the weight-only and W+A rows."""
    labels = list(dict.fromkeys(r.row for r in records))
    bits = sorted({r.bits for r in records})
    table = np.full((len(labels), len(bits)), np.nan)
    for r in records:
        table[labels.index(r.row), bits.index(r.bits)] = r.accuracy
    return labels, bits, table


def weight_ranges(model: MyConvNet, *, percentile: float = 99.9, bits: int = 4, bins: int = 81) -> dict:
    """Per-layer weight ranges against the clip points of one global range (Task 1b): the
    global symmetric clips (the ``percentile`` of |w| over every layer, and the MSE clip at
    ``bits``), each layer's largest |w| and own percentile, the fraction of its weights each
    global clip cuts, and its weight histogram over common bins."""
    layers = [(name, module.weight.detach().double().numpy().ravel()) for name, module in model.layers()]
    everything = np.concatenate([w for _, w in layers])
    largest = float(np.abs(everything).max())
    clip_percentile = float(np.percentile(np.abs(everything), percentile))
    lo, hi = observe_interval(everything, QuantSpec(scheme="symmetric", range="mse", bits=bits))
    clip_mse = float(max(abs(lo), abs(hi)))
    edges = np.linspace(-largest, largest, bins + 1)
    return {
        "percentile": percentile,
        "bits": bits,
        "weights": int(everything.size),
        "global_percentile_clip": clip_percentile,
        "global_mse_clip": clip_mse,
        "edges": edges.tolist(),
        "layers": {
            name: {
                "weights": int(w.size),
                "max_abs": float(np.abs(w).max()),
                "percentile_abs": float(np.percentile(np.abs(w), percentile)),
                "clipped_by_percentile": float(np.mean(np.abs(w) > clip_percentile)),
                "clipped_by_mse": float(np.mean(np.abs(w) > clip_mse)),
                "histogram": np.histogram(w, bins=edges)[0].tolist(),
            }
            for name, w in layers
        },
    }


def row_diagnostics(model: MyConvNet, spec: QuantSpec, granularity: str, bits: tuple[int, ...]) -> dict:
    """What one weight-only row of the study does to each layer at each of ``bits`` (one
    range, or one per layer): the integer zero point and the real one it was rounded from
    (``qmin - low / scale`` of the observed interval), the weights the codes can represent,
    and per layer the fraction of weights outside them and the quantization error summed over
    one output's inputs (its mean over the outputs: a systematic shift of the layer's
    pre-activations, in units of its inputs). Keyed by bit width."""
    if granularity not in ("global", "layer"):
        raise ValueError(f"row_diagnostics: granularity {granularity!r}; expected 'global' or 'layer'")
    weights = {name: layer.weight.detach().double().numpy() for name, layer in model.layers()}
    everything = np.concatenate([w.ravel() for w in weights.values()])
    found = {}
    for b in bits:
        row = QuantSpec(scheme=spec.scheme, range=spec.range, bits=b, percentile=spec.percentile)
        params = weight_quant_params(model, row, granularity)
        quantized = {
            name: layer.weight.detach().double().numpy()
            for name, layer in quantize_weights(model, row, granularity).layers()
        }
        layers = {}
        for name, w in weights.items():
            (p,) = params[name]
            low, _ = observe_interval(everything if granularity == "global" else w.ravel(), row)
            error = (quantized[name] - w).reshape(len(w), -1)
            lowest, highest = (p.qmin - p.zero_point) * p.scale, (p.qmax - p.zero_point) * p.scale
            layers[name] = {
                "zero_point": p.zero_point,
                "real_zero_point": p.qmin - low / p.scale,
                "low": lowest,
                "high": highest,
                "outside": float(np.mean((w < lowest) | (w > highest))),
                "summed_error": float(error.sum(axis=1).mean()),
            }
        found[b] = layers
    return found
