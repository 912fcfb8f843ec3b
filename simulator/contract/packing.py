"""Sub-byte packing of weight codes: the one bit layout every packer and unpacker follows.

A weight of b bits (1 <= b <= 8, codes 0 .. 2^b - 1) takes b bits, not a byte. Codes are
laid end to end in one little-endian bit stream: code i occupies stream bits
[i b, i b + b), least significant bit first, and stream bit k is bit (k mod 8) of byte
floor(k / 8). Two 4-bit codes share a byte (code 2j in the low nibble, 2j + 1 in the high
one); four 2-bit codes share a byte; a 3-bit code may straddle two bytes. The last byte is
padded with zero bits. ``packed_bytes(count, bits) = ceil(count b / 8)``.

Three implementations, checked against each other (tests/property/test_packing.py): NumPy
(``pack_codes`` / ``unpack_codes``, on numpy's packbits with little bit order), Numba
(``unpack_codes_jit``, the loop the hardware runs: a bit cursor over the bytes) and C++
(``cnnacc::unpack_codes`` in hls_src/common/packing.hpp, through ``simulator.emulation.sw_emu``).
"""

from __future__ import annotations

import numba
import numpy as np

from simulator.contract.numerics import check_int

MIN_BITS, MAX_BITS = 1, 8


def packed_bytes(count: int, bits: int) -> int:
    """Bytes that ``count`` codes of ``bits`` bits take packed."""
    check_int("packed_bytes", "bits", bits, MIN_BITS, MAX_BITS)
    check_int("packed_bytes", "count", count, 0, 2**40)
    return -(-count * bits // 8)


def _check_codes(owner: str, codes: np.ndarray, bits: int) -> np.ndarray:
    check_int(owner, "bits", bits, MIN_BITS, MAX_BITS)
    codes = np.asarray(codes)
    if codes.size and (codes.min() < 0 or codes.max() > 2**bits - 1):
        bad = codes.max() if codes.max() > 2**bits - 1 else codes.min()
        raise ValueError(f"{owner}: code {int(bad)} does not fit {bits} bits; expected 0 .. {2**bits - 1}")
    return codes


def pack_codes(codes: np.ndarray, bits: int) -> np.ndarray:
    """The codes (any shape, flattened in C order) packed at ``bits`` bits: uint8, 1-D."""
    codes = _check_codes("pack_codes", codes, bits).astype(np.uint8).ravel()
    stream = np.unpackbits(codes[:, None], axis=1, bitorder="little")[:, :bits]
    return np.packbits(stream.ravel(), bitorder="little")


def unpack_codes(packed: np.ndarray, bits: int, count: int) -> np.ndarray:
    """``count`` codes of ``bits`` bits from ``packed`` (the inverse of ``pack_codes``): uint8."""
    packed = np.asarray(packed, dtype=np.uint8).ravel()
    needed = packed_bytes(count, bits)
    if packed.size != needed:
        raise ValueError(f"unpack_codes: {packed.size} bytes; {count} codes of {bits} bits take {needed}")
    stream = np.unpackbits(packed, bitorder="little")[: count * bits].reshape(count, bits)
    return (stream.astype(np.uint16) << np.arange(bits, dtype=np.uint16)).sum(axis=1).astype(np.uint8)


@numba.njit(cache=True, nogil=True)
def _unpack_jit(packed, bits, count, out):  # pragma: no cover - compiled
    mask = (1 << bits) - 1
    for i in range(count):
        bit = i * bits
        byte = bit >> 3
        shift = bit & 7
        window = np.int32(packed[byte])
        if shift + bits > 8:  # the code straddles into the next byte
            window |= np.int32(packed[byte + 1]) << 8
        out[i] = (window >> shift) & mask


def unpack_codes_jit(packed: np.ndarray, bits: int, count: int) -> np.ndarray:
    """``unpack_codes`` by the bit-cursor loop (Numba), as the C++ unpacker runs it."""
    packed = np.ascontiguousarray(packed, dtype=np.uint8).ravel()
    needed = packed_bytes(count, bits)
    if packed.size != needed:
        raise ValueError(f"unpack_codes_jit: {packed.size} bytes; {count} codes of {bits} bits take {needed}")
    out = np.empty(count, dtype=np.uint8)
    _unpack_jit(packed, bits, count, out)
    return out


__all__ = ["MAX_BITS", "MIN_BITS", "pack_codes", "packed_bytes", "unpack_codes", "unpack_codes_jit"]
