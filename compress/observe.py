"""Range calibration ("observers"): which real interval a quantizer covers.

An observer turns a tensor into the interval [lo, hi] that b-bit quantization should
cover, in one of three ways (Task 1a/1b of the spec, plus the usual improvements):

- ``full``: [min, max] of the values (spec Task 1a);
- ``percentile``: [P(100 - p), P(p)] of the values (|values| for symmetric schemes), which
  drops the outliers that waste codes (spec Task 1b);
- ``mse``: the clipping of the full range, among 64 evenly spaced fractions in (0, 1], that
  minimizes the mean squared quantization error (Banner et al. 2019, "Post-training 4-bit
  quantization of convolution networks for rapid deployment", clip search).

Scales and zero points are then computed by simulator/numerics.py, never here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator import numerics

RANGES = ("full", "percentile", "mse")
SCHEMES = ("symmetric", "asymmetric")
MSE_GRID = 64


@dataclass(frozen=True, kw_only=True)
class QuantSpec:
    """How one tensor family is quantized: scheme, range method, bit width, percentile."""

    scheme: str = "asymmetric"
    range: str = "full"
    bits: int = 8
    percentile: float = 99.99

    def __post_init__(self) -> None:
        numerics.check_choice("QuantSpec", "scheme", self.scheme, SCHEMES)
        numerics.check_choice("QuantSpec", "range", self.range, RANGES)
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
    return lo, hi


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
