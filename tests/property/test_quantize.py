"""torch fake quantization and integer simulation equal the NumPy contract bit for bit."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_array_equal

from compress.observe import QuantSpec, observe
from compress.quantize import fake_quantize, requantize_floor
from simulator.contract import numerics
from tests.strategies import multipliers

float_arrays = hnp.arrays(
    np.float32,
    hnp.array_shapes(min_dims=1, max_dims=3, max_side=12),
    elements=st.floats(-50, 50, width=32, allow_nan=False),
)
specs = st.builds(
    QuantSpec,
    scheme=st.sampled_from(("symmetric", "asymmetric")),
    range=st.sampled_from(("full", "percentile", "mse")),
    bits=st.integers(2, 16),
    percentile=st.floats(90, 100),
)


@given(float_arrays, specs)
def test_torch_fake_quantize_equals_numpy_contract(values, spec):
    params = observe(values, spec)
    expected = numerics.dequantize(
        numerics.quantize(values, params.scale, params.zero_point, params.qmin, params.qmax),
        params.scale,
        params.zero_point,
    ).astype(np.float32)
    got = fake_quantize(torch.from_numpy(values), params.scale, params.zero_point, params.qmin, params.qmax)
    assert_array_equal(got.numpy(), expected)


@given(float_arrays, specs)
def test_fake_quantize_is_idempotent(values, spec):
    params = observe(values, spec)
    once = fake_quantize(torch.from_numpy(values).double(), params.scale, params.zero_point, params.qmin, params.qmax)
    twice = fake_quantize(once, params.scale, params.zero_point, params.qmin, params.qmax)
    assert_array_equal(once.numpy(), twice.numpy())


@given(st.lists(st.integers(-(2**31), 2**31 - 1), min_size=1, max_size=40), multipliers)
def test_wide_torch_requantize_equals_contract_on_int32(acc, M):  # noqa: N803
    M0, n = numerics.quantize_multiplier(M)  # noqa: N806
    acc = np.array(acc, np.int64)
    expected = numerics.shift_right_floor(acc * np.int64(M0), 31 + n)
    assert_array_equal(requantize_floor(torch.from_numpy(acc), M0, n).numpy(), expected)


@given(st.integers(-(2**46), 2**46), multipliers)
def test_wide_torch_requantize_is_exact_beyond_int32(acc, M):  # noqa: N803
    M0, n = numerics.quantize_multiplier(M)  # noqa: N806
    assert int(requantize_floor(torch.tensor([acc]), M0, n)[0]) == (acc * M0) >> (31 + n)


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"bits": 1}, "bits=1"),
        ({"bits": 17}, "bits=17"),
        ({"scheme": "log"}, "scheme='log'"),
        ({"range": "kl2"}, "range='kl2'"),
        ({"percentile": 50.0}, "percentile=50.0"),
        ({"percentile": 100.5}, "percentile=100.5"),
    ],
    ids=["bits-low", "bits-high", "scheme", "range", "percentile-low", "percentile-high"],
)
def test_bad_quant_spec_is_refused(kwargs, fragment):
    with pytest.raises(ValueError) as info:
        QuantSpec(**kwargs)
    assert fragment in str(info.value)


def test_kl_calibration_clips_heavy_tails_but_never_under_a_sixteenth_of_the_range():
    from compress.observe import observe_interval

    rng = np.random.default_rng(0)
    values = np.abs(rng.standard_normal(50_000)) ** 3  # a long tail
    for bits in (4, 8):
        lo, hi = observe_interval(values, QuantSpec(bits=bits, range="kl"))
        assert lo >= 0 and values.max() / 16 <= hi < values.max()  # the tail is clipped, within TensorRT's floor
    narrow = rng.uniform(0, 1, 50_000)  # no tail: nothing worth clipping
    assert observe_interval(narrow, QuantSpec(bits=8, range="kl"))[1] >= 0.9 * narrow.max()
