"""Sub-byte packing (simulator/contract/packing.py): NumPy, Numba and C++ read one bit layout."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from simulator.contract import kernels, packing
from simulator.emulation import sw_emu


@st.composite
def packed_cases(draw):
    bits = draw(st.integers(packing.MIN_BITS, packing.MAX_BITS))
    count = draw(st.integers(0, 200))
    seed = draw(st.integers(0, 2**32 - 1))
    codes = np.random.default_rng(seed).integers(0, 2**bits, size=count).astype(np.uint8)
    if count:  # the extremes of the range, where a wrong mask or shift shows
        codes[draw(st.integers(0, count - 1))] = 2**bits - 1
    return bits, codes


@settings(max_examples=500)
@given(packed_cases())
def test_numpy_packs_into_ceil_count_bits_over_8_bytes_and_unpacks_exactly(case):
    bits, codes = case
    packed = packing.pack_codes(codes, bits)
    assert packed.dtype == np.uint8 and packed.size == -(-codes.size * bits // 8)
    assert_array_equal(packing.unpack_codes(packed, bits, codes.size), codes)


@settings(max_examples=500)
@given(packed_cases())
def test_numba_unpacker_equals_numpy(case):
    bits, codes = case
    packed = packing.pack_codes(codes, bits)
    assert_array_equal(
        packing.unpack_codes_jit(packed, bits, codes.size), packing.unpack_codes(packed, bits, codes.size)
    )


@settings(max_examples=500)
@given(packed_cases())
def test_cpp_unpacker_equals_numpy(case):
    bits, codes = case
    packed = packing.pack_codes(codes, bits)
    assert_array_equal(sw_emu.unpack_codes(packed, bits, codes.size), packing.unpack_codes(packed, bits, codes.size))


def test_the_layout_is_little_endian_low_nibble_first():
    assert packing.pack_codes(np.array([1, 2, 3]), 4).tolist() == [0x21, 0x03]
    assert packing.pack_codes(np.array([1, 2, 3, 0, 3]), 2).tolist() == [0b00111001, 0b11]
    assert packing.pack_codes(np.array([5, 6, 7]), 3).tolist() == [0b11110101, 0b1]  # code 2 straddles


@settings(max_examples=50)
@given(st.sampled_from([2, 4]), st.integers(1, 40), st.integers(1, 40), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_a_packed_weight_matrix_gives_the_unpacked_path_s_codes_in_every_kernel(bits, u, v, w, seed):
    rng = np.random.default_rng(seed)
    weights = rng.integers(0, 2**bits, size=(u, v)).astype(np.uint8)
    activations = rng.integers(0, 256, size=(v, w)).astype(np.uint8)
    packed = packing.pack_codes(weights, bits)
    args = {"M0": 2**30 + 12345, "n": 9, "zero_a": int(rng.integers(0, 2**bits)), "zero_b": 7, "zero_out": 3}
    expected = sw_emu.qmatmul(weights, activations, **args)
    assert_array_equal(kernels.qmatmul(weights, activations, **args), expected)
    for unpack in (packing.unpack_codes, packing.unpack_codes_jit, sw_emu.unpack_codes):
        unpacked = unpack(packed, bits, u * v).reshape(u, v)
        assert_array_equal(sw_emu.qmatmul(unpacked, activations, **args), expected)
        assert_array_equal(kernels.qmatmul(unpacked, activations, **args), expected)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="code 16 does not fit 4 bits; expected 0 .. 15"):
        packing.pack_codes(np.array([3, 16]), 4)
    with pytest.raises(ValueError, match="bits=9 is out of range"):
        packing.pack_codes(np.array([1]), 9)
    with pytest.raises(ValueError, match="2 bytes; 5 codes of 4 bits take 3"):
        packing.unpack_codes(np.zeros(2, np.uint8), 4, 5)
