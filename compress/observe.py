"""Range calibration ("observers"): which real interval a quantizer covers.

An observer turns a tensor into the interval [lo, hi] that b-bit quantization should
cover, in one of three ways (Task 1a/1b of the spec, plus the usual improvements):

- ``full``: [min, max] of the values (spec Task 1a);
- ``percentile``: [P(100 - p), P(p)] of the values (|values| for symmetric schemes), which
  drops the outliers that waste codes (spec Task 1b);
- ``mse``: the clipping of the full range, among 64 evenly spaced fractions in (0, 1], that
  minimizes the mean squared quantization error (Banner et al. 2019, "Post-training 4-bit
  quantization of convolution networks for rapid deployment", clip search);
- ``kl``: the clipping, among the same fractions, whose quantized distribution is closest
  to the values' in Kullback-Leibler divergence (the entropy calibration of TensorRT,
  Migacz 2017, "8-bit inference with TensorRT"): the values' histogram over KL_BINS bins of
  [min, max], clipped to the candidate interval (the mass outside piles onto its edge bins),
  is P; Q merges the bins inside the interval (without the clipped mass) into the 2^b - 1
  quantization steps and spreads each step's mass evenly over its non-empty bins; the
  fraction with the smallest KL(P || Q) wins, among those keeping at least KL_MIN_BINS bins.

Scales and zero points are then computed by simulator/contract/numerics.py, never here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.contract import numerics

RANGES = ("full", "percentile", "mse", "kl")
SCHEMES = ("symmetric", "asymmetric")
MSE_GRID = 64
KL_BINS = 2048
KL_MIN_BINS = 128  # TensorRT's search starts at 128 of its 2048 bins: no clip under 1/16 of the range


@dataclass(frozen=True, kw_only=True)
class QuantSpec:
    """How one tensor family is quantized: scheme, range method, bit width, percentile."""

    scheme: str = "asymmetric"
    range: str = "full"
    bits: int = 8
    percentile: float = 99.99

    def __post_init__(self) -> None:
        numerics.check_choice("QuantSpec: scheme", self.scheme, SCHEMES)
        numerics.check_choice("QuantSpec: range", self.range, RANGES)
        numerics.check_int("QuantSpec", "bits", self.bits, numerics.BITS_MIN, numerics.BITS_MAX)
        if not 50.0 < float(self.percentile) <= 100.0:
            raise ValueError(
                f"QuantSpec: percentile={self.percentile!r} is out of range; expected a float in (50, 100]"
            )

    @property
    def symmetric(self) -> bool:
        return self.scheme == "symmetric"

    @property
    def qmin(self) -> int:
        return numerics.quant_range(self.bits, self.symmetric)[0]

    @property
    def qmax(self) -> int:
        return numerics.quant_range(self.bits, self.symmetric)[1]


@dataclass(frozen=True)
class QuantParams:
    """Scale and zero point of one quantizer, with its integer code range."""

    scale: float
    zero_point: int
    qmin: int
    qmax: int

    def fake_quantize(self, values: np.ndarray) -> np.ndarray:
        """Quantize then dequantize with the contract (float64)."""
        q = numerics.quantize(values, self.scale, self.zero_point, self.qmin, self.qmax)
        return numerics.dequantize(q, self.scale, self.zero_point)


def params_for_interval(lo: float, hi: float, spec: QuantSpec) -> QuantParams:
    """Quantization parameters covering [lo, hi] (the contract's eq. 1 or 2)."""
    if spec.symmetric:
        scale = numerics.symmetric_params(max(abs(lo), abs(hi)), spec.bits)
        return QuantParams(scale, 0, spec.qmin, spec.qmax)
    scale, zero_point = numerics.asymmetric_params(lo, hi, spec.bits)
    return QuantParams(scale, zero_point, spec.qmin, spec.qmax)


def observe_interval(values: np.ndarray, spec: QuantSpec) -> tuple[float, float]:
    """The interval [lo, hi] that ``spec`` covers for ``values`` (any shape)."""
    flat = np.asarray(values, np.float64).ravel()
    if flat.size == 0:
        raise ValueError("observe_interval: values is empty")
    lo, hi = float(flat.min()), float(flat.max())
    if spec.range == "percentile":
        if spec.symmetric:
            bound = float(np.percentile(np.abs(flat), spec.percentile))
            return -bound, bound
        return float(np.percentile(flat, 100.0 - spec.percentile)), float(np.percentile(flat, spec.percentile))
    if spec.range == "mse":
        return mse_interval(flat, lo, hi, spec)
    if spec.range == "kl":
        return kl_interval(flat, lo, hi, spec)
    return lo, hi


def kl_interval(flat: np.ndarray, lo: float, hi: float, spec: QuantSpec) -> tuple[float, float]:
    """Clip the full interval by the fraction in (0, 1] whose quantized histogram has the
    smallest KL divergence from the values' (module docstring)."""
    if hi <= lo:
        return lo, hi
    counts, edges = np.histogram(flat, bins=KL_BINS, range=(lo, hi))
    centres = (edges[:-1] + edges[1:]) / 2
    steps = 2**spec.bits - 1
    best, best_kl = (lo, hi), np.inf
    for fraction in np.linspace(1.0, 1.0 / MSE_GRID, MSE_GRID):
        a, b = lo * fraction, hi * fraction
        inside = np.flatnonzero((centres >= a) & (centres <= b))
        if inside.size < max(steps, KL_MIN_BINS):
            continue  # fewer bins than steps, or a clip under TensorRT's smallest (128 of 2048 bins)
        sliced = counts[inside].astype(np.float64)
        p = sliced.copy()
        p[0] += counts[: inside[0]].sum()  # the clipped values land on the edges
        p[-1] += counts[inside[-1] + 1 :].sum()
        # Q from the slice alone (without the clipped mass), so clipping costs divergence
        group = np.minimum((np.arange(inside.size) * steps) // inside.size, steps - 1)
        mass = np.bincount(group, weights=sliced, minlength=steps)
        filled = np.bincount(group, weights=(sliced > 0).astype(np.float64), minlength=steps)
        q = np.where(sliced > 0, mass[group] / np.maximum(filled[group], 1.0), 0.0)
        used = p > 0
        if not np.all(q[used] > 0):  # an edge bin holds only clipped mass: infinitely far
            continue
        divergence = float(np.sum(p[used] / p.sum() * np.log((p[used] / p.sum()) / (q[used] / q.sum()))))
        if divergence < best_kl:
            best, best_kl = (a, b), divergence
    return best


def mse_interval(flat: np.ndarray, lo: float, hi: float, spec: QuantSpec) -> tuple[float, float]:
    """Clip the full interval by the fraction in (0, 1] that minimizes quantization MSE."""
    sample = flat if flat.size <= 200_000 else np.random.default_rng(0).choice(flat, 200_000, replace=False)
    best, best_error = (lo, hi), np.inf
    for fraction in np.linspace(1.0, 1.0 / MSE_GRID, MSE_GRID):
        candidate = (lo * fraction, hi * fraction)
        error = np.mean((params_for_interval(*candidate, spec).fake_quantize(sample) - sample) ** 2)
        if error < best_error:
            best, best_error = candidate, error
    return best


def observe(values: np.ndarray, spec: QuantSpec) -> QuantParams:
    """Calibrate one quantizer for ``values``."""
    return params_for_interval(*observe_interval(values, spec), spec)
