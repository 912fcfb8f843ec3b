"""Static schedule model: what a Vitis HLS csynth report gives, from a loop-nest description.

A nest is a tree of three node kinds (the NEST.json format of ``cnnacc hls-estimate``):
    {"loop": name, "trip_count": int, "pipeline_ii": int | null,
     "iteration_latency": int | null, "body": [nodes]}
    {"region": name, "kind": "sequential" | "dataflow", "body": [nodes],
     "channel": "pipo" | "fifo", "inputs": [[int]]}    (channel, inputs optional, dataflow only:
                                                        per process, the earlier ones it reads)
    {"op": name, "latency": int}
Latency and interval follow the rules of the Vitis HLS user guide (UG1399, "Pipelining
Loops", "Loop latency", "Exploiting Task Level Parallelism: Dataflow Optimization"), with the
fixed costs measured on the real csynth reports of the calibration set (tests/data/hls_reports/,
``benchmarks/hls_fidelity.py``):
- op: latency as given; interval = latency.
- pipelined loop: latency = (trip_count - 1) * II + iteration latency + PIPELINE_EXIT_CYCLES
  (1 + PIPELINE_EXIT_CYCLES when trip_count is 0: the pipeline is entered and left): Vitis
  reports the loop as (N - 1) * II + depth - 1 and the pipeline it becomes as that + 2 states
  (its entry and exit). Loops nested inside a
  pipelined loop are fully unrolled (as Vitis does), so they add their iteration latency
  once; the iteration latency is the given one or the body's.
- loop without pipeline: latency = trip_count * iteration latency + LOOP_EXIT_CYCLES (the exit
  test runs even when trip_count is 0), where
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
hls_src/ are scheduled by ``simulator.kernel_schedule.kernel_schedule(design, shape)`` from
their loop programs (``simulator.units.program``), which follow the C++ loop by loop.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOOP_CONTROL_CYCLES = 1
LOOP_EXIT_CYCLES = 1
PIPELINE_EXIT_CYCLES = 1
FIFO_START_CYCLES = 1
REGION_KINDS = ("sequential", "parallel", "dataflow")
CHANNEL_KINDS = ("pipo", "fifo")
COUNT_MAX = 2**31 - 1


@dataclass(frozen=True, slots=True)
class Op:
    name: str
    latency: int


@dataclass(frozen=True, slots=True)
class Loop:
    name: str
    trip_count: int
    pipeline_ii: int | None
    iteration_latency: int | None
    body: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Region:
    name: str
    kind: str
    body: tuple[Node, ...]
    channel: str = "pipo"
    # dataflow only: per process, the earlier processes it reads a channel of (None: a chain)
    inputs: tuple[tuple[int, ...], ...] | None = None


Node = Op | Loop | Region


# ------------------------------------------------------------------------------ loading


def _check_count(path: str, key: str, value: Any, lo: int) -> int:
    count = _check_optional_count(path, key, value, lo, allow_null=False)
    assert count is not None  # not allowed to be null
    return count


def _check_optional_count(path: str, key: str, value: Any, lo: int, allow_null: bool = True) -> int | None:
    if value is None and allow_null:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        kind = "an int or null" if allow_null else "an int"
        raise TypeError(f"{path}.{key}={value!r} must be {kind} in [{lo}, {COUNT_MAX}]")
    if not lo <= value <= COUNT_MAX:
        raise ValueError(f"{path}.{key}={value!r} is out of range; expected an int in [{lo}, {COUNT_MAX}]")
    return value


def _check_keys(path: str, data: dict, required: set[str], optional: set[str]) -> None:
    missing = sorted(required - set(data))
    unknown = sorted(set(data) - required - optional)
    if missing:
        raise ValueError(f"{path}: missing keys {missing}")
    if unknown:
        raise ValueError(f"{path}: unknown keys {unknown}; expected some of {sorted(required | optional)}")


def _check_name(path: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError(f"{path}.{key}={value!r} must be a non-empty string")
    return value


def _parse_body(path: str, body: Any) -> tuple[Node, ...]:
    if not isinstance(body, list):
        raise TypeError(f"{path}.body={body!r} must be a list of nodes")
    return tuple(parse_nest(child, f"{path}.body[{index}]") for index, child in enumerate(body))


def parse_nest(data: Any, path: str = "nest") -> Node:
    """Build a node tree from the NEST.json format (module docstring), checking every key.

    Raises
    ------
    TypeError, ValueError
        Naming the path of the offending node, e.g. ``nest.body[1].trip_count=-1``.
    """
    if not isinstance(data, dict):
        raise TypeError(f"{path}={data!r} must be an object with a 'loop', 'region' or 'op' key")
    kinds = [key for key in ("loop", "region", "op") if key in data]
    if len(kinds) != 1:
        raise ValueError(f"{path}: a node has exactly one of the keys 'loop', 'region', 'op'; got {sorted(data)}")
    if kinds[0] == "op":
        _check_keys(path, data, {"op", "latency"}, set())
        return Op(_check_name(path, "op", data["op"]), _check_count(path, "latency", data["latency"], 0))
    if kinds[0] == "region":
        _check_keys(path, data, {"region", "kind", "body"}, {"channel", "inputs"})
        kind = data["kind"]
        if kind not in REGION_KINDS:
            raise ValueError(f"{path}.kind={kind!r} is not allowed; expected one of {REGION_KINDS}")
        channel = data.get("channel", "pipo")
        if channel not in CHANNEL_KINDS:
            raise ValueError(f"{path}.channel={channel!r} is not allowed; expected one of {CHANNEL_KINDS}")
        body = _parse_body(path, data["body"])
        return Region(_check_name(path, "region", data["region"]), kind, body, channel, _inputs(path, data, body))
    _check_keys(path, data, {"loop", "trip_count", "pipeline_ii", "iteration_latency", "body"}, set())
    loop = Loop(
        name=_check_name(path, "loop", data["loop"]),
        trip_count=_check_count(path, "trip_count", data["trip_count"], 0),
        pipeline_ii=_check_optional_count(path, "pipeline_ii", data["pipeline_ii"], 1),
        iteration_latency=_check_optional_count(path, "iteration_latency", data["iteration_latency"], 0),
        body=_parse_body(path, data["body"]),
    )
    if loop.iteration_latency is None and not loop.body:
        raise ValueError(f"{path}: loop {loop.name!r} has neither an iteration_latency nor a body")
    return loop


def _inputs(path: str, data: dict, body: tuple[Node, ...]) -> tuple[tuple[int, ...], ...] | None:
    """A dataflow region's ``inputs``: per process, the indices of earlier processes it reads."""
    if "inputs" not in data:
        return None
    inputs = data["inputs"]
    if not isinstance(inputs, list) or len(inputs) != len(body):
        raise ValueError(f"{path}.inputs={inputs!r} must be a list of one list per process ({len(body)})")
    for index, producers in enumerate(inputs):
        if not isinstance(producers, list) or not all(
            isinstance(p, int) and not isinstance(p, bool) and 0 <= p < index for p in producers
        ):
            raise ValueError(f"{path}.inputs[{index}]={producers!r} must list earlier processes, ints in [0, {index})")
    return tuple(tuple(producers) for producers in inputs)


def load_nest(path: str | Path) -> Node:
    """Read a NEST.json file (see ``parse_nest``).

    Raises
    ------
    FileNotFoundError, ValueError
        For a missing file, invalid JSON or an invalid nest.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"loop-nest file {str(path)!r} does not exist")
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from None
    return parse_nest(data, path.name)


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
                latency = (node.trip_count - 1) * node.pipeline_ii + iteration + PIPELINE_EXIT_CYCLES
        else:
            given = node.iteration_latency
            control = LOOP_CONTROL_CYCLES if any(not isinstance(child, Op) for child in node.body) else 0
            body = sum(child_latencies) - _absorbed(node.body, child_latencies)
            iteration = max(1, body + control) if given is None else given
            latency = node.trip_count * iteration + LOOP_EXIT_CYCLES  # 0 trips: the exit test still runs
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
    sequence), a sequence's parts before its last loop plus that loop's first output. A FIFO
    consumer starts on the first item written (UG1399 "Dataflow": processes joined by streams
    run concurrently, each as soon as its inputs hold data)."""
    if isinstance(node, Op):
        return node.latency
    if isinstance(node, Loop):
        if node.pipeline_ii is not None:
            return max(0, _latency(node) - max(0, node.trip_count - 1) * node.pipeline_ii)
        iteration = max(0, (_latency(node) - LOOP_EXIT_CYCLES) // max(1, node.trip_count))
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
    last = loops[-1]
    return sum(_latency(child) for child in node.body[:last]) + _first_output(node.body[last])


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


def _dataflow_latency(region: Region, latencies: list[int]) -> int:
    """Latency of a dataflow region's processes over their channels. Every process starts with
    the region and runs its lead (``_lead``) at once; the rest starts when each process it reads
    from has filled a ping-pong buffer (ended), or, over FIFOs, has produced its first output
    (``_first_output``), and ends no earlier than its own latency after the lead, nor
    FIFO_START_CYCLES after a producer ends (UG1399 "Dataflow": processes run as soon as their
    inputs hold data; a process stalls only on an empty channel). Without ``inputs`` each
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
        end = max([start + latency - lead] + [ends[p] + FIFO_START_CYCLES for p in producers])
        ends.append(end)
        first = max(FIFO_START_CYCLES, _first_output(process))
        outputs.append(end if region.channel == "pipo" else start + first - lead)
    return max(ends, default=0)


def estimate_nest(node: Node | dict) -> ScheduleReport:
    """Latency and interval of a loop nest by the Vitis HLS rules (module docstring).

    ``node`` is a parsed tree or its NEST.json dict.
    """
    if isinstance(node, dict):
        node = parse_nest(node)
    rows: list[ScheduleRow | None] = []
    latency, interval = _estimate(node, 0, rows, False)
    return ScheduleReport(node.name, latency, interval, tuple(row for row in rows if row is not None))


# ------------------------------------------------------------------- hls_src kernels


__all__ = [
    "Loop",
    "Op",
    "Region",
    "ScheduleReport",
    "ScheduleRow",
    "estimate_nest",
    "load_nest",
    "parse_nest",
]
