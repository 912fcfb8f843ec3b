"""The pipeline depth of each pipelined loop of an hls_src kernel, read from its C++.

A loop program (``program.py``) takes its trip counts from its own walk of the kernel and, for
the loops listed by the kernel's program module, its iteration latencies from here: the
``cnnacc hls-estimate`` reading of hls_src/<kernel>/<kernel>.cpp built with the design's -D
flags at its clock and part, so the static view, the SimPy model and the estimate of the
source share one description of those loops. The depth does not depend on the AXI adapter's
latency, outstanding requests or burst length (the m_axi latency is a separate step of a
burst; the models charge it themselves), so designs that differ only there share one reading.

The straight-line states of each process come from the same reading (``process_gaps``): the
cycles from a process's start to its first loop, and from one loop's exit to the next loop's
first iteration (the states between them in their body, or, where the next iteration of an
outer loop begins, the states after the last loop of its body, the outer loop's own state
and the states before the first). ``with_leads`` sets them as each run's ``lead``.

A reading takes about two seconds per distinct build, and is kept on disk (``cache_dir()/readings``,
keyed by the build, the hls_src sources and the reader's code). Work over many designs at once (a
design-space sweep, the property tests) can take, within ``reference_readings()``, each design's
depths and leads from its kernel's reference design (the default, at the design's clock and
part): the loop structure, trip counts and AXI behaviour stay the design's own, the pipeline
depths (a few to a few tens of cycles a loop run) the reference build's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from simulator import atomic
from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.timing.units.program import Program

# -D flags that leave every pipelined loop's body unchanged (they size the AXI adapter only)
ADAPTER_FLAGS = ("MEM_LATENCY_CYCLES", "MAX_OUTSTANDING", "BURST_BEATS")


def loop_depths(design: MatmulDesign | Im2colDesign) -> dict[str, int]:
    """Iteration latency (cycles from an iteration's start to its last write) of every
    pipelined loop of the design's kernel, by label, as read from the C++ source."""
    return dict(_read(design)[0])


def setup_cycles(design: MatmulDesign | Im2colDesign) -> int:
    """Cycles the kernel's top spends before its DATAFLOW region starts (the argument check and
    what is computed beside it), as read from the C++ source."""
    return _read(design)[1]


@dataclass(frozen=True, slots=True)
class Gaps:
    """Straight-line cycles of one process, by its pipelined loops' labels."""

    first: dict[str, int]  # from the process's start to the loop's first iteration
    between: dict[tuple[str, str], int]  # from one loop's exit to the next loop's first iteration


def process_gaps(design: MatmulDesign | Im2colDesign, function: str) -> Gaps:
    """The straight-line states of the C++ process ``function`` of the design's kernel."""
    return _read(design)[2][function]


def with_leads(program: Program, design: MatmulDesign | Im2colDesign) -> Program:
    """``program`` with every run's ``lead`` read from the C++ (``process_gaps``)."""
    processes = {}
    for process, runs in program.processes.items():
        gaps = process_gaps(design, program.functions.get(process, process))
        leads, previous = [], None
        for run in runs:
            lead = gaps.first.get(run.label, 0) if previous is None else gaps.between.get((previous, run.label), 0)
            leads.append(replace(run, lead=lead))
            previous = run.label
        processes[process] = tuple(leads)
    return replace(program, processes=processes)


_REFERENCE: ContextVar[bool] = ContextVar("reference_readings", default=False)


@contextmanager
def reference_readings() -> Iterator[None]:
    """Within: every design is read as its kernel's reference design at its clock and part
    (module docstring)."""
    token = _REFERENCE.set(True)
    try:
        yield
    finally:
        _REFERENCE.reset(token)


def reading_policy() -> str:
    """ "reference" within ``reference_readings()``, else "source": part of the key of any cache
    of timings (they differ by the depths they were read with)."""
    return "reference" if _REFERENCE.get() else "source"


def _read(design: MatmulDesign | Im2colDesign):
    if _REFERENCE.get():
        design = type(design)(clock_mhz=design.clock_mhz, part=design.part)
    kind = "matmul" if isinstance(design, MatmulDesign) else "im2col"
    flags = tuple(sorted((name, value) for name, value in design.cpp_defines().items() if name not in ADAPTER_FLAGS))
    return _depths(kind, flags, 1000.0 / design.clock_mhz, design.part)


class _Walk:
    """The pipelined loops of one process in the order its body runs them (an outer loop's body
    twice: its first iteration and the next), each at the op cycles passed before it; an outer
    loop's span, which a run of no iterations skips but for its exit test."""

    def __init__(self) -> None:
        self.reached: list[tuple[str, int]] = []  # (label, op cycles before it)
        self.spans: list[tuple[int, int, int]] = []  # outer loops: (first, end) in reached, cycles inside
        self.clock = 0

    def gaps(self) -> Gaps:
        """Op cycles from the start to each loop, and from a loop to each loop reached after it
        (the loops between may be skipped: a conditional loop the program does not run)."""
        first: dict[str, int] = {}
        between: dict[tuple[str, str], int] = {}
        for index, (label, at) in enumerate(self.reached):
            first.setdefault(label, at)
            for offset, (later, later_at) in enumerate(self.reached[index + 1 :], index + 1):
                # an outer loop wholly between the two ran no iteration: only its exit test
                skipped = sum(cycles - 1 for lo, hi, cycles in self.spans if index < lo and hi <= offset)
                between.setdefault((label, later), later_at - at - skipped)
        return Gaps(first, between)

    def body(self, nodes: list[dict]) -> None:
        for node in nodes:
            if "op" in node:
                self.clock += 0 if node["op"] == "m_axi latency" else int(node["latency"])  # charged by the AXI model
            elif node.get("pipeline_ii") is not None:
                self.reached.append((node["loop"], self.clock))
            elif "loop" in node:
                # an outer loop: its first iteration, its iteration state and the next iteration,
                # then its exit state (straight-line code only: every iteration)
                before = (len(self.reached), self.clock)
                self.body(node.get("body", []))
                if len(self.reached) == before[0]:
                    self.clock = before[1] + int(node["trip_count"]) * (self.clock - before[1] + 1) + 1
                    continue
                self.clock += 1
                self.body(node.get("body", []))
                self.clock += 1
                self.spans.append((before[0], len(self.reached), self.clock - before[1]))
            else:
                self.body(node.get("body", []))


def _gaps(process: dict) -> Gaps:
    if process.get("kind") == "dataflow":  # a process of sub-processes: each its own walk
        first: dict[str, int] = {}
        between: dict[tuple[str, str], int] = {}
        for child in process.get("body", []):
            inner = _gaps(child)
            first.update(inner.first)
            between.update(inner.between)
        return Gaps(first, between)
    walk = _Walk()
    walk.body(process.get("body", []))
    return walk.gaps()


@cache
def _code_digest() -> str:
    """sha256 of the simulator's Python sources and stand-in headers (the reader and its tables)."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), *(root / "hls" / "hls_headers").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _nest(kind: str, flags: tuple[tuple[str, int], ...], clock_ns: float, part: str) -> dict:
    """The nest of the kernel's source reading, kept in ``cache_dir()/readings/`` under a key of
    the build (flags, clock, part), every hls_src source and the reader's own code."""
    from simulator.emulation.sw_emu_build import HLS_SRC, cache_dir, fingerprint
    from simulator.hls.hls_source import read_source_verdicts

    key = hashlib.sha256(
        json.dumps([kind, flags, clock_ns, part, fingerprint(dict(flags)), _code_digest()]).encode()
    ).hexdigest()[:20]
    path = cache_dir() / "readings" / f"{kind}-{key}.json"
    if path.is_file():
        try:
            return json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            pass  # unreadable: read the source again and replace it
    read = read_source_verdicts(
        HLS_SRC / kind / f"{kind}.cpp",
        f"{kind}_kernel",
        defines=[f"{name}={value}" for name, value in flags],
        includes=[HLS_SRC / "common"],
        clock_ns=clock_ns,
        part=part,
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_json(path, read.nest)
    except OSError:
        pass  # a read-only cache costs the next run a reading, nothing else
    return read.nest


@cache
def _depths(kind: str, flags: tuple[tuple[str, int], ...], clock_ns: float, part: str):
    nest = _nest(kind, flags, clock_ns, part)
    found: dict[str, int] = {}

    def walk(node: dict) -> None:
        if node.get("pipeline_ii") is not None and node.get("iteration_latency") is not None:
            found[node["loop"]] = max(found.get(node["loop"], 0), int(node["iteration_latency"]))
        for child in node.get("body", []):
            walk(child)

    walk(nest)
    setup = 0  # the top's statements before its first region or loop
    for child in nest.get("body", []):
        if "op" not in child:
            break
        setup += int(child["latency"])
    processes = {}
    for child in nest.get("body", []):
        if child.get("kind") == "dataflow":  # the region: its processes
            processes = {process["region"]: _gaps(process) for process in child.get("body", []) if "region" in process}
            break
    return tuple(sorted(found.items())), setup, processes


__all__ = [
    "ADAPTER_FLAGS",
    "Gaps",
    "loop_depths",
    "process_gaps",
    "reading_policy",
    "reference_readings",
    "setup_cycles",
    "with_leads",
]
