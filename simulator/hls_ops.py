"""Operation latencies of the HLS source reader and the schedule of a straight-line block.

``cnnacc hls-estimate FILE.cpp`` turns every run of statements between loops into one op of
the nest model, whose latency is the longest chain through the block's data dependences
(ASAP scheduling): a statement starts when the values it reads are ready and takes the
latency of its expression tree; independent statements overlap, as in a Vitis HLS schedule.

Latencies (cycles, a 250-300 MHz target; UG1399 "Operator latencies" and the AMD
DSP48E2 and RAMB18E2 user guides UG579 / UG573):
- add, subtract, compare, logic, shifts, select (?:): 1 (one LUT-carry stage);
- multiply: 3 when both operands fit a DSP48E2 (<= 27 x 18 bits), 5 for wider products; by a
  constant: 0 for a power of two (a shift), else 1 (shifts and adds);
- divide or modulo: bits + 3 (a radix-2 divider), 0 by a power-of-two literal (a shift);
- local array read: 2 (BRAM read, registered output), 0 when the array is fully partitioned
  (registers); local array write: 1;
- m_axi pointer read: the port's latency (INTERFACE latency=, default 64) + 2 (request,
  data, store: the cnnacc program model's rule); m_axi write: 1 (posted);
- hls::stream read or write: 1;
- float / double add 5, multiply 4 (DSP-based Vitis floating-point cores).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ADD = 1
MUL_DSP, MUL_WIDE = 3, 5
DSP_BITS = (27, 18)
DIV_EXTRA = 3
BRAM_READ, BRAM_WRITE = 2, 1
AXI_EXTRA = 2
STREAM = 1
FLOAT_ADD, FLOAT_MUL = 5, 4
DEFAULT_AXI_LATENCY = 64
BRAM_PORTS = 2  # a RAMB18E2 has two ports


@dataclass
class BlockSchedule:
    """ASAP schedule of one straight-line block: when each variable's value is ready."""

    ready: dict[str, int] = field(default_factory=dict)
    latency: int = 0

    def statement(self, reads: set[str], writes: set[str], latency: int) -> int:
        """Schedule a statement reading ``reads`` and writing ``writes``; returns its finish."""
        start = max((self.ready.get(name, 0) for name in reads), default=0)
        finish = start + latency
        for name in writes:
            self.ready[name] = max(self.ready.get(name, 0), finish)
        self.latency = max(self.latency, finish)
        return finish


def multiply_latency(bits_a: int, bits_b: int) -> int:
    """3 when the product fits one DSP48E2 (27 x 18 bits, either way round), else 5."""
    small, large = sorted((bits_a, bits_b))
    return MUL_DSP if small <= DSP_BITS[1] and large <= DSP_BITS[0] else MUL_WIDE


__all__ = [
    "ADD",
    "AXI_EXTRA",
    "BRAM_PORTS",
    "BRAM_READ",
    "BRAM_WRITE",
    "BlockSchedule",
    "DEFAULT_AXI_LATENCY",
    "DIV_EXTRA",
    "FLOAT_ADD",
    "FLOAT_MUL",
    "STREAM",
    "multiply_latency",
]
