"""The noise helper against values computed by hand."""

import math

import numpy as np
import pytest

from reports.noise import (
    BINOMIAL,
    MCNEMAR,
    compare,
    compare_paired,
    difference_standard_error,
    discordant,
    exceeds_noise,
    mcnemar_chi2,
    mcnemar_exact,
    standard_error,
)


def test_standard_error_of_92_percent_on_10000_images_is_0_27_points():
    # sqrt(0.92 x 0.08 / 10,000) = sqrt(7.36e-6)
    assert standard_error(0.92, 10_000) == pytest.approx(0.0027129, abs=1e-7)


def test_standard_error_of_the_difference_adds_the_variances():
    # 0.9 x 0.1 / 100 = 0.0009, 0.8 x 0.2 / 100 = 0.0016, sqrt(0.0025) = 0.05
    assert difference_standard_error(0.9, 0.8, 100) == pytest.approx(0.05)
    # different image counts: 0.0009 + 0.8 x 0.2 / 400 = 0.0013
    assert difference_standard_error(0.9, 0.8, 100, 400) == pytest.approx(math.sqrt(0.0013))


def test_a_difference_of_two_standard_errors_exceeds_the_noise_and_1_8_does_not():
    beyond = compare(0.9, 0.8, 100, "a")
    assert (beyond.difference_pt, beyond.standard_error_pt, beyond.z) == pytest.approx((10.0, 5.0, 2.0))
    assert beyond.exceeds and beyond.method == BINOMIAL
    within = compare(0.9, 0.81, 100)  # 9 pt over sqrt(0.0009 + 0.001539) = 4.94 pt: 1.82 SE
    assert within.z == pytest.approx(1.8224, abs=1e-4)
    assert not within.exceeds
    assert exceeds_noise(0.9, 0.8, 100) and not exceeds_noise(0.9, 0.81, 100)
    assert exceeds_noise(0.8, 0.9, 100)  # two-sided


def test_the_issues_example_a_0_02_point_difference_at_92_percent_is_within_noise():
    comparison = compare(0.9202, 0.92, 10_000)
    assert comparison.text() == "+0.02 pt, 0.1 SE: within noise"
    # 2 pt over sqrt(7.36e-6 + 9e-6) = 0.404 pt: 4.9 SE
    assert compare(0.92, 0.90, 10_000).text() == "+2.00 pt, 4.9 SE: beyond noise"


def test_equal_accuracies_of_zero_variance_are_within_noise():
    assert compare(1.0, 1.0, 50).z == 0.0 and not exceeds_noise(1.0, 1.0, 50)
    assert exceeds_noise(1.0, 0.0, 50)


def test_mcnemar_exact_p_values():
    assert mcnemar_exact(0, 5) == pytest.approx(2 / 32)  # 2 x C(5, 0) / 2^5
    assert mcnemar_exact(1, 9) == pytest.approx(2 * 11 / 1024)  # 2 (C(10, 0) + C(10, 1)) / 2^10
    assert mcnemar_exact(9, 1) == mcnemar_exact(1, 9)
    assert mcnemar_exact(5, 5) == 1.0 and mcnemar_exact(0, 0) == 1.0


def test_mcnemar_chi_square_with_continuity_correction():
    statistic, p = mcnemar_chi2(1, 9)  # (|1 - 9| - 1)^2 / 10 = 4.9
    assert statistic == pytest.approx(4.9)
    assert p == pytest.approx(0.0268567, abs=1e-6)  # chi-square(1) survival at 4.9
    assert mcnemar_chi2(3, 3) == (0.0, 1.0) and mcnemar_chi2(0, 0) == (0.0, 1.0)


def test_paired_comparison_counts_the_discordant_images():
    a = np.array([1, 1, 1, 0, 1], dtype=bool)
    b = np.array([1, 0, 0, 0, 1], dtype=bool)
    assert discordant(a, b) == (2, 0)
    comparison = compare_paired(a, b, "paired")
    assert comparison.method == MCNEMAR and comparison.p_value == pytest.approx(0.5)  # 2 x 1 / 2^2
    assert comparison.difference_pt == pytest.approx(40.0) and not comparison.exceeds
    many_a = np.r_[np.ones(20, bool), np.zeros(80, bool)]  # only A right on 20 images, c = 0
    assert compare_paired(many_a, np.zeros(100, bool)).exceeds  # p = 2 / 2^20
    assert "McNemar p = " in compare_paired(a, b).text()


def test_bad_input_is_refused_with_the_value():
    with pytest.raises(ValueError, match="1.5"):
        standard_error(1.5, 100)
    with pytest.raises(ValueError, match="n = 0"):
        standard_error(0.5, 0)
    with pytest.raises(ValueError, match="b = -1"):
        mcnemar_exact(-1, 2)
    with pytest.raises(ValueError, match="shapes"):
        discordant(np.ones(3, bool), np.ones(4, bool))
