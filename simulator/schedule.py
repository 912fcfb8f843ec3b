"""Static schedule model: what a Vitis HLS csynth report gives, from a loop-nest description.

A nest is a tree of three node kinds (the NEST.json format of ``cnnacc hls-estimate``):
    {"loop": name, "trip_count": int, "pipeline_ii": int | null,
     "iteration_latency": int | null, "body": [nodes]}
    {"region": name, "kind": "sequential" | "dataflow", "body": [nodes],
     "channel": "pipo" | "fifo"}                       (channel optional, dataflow only)
    {"op": name, "latency": int}
Latency and interval follow the rules of the Vitis HLS user guide (UG1399, "Pipelining
Loops", "Loop latency", "Exploiting Task Level Parallelism: Dataflow Optimization"):
- op: latency as given; interval = latency.
- pipelined loop: latency = (trip_count - 1) * II + iteration latency (0 when trip_count is 0).
  Loops nested inside a pipelined loop are fully unrolled (as Vitis does), so they add their
  iteration latency once; the iteration latency is the given one or the body's.
- loop without pipeline: latency = trip_count * iteration latency, where the iteration
  latency is the given one, or the body's latency + LOOP_CONTROL_CYCLES (the state that
  tests the exit condition).
- sequential region: latency = sum of the children; interval = latency.
- dataflow region: interval = the largest child interval (the slowest process); latency
  with ping-pong channels ("pipo", the Vitis default) = sum of the children (a consumer
  starts when its producer has filled a buffer); with FIFO channels = max over children i
  of (i * FIFO_START_CYCLES + latency_i) (a consumer starts as soon as its producer's first
  data arrives, assuming every process runs at its own rate).
Every node's interval equals its latency except for dataflow regions. The kernels of
hls_src/ are described by ``kernel_schedule(design, shape)`` from their design object.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.designs import Im2colDesign, MatmulDesign

LOOP_CONTROL_CYCLES = 1
FIFO_START_CYCLES = 1
REGION_KINDS = ("sequential", "dataflow")
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


Node = Op | Loop | Region


# ------------------------------------------------------------------------------ loading


def _check_count(path: str, key: str, value: Any, lo: int, allow_null: bool = False) -> int | None:
    if value is None and allow_null:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        kind = "an int or null" if allow_null else "an int"
        raise TypeError(f"{path}.{key}={value!r} must be {kind} in [{lo}, {COUNT_MAX}]")
    if not lo <= value <= COUNT_MAX:
        raise ValueError(
            f"{path}.{key}={value!r} is out of range; expected an int in [{lo}, {COUNT_MAX}]"
        )
    return value


def _check_keys(path: str, data: dict, required: set[str], optional: set[str]) -> None:
    missing = sorted(required - set(data))
    unknown = sorted(set(data) - required - optional)
    if missing:
        raise ValueError(f"{path}: missing keys {missing}")
    if unknown:
        raise ValueError(
            f"{path}: unknown keys {unknown}; expected some of {sorted(required | optional)}"
        )


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
        raise ValueError(
            f"{path}: a node has exactly one of the keys 'loop', 'region', 'op'; got {sorted(data)}"
        )
    if kinds[0] == "op":
        _check_keys(path, data, {"op", "latency"}, set())
        return Op(
            _check_name(path, "op", data["op"]), _check_count(path, "latency", data["latency"], 0)
        )
    if kinds[0] == "region":
        _check_keys(path, data, {"region", "kind", "body"}, {"channel"})
        kind = data["kind"]
        if kind not in REGION_KINDS:
            raise ValueError(f"{path}.kind={kind!r} is not allowed; expected one of {REGION_KINDS}")
        channel = data.get("channel", "pipo")
        if channel not in CHANNEL_KINDS:
            raise ValueError(
                f"{path}.channel={channel!r} is not allowed; expected one of {CHANNEL_KINDS}"
            )
        return Region(
            _check_name(path, "region", data["region"]),
            kind,
            _parse_body(path, data["body"]),
            channel,
        )
    _check_keys(
        path, data, {"loop", "trip_count", "pipeline_ii", "iteration_latency", "body"}, set()
    )
    loop = Loop(
        name=_check_name(path, "loop", data["loop"]),
        trip_count=_check_count(path, "trip_count", data["trip_count"], 0),
        pipeline_ii=_check_count(path, "pipeline_ii", data["pipeline_ii"], 1, allow_null=True),
        iteration_latency=_check_count(
            path, "iteration_latency", data["iteration_latency"], 0, allow_null=True
        ),
        body=_parse_body(path, data["body"]),
    )
    if loop.iteration_latency is None and not loop.body:
        raise ValueError(f"{path}: loop {loop.name!r} has neither an iteration_latency nor a body")
    return loop


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
    kind: str  # "op", "loop", "pipelined", "unrolled", "sequential", "dataflow"
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
            "ii": self.ii,
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
        lines.append(
            f"top {self.name}: latency {self.latency_cycles} cycles, interval "
            f"{self.interval_cycles} cycles"
        )
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
    if node.kind == "dataflow":
        return max(latencies, default=0)
    return sum(latencies)


def _estimate(node: Node, depth: int, rows: list[ScheduleRow], unrolled: bool) -> tuple[int, int]:
    """(latency, interval) of ``node``; appends its row and its children's rows."""
    if unrolled:
        latency = _unrolled_latency(node)
        trip = node.trip_count if isinstance(node, Loop) else None
        rows.append(ScheduleRow(node.name, "unrolled", depth, trip, None, None, latency, latency))
        for child in getattr(node, "body", ()):
            _estimate(child, depth + 1, rows, True)
        return latency, latency
    if isinstance(node, Op):
        rows.append(
            ScheduleRow(node.name, "op", depth, None, None, None, node.latency, node.latency)
        )
        return node.latency, node.latency
    index = len(rows)
    rows.append(None)  # type: ignore[arg-type] (filled once the children are known)
    if isinstance(node, Loop):
        pipelined = node.pipeline_ii is not None
        child_latencies = [_estimate(child, depth + 1, rows, pipelined)[0] for child in node.body]
        if pipelined:
            iteration = (
                node.iteration_latency
                if node.iteration_latency is not None
                else sum(child_latencies)
            )
            latency = (
                0 if node.trip_count == 0 else (node.trip_count - 1) * node.pipeline_ii + iteration
            )
        else:
            iteration = node.iteration_latency
            if iteration is None:
                iteration = sum(child_latencies) + LOOP_CONTROL_CYCLES
            latency = node.trip_count * iteration
        kind = "pipelined" if pipelined else "loop"
        rows[index] = ScheduleRow(
            node.name, kind, depth, node.trip_count, node.pipeline_ii, iteration, latency, latency
        )
        return latency, latency
    children = [_estimate(child, depth + 1, rows, False) for child in node.body]
    if node.kind == "sequential":
        latency = interval = sum(latency for latency, _ in children)
    else:
        interval = max((interval for _, interval in children), default=0)
        if node.channel == "pipo":
            latency = sum(latency for latency, _ in children)
        else:
            latency = max(
                (i * FIFO_START_CYCLES + lat for i, (lat, _) in enumerate(children)), default=0
            )
    rows[index] = ScheduleRow(node.name, node.kind, depth, None, None, None, latency, interval)
    return latency, interval


def estimate_nest(node: Node | dict) -> ScheduleReport:
    """Latency and interval of a loop nest by the Vitis HLS rules (module docstring).

    ``node`` is a parsed tree or its NEST.json dict.
    """
    if isinstance(node, dict):
        node = parse_nest(node)
    rows: list[ScheduleRow] = []
    latency, interval = _estimate(node, 0, rows, False)
    return ScheduleReport(node.name, latency, interval, tuple(rows))


# ------------------------------------------------------------------- hls_src kernels


def _axi_read_iteration(design: MatmulDesign | Im2colDesign) -> int:
    """Iteration latency of a pipelined loop reading m_axi: request + latency + store."""
    return design.mem_latency_cycles + 2


def _loop(name: str, trip: int, *body: Node) -> Loop:
    """A loop without PIPELINE: its iteration latency comes from its body."""
    return Loop(name, trip, None, None, body)


def _pipelined(name: str, trip: int, iteration: int, *body: Node) -> Loop:
    """A loop with PIPELINE II = 1 and a known iteration latency."""
    return Loop(name, trip, 1, iteration, body)


def matmul_kernel_nest(design: MatmulDesign, u: int, v: int, w: int) -> Region:
    """The loop nest of hls_src/matmul/matmul.cpp (labels as in the source) for (u, v, w).

    LoadTileA/B rows: pipelined II = 1 reads (iteration = mem latency + 2); ComputeRows:
    pipelined II = 1 over rows with MacCols unrolled (iteration = mac_latency_cycles + 2 for
    the accumulator read and write); RequantizeRow: requant_latency_cycles; StoreTileRow: 2;
    the write responses arrive mem_latency_cycles after the last write.
    """
    tu, tv, tw = design.tile_u, design.tile_v, design.tile_w
    read, mac = _axi_read_iteration(design), design.mac_latency_cycles
    compute = _pipelined("ComputeRows", tu, mac + 2, Loop("MacCols", tw, None, mac, ()))
    accumulate = _loop(
        "AccumulateV",
        math.ceil(v / tv),
        _loop("LoadTileA", tu, _pipelined("LoadTileARow", tv, read)),
        _loop("LoadTileB", tv, _pipelined("LoadTileBRow", tw, read)),
        _loop("ComputeDepth", tv, compute),
    )
    requantize = _pipelined("RequantizeRow", tw, design.requant_latency_cycles)
    tile_cols = _loop(
        "TileCols",
        math.ceil(w / tw),
        _pipelined("ClearAcc", tu, 1),
        accumulate,
        _loop("RequantizeTile", tu, requantize),
        _loop("StoreTile", tu, _pipelined("StoreTileRow", tw, 2)),
    )
    tile_rows = _loop("TileRows", math.ceil(u / tu), tile_cols)
    return Region(
        "matmul", "sequential", (tile_rows, Op("WriteResponse", design.mem_latency_cycles))
    )


def im2col_kernel_nest(
    design: Im2colDesign, src_c: int, src_m: int, src_n: int, km: int, kn: int
) -> Region:
    """The loop nest of hls_src/im2col/im2col.cpp (labels as in the source).

    ReadRow: pipelined II = 1 over src_n + 2 padded bytes (iteration = mem latency + 2);
    WriteOut: pipelined II = 1 over ON outputs (iteration 2: line-buffer read, write).
    """
    out_m, out_n = src_m + 3 - km, src_n + 3 - kn
    read = _axi_read_iteration(design)
    window = _loop(
        "WriteWindow", km, _loop("WriteKernelCols", kn, _pipelined("WriteOut", out_n, 2))
    )
    channels = _loop(
        "Channels",
        src_c,
        _loop("PrimeRows", km - 1, _pipelined("ReadRow", src_n + 2, read)),
        _loop("OutRows", out_m, _pipelined("ReadRow", src_n + 2, read), window),
    )
    return Region(
        "im2col", "sequential", (channels, Op("WriteResponse", design.mem_latency_cycles))
    )


def kernel_schedule(design: MatmulDesign | Im2colDesign, shape: tuple[int, ...]) -> ScheduleReport:
    """csynth-like report of an hls_src kernel built from ``design`` for ``shape``.

    shape = (u, v, w) for a MatmulDesign, (src_c, src_m, src_n, km, kn) for an Im2colDesign.

    Raises
    ------
    TypeError, ValueError
        For another object than a design, or a shape of the wrong length or range.
    """
    from simulator.units.im2col_schedule import Im2colShape, check_im2col_shape
    from simulator.units.tiling import check_matmul_shape

    if isinstance(design, MatmulDesign):
        if len(shape) != 3:
            raise ValueError(
                f"kernel_schedule: shape={shape!r} must be (u, v, w) for a MatmulDesign"
            )
        check_matmul_shape("kernel_schedule", design, *shape)
        return estimate_nest(matmul_kernel_nest(design, *shape))
    if isinstance(design, Im2colDesign):
        if len(shape) != 5:
            raise ValueError(
                f"kernel_schedule: shape={shape!r} must be (src_c, src_m, src_n, km, kn)"
            )
        check_im2col_shape("kernel_schedule", design, Im2colShape(*shape))
        return estimate_nest(im2col_kernel_nest(design, *shape))
    raise TypeError(
        "kernel_schedule: design must be a MatmulDesign or an Im2colDesign; got "
        f"{type(design).__name__}"
    )


__all__ = [
    "Loop",
    "Op",
    "Region",
    "ScheduleReport",
    "ScheduleRow",
    "estimate_nest",
    "kernel_schedule",
    "load_nest",
    "parse_nest",
]
