"""Is a difference between two test accuracies larger than the sampling noise?

An accuracy measured on n test images is a binomial proportion: its standard error is
sqrt(p (1 - p) / n), about 0.27 points at 92 % on 10,000 images. Two ways to judge a difference:

- :func:`compare`: the binomial standard error of the difference of two accuracies,
  sqrt(p_a (1 - p_a) / n_a + p_b (1 - p_b) / n_b), as if the two were measured on independent
  images. When both classifiers ran on the same images their errors are positively correlated,
  so this overstates the noise of the difference: a difference it calls beyond noise is real,
  one it calls within noise may still be found real by a paired test.
- :func:`compare_paired`: McNemar's exact test on the same images, from the images only one of
  the two classifies correctly (b: only A right, c: only B right).

A difference exceeds the noise when it is more than :data:`Z_95` standard errors (binomial) or
McNemar's two-sided p-value is below :data:`ALPHA` (paired). :meth:`Comparison.text` renders the
verdict the report quotes, and tests/report/ checks every comparison of the text against it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

ALPHA = 0.05  # two-sided significance level
Z_95 = 1.959963984540054  # the two-sided 5 % point of the standard normal
BINOMIAL = "binomial standard error of the difference"
MCNEMAR = "McNemar exact test"


def standard_error(accuracy: float, n: int) -> float:
    """Binomial standard error of an accuracy measured on ``n`` images (a fraction, not points)."""
    _check_accuracy(accuracy)
    if n < 1:
        raise ValueError(f"standard_error: n = {n} images; expected at least 1")
    return math.sqrt(accuracy * (1 - accuracy) / n)


def difference_standard_error(a: float, b: float, n: int, n_b: int | None = None) -> float:
    """Binomial standard error of ``a - b``: accuracies on ``n`` and ``n_b`` (default ``n``)
    images, taken as independent (an upper bound when they share the images)."""
    return math.hypot(standard_error(a, n), standard_error(b, n if n_b is None else n_b))


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided p-value of McNemar's exact test: under the null hypothesis each of the b + c
    discordant images is B's (only B right) with probability 1/2, so
    p = min(1, 2 sum_{k <= min(b, c)} C(b + c, k) / 2^(b + c)); 1 when b = c = 0."""
    if b < 0 or c < 0:
        raise ValueError(f"mcnemar_exact: b = {b}, c = {c}; expected counts >= 0")
    total = b + c
    if total == 0:
        return 1.0
    tail = sum(math.comb(total, k) for k in range(min(b, c) + 1))
    return min(1.0, 2 * tail / 2**total)


def mcnemar_chi2(b: int, c: int) -> tuple[float, float]:
    """McNemar's chi-square statistic with continuity correction, (|b - c| - 1)^2 / (b + c), and
    its p-value (chi-square with one degree of freedom: erfc(sqrt(statistic / 2))); (0, 1) when
    b = c = 0."""
    if b < 0 or c < 0:
        raise ValueError(f"mcnemar_chi2: b = {b}, c = {c}; expected counts >= 0")
    if b + c == 0:
        return 0.0, 1.0
    statistic = max(abs(b - c) - 1, 0) ** 2 / (b + c)
    return statistic, math.erfc(math.sqrt(statistic / 2))


@dataclass(frozen=True)
class Comparison:
    """Accuracy ``a`` against accuracy ``b`` (fractions) and whether a - b exceeds the noise."""

    label: str
    a: float
    b: float
    n: int
    difference_pt: float  # 100 (a - b)
    standard_error_pt: float  # of the difference
    z: float  # |a - b| in standard errors of the difference
    exceeds: bool
    method: str
    p_value: float | None = None  # McNemar's, for a paired comparison

    @property
    def verdict(self) -> str:
        return "beyond noise" if self.exceeds else "within noise"

    def text(self) -> str:
        """The verdict as the report prints it, e.g. "+0.02 pt, 0.1 SE: within noise"."""
        paired = f", McNemar p = {self.p_value:.3g}" if self.p_value is not None else ""
        return f"{self.difference_pt:+.2f} pt, {self.z:.1f} SE{paired}: {self.verdict}"

    def to_json(self) -> dict:
        return asdict(self)


def compare(a: float, b: float, n: int, label: str = "", *, z: float = Z_95) -> Comparison:
    """``a`` against ``b``, both measured on ``n`` images, by the binomial standard error of the
    difference (the predictions are not paired)."""
    se = difference_standard_error(a, b, n)
    distance = abs(a - b) / se if se > 0 else (math.inf if a != b else 0.0)
    return Comparison(label, a, b, n, 100 * (a - b), 100 * se, distance, distance > z, BINOMIAL)


def exceeds_noise(a: float, b: float, n: int, *, z: float = Z_95) -> bool:
    """Whether accuracies ``a`` and ``b`` on ``n`` images differ by more than ``z`` binomial
    standard errors of their difference."""
    return compare(a, b, n, z=z).exceeds


def discordant(correct_a: np.ndarray, correct_b: np.ndarray) -> tuple[int, int]:
    """(b, c): the images only A classifies correctly, and those only B does."""
    correct_a, correct_b = np.asarray(correct_a, dtype=bool), np.asarray(correct_b, dtype=bool)
    if correct_a.shape != correct_b.shape or correct_a.ndim != 1:
        raise ValueError(f"discordant: shapes {correct_a.shape} and {correct_b.shape}; expected two equal 1-D arrays")
    return int((correct_a & ~correct_b).sum()), int((~correct_a & correct_b).sum())


def compare_paired(
    correct_a: np.ndarray, correct_b: np.ndarray, label: str = "", *, alpha: float = ALPHA
) -> Comparison:
    """Two classifiers on the same images (boolean arrays: image classified correctly) by
    McNemar's exact test; the standard error is that of the paired difference."""
    b, c = discordant(correct_a, correct_b)
    n = len(correct_a)
    if n == 0:
        raise ValueError("compare_paired: no images")
    a_acc, b_acc = float(np.mean(correct_a)), float(np.mean(correct_b))
    mean = (b - c) / n
    se = math.sqrt(max((b + c) / n - mean**2, 0.0) / n)
    distance = abs(mean) / se if se > 0 else (math.inf if b != c else 0.0)
    p = mcnemar_exact(b, c)
    return Comparison(label, a_acc, b_acc, n, 100 * mean, 100 * se, distance, p < alpha, MCNEMAR, p)


def _check_accuracy(accuracy: float) -> None:
    if not 0.0 <= accuracy <= 1.0:
        raise ValueError(f"accuracy = {accuracy}; expected a fraction in [0, 1]")


__all__ = [
    "ALPHA",
    "BINOMIAL",
    "MCNEMAR",
    "Z_95",
    "Comparison",
    "compare",
    "compare_paired",
    "difference_standard_error",
    "discordant",
    "exceeds_noise",
    "mcnemar_chi2",
    "mcnemar_exact",
    "standard_error",
]
