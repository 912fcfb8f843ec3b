"""Operation timing of the HLS source reader and the schedule of a straight-line block.

``cnnacc hls-estimate FILE.cpp`` turns every run of statements between loops into one op of
the nest model whose latency is the number of clock states its operations need, scheduled as
soon as their operands are ready (ASAP) and chained within a state while the combinational
delays fit the clock budget, as Vitis HLS schedules:

- the budget of a state is the clock period less the Vitis default clock uncertainty (27 %);
- combinational operations (add, compare, logic, select, a multiplexer of registers) take a
  fraction of a state, ``delay_ns / budget``: they chain while the fractions fit in one state;
- pipelined cores (multipliers, floating-point operators, dividers) take whole states, and
  each of their stages has a combinational delay (``CORE_DELAY_NS``): a core starts in the
  state its operands arrive in only if they arrive early enough for its first stage to fit
  (a float add after a block-RAM read starts one state later: 1.29 + 3.57 ns > 3.65 ns), and
  its result comes that delay into its last state, ``cycles`` states after it starts (so a
  write after a double add waits for the next state: 3.17 + 1.29 ns > 3.65 ns);
- a block-RAM read returns its data one state after the address (RAMB18E2 / RAMB36E1 with the
  output register off), a write completes within its state; each takes ``MEMORY_NS`` of its state,
  by the part's fabric and the memory's size (LUT RAM up to ``LUTRAM_WORDS`` words).

Latencies in states at a 5 ns clock, by device family (the Bind Op Report of Vitis HLS
2022-2023 csynth reports of the calibration set, tests/data/hls_reports/, for the float and
double cores and the 32-bit multiply; AMD PG060 "Floating-Point Operator" for the others), and
scaled to another clock as ceil(states * 5 ns / period): a core of fixed delay needs
proportionally fewer stages at a slower clock.

A value read and later written in one iteration (an accumulator, a read-modify-write of an
array element at an index the tool cannot prove distinct) forms a recurrence: the loop's II
is at least the states from that read to that write.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

DEFAULT_CLOCK_NS = 10.0  # Vitis HLS's default clock (create_clock -period 10)
CLOCK_UNCERTAINTY = 0.27  # Vitis HLS's default clock uncertainty: 27 % of the period
VIVADO_HLS_UNCERTAINTY = 0.125  # Vivado HLS's: 12.5 % (UG902 "Specifying the Clock Frequency")
REFERENCE_CLOCK_NS = 5.0
DEFAULT_AXI_LATENCY = 64
BRAM_PORTS = 2  # a true dual-port block RAM
FAMILIES = ("ultrascale", "7series")

# states at 5 ns: (UltraScale / UltraScale+, 7 series)
CORE_STATES: dict[str, tuple[int, int]] = {
    "mul": (1, 2),  # integer multiply that fits one DSP48 (27 x 18 / 25 x 18)
    "mul_wide": (1, 3),  # wider integer multiply (several DSPs; a 32-bit multiply is 1 state on UltraScale+)
    "fadd": (4, 9),
    "fmul": (3, 7),
    "fdiv": (12, 29),
    "fsqrt": (12, 28),
    "fexp": (10, 30),
    "dadd": (4, 10),
    "dmul": (5, 11),
    "ddiv": (28, 57),
    "dsqrt": (28, 57),
    "dexp": (20, 60),
    "fcmp": (1, 1),
    "fconv": (3, 5),  # int <-> float conversions
}
# combinational delay of one stage of a pipelined core, in ns: (UltraScale / UltraScale+, 7 series).
# From the operation lines of Vitis HLS 2023.2 schedule reports (``*.verbose.sched.rpt``) of the
# calibration set's projects (xcvu35p and xc7z020 at 5 ns); cores no report showed take
# DEFAULT_CORE_DELAY_NS.
CORE_DELAY_NS: dict[str, tuple[float, float]] = {
    "mul": (2.89, 1.54),  # a 32-bit multiply in one DSP48 (7 series: a 16-bit DSP48 stage)
    "fadd": (3.57, 3.35),
    "fmul": (2.78, 2.56),
    "dadd": (3.17, 3.35),  # 7 series: no report shows it; the float add's
    "dmul": (3.33, 3.33),  # 7 series: no report shows it; UltraScale+'s
    "fcmp": (2.05, 6.79),  # a double compare (dcmp); 7 series: a float compare (fcmp), Vivado HLS 2017.2 xc7z020-1
}
DEFAULT_CORE_DELAY_NS = 3.0
# combinational delay in ns: (UltraScale / UltraScale+, 7 series)
DELAY_NS: dict[str, tuple[float, float]] = {
    "add": (0.9, 1.6),  # 32-bit add, subtract, compare
    "logic": (0.4, 0.6),  # and, or, xor, not, select, a register multiplexer
    "shift": (0.9, 1.6),  # shift by a variable amount
    "bram_out": (1.29, 1.14),  # an m_axi burst word's data (xcvu35p -1; xc7k160t -2), as the schedule reports give
}
# A memory access's delay in ns, (block RAM, LUT RAM): the data of a load in the state after its
# address, the address and data of a store in its state. From the 'load' and 'store' operation
# lines of public ``*.verbose.sched.rpt`` files (Vivado HLS 2018.2-2019.2 and Vitis HLS 2021.2-2022.1):
# xc7z020-1 and xa7a12t-1Q 3.25 / 2.32 (2.15); xc7k160t-1 2.66 (block RAM), xc7k160t-2 1.14 (LUT
# RAM); xcvu35p-1 1.29, xczu7ev-2 1.23 / 0.67. Artix-7 fabric (xc7a, xc7s, the xc7z007s-020 Zynq
# parts) is slower than Kintex-7's (xc7k, xc7v, Zynq xc7z030 and up).
MEMORY_NS: dict[str, tuple[float, float]] = {
    "ultrascale": (1.29, 0.66),
    "kintex7": (2.66, 1.14),
    "artix7": (3.25, 2.32),
}
LUTRAM_WORDS = 32  # an array of up to this many words per bank is timed as LUT RAM (address of 5 bits or less)


@dataclass(frozen=True)
class Op:
    """A combinational operation (``cycles`` 0) or a pipelined core of ``cycles`` states; ``delay``
    (in states) is the operation's delay, or the delay of each of the core's stages."""

    cycles: int
    delay: float

    def after(self, time: float) -> float:
        """When the result is ready if the operands are ready at ``time`` (in states): the
        operation starts in that state if its (first stage's) delay still fits, else in the next."""
        start = time if (time - math.floor(time)) + self.delay <= 1.0 + 1e-9 else math.ceil(time)
        if self.cycles == 0:
            return start + self.delay
        return math.floor(start) + self.cycles + self.delay


# A Vitis HLS write to an AXI4-Stream port of the top is a two-state operation, issued in one
# state ([2/2]) and done in the next ([1/2]), as its TVALID/TREADY handshake is registered: the
# verbose schedules of bol's axi_interfaces (Vitis HLS 2021.2, both solutions) show it; Vivado
# HLS 2015.3 writes in one state (nctrung's). Its value is needed in the first state only.
AXIS_WRITE = Op(1, 0.05)

SMALL_MULTIPLY_BITS = 8  # a multiply of operands this narrow is bound to fabric, not a DSP


@dataclass(frozen=True)
class Target:
    """The device family and clock the latencies are for."""

    clock_ns: float = DEFAULT_CLOCK_NS
    family: str = "ultrascale"
    uncertainty: float = CLOCK_UNCERTAINTY  # the part of the period kept as margin
    fabric: str = ""  # MEMORY_NS row; "" for the family's fastest (UltraScale, Kintex-7)

    def __post_init__(self):
        if not 0.5 <= self.clock_ns <= 100:
            raise ValueError(f"clock period {self.clock_ns} ns is out of range; expected 0.5 to 100 ns")
        if self.family not in FAMILIES:
            raise ValueError(f"device family {self.family!r} is not known; expected one of {FAMILIES}")
        if self.fabric and self.fabric not in MEMORY_NS:
            raise ValueError(f"fabric {self.fabric!r} is not known; expected one of {tuple(MEMORY_NS)}")

    @classmethod
    def for_part(cls, part: str | None, clock_ns: float | None, uncertainty: float = CLOCK_UNCERTAINTY) -> Target:
        """The target of an AMD part name (xc7*, and the automotive xa7* and defense xq7* grades
        of the same dies: 7 series; else UltraScale / UltraScale+), and its fabric for the memory
        delays: a 7-series part is Artix-7 fabric when it is an xc7a, an xc7s or a Zynq up to the
        7z020, else Kintex-7 (DS190 "Zynq-7000 SoC Data Sheet: Overview": the 7z030 and up carry
        Kintex-7 programmable logic)."""
        name = (part or "").lower()
        family = "7series" if name[:3] in ("xc7", "xa7", "xq7") else "ultrascale"
        fabric = "ultrascale"
        if family == "7series":
            zynq = re.match(r"x[acq]7z0*(\d+)", name)
            artix = name[3] in "as" or (zynq is not None and int(zynq.group(1)) <= 20)
            fabric = "artix7" if artix else "kintex7"
        return cls(DEFAULT_CLOCK_NS if clock_ns is None else float(clock_ns), family, uncertainty, fabric)

    @property
    def budget_ns(self) -> float:
        return self.clock_ns * (1 - self.uncertainty)

    def _index(self) -> int:
        return FAMILIES.index(self.family)

    def combinational(self, kind: str, bits: int = 32) -> Op:
        """An operation of ``DELAY_NS`` kind; adds and compares scale with their width."""
        delay = DELAY_NS[kind][self._index()]
        if kind == "add":
            delay *= max(0.5, min(2.0, bits / 32))
        return Op(0, min(1.0, delay / self.budget_ns))

    def core(self, kind: str) -> Op:
        """A pipelined core of ``CORE_STATES`` kind at this clock."""
        states = CORE_STATES[kind][self._index()]
        scaled = math.ceil(states * REFERENCE_CLOCK_NS / self.clock_ns - 1e-9)
        delay = CORE_DELAY_NS.get(kind.replace("mul_wide", "mul"), (DEFAULT_CORE_DELAY_NS,) * 2)[self._index()]
        return Op(max(1, scaled), min(1.0, delay / self.budget_ns))

    @staticmethod
    def fits_one_dsp(bits_a: int, bits_b: int) -> bool:
        """Whether a multiply of these widths fits one DSP48 (27 x 18 bits, either way round)."""
        small, large = sorted((bits_a, bits_b))
        return small <= 18 and large <= 27

    def multiply(self, bits_a: int, bits_b: int) -> Op:
        """An integer multiply: one DSP48 up to 27 x 18 bits (either way round), several above."""
        small, large = sorted((bits_a, bits_b))
        if large <= SMALL_MULTIPLY_BITS:  # built from LUTs within the state (ahls_trvecaccum: row * row, row < 256)
            return self.combinational("add", small + large)
        return self.core("mul" if self.fits_one_dsp(small, large) else "mul_wide")

    def divide(self, bits: int) -> Op:
        """An integer divider: one state per quotient bit at 5 ns (a radix-2 divider)."""
        return Op(max(1, math.ceil(bits * REFERENCE_CLOCK_NS / self.clock_ns)), self.combinational("logic").delay)

    def _memory(self, lut: bool) -> float:
        """A memory access's delay in states (``MEMORY_NS``), of a LUT RAM or a block RAM."""
        fabric = self.fabric or ("ultrascale" if self.family == "ultrascale" else "kintex7")
        return min(1.0, MEMORY_NS[fabric][1 if lut else 0] / self.budget_ns)

    def bram_read(self, lut: bool = False) -> Op:
        """A load from a block RAM (or a LUT RAM): its data the next state."""
        return Op(1, self._memory(lut))

    def bram_write(self, lut: bool = False) -> Op:
        """A store into a block RAM (or a LUT RAM), complete within its state."""
        return Op(0, self._memory(lut))


@dataclass
class BlockSchedule:
    """ASAP schedule of one straight-line block (times in states from the block's start).

    ``statement`` takes, for each value a statement reads, the time from that read to the
    statement's result; a value written after the block read it (before writing it) closes a
    recurrence of ``finish - read time``, divided by the iterations between the write and the
    read that depends on it where a DEPENDENCE pragma gives them (``distances``). With ``ports``
    (sequential code), the reads of a memory issued in one state take its ports and a statement
    whose reads find none free waits a state (``_port_wait``).
    """

    ready: dict[str, float] = field(default_factory=dict)
    first_read: dict[str, float] = field(default_factory=dict)
    latency: float = 0.0
    recurrences: dict[str, float] = field(default_factory=dict)  # per value written after it was read
    distances: dict[str, float] = field(default_factory=dict)  # DEPENDENCE inter distance per value
    ports: dict[str, int] = field(default_factory=dict)  # per memory the block's reads share: its ports
    port_use: dict[tuple[str, int], int] = field(default_factory=dict)  # reads issued per (memory, state)
    port_waits: int = 0  # states the block's statements waited for ports
    ordered_stores: bool = False  # a store that may reach an element an earlier one wrote: a state later
    written_at: dict[str, set[str]] = field(default_factory=dict)  # per memory, the index texts stored to

    @staticmethod
    def start(first: Op, ready: float) -> float:
        """When a path whose first operation is ``first`` and which was timed from state 0 starts
        if its operand is ready at ``ready``: a combinational operation chains where the operand
        arrives (if its delay still fits); a registered one (a read, a core) starts in that state."""
        return first.after(ready) - first.after(0.0)

    def statement(
        self,
        paths: dict[str, float],
        writes: set[str],
        latency: float,
        firsts: dict[str, Op] | None = None,
        independent: set[str] | frozenset[str] = frozenset(),
        reads: dict[str, int] | None = None,
        stores: dict[str, set[str]] | None = None,
    ) -> float:
        """Schedule a statement; returns its finish time. Each value is read as late as the
        statement allows (its finish less the value's path), so a value the statement reads
        and writes closes a recurrence of its path; a plain register copy (no operation) can
        move to the iteration's end and pins no read time. ``firsts`` gives, per value, the
        first operation on it (``start``); a value in ``independent`` is written at elements
        no later iteration's reads depend on (no recurrence)."""
        finish = latency
        for name, path in paths.items():
            first = (firsts or {}).get(name, Op(0, 0.0))
            finish = max(finish, self.start(first, self.ready.get(name, 0.0)) + path)
        wait = self._port_wait(finish, paths, reads or {})
        finish, self.port_waits = finish + wait, self.port_waits + wait
        for name, texts in (stores or {}).items():
            if name not in self.ports:
                continue
            if self.ordered_stores and name in self.ready and _may_alias(texts, self.written_at.get(name, set())):
                finish = max(finish, math.floor(self.ready[name] + 1e-9) + 1 + finish - math.floor(finish))
            self.written_at.setdefault(name, set()).update(texts)
        copy = finish == 0.0
        for name, path in paths.items():
            if name not in self.ready and not copy:
                self.first_read[name] = min(self.first_read.get(name, finish), finish - path)
        for name in writes:
            if name in self.first_read and name not in independent:
                distance = self.distances.get(name, 1.0)  # iterations between a write and its next read
                length = (finish - self.first_read[name]) / distance
                self.recurrences[name] = max(self.recurrences.get(name, 0.0), length)
            self.ready[name] = max(self.ready.get(name, 0.0), finish)
        self.latency = max(self.latency, finish)
        return finish

    def _port_wait(self, finish: float, paths: dict[str, float], reads: dict[str, int]) -> int:
        """States the statement waits for its reads of a memory (``reads``: memory -> reads) whose
        ports earlier statements of the block took in the state its reads start in; the reads then
        take the ports they find, state by state."""
        wait = 0
        for name, count in reads.items():
            if name not in self.ports or name not in paths:
                continue
            limit, state = max(1, self.ports[name]), math.floor(finish - paths[name] + 1e-9)
            free = sum(max(0, limit - self.port_use.get((name, s), 0)) for s in range(state, state + wait + 1))
            while free < count:
                wait += 1
                free += max(0, limit - self.port_use.get((name, state + wait), 0))
        for name, count in reads.items():
            if name not in self.ports or name not in paths:
                continue
            state = math.floor(finish - paths[name] + 1e-9)
            while count > 0:
                taken = min(count, max(0, max(1, self.ports[name]) - self.port_use.get((name, state), 0)))
                self.port_use[(name, state)] = self.port_use.get((name, state), 0) + taken
                count, state = count - taken, state + 1
        return wait

    def reset(self) -> None:
        """Start the next block: forget the schedule, keep the settings (distances, ports, order)."""
        for table in (self.ready, self.first_read, self.recurrences, self.port_use, self.written_at):
            table.clear()
        self.latency, self.port_waits = 0.0, 0

    @property
    def recurrence(self) -> float:
        """The longest recurrence of the block."""
        return max(self.recurrences.values(), default=0.0)

    def states(self) -> int:
        """The block's latency in whole states."""
        return math.ceil(self.latency - 1e-9)


def _may_alias(texts: set[str], earlier: set[str]) -> bool:
    """Whether a store at one of the index texts ``texts`` may reach an element a store at one of
    ``earlier`` wrote: the two indices name different variables (``v[a]`` and ``v[b]``), which the
    tool cannot tell apart, so it keeps the stores in order, a state apart (robertszafa's matching
    and angelo's selection sort, Vivado HLS 2017.2-2019.2: two stores to one two-port array in two
    states); ``v[i]`` and ``v[i + 1]`` are told apart."""

    def variables(text: str) -> frozenset[str]:
        return frozenset(token for token in text.split() if token[:1].isalpha() or token[:1] == "_")

    return any(variables(text) != variables(before) for text in texts for before in earlier)


__all__ = [
    "BRAM_PORTS",
    "BlockSchedule",
    "CLOCK_UNCERTAINTY",
    "CORE_STATES",
    "DEFAULT_AXI_LATENCY",
    "DEFAULT_CLOCK_NS",
    "DELAY_NS",
    "Op",
    "Target",
]
