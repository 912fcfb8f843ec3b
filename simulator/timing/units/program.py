"""A kernel as the loops its C++ runs: the one description the static and SimPy views share.

The HLS kernels of hls_src/ are DATAFLOW regions of processes joined by streams. Each process
runs its labelled loops one after another; a ``LoopRun`` is one execution of one loop (its
C++ label, trip count, initiation interval II and iteration latency), with what it reads from
a stream, writes to a stream, or moves over AXI. ``matmul_program`` and ``im2col_program``
(in ``matmul_program.py`` and ``im2col_program.py``) list the runs of every process for a
design and a shape, following the C++ line by line; tests check the labels against the
source and the trip counts against gcov counts of the compiled C++.

Timing of one run that starts at cycle s (Vitis HLS UG1399, "Pipelining Loops"): iteration i
issues at s + i * II and its result is ready at s + i * II + iteration latency; the run ends
at s + (trips - 1) * II + iteration latency; the next run of the process starts one cycle
later (the state that leaves the loop), after the run's ``lead``: the straight-line states of
the C++ between the two loops (``source_depths.with_leads``). Two things can delay a run:
- streams: iteration i of a run that reads items k0 .. k0 + trips - 1 of a stream cannot
  issue before item k0 + i is ready, so s >= max_i(ready(k0 + i) - i * II) (items are
  produced by a writer's iterations, at their ready cycles);
- AXI: a read loop's iteration latency is mem_latency_cycles + 2 (request, data, store); a
  write loop's data leave one beat per cycle and are acknowledged mem_latency_cycles after
  the last beat of each burst.

Streams hold ``buffering`` tiles (the C++'s STREAM depths): a writer's run k waits until
the reader has finished run k - depth.

``static_view.static_timing`` composes these rules with every AXI channel uncontended: the
static view (what a csynth report would give per loop, composed through the streams).
``des_view.simulate_des`` runs the same runs in SimPy, adding what the static rules ignore (DESIGN.md "Hardware model
contract"): the AXI adapter's outstanding-request limit and data bus, shared by the
processes of one bundle (``axi_ports="shared"``: requests are served in the order their
loops start). With separate bundles and enough outstanding requests to cover the memory
latency the two views give the same cycle for every run (tested); otherwise the SimPy
latency is larger.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator.hardware.designs import Im2colDesign, MatmulDesign

Design = MatmulDesign | Im2colDesign

MAX_PASSES = 100_000
EXIT_CYCLES = 1  # the state between a loop's last iteration and the next loop of a process
READ_EXTRA_CYCLES = 2  # a read loop's iteration: request, data, store (+ mem latency)


@dataclass(frozen=True, slots=True)
class Axi:
    """An AXI access of a loop: one beat per iteration, in bursts of the given beats."""

    port: str  # the C++ port (a, b, bias, out, in)
    write: bool
    bursts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class LoopRun:
    """One execution of a labelled loop of a process."""

    label: str
    trips: int
    ii: int
    iteration: int
    reads: str | tuple[str, ...] | None = None  # stream(s) this loop reads
    writes: str | None = None  # stream this loop writes
    axi: Axi | None = None
    read_items: int | tuple[int, ...] | None = None  # items read per stream (default: one per iteration), spread evenly
    write_items: int | None = None  # items written (default: one per iteration), spread evenly
    # the iteration of every item read (per stream) or written, when not spread evenly
    read_at: tuple[np.ndarray | None, ...] | None = field(default=None, compare=False)
    write_at: np.ndarray | None = field(default=None, compare=False)
    axi_at: np.ndarray | None = field(default=None, compare=False)  # the iteration of every word read
    lead: int = 0  # cycles of straight-line code between the previous run's exit and this run's start

    def read_positions(self, index: int) -> np.ndarray | None:
        """Iterations of the items of read stream ``index``, or None (spread evenly)."""
        return None if self.read_at is None else self.read_at[index]

    def read_streams(self) -> tuple[tuple[str, int], ...]:
        """(stream, items read) for every stream the loop reads."""
        if self.reads is None:
            return ()
        names = (self.reads,) if isinstance(self.reads, str) else self.reads
        if self.read_items is None:
            counts: tuple[int, ...] = (self.trips,) * len(names)
        else:
            counts = (self.read_items,) if isinstance(self.read_items, int) else self.read_items
        return tuple(zip(names, counts))

    @property
    def n_written(self) -> int:
        return self.trips if self.write_items is None else self.write_items

    @property
    def latency(self) -> int:
        """(trips - 1) * II + iteration latency; 0 for a run of no iterations."""
        return 0 if self.trips == 0 else (self.trips - 1) * self.ii + self.iteration


@dataclass(frozen=True, slots=True)
class Program:
    """The runs of every process of a DATAFLOW region, in C++ order, and its streams.

    ``outer[process]`` is the label and trip count of the process's non-pipelined outer loop
    (over tiles or channels), whose body holds the runs. ``depth_runs[stream]`` is the number of
    writer runs a stream holds (its C++ depth, in tiles) when its writer's and reader's runs
    pair one to one; None when they do not (the SimPy view then lets the stream grow).
    """

    name: str
    processes: dict[str, tuple[LoopRun, ...]]
    depth_runs: dict[str, int | None] = field(default_factory=dict)
    outer: dict[str, tuple[str, int]] = field(default_factory=dict)  # process: (label, trips)
    functions: dict[str, str] = field(default_factory=dict)  # process: C++ function, if not equal
    # the trips of each run of a loop whose timing another run carries (label: trips per run):
    # the fetch of a load, whose words are the reads of its ReadRows run's AXI bursts
    folded: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # cycles the top spends before the region starts (its argument check), read from the C++
    setup_cycles: int = 0

    def runs(self):
        """(process, run) pairs in process order."""
        for process, runs in self.processes.items():
            for run in runs:
                yield process, run


def ports_to_channels(design: Design) -> dict[str, str]:
    """The AXI channel each C++ port uses, by the design's bundles."""
    if isinstance(design, MatmulDesign) and design.axi_ports == "separate":
        return {"a": "gmem0", "bias": "gmem0", "b": "gmem1", "out": "gmem2"}
    if isinstance(design, Im2colDesign):
        return {"in": "gmem0", "out": "gmem1"}
    return {"a": "gmem", "b": "gmem", "bias": "gmem", "out": "gmem"}


@dataclass
class Timing:
    """Cycle of every run (start, end), per process, and the kernel's end.

    The trace records busy spans only: in the static view a process waits for its inputs
    (idle) and never for a full stream or a busy port (stall)."""

    runs: dict[str, list[tuple[LoopRun, int, int]]]
    latency_cycles: int
    write_done_cycle: int

    def process_busy(self) -> dict[str, int]:
        """Cycles each process spends in its loops (its interval in a DATAFLOW region)."""
        return {
            name: sum(run.lead + end - start + EXIT_CYCLES for run, start, end in runs)
            for name, runs in self.runs.items()
        }


__all__ = [
    "EXIT_CYCLES",
    "READ_EXTRA_CYCLES",
    "Axi",
    "Design",
    "LoopRun",
    "Program",
    "Timing",
    "ports_to_channels",
]
