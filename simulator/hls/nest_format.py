"""The NEST.json loop-nest format that ``simulator.hls.schedule`` times: its node types and its reader.

A nest is a tree of three node kinds (the NEST.json format of ``cnnacc hls-estimate``):
    {"loop": name, "trip_count": int, "pipeline_ii": int | null,
     "iteration_latency": int | null, "body": [nodes], "output": bool, "input": bool,
     "exit": int, "rewind": bool}                      (output, input optional: the loop writes,
                                                        reads a channel of its dataflow region;
                                                        exit optional: the states of its final
                                                        test, 1 unless a while loop's test takes more;
                                                        rewind optional: a pipelined loop that is
                                                        all its function does, PIPELINE rewind)
    {"region": name, "kind": "sequential" | "parallel" | "dataflow", "body": [nodes],
     "channel": "pipo" | "fifo", "inputs": [[int]]}    (channel, inputs optional, dataflow only:
                                                        per process, the earlier ones it reads)
    {"op": name, "latency": int}
``parse_nest`` checks every key and names the path of an offending node; ``load_nest`` reads a file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.contract.numerics import check_choice

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
    output: bool = False  # writes a channel of its dataflow region (its process's first output is here)
    input: bool = False  # reads a channel of its dataflow region (its process's last input is taken here)
    exit: int = 1  # states of the final test, which fails (a while loop's test may take more than one)
    rewind: bool = False  # a pipeline that goes on into the next call's first iteration (PIPELINE rewind)


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
        kind = check_choice(f"{path}.kind", data["kind"], REGION_KINDS)
        channel = check_choice(f"{path}.channel", data.get("channel", "pipo"), CHANNEL_KINDS)
        body = _parse_body(path, data["body"])
        return Region(_check_name(path, "region", data["region"]), kind, body, channel, _inputs(path, data, body))
    required = {"loop", "trip_count", "pipeline_ii", "iteration_latency", "body"}
    _check_keys(path, data, required, {"output", "input", "exit", "rewind"})
    for mark in ("output", "input", "rewind"):
        if not isinstance(data.get(mark, False), bool):
            raise TypeError(f"{path}.{mark}={data[mark]!r} must be true or false")
    loop = Loop(
        name=_check_name(path, "loop", data["loop"]),
        trip_count=_check_count(path, "trip_count", data["trip_count"], 0),
        pipeline_ii=_check_optional_count(path, "pipeline_ii", data["pipeline_ii"], 1),
        iteration_latency=_check_optional_count(path, "iteration_latency", data["iteration_latency"], 0),
        body=_parse_body(path, data["body"]),
        output=data.get("output", False),
        input=data.get("input", False),
        exit=_check_count(path, "exit", data.get("exit", 1), 1),
        rewind=data.get("rewind", False),
    )
    if loop.rewind and loop.pipeline_ii is None:
        raise ValueError(f"{path}: loop {loop.name!r} rewinds but is not pipelined (pipeline_ii is null)")
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


__all__ = ["CHANNEL_KINDS", "COUNT_MAX", "REGION_KINDS", "Loop", "Node", "Op", "Region", "load_nest", "parse_nest"]
