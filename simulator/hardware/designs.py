"""Design objects: one frozen dataclass per hardware unit (DESIGN.md "Hardware model contract").

A design holds every parameter of one unit (clock, AXI port, buffers, PE array, pipeline
depths, target part). The same object drives the SimPy model, its analytic twin, the resource
model, the C++ build (``cpp_defines()``, read by hls_src/common/design.hpp) and the report
(``fingerprint()``). Every field is checked at construction from one table
``{field: (type, min, max)}``; choices are checked against the module tuples below, spelled
the same in Python, JSON and the CLI.

Sources: AXI4 (AMBA AXI protocol specification, ARM IHI 0022: at most 256 beats per burst and
no burst crossing a 4 KB boundary); Vitis HLS m_axi (UG1399, "Options for Controlling AXI4
Burst Behavior": read latency from request to first data, write latency from last write data
to write response, 64 cycles by default; 16-beat bursts and 16 outstanding requests by
default); AWS F1 (xcvu9p at a 250 MHz kernel clock); SCALE-Sim (Samajdar et al. 2020) for the
dataflow names.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any, Literal

from simulator.contract.numerics import KERNEL_SIZE_MAX, ROUNDING_MODES, Rounding, check_choice

DATAFLOWS = ("output_stationary", "weight_stationary", "input_stationary")
Dataflow = Literal["output_stationary", "weight_stationary", "input_stationary"]
BUFFERING = ("single", "ping_pong")
Buffering = Literal["single", "ping_pong"]
PE_INTERCONNECTS = ("broadcast", "systolic")
PeInterconnect = Literal["broadcast", "systolic"]
AXI_PORTS = ("shared", "separate")
AxiPorts = Literal["shared", "separate"]

# Capacities of the target parts: DSP48E2 slices, 18 Kbit block RAMs, UltraRAMs, LUTs, FFs.
PARTS: dict[str, dict[str, int]] = {
    "xcvu9p": {"dsp": 6840, "bram_18k": 4320, "uram": 960, "lut": 1_182_240, "ff": 2_364_480},
    "xc7z020": {"dsp": 220, "bram_18k": 280, "uram": 0, "lut": 53_200, "ff": 106_400},
}

AXI4_MAX_BURST_BYTES = 4096  # an AXI4 burst must not cross a 4 KB address boundary

# field: (type, min, max); bool fields use (bool, False, True).
FieldTable = dict[str, tuple[type, Any, Any]]

_PORT_FIELDS: FieldTable = {
    "clock_mhz": (float, 10.0, 1000.0),
    "axi_width_bits": (int, 32, 1024),
    "burst_beats": (int, 1, 256),
    "mem_latency_cycles": (int, 1, 1024),
    "max_outstanding": (int, 1, 64),
}


def check_field(owner: str, name: str, value: Any, kind: type, lo: Any, hi: Any) -> Any:
    """Return ``value`` if it is a ``kind`` in [lo, hi]; raise TypeError or ValueError otherwise.

    Messages follow STYLE.md section 11: ``Owner.name=value is out of range; expected ...``.
    """
    if kind is bool:
        if not isinstance(value, bool):
            raise TypeError(f"{owner}.{name}={value!r} must be a bool (True or False)")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{owner}.{name}={value!r} must be an int in [{lo}, {hi}]")
        if not lo <= value <= hi:
            raise ValueError(f"{owner}.{name}={value!r} is out of range; expected an int in [{lo}, {hi}]")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{owner}.{name}={value!r} must be a number in [{lo}, {hi}]")
    if not (math.isfinite(value) and lo <= value <= hi):
        raise ValueError(f"{owner}.{name}={value!r} is out of range; expected a number in [{lo}, {hi}]")
    return value


def _validate(design: Any, table: FieldTable, choices: dict[str, tuple[str, ...]]) -> None:
    owner = type(design).__name__
    for name, (kind, lo, hi) in table.items():
        check_field(owner, name, getattr(design, name), kind, lo, hi)
        if kind is float:
            # 250 and 250.0 are one design: store floats so to_json and fingerprint agree
            object.__setattr__(design, name, float(getattr(design, name)))
    for name, allowed in choices.items():
        check_choice(f"{owner}.{name}", getattr(design, name), allowed)


def _check_axi_port(design: Any) -> None:
    """Cross-field checks of the AXI port shared by every unit."""
    owner = type(design).__name__
    width = design.axi_width_bits
    if width & (width - 1):
        allowed = ", ".join(str(2**p) for p in range(5, 11))
        raise ValueError(f"{owner}.axi_width_bits={width!r} is not a power of two; expected one of {allowed}")
    burst_bytes = design.burst_beats * width // 8
    if burst_bytes > AXI4_MAX_BURST_BYTES:
        raise ValueError(
            f"{owner}.burst_beats={design.burst_beats!r} with axi_width_bits={width} makes "
            f"{burst_bytes}-byte bursts; AXI4 bursts must not cross a 4 KB boundary: expected "
            f"burst_beats <= {AXI4_MAX_BURST_BYTES * 8 // width}"
        )


_AXI_MACROS = (  # the port fields both designs build (see _DesignMixin.MACROS)
    ("AXI_WIDTH_BITS", "axi_width_bits"),
    ("BURST_BEATS", "burst_beats"),
    ("MAX_OUTSTANDING", "max_outstanding"),
    ("MEM_LATENCY_CYCLES", "mem_latency_cycles"),
    ("BUFFERING_PING_PONG", "buffering", "ping_pong"),
)


class _DesignMixin:
    """to_json / from_json / fingerprint and the -D flags, shared by every design."""

    __slots__ = ()

    FIELDS: FieldTable
    CHOICES: dict[str, tuple[str, ...]]
    # The design.hpp macro of every field the C++ builds, in flag order: (macro, field) for a
    # number, (macro, field, choice) for a 0/1 flag set when the field is that choice, and
    # (macro, None, value) for a macro this design always builds at one value.
    MACROS: tuple[tuple, ...]

    def _macros(self) -> dict[str, int]:
        """The -D flags of the design by ``MACROS``."""
        flags = {}
        for macro, field_name, *choice in self.MACROS:
            if field_name is None:
                flags[macro] = choice[0]
            else:
                value = getattr(self, field_name)
                flags[macro] = int(value == choice[0]) if choice else value
        return flags

    def to_json(self) -> dict[str, Any]:
        """Every field as a JSON-ready dict (``json.dumps(design.to_json())``)."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_json(cls, data: dict[str, Any] | str):
        """Build a design from ``to_json()`` output (a dict or its JSON text).

        Missing fields take their defaults; unknown fields raise ValueError.
        """
        if isinstance(data, str):
            data = json.loads(data)
        if not isinstance(data, dict):
            raise TypeError(f"{cls.__name__}.from_json expects a dict or JSON text; got {type(data).__name__}")
        known = {field.name for field in dataclasses.fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"{cls.__name__}.from_json: unknown fields {unknown}; expected some of {sorted(known)}")
        return cls(**data)

    def fingerprint(self) -> str:
        """12 hex digits of SHA-256 over the class name and every field (canonical JSON)."""
        text = json.dumps({"unit": type(self).__name__, **self.to_json()}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True, kw_only=True, slots=True)
class _PortMixin(_DesignMixin):
    """The fields and properties of a unit with an AXI port, a clock, buffers and a target part
    (their defaults: AWS F1's xcvu9p at 250 MHz, Vitis HLS's m_axi defaults, a 512-bit port)."""

    clock_mhz: float = 250.0
    axi_width_bits: int = 512
    burst_beats: int = 16
    mem_latency_cycles: int = 64
    max_outstanding: int = 16
    buffering: Buffering = "ping_pong"
    part: str = "xcvu9p"

    @property
    def bytes_per_beat(self) -> int:
        """Bytes moved by one AXI data beat: axi_width_bits / 8."""
        return self.axi_width_bits // 8

    @property
    def burst_bytes(self) -> int:
        """Bytes of one full burst: burst_beats * bytes_per_beat."""
        return self.burst_beats * self.bytes_per_beat

    @property
    def n_buffers(self) -> int:
        """Copies of every on-chip buffer: 1 (single) or 2 (ping-pong)."""
        return 2 if self.buffering == "ping_pong" else 1

    @property
    def part_capacity(self) -> dict[str, int]:
        """Resource capacity of the target part (see PARTS)."""
        return dict(PARTS[self.part])

    def cycles_to_us(self, cycles: int) -> float:
        """Microseconds taken by ``cycles`` at clock_mhz."""
        return cycles / self.clock_mhz


@dataclass(frozen=True, kw_only=True, slots=True)
class MatmulDesign(_PortMixin):
    """The quantized matmul accelerator (spec Part 2, Task 1), as hls_src/matmul/matmul.cpp.

    Schedule: output tiles of tile_u x tile_w, accumulated over depth tiles of tile_v; the
    B tile (tile_v x tile_w) stays in the PE array while the rows of the A tile stream past
    it, one row per cycle; a requantizer turns the exact accumulators into uint8 codes and
    the output is written back in address order (see matmul.cpp). Its PE array is the B tile,
    tile_v x tile_w MACs, weight stationary with its operands broadcast; every field is one
    the C++ builds (SCALE-Sim's systolic arrays are ``SystolicDesign``).

    Attributes
    ----------
    clock_mhz : kernel clock in MHz (AWS F1 kernel clock: 250)
    axi_width_bits : AXI data width in bits (power of two, 32..1024)
    burst_beats : beats of a full AXI burst
    mem_latency_cycles : cycles from a read request to its first data beat, and from the last
        write beat to its write response
    max_outstanding : AXI requests in flight per channel
    axi_ports : "shared" (A, B and out on one m_axi bundle, A and B reads contend) or
        "separate" (one bundle per matrix: gmem0/1/2 of matmul.cpp)
    tile_u, tile_v, tile_w : tile shape in elements (TILE_U/V/W of the C++ build)
    requant_lanes : accumulators requantized per cycle
    max_w : widest output row (w) the store's band buffer holds (MAX_W)
    a_buffer_bytes : bytes of A the load ring holds whole (A_BUFFER_BYTES): an A that fits
        (the input of an FC layer, streamed once per column tile) is read once; 0: on demand
    b_buffer_bytes : bytes of B the load ring holds whole (B_BUFFER_BYTES): a B that fits
        (an activation matrix) is read once, in one burst train; 0 reads rows on demand
    buffering : "single" or "ping_pong": the streams between processes hold one or two tiles
    rounding : requantization mode of the numerical contract (ROUNDING_NEAREST of the build)
    part : target FPGA (see PARTS)
    """

    axi_ports: AxiPorts = "separate"
    tile_u: int = 32
    tile_v: int = 32
    tile_w: int = 64
    requant_lanes: int = 64
    max_w: int = 1024
    a_buffer_bytes: int = 16384
    b_buffer_bytes: int = 32768
    rounding: Rounding = "floor"

    FIELDS = {
        **_PORT_FIELDS,
        "tile_u": (int, 1, 256),
        "tile_v": (int, 1, 256),
        "tile_w": (int, 1, 256),
        "requant_lanes": (int, 1, 1024),
        "max_w": (int, 1, 4096),
        "a_buffer_bytes": (int, 0, 262144),
        "b_buffer_bytes": (int, 0, 262144),
    }
    CHOICES = {
        "axi_ports": AXI_PORTS,
        "buffering": BUFFERING,
        "rounding": ROUNDING_MODES,
        "part": tuple(PARTS),
    }
    MACROS = (
        ("TILE_U", "tile_u"),
        ("TILE_V", "tile_v"),
        ("TILE_W", "tile_w"),
        ("ROUNDING_NEAREST", "rounding", "nearest"),
        ("REQUANT_LANES", "requant_lanes"),
        ("MAX_W", "max_w"),
        ("A_BUFFER_BYTES", "a_buffer_bytes"),
        ("B_BUFFER_BYTES", "b_buffer_bytes"),
        *_AXI_MACROS,
        ("AXI_PORTS_SHARED", "axi_ports", "shared"),
    )

    def __post_init__(self) -> None:
        _validate(self, self.FIELDS, self.CHOICES)
        _check_axi_port(self)

    @property
    def macs_per_cycle(self) -> int:
        """Peak MACs per cycle of the PE array, one per element of the B tile: tile_v * tile_w."""
        return self.tile_v * self.tile_w

    def window_words(self, row_bytes: int) -> int:
        """AXI words a row of up to ``row_bytes`` bytes can span (the C++ ``window_words``)."""
        return (row_bytes + self.bytes_per_beat - 2) // self.bytes_per_beat + 1

    @property
    def a_ring_words(self) -> int:
        """Words of load_a's ring: a row's window, or a_buffer_bytes (the C++ ``a_ring_words``)."""
        return max(self.window_words(self.tile_v), self.a_buffer_bytes // self.bytes_per_beat)

    @property
    def b_ring_words(self) -> int:
        """Words of load_b's ring: a row's window, or b_buffer_bytes (the C++ ``b_ring_words``)."""
        return max(self.window_words(self.tile_w), self.b_buffer_bytes // self.bytes_per_beat)

    def cpp_defines(self) -> dict[str, int]:
        """-D flags of hls_src/common/design.hpp: the only source of the kernel's parameters."""
        return self._macros()


@dataclass(frozen=True, kw_only=True, slots=True)
class Im2colDesign(_PortMixin):
    """The streaming im2col unit (spec Part 2, Task 2), as hls_src/im2col/im2col.cpp.

    The input is burst-read word by word; per channel, the padded image is kept as KN
    shifted copies (each ``(max_src_m + 2) x (max_src_n + 2)`` bytes, banked by the word
    width), so every output row (c, kr, kc) is one contiguous run of one copy, emitted a
    word per cycle and written back in address order (see im2col.cpp).

    Attributes
    ----------
    clock_mhz, axi_width_bits, burst_beats, mem_latency_cycles, max_outstanding : as MatmulDesign
    max_src_m, max_src_n : largest input the image copies hold (MAX_SRC_M / _N)
    max_k : largest kernel size, the number of image copies (MAX_K)
    buffering : "single" or "ping_pong": the word streams hold one or two bursts
    part : target FPGA (see PARTS)
    """

    max_src_m: int = 64
    max_src_n: int = 64
    max_k: int = 3

    FIELDS = {
        **_PORT_FIELDS,
        "max_src_m": (int, 1, 512),
        "max_src_n": (int, 1, 512),
        "max_k": (int, 1, KERNEL_SIZE_MAX),
    }
    CHOICES = {"buffering": BUFFERING, "part": tuple(PARTS)}
    MACROS = (
        ("MAX_SRC_M", "max_src_m"),
        ("MAX_SRC_N", "max_src_n"),
        ("MAX_K", "max_k"),
        *_AXI_MACROS,
        ("AXI_PORTS_SHARED", None, 0),  # one bundle for its input and output
    )

    def __post_init__(self) -> None:
        _validate(self, self.FIELDS, self.CHOICES)
        _check_axi_port(self)

    @property
    def image_bytes(self) -> int:
        """Bytes of one image copy: (max_src_m + 2) * (max_src_n + 2)."""
        return (self.max_src_m + 2) * (self.max_src_n + 2)

    def cpp_defines(self) -> dict[str, int]:
        """-D flags of hls_src/common/design.hpp: the only source of the kernel's parameters."""
        return self._macros()


@dataclass(frozen=True, kw_only=True, slots=True)
class SystolicDesign(_DesignMixin):
    """A PE array as SCALE-Sim models it (Samajdar et al. 2020), for the comparison model of
    ``simulator.interop.systolic_array``; the C++ builds none of these (its array is
    MatmulDesign's B tile).

    Attributes
    ----------
    pe_rows, pe_cols : PE array shape (R x C; MACs per cycle = R * C)
    pe_interconnect : "systolic" (operands passed PE to PE, as SCALE-Sim models) or
        "broadcast" (operands fanned out, as an HLS-unrolled loop nest)
    dataflow : which operand stays in the PEs during a fold
    fold_overlap : True lets consecutive folds overlap (shadow registers); False runs each
        fold's fill, stream and drain before the next (SCALE-Sim's model)
    mac_latency_cycles : pipeline depth of one broadcast PE (the systolic skew counts none)
    """

    pe_rows: int = 32
    pe_cols: int = 32
    pe_interconnect: PeInterconnect = "systolic"
    dataflow: Dataflow = "output_stationary"
    fold_overlap: bool = False
    mac_latency_cycles: int = 4

    FIELDS = {
        "pe_rows": (int, 1, 512),
        "pe_cols": (int, 1, 512),
        "fold_overlap": (bool, False, True),
        "mac_latency_cycles": (int, 1, 32),
    }
    CHOICES = {"pe_interconnect": PE_INTERCONNECTS, "dataflow": DATAFLOWS}
    MACROS = ()

    def __post_init__(self) -> None:
        _validate(self, self.FIELDS, self.CHOICES)

    @property
    def macs_per_cycle(self) -> int:
        """Peak MACs per cycle of the array: pe_rows * pe_cols."""
        return self.pe_rows * self.pe_cols


__all__ = [
    "AXI_PORTS",
    "BUFFERING",
    "DATAFLOWS",
    "PARTS",
    "PE_INTERCONNECTS",
    "Im2colDesign",
    "MatmulDesign",
    "SystolicDesign",
    "check_field",
]
