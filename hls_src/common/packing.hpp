// Sub-byte weight codes: the bit layout of simulator/contract/packing.py. Code i of b bits
// (1 <= b <= 8) occupies bits [i b, i b + b) of a little-endian bit stream (least significant
// bit first; stream bit k is bit k mod 8 of byte k / 8); the last byte is zero-padded.
//
// unpack_codes is the loop a weight loader runs to expand packed codes into the bytes the
// matmul reads: one code per cycle from a 16-bit window of the byte the code starts in and
// the next (a code straddles at most two bytes).
#pragma once

#include <cstdint>

namespace cnnacc {

// Bytes that `count` codes of `bits` bits take packed.
inline uint64_t packed_bytes(uint64_t count, uint32_t bits) { return (count * bits + 7) / 8; }

// Loop labels name loops in HLS reports; they are never goto targets.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-label"
// out[i] = code i of `bits` bits in `packed`, for i < count.
inline void unpack_codes(const uint8_t* packed, uint32_t bits, uint64_t count, uint8_t* out) {
    const uint32_t mask = (1u << bits) - 1;
    const uint64_t last = packed_bytes(count, bits) - 1;
UnpackCodes:
    for (uint64_t i = 0; i < count; ++i) {
#pragma HLS PIPELINE II = 1
        const uint64_t bit = i * bits;
        const uint64_t byte = bit / 8;
        const uint32_t shift = static_cast<uint32_t>(bit % 8);
        const uint32_t high = byte < last ? uint32_t{packed[byte + 1]} : 0u;  // never read past the end
        const uint32_t window = uint32_t{packed[byte]} | (high << 8);
        out[i] = static_cast<uint8_t>((window >> shift) & mask);
    }
}
#pragma GCC diagnostic pop

}  // namespace cnnacc
