"""Resource model: DSP, BRAM_18K, URAM, LUT and FF of a design, and % of its target part.

Every count is a formula of the design object, written in the docstring of the function that
computes it, so a reader can redo any number by hand. Sources:
- DSP48E2 (UG579): a 27 x 18 multiplier with a 48-bit accumulator. Two 8-bit products that
  share one operand fit one DSP48E2 (AMD WP486, "Deep Learning with INT8 Optimization on
  Xilinx Devices"): hls_src/matmul/matmul.cpp multiplies raw uint8 values, packing two
  products per DSP explicitly, and applies the zero-point terms of Jacob et al. 2018
  eq. 7-8 after accumulation from row and column sums.
  A 32 x 31-bit product (accumulator times M0) takes three DSP48E2 plus fabric adders.
- RAMB18E2 (UG573): 18 Kbit, simple dual port as 16K x 1, 8K x 2, 4K x 4, 2K x 9, 1K x 18 or
  512 x 36. Distributed RAM (UG574): a RAM64M8 holds 64 x 7 bits in 8 LUTs.
- Vitis HLS (UG1399) binds arrays to BRAM or LUTRAM by size unless told otherwise, and never
  to URAM without a BIND_STORAGE directive: this model reports URAM = 0.
The LUT and FF costs per PE, per requantization lane, per AXI adapter and for control are
order-of-magnitude estimates (named constants below), not fitted to csynth reports: there is
no Vitis on the machines this project runs on.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

from simulator.hardware.designs import PARTS, Im2colDesign, MatmulDesign

RESOURCE_KINDS = ("dsp", "bram_18k", "uram", "lut", "ff")
BRAM18_SHAPES = ((16384, 1), (8192, 2), (4096, 4), (2048, 9), (1024, 18), (512, 36))
LUTRAM_MAX_BITS = 1024  # smaller banks go to distributed RAM, as Vitis HLS does by default
LUTRAM_DEPTH, LUTRAM_WIDTH, LUTRAM_LUTS = 64, 7, 8  # one RAM64M8
MACS_PER_DSP = 2  # two 8-bit products sharing an operand (WP486)
DSP_PER_WIDE_MULTIPLY = 3  # 32 x 32-bit accumulator times M0
DSP_PER_ZERO_POINT_TERM = 1  # Za * colsum(B) or Zb * rowsum(A): 8 x 24 bits
LUT_PER_PE, FF_PER_PE = 24, 56  # second packed accumulator, operand and pipeline registers
LUT_PER_REQUANT_LANE, FF_PER_REQUANT_LANE = 180, 260  # shift, round, add, clamp
LUT_PER_AXI_ADAPTER, FF_PER_AXI_ADAPTER = 1800, 2600  # m_axi adapter with its FIFOs
LUT_PER_AXI_BIT, FF_PER_AXI_BIT = 2, 4  # data path width of one adapter
LUT_CONTROL, FF_CONTROL = 1500, 1200  # FSMs, s_axilite registers, address generators
LUT_PER_WINDOW_BYTE, FF_PER_WINDOW_BYTE = 10, 8  # a shift-register byte and its multiplexer
LUT_PER_FABRIC_MAC, FF_PER_FABRIC_MAC = 48, 24  # an 8 x 8-bit product in LUTs and its adder-tree share
LUT_UNIT_CONTROL, FF_UNIT_CONTROL = 300, 300  # a dataflow unit's counters and handshakes
URAM_DEPTH, URAM_WIDTH = 4096, 72  # one URAM288 (UG573)
ROM_KINDS = ("lutram", "bram", "uram")


@dataclass(frozen=True, kw_only=True, slots=True)
class Resources:
    """Estimated resources of one design and their share of the target part.

    ``breakdown`` maps each component (e.g. "pe_array", "buffer_a") to its own counts.
    """

    part: str
    dsp: int
    bram_18k: int
    uram: int
    lut: int
    ff: int
    breakdown: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def capacity(self) -> dict[str, int]:
        """Resources of the part (PARTS[part])."""
        return dict(PARTS[self.part])

    @property
    def utilization_percent(self) -> dict[str, float]:
        """100 * used / available for every kind (0 when the part has none and none is used)."""
        percent = {}
        for kind in RESOURCE_KINDS:
            available = self.capacity[kind]
            used = getattr(self, kind)
            percent[kind] = 100.0 * used / available if available else (0.0 if used == 0 else math.inf)
        return percent

    @property
    def fits(self) -> bool:
        """True when no kind exceeds the part."""
        return all(getattr(self, kind) <= self.capacity[kind] for kind in RESOURCE_KINDS)

    def to_json(self) -> dict[str, Any]:
        """Counts, utilization % and fit as a JSON-ready dict."""
        percent = {kind: round(value, 3) for kind, value in self.utilization_percent.items()}
        return {
            "part": self.part,
            **{kind: getattr(self, kind) for kind in RESOURCE_KINDS},
            "utilization_percent": percent,
            "fits": self.fits,
            "breakdown": {name: dict(counts) for name, counts in self.breakdown.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Resources:
        """Inverse of ``to_json`` (derived keys are recomputed, not read)."""
        return cls(
            part=data["part"],
            **{kind: int(data[kind]) for kind in RESOURCE_KINDS},
            breakdown={name: dict(counts) for name, counts in data.get("breakdown", {}).items()},
        )


# ----------------------------------------------------------------------------- memories


@functools.cache
def bram18_count(depth: int, width_bits: int) -> int:
    """RAMB18E2 blocks for one memory of ``depth`` words of ``width_bits``.

    min over the shapes (d, w) in BRAM18_SHAPES of ceil(depth / d) * ceil(width_bits / w).
    """
    return min(math.ceil(depth / d) * math.ceil(width_bits / w) for d, w in BRAM18_SHAPES)


def lutram_luts(depth: int, width_bits: int) -> int:
    """LUTs of a distributed RAM: 8 * ceil(depth / 64) * ceil(width_bits / 7) (RAM64M8)."""
    return LUTRAM_LUTS * math.ceil(depth / LUTRAM_DEPTH) * math.ceil(width_bits / LUTRAM_WIDTH)


def buffer_cost(elements: int, width_bits: int, banks: int, copies: int) -> dict[str, int]:
    """Resources of one on-chip buffer split into ``banks`` (ARRAY_PARTITION), ``copies`` times.

    Each bank holds depth = ceil(elements / banks) words of ``width_bits``:
    depth == 1 -> registers (FF = width_bits per bank); depth * width <= 1024 bits -> LUTRAM
    (``lutram_luts``); otherwise BRAM_18K (``bram18_count``). Totals are per bank times
    banks times copies.
    """
    banks = max(1, min(banks, elements))
    depth = math.ceil(elements / banks)
    per_bank = {"dsp": 0, "bram_18k": 0, "uram": 0, "lut": 0, "ff": 0}
    if depth == 1:
        per_bank["ff"] = width_bits
    elif depth * width_bits <= LUTRAM_MAX_BITS:
        per_bank["lut"] = lutram_luts(depth, width_bits)
    else:
        per_bank["bram_18k"] = bram18_count(depth, width_bits)
    return {kind: count * banks * copies for kind, count in per_bank.items()}


def _axi_adapter(design: MatmulDesign | Im2colDesign) -> dict[str, int]:
    """One m_axi adapter: LUT = 1800 + 2 * width, FF = 2600 + 4 * width (estimates)."""
    width = design.axi_width_bits
    return {
        "dsp": 0,
        "bram_18k": 0,
        "uram": 0,
        "lut": LUT_PER_AXI_ADAPTER + LUT_PER_AXI_BIT * width,
        "ff": FF_PER_AXI_ADAPTER + FF_PER_AXI_BIT * width,
    }


def _total(design: MatmulDesign | Im2colDesign, breakdown: dict[str, dict[str, int]]) -> Resources:
    return sum_resources(design.part, breakdown)


# ------------------------------------------------------------------------------- matmul


def _zero() -> dict[str, int]:
    return {"dsp": 0, "bram_18k": 0, "uram": 0, "lut": 0, "ff": 0}


def _fifo(depth: int, width_bits: int) -> dict[str, int]:
    """A stream (hls::stream) of ``depth`` items of ``width_bits``: one memory."""
    return buffer_cost(depth, width_bits, 1, 1)


def matmul_resources(design: MatmulDesign) -> Resources:
    """Resources of a MatmulDesign, from the arrays and operators of hls_src/matmul/matmul.cpp.

    - pe_array (compute): DSP = tile_v * ceil(tile_w / 2): the C++ multiplies raw uint8 codes
      and packs the two products that share an A value into one DSP48E2 (WP486); the
      zero points are subtracted after accumulation (Jacob et al. eq. 7-8), which is what
      keeps the operands 8-bit: subtracting them first would give 9-bit operands and one DSP
      per MAC. LUT = 24 and FF = 56 per MAC (adder trees, pipeline registers); the two banks
      of B tiles (one streaming, one latching) are 2 * 8 * tile_v * tile_w FF (registers,
      ARRAY_PARTITION complete).
    - zero_points (compute): tile_w + 1 DSP for Za * colsum(B) per column and Zb * rowsum(A).
    - sums (compute): partial[tile_u][tile_w] int32 in tile_w banks, row_sums[tile_u],
      col_sums[2][tile_w] registers.
    - requantizer: DSP = 3 per lane (acc * M0, a 32 x 31-bit product), LUT = 180 and
      FF = 260 per lane; bias_buffer[max(tile_u, max_w)] int32.
    - ring_a (load_a): max(window_words(tile_v), a_buffer_bytes / bytes_per_beat) AXI words in
      tile_v / bytes_per_beat + 1 cyclic banks; ring_b (load_b): the same with tile_w and
      b_buffer_bytes (``MatmulDesign.a_ring_words``, ``b_ring_words``);
      band (store): tile_u * max_w bytes and a word more, as words of one bank per byte lane.
    - streams: a_rows, b_rows, acc_rows, out_rows of one tile of rows (two with ping-pong),
      and the two fetch streams of burst_beats words (two bursts with ping-pong).
    - axi: one m_axi adapter ("shared") or three ("separate"), see ``_axi_adapter``.
    - control: LUT = 1500, FF = 1200.
    """
    tile_u, tile_v, tile_w = design.tile_u, design.tile_v, design.tile_w
    macs = tile_v * tile_w
    copies = design.n_buffers
    word = design.bytes_per_beat
    lanes = min(design.requant_lanes, tile_w)
    n_adapters = 1 if design.axi_ports == "shared" else 3
    adapter = _axi_adapter(design)
    streams = [
        _fifo(tile_u * copies, 8 * tile_v),
        _fifo(tile_v * copies, 8 * tile_w),
        _fifo(tile_u * copies, 32 * tile_w),
        _fifo(tile_u * copies, 8 * tile_w),
        *[_fifo(design.burst_beats * copies, design.axi_width_bits)] * 2,  # the loads' fetched words
    ]
    band_words = -(-tile_u * design.max_w // word) + 1
    breakdown = {
        "pe_array": {
            **_zero(),
            "dsp": tile_v * math.ceil(tile_w / MACS_PER_DSP),
            "lut": LUT_PER_PE * macs,
            "ff": FF_PER_PE * macs + 2 * 8 * macs,
        },
        "zero_points": {**_zero(), "dsp": (tile_w + 1) * DSP_PER_ZERO_POINT_TERM},
        "sums": {
            kind: a + b + c
            for kind, a, b, c in zip(
                RESOURCE_KINDS,
                *(
                    counts.values()
                    for counts in (
                        buffer_cost(tile_u * tile_w, 32, tile_w, 1),
                        buffer_cost(tile_u, 32, 1, 1),
                        {**_zero(), "ff": 2 * 32 * tile_w},
                    )
                ),
            )
        },
        "requantizer": {
            **_zero(),
            "dsp": lanes * DSP_PER_WIDE_MULTIPLY,
            "lut": LUT_PER_REQUANT_LANE * lanes,
            "ff": FF_PER_REQUANT_LANE * lanes,
        },
        "bias": buffer_cost(max(tile_u, design.max_w), 32, 1, 1),
        "ring_a": buffer_cost(design.a_ring_words, design.axi_width_bits, tile_v // word + 1, 1),
        "ring_b": buffer_cost(design.b_ring_words, design.axi_width_bits, tile_w // word + 1, 1),
        "band": buffer_cost(band_words * word, 8, word, 1),
        "streams": {kind: sum(stream[kind] for stream in streams) for kind in RESOURCE_KINDS},
        "axi": {kind: count * n_adapters for kind, count in adapter.items()},
        "control": {**_zero(), "lut": LUT_CONTROL, "ff": FF_CONTROL},
    }
    return _total(design, breakdown)


# ------------------------------------------------------------------------------- im2col


def im2col_resources(design: Im2colDesign) -> Resources:
    """Resources of an Im2colDesign, from the arrays of hls_src/im2col/im2col.cpp.

    - copies: max_k image copies of (max_src_m + 2) * (max_src_n + 2) bytes and two words
      more, each a dual-port RAM of AXI words (ARRAY_PARTITION complete dim 1).
    - shifters: the unpacker, the packer, the bytes each copy waits to fill a word with and the
      two words an output run is shifted out of, 2 * bytes_per_beat byte registers each, with a
      byte-wide shift multiplexer (LUT = 10 and FF = 8 per byte).
    - streams: in_words and out_words of burst_beats words (two bursts with ping-pong).
    - axi: two m_axi adapters (gmem0 in, gmem1 out); control as matmul.
    DSP = 0: addresses need adders and constant multiplies only.
    """
    word = design.bytes_per_beat
    shifter_bytes = (2 + design.max_k + 1) * 2 * word
    image_words = design.image_bytes // word + 2
    fifo = _fifo(design.burst_beats * design.n_buffers, design.axi_width_bits)
    adapter = _axi_adapter(design)
    breakdown = {
        "copies": buffer_cost(design.max_k * image_words, design.axi_width_bits, design.max_k, 1),
        "shifters": {**_zero(), "lut": LUT_PER_WINDOW_BYTE * shifter_bytes, "ff": FF_PER_WINDOW_BYTE * shifter_bytes},
        "streams": {kind: 2 * count for kind, count in fifo.items()},
        "axi": {kind: 2 * count for kind, count in adapter.items()},
        "control": {**_zero(), "lut": LUT_CONTROL, "ff": FF_CONTROL},
    }
    return _total(design, breakdown)


# ------------------------------------------------------------------------------ dataflow


def rom_storage(depth: int, width_bits: int, part: str) -> tuple[str, dict[str, int]]:
    """Where a ROM of ``depth`` words of ``width_bits`` costs the smallest share of ``part``:
    distributed ROM (``lutram_luts``), RAMB18E2 (``bram18_count``) or URAM288 (72-bit words,
    4,096 deep, UG573: ceil(width / 72) * ceil(depth / 4096)); the generator binds it there
    (BIND_STORAGE impl=lutram | bram | uram), so Vitis does not choose by size."""
    capacity = PARTS[part]
    costs = {
        "lutram": {**_zero(), "lut": lutram_luts(depth, width_bits)},
        "bram": {**_zero(), "bram_18k": bram18_count(depth, width_bits)},
        "uram": {**_zero(), "uram": math.ceil(width_bits / URAM_WIDTH) * math.ceil(depth / URAM_DEPTH)},
    }

    def share(kind: str) -> float:
        used = {name: count for name, count in costs[kind].items() if count}
        return max((count / capacity[name] if capacity[name] else math.inf for name, count in used.items()), default=0)

    best = min(ROM_KINDS, key=share)
    return best, costs[best]


def dataflow_unit_resources(
    *, macs: int, lanes: int, columns: int, roms: list[tuple[int, int]], register_bits: int, part: str
) -> dict[str, dict[str, int]]:
    """Resources of one unit of hls_src/dataflow/dataflow.hpp, by component:

    - macs: ``macs`` 8 x 8-bit products a cycle bound to fabric (BIND_OP impl=fabric), LUT = 48
      and FF = 24 each with their share of the adder tree (estimates);
    - requantizer: ``lanes`` (= columns x PE) output_code instances, DSP = 3 each (acc * M0,
      32 x 31 bits), LUT = 180 and FF = 260 (as the matmul's requantizer);
    - zero_points: Z_w * sum x per column, DSP = 1 each;
    - roms: each (depth, width) ROM where ``rom_storage`` puts it;
    - registers: ``register_bits`` of partitioned arrays (line buffer, output row, input vector,
      accumulators) as FF, with a byte multiplexer each (LUT = 10 per byte);
    - control: LUT = FF = 300."""
    rom_counts = [rom_storage(depth, width, part)[1] for depth, width in roms]
    register_bytes = math.ceil(register_bits / 8)
    return {
        "macs": {**_zero(), "lut": LUT_PER_FABRIC_MAC * macs, "ff": FF_PER_FABRIC_MAC * macs},
        "requantizer": {
            **_zero(),
            "dsp": DSP_PER_WIDE_MULTIPLY * lanes,
            "lut": LUT_PER_REQUANT_LANE * lanes,
            "ff": FF_PER_REQUANT_LANE * lanes,
        },
        "zero_points": {**_zero(), "dsp": DSP_PER_ZERO_POINT_TERM * columns},
        "roms": {kind: sum(counts[kind] for counts in rom_counts) for kind in RESOURCE_KINDS},
        "registers": {**_zero(), "lut": LUT_PER_WINDOW_BYTE * register_bytes, "ff": register_bits},
        "control": {**_zero(), "lut": LUT_UNIT_CONTROL, "ff": FF_UNIT_CONTROL},
    }


def sum_resources(part: str, breakdown: dict[str, dict[str, int]]) -> Resources:
    """A Resources of the components in ``breakdown`` on ``part``."""
    sums = {kind: sum(counts[kind] for counts in breakdown.values()) for kind in RESOURCE_KINDS}
    return Resources(part=part, breakdown=breakdown, **sums)


def estimate_resources(design: MatmulDesign | Im2colDesign) -> Resources:
    """Resources of any design object (see ``matmul_resources`` and ``im2col_resources``).

    Raises
    ------
    TypeError
        If ``design`` is not a MatmulDesign or an Im2colDesign.
    """
    if isinstance(design, MatmulDesign):
        return matmul_resources(design)
    if isinstance(design, Im2colDesign):
        return im2col_resources(design)
    raise TypeError(
        f"estimate_resources: design must be a MatmulDesign or an Im2colDesign; got {type(design).__name__}"
    )


__all__ = [
    "RESOURCE_KINDS",
    "Resources",
    "bram18_count",
    "buffer_cost",
    "dataflow_unit_resources",
    "estimate_resources",
    "rom_storage",
    "sum_resources",
]
