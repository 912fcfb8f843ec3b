"""How long the dataflow accelerator takes: statically from its generated C++, and in SimPy.

Both read the same source. ``read_project`` reads the generated project with the HLS source
reader (``simulator.hls.hls_source``, the rules of ``cnnacc hls-estimate``): each unit's loops
(trip count, II, iteration latency) and the schedule's own figures for the DATAFLOW top
(``simulator.hls.schedule``: processes joined by FIFOs start on their producers' first
outputs and drain after their last inputs). ``simulate`` runs the units as SimPy processes
joined by FIFOs of the design's depth, every read and write where the C++ does it:

- a convolution unit reads input row 0 in its first iteration and row o + 1 in the first
  iteration of output row o; it writes output row o (pooled: every odd row) in that row's
  last iteration, the word ready an iteration latency later;
- a dense unit reads its input words one per READ iteration, then computes, then writes;
- a unit waits on an empty input or a full output (the whole pipeline stalls), and starts its
  next image when it ends this one (UG1399 "Dataflow": a process restarts when it is done).

A run that ends with images left is a deadlock: ``DataflowDeadlockError`` names the full stream a
unit waits to write and the empty one another waits to read, never a hang. With unbounded
FIFOs the largest occupancy of each stream is the depth it needs not to stall anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import simpy

from simulator.hardware.dataflow_design import DataflowDesign, LayerFold
from simulator.hls.hls_source import read_source
from simulator.hls.schedule import estimate_nest
from simulator.network.dataflow import TOP, DataflowError, UnitShape

INPUT_PORT_WORDS = 2  # the top's AXI4-Stream input: a register slice of two words


class DataflowDeadlockError(DataflowError):
    """The pipeline stopped with images left: a FIFO too shallow for the skew between two paths."""


@dataclass(frozen=True, slots=True)
class UnitLoops:
    """One unit's loops as the reader times them: its pipelined STEPS loop, the READ loop of a
    dense unit (0 trips for a convolution), and the states after STEPS (its final write)."""

    name: str
    trips: int
    ii: int
    depth: int
    read_trips: int = 0
    read_ii: int = 1
    read_depth: int = 0
    after: int = 0


@dataclass(frozen=True, slots=True)
class SourceTiming:
    """The reader's view of a generated project: every unit's loops and the schedule's figures
    for the top (``cnnacc hls-estimate PROJECT``)."""

    units: tuple[UnitLoops, ...]
    latency_cycles: int
    interval_cycles: int


def read_project(project: str | Path, design: DataflowDesign) -> SourceTiming:
    """Read the generated project's C++ at the design's clock and part."""
    project = Path(project)
    nest = read_source(
        project / "network.cpp", TOP, includes=[str(project)], clock_ns=1000.0 / design.clock_mhz, part=design.part
    )[0]
    report = estimate_nest(nest)
    units: list[dict] = []
    for row in report.rows[1:]:
        if row.depth == 1:
            units.append({"name": row.name})
        elif row.depth == 2 and row.name == "STEPS":
            units[-1] |= {"trips": row.trip_count, "ii": row.ii, "depth": row.iteration_latency}
        elif row.depth == 2 and row.name == "READ":
            units[-1] |= {"read_trips": row.trip_count, "read_ii": row.ii, "read_depth": row.iteration_latency}
        elif row.depth == 2 and "trips" in units[-1]:
            units[-1]["after"] = units[-1].get("after", 0) + row.latency_cycles
    found = tuple(UnitLoops(**unit) for unit in units)
    return SourceTiming(found, report.latency_cycles, report.interval_cycles)


@dataclass(frozen=True, slots=True)
class Event:
    """A read or a write of a stream ``offset`` cycles into a unit's image when nothing stalls;
    a written word is ready ``ready`` cycles after it is issued."""

    offset: int
    kind: str  # "r" or "w"
    stream: str
    ready: int = 0


@dataclass(frozen=True, slots=True)
class UnitProgram:
    """What one unit does to one image: its stream events in order and its cycles unstalled."""

    name: str
    events: tuple[Event, ...]
    cycles: int


def unit_program(shape: UnitShape, fold: LayerFold, loops: UnitLoops, source: str, target: str) -> UnitProgram:
    """The events of one unit per image, from its shape, folding and the reader's loops."""
    if shape.kind == "conv":
        row = (shape.width // fold.columns) * (shape.out // fold.pe) * (shape.taps // fold.simd)
        events = [Event(0, "r", source)]
        events += [Event((1 + o * row) * loops.ii, "r", source) for o in range(shape.height - 1)]
        written = [o for o in range(shape.height) if not shape.pool or o % 2 == 1]
        events += [Event((o + 1) * row * loops.ii, "w", target, loops.depth) for o in written]
        cycles = (loops.trips - 1) * loops.ii + loops.depth
    else:
        events = [Event(k * loops.read_ii, "r", source) for k in range(loops.read_trips)]
        read_end = (loops.read_trips - 1) * loops.read_ii + loops.read_depth
        compute_end = read_end + (loops.trips - 1) * loops.ii + loops.depth
        events.append(Event(compute_end, "w", target, loops.after))
        cycles = compute_end + loops.after
    return UnitProgram(shape.name, tuple(sorted(events, key=lambda event: (event.offset, event.kind))), cycles)


@dataclass(frozen=True, slots=True)
class PipelineTiming:
    """A SimPy run: batch-1 latency (the first image's scores), the steady interval between
    images, each stream's largest occupancy and the cycles its writers waited on it full."""

    latency_cycles: int
    interval_cycles: int
    images: int
    occupancy: dict[str, int] = field(default_factory=dict)
    write_stalls: dict[str, int] = field(default_factory=dict)


def simulate(
    programs: list[UnitProgram],
    words_in: int,
    depths: dict[str, int] | None,
    images: int = 4,
    input_stream: str = "image",
) -> PipelineTiming:
    """Run ``images`` images through the units over FIFOs of ``depths`` words by stream (None:
    every one unbounded); the input arrives a word a cycle as fast as the top's input port
    (``INPUT_PORT_WORDS`` deep) takes it, ``words_in`` an image; the outputs are taken at once."""
    env = simpy.Environment()
    streams = {event.stream for program in programs for event in program.events} - {input_stream}
    stores = {name: simpy.Store(env, capacity=(depths or {}).get(name, math.inf)) for name in streams}
    stores[input_stream] = simpy.Store(env, capacity=INPUT_PORT_WORDS)
    occupancy = dict.fromkeys(stores, 0)
    stalls = dict.fromkeys(stores, 0)
    waiting: dict[str, tuple[str, str]] = {}
    done: list[int] = []
    final = programs[-1].events[-1].stream

    def put(owner: str, stream: str, ready: int):
        waiting[owner] = ("write", stream)
        asked = env.now
        yield stores[stream].put(ready)
        stalls[stream] += int(env.now - asked)
        occupancy[stream] = max(occupancy[stream], len(stores[stream].items))
        del waiting[owner]

    def source():
        for _ in range(images):
            for _ in range(words_in):
                yield from put("the input", input_stream, int(env.now))
                yield env.timeout(1)

    def unit(program: UnitProgram):
        for _ in range(images):
            start, lag = int(env.now), 0
            for event in program.events:
                target = start + event.offset + lag
                if env.now < target:
                    yield env.timeout(target - env.now)
                if event.kind == "r":
                    waiting[program.name] = ("read", event.stream)
                    ready = yield stores[event.stream].get()
                    del waiting[program.name]
                    if ready > env.now:
                        yield env.timeout(ready - env.now)
                else:
                    yield from put(program.name, event.stream, int(env.now) + event.ready)
                lag = int(env.now) - (start + event.offset)
            end = start + program.cycles + lag
            if env.now < end:
                yield env.timeout(end - env.now)

    def sink():
        for _ in range(images):
            waiting["the output"] = ("read", final)
            ready = yield stores[final].get()
            del waiting["the output"]
            done.append(max(ready, env.now))

    env.process(source())
    for program in programs:
        env.process(unit(program))
    env.process(sink())
    env.run()
    if len(done) < images:
        raise DataflowDeadlockError(_deadlock_message(waiting, stores, len(done), images))
    interval = (done[-1] - done[0]) // (images - 1) if images > 1 else done[0]
    return PipelineTiming(done[0], interval, images, occupancy, stalls)


def _deadlock_message(waiting: dict[str, tuple[str, str]], stores: dict, finished: int, images: int) -> str:
    full = [(owner, stream) for owner, (verb, stream) in waiting.items() if verb == "write"]
    empty = [(owner, stream) for owner, (verb, stream) in waiting.items() if verb == "read"]
    parts = [f"{owner} waits to write stream '{stream}' (full: {len(stores[stream].items)} words)"
             for owner, stream in full]  # fmt: skip
    parts += [f"{owner} waits to read stream '{stream}' (empty)" for owner, stream in empty]
    return f"deadlock after {finished} of {images} images: {'; '.join(parts)}; deepen the full stream"


__all__ = [
    "DataflowDeadlockError",
    "Event",
    "PipelineTiming",
    "SourceTiming",
    "UnitLoops",
    "UnitProgram",
    "read_project",
    "simulate",
    "unit_program",
]
