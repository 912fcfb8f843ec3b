"""Static schedule model: what a Vitis HLS csynth report gives, from a loop-nest description.

A nest is a tree of loops, regions and ops (``simulator.hls.nest_format``, the NEST.json format of
``cnnacc hls-estimate``).
Latency and interval follow the rules of the Vitis HLS user guide (UG1399, "Pipelining
Loops", "Loop latency", "Exploiting Task Level Parallelism: Dataflow Optimization"), with the
fixed costs measured on the real csynth reports of the calibration set (tests/data/hls_reports/,
``benchmarks/hls_fidelity.py``):
- op: latency as given; interval = latency.
- pipelined loop: latency = (trip_count - 1) * II + iteration latency + PIPELINE_EXIT_CYCLES
  (1 + PIPELINE_EXIT_CYCLES when trip_count is 0: the pipeline is entered and left): Vitis
  reports the loop as (N - 1) * II + depth - 1 and the pipeline it becomes as that + 2 states
  (its entry and exit). A rewound loop (``Loop.rewind``) has no exit state. Loops nested inside a
  pipelined loop are fully unrolled (as Vitis does), so they add their iteration latency
  once; the iteration latency is the given one or the body's.
- loop without pipeline: latency = trip_count * iteration latency + the states of its exit
  test (``Loop.exit``: 1, more for a while loop whose own test takes more; the test that
  fails runs even when trip_count is 0), where
  the iteration latency is the given one, or the body's latency, + LOOP_CONTROL_CYCLES when
  the body holds a loop or a region (the state that enters it; a body of straight-line ops
  tests the exit condition in its last state).
- sequential region: latency = sum of the children; interval = latency.
- parallel region: children that share no array run at once (Vitis starts independent
  sub-modules in the same state): latency = interval = the largest child latency.
- dataflow region: interval = the largest child interval (the slowest process); latency:
  the longest path through the processes' channels (``inputs``; without it each process
  reads the one before it). With ping-pong channels ("pipo", the Vitis default for arrays) a
  consumer starts when its producers have filled a buffer (ended); with FIFO channels
  (streams) when their first outputs arrive, and ends no earlier than its own latency after
  that; a process that reads no other starts at once, and every process runs the code
  before its first loop (its lead) while it waits (UG1399 "Dataflow": a FIFO lets the
  consumer start on the first data; ihsanalhafiz's streamhls report: its store process ends a
  load's first m_axi read plus its own latency after the start; danila's ping-pong report:
  two processes fed by one producer run side by side, tests/data/hls_reports/).
Every node's interval equals its latency except for dataflow regions. The kernels of
hls_src/ are scheduled by ``simulator.timing.kernel_schedule.kernel_schedule(design, shape)`` from
their loop programs (``simulator.timing.units.program``), which follow the C++ loop by loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.hls.nest_format import Loop, Node, Op, Region, parse_nest

LOOP_CONTROL_CYCLES = 1
PIPELINE_EXIT_CYCLES = 1
FIFO_START_CYCLES = 1


# ------------------------------------------------------------------------------ timing


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """One line of the csynth-like table."""

    name: str
    kind: str  # "op", "loop", "pipelined", "unrolled", "sequential", "dataflow", "process"
    depth: int
    trip_count: int | None
    ii: int | None
    iteration_latency: int | None
    latency_cycles: int
    interval_cycles: int

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "depth": self.depth,
            "trip_count": self.trip_count,
            "pipeline_ii": self.ii,
            "iteration_latency": self.iteration_latency,
            "latency_cycles": self.latency_cycles,
            "interval_cycles": self.interval_cycles,
        }


@dataclass(frozen=True, slots=True)
class ScheduleReport:
    """Latency and interval of the top node, and one row per node (pre-order)."""

    name: str
    latency_cycles: int
    interval_cycles: int
    rows: tuple[ScheduleRow, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "latency_cycles": self.latency_cycles,
            "interval_cycles": self.interval_cycles,
            "nodes": [row.to_json() for row in self.rows],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScheduleReport:
        """Inverse of ``to_json``."""
        rows = tuple(
            ScheduleRow(
                node["name"],
                node["kind"],
                node["depth"],
                node["trip_count"],
                node["pipeline_ii"],
                node["iteration_latency"],
                node["latency_cycles"],
                node["interval_cycles"],
            )
            for node in data["nodes"]
        )
        return cls(data["name"], data["latency_cycles"], data["interval_cycles"], rows)

    def format_table(self) -> str:
        """A csynth-like table: name (indented), trip count, II, iteration latency, latency."""
        header = f"{'Name':<34} {'Trip count':>10} {'II':>4} {'Iter. latency':>13} {'Latency':>10}"
        lines = [header, "-" * len(header)]
        for row in self.rows:
            name = ("  " * row.depth + row.name)[:34]
            trip = "-" if row.trip_count is None else str(row.trip_count)
            ii = "-" if row.ii is None else str(row.ii)
            iteration = "-" if row.iteration_latency is None else str(row.iteration_latency)
            lines.append(f"{name:<34} {trip:>10} {ii:>4} {iteration:>13} {row.latency_cycles:>10}")
        lines.append(f"top {self.name}: latency {self.latency_cycles} cycles, interval {self.interval_cycles} cycles")
        return "\n".join(lines)


def _unrolled_latency(node: Node) -> int:
    """Latency of a node inside a pipelined loop: every nested loop fully unrolled."""
    if isinstance(node, Op):
        return node.latency
    if isinstance(node, Loop):
        if node.iteration_latency is not None:
            return node.iteration_latency
        return sum(_unrolled_latency(child) for child in node.body)
    latencies = [_unrolled_latency(child) for child in node.body]
    if node.kind in ("dataflow", "parallel"):
        return max(latencies, default=0)
    return sum(latencies)


def _absorbed(body: tuple[Node, ...], latencies: list[int]) -> int:
    """States of straight-line code that the loops of a sequence take into their own transition
    states: moving into a sequential loop and back out of it costs a state each (UG1399 "Working
    with Nested Loops"), and one state of the code just before a loop, or just after it, runs in
    that transition (the corpus' reports: res[i][j] = 0 before a product loop and dst[k] = sum
    after it leave the parent's iteration at the inner loop's latency plus 2; a FIR's
    ``shift_reg[0] = x`` between its two loops and ``*y = acc`` after them cost nothing)."""
    used: set[tuple[int, str]] = set()  # (loop position, "entry" | "exit")
    absorbed = 0
    for index, (node, latency) in enumerate(zip(body, latencies)):
        if not isinstance(node, Op) or latency < 1:
            continue
        for position, side in ((index + 1, "entry"), (index - 1, "exit")):
            if 0 <= position < len(body) and _sequential(body[position]) and (position, side) not in used:
                used.add((position, side))
                absorbed += 1
                break
    return absorbed


def _sequential(node: Node) -> bool:
    """A loop whose iterations run one after another (not pipelined)."""
    return isinstance(node, Loop) and node.pipeline_ii is None


def _estimate(node: Node, depth: int, rows: list[ScheduleRow | None], unrolled: bool) -> tuple[int, int]:
    """(latency, interval) of ``node``; appends its row and its children's rows."""
    if unrolled:
        latency = _unrolled_latency(node)
        trip = node.trip_count if isinstance(node, Loop) else None
        rows.append(ScheduleRow(node.name, "unrolled", depth, trip, None, None, latency, latency))
        for child in getattr(node, "body", ()):
            _estimate(child, depth + 1, rows, True)
        return latency, latency
    if isinstance(node, Op):
        rows.append(ScheduleRow(node.name, "op", depth, None, None, None, node.latency, node.latency))
        return node.latency, node.latency
    index = len(rows)
    rows.append(None)  # filled once the children are known
    if isinstance(node, Loop):
        pipelined = node.pipeline_ii is not None
        child_latencies = [_estimate(child, depth + 1, rows, pipelined)[0] for child in node.body]
        iteration: int
        if node.pipeline_ii is not None:
            iteration = node.iteration_latency if node.iteration_latency is not None else sum(child_latencies)
            if node.trip_count == 0:  # the pipeline is still entered and left
                latency = 1 + PIPELINE_EXIT_CYCLES
            else:
                # a rewound pipeline has no exit state: its last iteration runs on into the next
                # call's first (UG1399 "Rewinding Pipelined Loops for Performance")
                exit_cycles = 0 if node.rewind else PIPELINE_EXIT_CYCLES
                latency = (node.trip_count - 1) * node.pipeline_ii + iteration + exit_cycles
        else:
            given = node.iteration_latency
            control = LOOP_CONTROL_CYCLES if any(not isinstance(child, Op) for child in node.body) else 0
            body = sum(child_latencies) - _absorbed(node.body, child_latencies)
            iteration = max(1, body + control) if given is None else given
            latency = node.trip_count * iteration + node.exit  # 0 trips: the exit test still runs
        kind = "pipelined" if pipelined else "loop"
        rows[index] = ScheduleRow(
            node.name, kind, depth, node.trip_count, node.pipeline_ii, iteration, latency, latency
        )
        return latency, latency
    children = [_estimate(child, depth + 1, rows, False) for child in node.body]
    if node.kind == "sequential":
        latencies = [latency for latency, _ in children]
        latency = interval = sum(latencies) - _absorbed(node.body, latencies)
    elif node.kind == "parallel":
        latency = interval = max((latency for latency, _ in children), default=0)
    else:
        interval = max((interval for _, interval in children), default=0)
        latency = _dataflow_latency(node, [lat for lat, _ in children])
    rows[index] = ScheduleRow(node.name, node.kind, depth, None, None, None, latency, interval)
    return latency, interval


def _latency(node: Node) -> int:
    return _estimate(node, 0, [], False)[0]


def _first_output(node: Node) -> int:
    """Cycles from a process's start to its first output: a pipelined loop's first iteration, a
    sequential loop's first iteration up to its body's first output (its body read as a
    sequence), a sequence's parts before its first loop that writes an output channel (marked
    ``output``; unmarked, its last loop) plus that loop's first output. A FIFO
    consumer starts on the first item written (UG1399 "Dataflow": processes joined by streams
    run concurrently, each as soon as its inputs hold data)."""
    if isinstance(node, Op):
        return node.latency
    if isinstance(node, Loop):
        if node.pipeline_ii is not None:
            return max(0, _latency(node) - max(0, node.trip_count - 1) * node.pipeline_ii)
        iteration = max(0, (_latency(node) - node.exit) // max(1, node.trip_count))
        if any(not isinstance(child, Op) for child in node.body):
            return min(iteration, _first_output(Region(node.name, "sequential", node.body)))
        return iteration
    if node.kind == "dataflow" and node.body:  # the first output passes through every process
        if node.channel == "fifo":
            return sum(_first_output(child) for child in node.body)
        return sum(_latency(child) for child in node.body[:-1]) + _first_output(node.body[-1])
    loops = [index for index, child in enumerate(node.body) if not isinstance(child, Op)]
    if node.kind != "sequential" or not loops:
        return _latency(node)
    # the first loop that writes an output channel, when the nest marks them; else the last
    first = next((index for index in loops if _marked(node.body[index], "output")), loops[-1])
    return sum(_latency(child) for child in node.body[:first]) + _first_output(node.body[first])


def _marked(node: Node, mark: str) -> bool:
    """Whether a node holds a loop marked ``mark`` (``"output"``: it writes an output channel
    of its dataflow region; ``"input"``: it reads an input channel)."""
    if isinstance(node, Op):
        return False
    if isinstance(node, Loop) and getattr(node, mark):
        return True
    return any(_marked(child, mark) for child in node.body)


def _lead(node: Node) -> int:
    """Cycles a process spends before its first loop (setting up counts and addresses): they
    need no input, so they run while the process waits for its producers."""
    if not isinstance(node, Region) or node.kind != "sequential":
        return 0
    lead = 0
    for child in node.body:  # (not into a burst's region: its m_axi latency op stands for the trip)
        if not isinstance(child, Op):
            return lead
        lead += child.latency
    return 0  # straight-line code only: what it computes may need its inputs


def _tail(node: Node) -> int:
    """Cycles from a process taking its last input to its end: a pipelined loop's last
    iteration, and whatever follows the last loop of a sequence that reads an input channel
    (marked ``input``; unmarked, its last loop): a write burst's response, the code after the
    loop, a loop that computes on what was read (a dense layer reads its whole input first);
    a loop that is not pipelined or a block, FIFO_START_CYCLES."""
    if isinstance(node, Op):
        return FIFO_START_CYCLES
    if isinstance(node, Loop):
        return _first_output(node) if node.pipeline_ii is not None else FIFO_START_CYCLES
    loops = [index for index, child in enumerate(node.body) if not isinstance(child, Op)]
    if node.kind != "sequential" or not loops:
        return FIFO_START_CYCLES
    last = next((index for index in reversed(loops) if _marked(node.body[index], "input")), loops[-1])
    return _tail(node.body[last]) + sum(_latency(child) for child in node.body[last + 1 :])


def _dataflow_latency(region: Region, latencies: list[int]) -> int:
    """Latency of a dataflow region's processes over their channels. Every process starts with
    the region and runs its lead (``_lead``) at once; the rest starts when each process it reads
    from has filled a ping-pong buffer (ended), or, over FIFOs, has produced its first output
    (``_first_output``), and ends no earlier than its own latency after the lead, nor
    FIFO_START_CYCLES after a producer ends (UG1399 "Dataflow": processes run as soon as their
    inputs hold data; a process stalls only on an empty channel), over FIFOs its drain
    (``_tail``) after they end. Without ``inputs`` each
    process reads the one before it."""
    count = len(region.body)
    inputs = region.inputs if region.inputs is not None else tuple(((i - 1,) if i else ()) for i in range(count))
    outputs: list[int] = []  # when each process's first output (pipo: its last) is ready
    ends: list[int] = []
    for process, producers, latency in zip(region.body, inputs, latencies):
        lead = _lead(process)
        if region.channel == "pipo":
            start = max([lead] + [ends[p] for p in producers])
        else:
            start = max([lead] + [outputs[p] for p in producers])
        # over FIFOs a process ends its own drain after its producers end (its last iteration,
        # a write burst's response): the data it takes last comes when they end
        tail = max(FIFO_START_CYCLES, _tail(process)) if region.channel == "fifo" else FIFO_START_CYCLES
        end = max([start + latency - lead] + [ends[p] + tail for p in producers])
        ends.append(end)
        first = max(FIFO_START_CYCLES, _first_output(process))
        outputs.append(end if region.channel == "pipo" else start + first - lead)
    return max(ends, default=0)


def rewinds(node: Node) -> bool:
    """Whether ``node`` is a rewound pipelined loop, or a function whose only part that takes a
    state is one: a call that follows another back to back starts in the state the previous
    call's last iteration ends, one state sooner than the first call (csynth's min latency:
    nctrung's Vivado HLS 2015.3 and bol's Vitis HLS 2021.2 axi_interfaces, 3 ~ 4 and 4 ~ 5)."""
    if isinstance(node, Loop):
        return node.rewind
    if isinstance(node, Op) or node.kind != "sequential":
        return False
    working = [child for child in node.body if not (isinstance(child, Op) and child.latency == 0)]
    return len(working) == 1 and rewinds(working[0])


def estimate_nest(node: Node | dict) -> ScheduleReport:
    """Latency and interval of a loop nest by the Vitis HLS rules (module docstring).

    ``node`` is a parsed tree or its NEST.json dict.
    """
    if isinstance(node, dict):
        node = parse_nest(node)
    rows: list[ScheduleRow | None] = []
    latency, interval = _estimate(node, 0, rows, False)
    return ScheduleReport(node.name, latency, interval, tuple(row for row in rows if row is not None))


__all__ = ["ScheduleReport", "ScheduleRow", "estimate_nest"]
