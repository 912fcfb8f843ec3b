"""Design-space sweeps of the matmul kernel on Dask: ``cnnacc sweep SPEC``.

A SPEC (JSON, or TOML) names the shape of one call, the model and the designs:

    {"kernel": "matmul", "shape": [64, 32, 64], "model": "analytic",
     "sampling": "grid",                       # or "random" with "samples" and "seed"
     "depths": "reference",                    # or "source"
     "base": {"axi_width_bits": 256},          # fixed fields (default: the reference design)
     "fields": {"tile_u": [16, 32, 64],        # a list of values,
                "tile_w": {"min": 16, "max": 128, "step": 16}}}   # or an inclusive range

Every design is a MatmulDesign (its own checks apply; a design the C++ cannot build is a
row with ``buildable`` false, not an error); the model is ``analytic`` (the static schedule
of the kernel's loop program, ``analytic_matmul``) or ``des`` (the SimPy model,
``run_matmul_des``). A row holds the design fields, cycles, interval, resources and whether
the design fits its part: all estimates of the HLS C++. The loop programs take their pipeline
depths from a reading of the C++ (``simulator.timing.units.source_depths``), about two seconds per
distinct build: with ``depths`` "reference" (the default) every design takes those of the
reference build at its clock and part (its loops, trip counts and AXI traffic stay its own);
"source" reads the C++ of every design.

Work runs in chunks of designs on a Dask scheduler: ``synchronous`` (in this process),
``local`` (a ``distributed.LocalCluster`` of one single-threaded worker process per core; a
job of one chunk runs synchronously) or ``tcp://HOST:PORT`` (an existing cluster). A task
carries the span of design indices of its chunk and decodes its designs from the spec
(grid: mixed-radix digits; random: seeded blocks), so a million-design job sends two
integers per task. A chunk is a pure function of its span, so the table is the same
whatever the scheduler, the number of workers and the chunk size; a chunk whose worker
dies is run again (``retries``), so a killed worker costs time, not rows.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from simulator.explore.tasks import SCHEDULERS, check_scheduler, run_tasks
from simulator.hardware.designs import MatmulDesign
from simulator.timing.units.matmul import analytic_matmul, run_matmul_des
from simulator.timing.units.source_depths import reference_readings
from simulator.timing.units.tiling import DIM_MAX, V_MAX

MODELS = ("analytic", "des")
DEPTHS = ("reference", "source")
SAMPLINGS = ("grid", "random")
MAX_DESIGNS = 10_000_000
CHUNK_DESIGNS = 500  # designs per task: scheduling overhead stays small against the work
RANDOM_BLOCK = 1024  # random designs drawn from one seeded generator
COLUMNS = ("buildable", "latency_cycles", "interval_cycles", "dsp", "bram_18k", "lut", "fits", "error")


class SpecError(ValueError):
    """A sweep SPEC that names an unknown field, an empty range or a value out of range."""


class SweepTaskError(ValueError):
    """A design whose model failed (not a design the C++ cannot build): the message names it."""


@dataclass(frozen=True)
class SweepSpec:
    """A validated SPEC (module docstring)."""

    shape: tuple[int, int, int]
    fields: dict[str, list[Any]]
    base: dict[str, Any] = field(default_factory=dict)
    model: str = "analytic"
    sampling: str = "grid"
    samples: int = 0
    seed: int = 0
    depths: str = "reference"

    @property
    def size(self) -> int:
        """Designs the spec sweeps."""
        return self.samples if self.sampling == "random" else math.prod(len(v) for v in self.fields.values())

    def designs(self, start: int = 0, stop: int | None = None) -> list[dict[str, Any]]:
        """The field values of designs ``start`` .. ``stop`` - 1 (default: all), in a fixed
        order: grid, row-major over the fields in the SPEC's order; random, seeded draws in
        blocks of ``RANDOM_BLOCK`` designs (block b from the generator seeded [seed, b]), so
        any range is drawn alone, the same whatever the chunking."""
        stop = self.size if stop is None else min(stop, self.size)
        names, values = list(self.fields), list(self.fields.values())
        sizes = [len(v) for v in values]
        if stop <= start:
            return []
        if self.sampling == "grid":
            picks = np.stack(np.unravel_index(np.arange(start, stop), sizes), axis=1)
        else:
            blocks = range(start // RANDOM_BLOCK, (stop - 1) // RANDOM_BLOCK + 1)
            drawn = [
                np.random.default_rng([self.seed, b]).integers(0, sizes, (RANDOM_BLOCK, len(sizes))) for b in blocks
            ]
            first = blocks[0] * RANDOM_BLOCK
            picks = np.concatenate(drawn)[start - first : stop - first]
        return [{name: _plain(value[i]) for name, value, i in zip(names, values, row)} for row in picks.tolist()]


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def _check_value(name: str, value) -> None:
    """A value of a MatmulDesign field inside the field's range, else SpecError naming both."""
    if name in MatmulDesign.CHOICES:
        choices = MatmulDesign.CHOICES[name]
        if value not in choices:
            raise SpecError(f"field {name}: {value!r} is not one of {choices}")
        return
    kind, lo, hi = MatmulDesign.FIELDS[name]
    if kind is bool:
        if not isinstance(value, bool):
            raise SpecError(f"field {name}: {value!r} is not true or false")
        return
    wrong_type = isinstance(value, bool) or not isinstance(value, (int, float))
    if wrong_type or (kind is int and not float(value).is_integer()):
        raise SpecError(f"field {name}: {value!r} is not a number of type {kind.__name__} in [{lo}, {hi}]")
    if not lo <= value <= hi:
        raise SpecError(f"field {name}: {value!r} is out of range; allowed [{lo}, {hi}]")


def _values(name: str, given) -> list[Any]:
    if isinstance(given, dict):
        unknown = set(given) - {"min", "max", "step"}
        if unknown or not {"min", "max"} <= set(given):
            raise SpecError(f"field {name}: a range is {{min, max[, step]}}; got keys {sorted(given)}")
        step = given.get("step", 1)
        if not isinstance(step, (int, float)) or step <= 0:
            raise SpecError(f"field {name}: step {step!r} must be > 0")
        count = math.floor((given["max"] - given["min"]) / step + 1e-9) + 1
        values = [given["min"] + i * step for i in range(max(count, 0))]
        integer = MatmulDesign.FIELDS.get(name, (float,))[0] is int
        values = [int(v) if integer and float(v).is_integer() else v for v in values]
    elif isinstance(given, list):
        values = given
    else:
        values = [given]
    if not values:
        raise SpecError(f"field {name}: the range is empty")
    for value in values:
        _check_value(name, value)
    return values


def parse_spec(data: dict) -> SweepSpec:
    """A SweepSpec from the SPEC's parsed content; SpecError names the first problem."""
    known = {"kernel", "shape", "model", "sampling", "samples", "seed", "base", "fields", "depths"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SpecError(f"unknown key {unknown[0]!r}; the SPEC's keys are {sorted(known)}")
    if data.get("kernel", "matmul") != "matmul":
        raise SpecError(f"kernel {data.get('kernel')!r}: only 'matmul' is swept")
    shape = data.get("shape")
    limits = (("u", DIM_MAX), ("v", V_MAX), ("w", 4096))
    if not isinstance(shape, list) or len(shape) != 3:
        raise SpecError(f"shape {shape!r}: expected [u, v, w]")
    for (name, hi), value in zip(limits, shape):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= hi:
            raise SpecError(f"shape {name} = {value!r} is out of range; allowed [1, {hi}]")
    model, sampling = data.get("model", "analytic"), data.get("sampling", "grid")
    if model not in MODELS:
        raise SpecError(f"model {model!r} is not one of {MODELS}")
    if sampling not in SAMPLINGS:
        raise SpecError(f"sampling {sampling!r} is not one of {SAMPLINGS}")
    depths = data.get("depths", "reference")
    if depths not in DEPTHS:
        raise SpecError(f"depths {depths!r} is not one of {DEPTHS}")
    allowed = sorted({*MatmulDesign.FIELDS, *MatmulDesign.CHOICES})
    fields = data.get("fields") or {}
    base = data.get("base") or {}
    if not fields:
        raise SpecError("fields: name at least one design field to sweep")
    for name in [*fields, *base]:
        if name not in allowed:
            raise SpecError(f"unknown field {name!r}; the design fields are {allowed}")
    for name, value in base.items():
        _check_value(name, value)
    values = {name: _values(name, given) for name, given in fields.items()}
    samples, seed = data.get("samples", 0), data.get("seed", 0)
    if sampling == "random" and not (isinstance(samples, int) and 1 <= samples <= MAX_DESIGNS):
        raise SpecError(f"samples {samples!r} is out of range; allowed [1, {MAX_DESIGNS}] with random sampling")
    if not isinstance(seed, int) or seed < 0:
        raise SpecError(f"seed {seed!r} must be an int >= 0")
    spec = SweepSpec(tuple(shape), values, dict(base), model, sampling, samples, seed, depths)  # type: ignore[arg-type]
    if spec.size > MAX_DESIGNS:
        raise SpecError(f"the SPEC sweeps {spec.size:,} designs; allowed at most {MAX_DESIGNS:,}")
    return spec


def read_spec(path) -> SweepSpec:
    """``parse_spec`` of a .json or .toml file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such SPEC file")
    text = path.read_text()
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        raise SpecError(f"{path}: not valid {'TOML' if path.suffix == '.toml' else 'JSON'} ({error})") from None
    try:
        return parse_spec(data)
    except SpecError as error:
        raise SpecError(f"{path}: {error}") from None


def evaluate(spec: SweepSpec, span: tuple[int, int]) -> list[dict[str, Any]]:
    """One chunk, designs ``span[0]`` .. ``span[1] - 1`` of the spec: a row per design (module
    docstring). Pure: the same rows wherever it runs (a task carries two integers, not designs)."""
    with reference_readings() if spec.depths == "reference" else nullcontext():
        return _evaluate(spec, span)


def _evaluate(spec: SweepSpec, span: tuple[int, int]) -> list[dict[str, Any]]:
    run = analytic_matmul if spec.model == "analytic" else run_matmul_des
    rows = []
    for fields in spec.designs(*span):
        row: dict[str, Any] = dict(fields) | dict.fromkeys(COLUMNS)
        try:
            design = MatmulDesign(**(spec.base | fields))
            result = run(design, *spec.shape)
            resources = result.resources
        except ValueError as error:
            rows.append(row | {"buildable": False, "error": str(error).splitlines()[0]})
            continue
        except Exception as error:  # a model failure: name the design, whatever worker ran it
            raise SweepTaskError(f"design {spec.base | fields}: {type(error).__name__}: {error}") from error
        rows.append(
            row
            | {
                "buildable": True,
                "latency_cycles": result.latency_cycles,
                "interval_cycles": result.interval_cycles,
                "dsp": resources.dsp,
                "bram_18k": resources.bram_18k,
                "lut": resources.lut,
                "fits": resources.fits,
                "error": "",
            }
        )
    return rows


def chunks(spec: SweepSpec, size: int = CHUNK_DESIGNS) -> list[tuple[int, int]]:
    """The spans of designs of the tasks."""
    return [(start, min(start + size, spec.size)) for start in range(0, spec.size, size)]


@dataclass
class SweepRun:
    """The rows in design order, and how the run went."""

    rows: list[dict[str, Any]]
    tasks: int
    workers: int
    seconds: float

    @property
    def designs_per_second(self) -> float:
        return len(self.rows) / self.seconds if self.seconds > 0 else math.inf


def run_sweep(
    spec: SweepSpec,
    *,
    scheduler: str = "local",
    workers: int | None = None,
    chunk: int = CHUNK_DESIGNS,
    progress: Callable[[int], None] | None = None,
) -> SweepRun:
    """Evaluate every design of ``spec`` on ``scheduler`` (``simulator.explore.tasks``); ``progress(n)``
    after each chunk of n designs. Rows come back in design order whatever the scheduler."""
    check_scheduler(scheduler)
    pieces = chunks(spec, chunk)
    if scheduler == "local" and len(pieces) <= 1:  # a tiny job: starting a cluster would cost more than it
        scheduler = "synchronous"
    run = run_tasks(
        evaluate,
        pieces,
        shared=(spec,),
        scheduler=scheduler,
        workers=workers,
        progress=None if progress is None else (lambda i: progress(pieces[i][1] - pieces[i][0])),
    )
    rows = [row for part in run.results for row in part]
    return SweepRun(rows, run.tasks, run.workers, run.seconds)


def pareto_front(points: list[dict[str, Any]], cycles: str) -> list[dict[str, Any]]:
    """The points no other beats on both DSPs and ``cycles``, by DSPs (ties: fewer BRAMs)."""
    front: list[dict[str, Any]] = []
    for point in sorted(points, key=lambda p: (p["dsp"], p[cycles], p["bram_18k"])):
        if not front or point[cycles] < front[-1][cycles]:
            front.append(point)
    return front


def pareto(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The buildable designs that fit and that no other beats on both DSPs and latency."""
    return pareto_front([r for r in rows if r["buildable"] and r["fits"]], "latency_cycles")


__all__ = [
    "MODELS",
    "SCHEDULERS",
    "SpecError",
    "SweepRun",
    "SweepTaskError",
    "SweepSpec",
    "evaluate",
    "pareto",
    "pareto_front",
    "parse_spec",
    "read_spec",
    "run_sweep",
]
