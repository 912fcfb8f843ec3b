"""SCALE-Sim compatibility: its topology and config files, and its stall-free compute cycles.

SCALE-Sim v3 (Samajdar et al., "A Systematic Methodology for Characterizing Scalability of
DNN Accelerators using SCALE-Sim", ISPASS 2020; pip package ``scalesim`` 3.0.0) maps a layer
onto a systolic array as a GEMM of the operand matrices (ofmap pixels x window) and
(window x filters), then runs its folds one after the other, each fold filling, streaming
and draining the array (scalesim/compute/systolic_compute_{os,ws,is}.py):
    fold cycles = T + R + C - 2 (OS)  or  2R + C + T - 2 (WS, IS; R cycles of preload)
    folds       = ceil(S_R / R) * ceil(S_C / C)
and reports "Total Cycles" as the index of the last demand row, folds * fold cycles - 1,
with zero stall cycles when the memory keeps up. This module reproduces those numbers with
the project's PE-array model in its SCALE-Sim configuration (systolic interconnect, no fold
overlap, operands resident): the SimPy run (``simulate_scalesim``, one event per fold) and
the closed form (``scalesim_total_cycles``) agree with SCALE-Sim to the cycle, on any array
shape, for OS, WS and IS (tests/crosscheck/test_scalesim.py, against a table SCALE-Sim
produced).

File formats (as SCALE-Sim reads them):
- conv topology CSV: header line, then
  ``name, ifmap_h, ifmap_w, filter_h, filter_w, channels, num_filters, stride,`` (an
  optional N:M sparsity ratio may follow; SCALE-Sim has no padding: pad the ifmap size);
  layers whose name contains "DP" are depthwise and expand into one layer per channel.
- GEMM topology CSV ("MNK"): header ``Layer Name, M, N, K,`` then ``name, M, N, K,``; a
  layer of M x K times K x N becomes ifmap M x K, filter 1 x K, 1 channel, N filters.
- config .cfg (INI): [general] run_name; [architecture_presets] ArrayHeight, ArrayWidth,
  Dataflow (os | ws | is) and memory sizes; other sections are read by SCALE-Sim only.
"""

from __future__ import annotations

import configparser
import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import simpy

from simulator.contract.numerics import check_choice
from simulator.hardware.designs import SystolicDesign, check_field
from simulator.interop.systolic_array import ComputeStep, PeArray, PeArrayPorts, fold_plan
from simulator.timing.results import Trace
from simulator.timing.units.environment import CountingEnvironment

SCALESIM_DATAFLOWS = {
    "os": "output_stationary",
    "ws": "weight_stationary",
    "is": "input_stationary",
}
LAYER_DIM_MAX = 1 << 20


@dataclass(frozen=True, kw_only=True, slots=True)
class ScaleSimLayer:
    """One layer of a SCALE-Sim topology (SCALE-Sim's own fields)."""

    name: str
    ifmap_h: int
    ifmap_w: int
    filter_h: int
    filter_w: int
    channels: int
    num_filters: int
    stride_h: int = 1
    stride_w: int = 1

    def __post_init__(self) -> None:
        owner = f"ScaleSimLayer({self.name!r})"
        for name in (
            "ifmap_h",
            "ifmap_w",
            "filter_h",
            "filter_w",
            "channels",
            "num_filters",
            "stride_h",
            "stride_w",
        ):
            check_field(owner, name, getattr(self, name), int, 1, LAYER_DIM_MAX)
        if self.filter_h > self.ifmap_h or self.filter_w > self.ifmap_w:
            raise ValueError(
                f"{owner}: filter ({self.filter_h}, {self.filter_w}) is larger than the ifmap "
                f"({self.ifmap_h}, {self.ifmap_w}); pad the ifmap size (SCALE-Sim has no padding)"
            )

    @property
    def ofmap_h(self) -> int:
        """ceil((ifmap_h - filter_h + stride_h) / stride_h), SCALE-Sim's formula."""
        return math.ceil((self.ifmap_h - self.filter_h + self.stride_h) / self.stride_h)

    @property
    def ofmap_w(self) -> int:
        return math.ceil((self.ifmap_w - self.filter_w + self.stride_w) / self.stride_w)

    @property
    def gemm(self) -> tuple[int, int, int]:
        """(M, K, N): ofmap pixels, window size (filter_h filter_w channels), filters."""
        return (
            self.ofmap_h * self.ofmap_w,
            self.filter_h * self.filter_w * self.channels,
            self.num_filters,
        )

    @property
    def macs(self) -> int:
        """M * K * N, SCALE-Sim's num_compute."""
        m, k, n = self.gemm
        return m * k * n


@dataclass(frozen=True, kw_only=True, slots=True)
class ScaleSimConfig:
    """The parts of a SCALE-Sim .cfg that decide its compute cycles."""

    run_name: str
    array_rows: int
    array_cols: int
    dataflow: str  # "os" | "ws" | "is"

    def design(self) -> SystolicDesign:
        """The SystolicDesign of SCALE-Sim's compute model: systolic, folds not overlapped."""
        return SystolicDesign(
            pe_rows=self.array_rows,
            pe_cols=self.array_cols,
            dataflow=SCALESIM_DATAFLOWS[self.dataflow],  # type: ignore[arg-type]  # values are DATAFLOWS
            pe_interconnect="systolic",
            fold_overlap=False,
        )


# ------------------------------------------------------------------------------ readers


def _int_cell(path: Path, line_number: int, column: str, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"{path}:{line_number}: {column}={text.strip()!r} is not an integer") from None


def _check_sparsity(path: Path, line_number: int, cell: str) -> None:
    if cell.strip() and cell.strip().replace(" ", "") not in ("1:1",):
        raise ValueError(f"{path}:{line_number}: sparsity ratio {cell.strip()!r} is not modelled; expected 1:1")


CONV_COLUMNS = ("ifmap_h", "ifmap_w", "filter_h", "filter_w", "channels", "num_filters", "stride")


def _gemm_layer(path: Path, line_number: int, cells: list[str]) -> ScaleSimLayer:
    """``name, M, N, K`` as SCALE-Sim maps it: ifmap M x K, filter 1 x K, N filters."""
    if len(cells) not in (4, 5):
        raise ValueError(f"{path}:{line_number}: a GEMM row is 'name, M, N, K,'; got {','.join(cells)!r}")
    m, n, k = (_int_cell(path, line_number, col, cells[i + 1]) for i, col in enumerate("MNK"))
    if len(cells) == 5:
        _check_sparsity(path, line_number, cells[4])
    return ScaleSimLayer(
        name=cells[0].strip(),
        ifmap_h=m,
        ifmap_w=k,
        filter_h=1,
        filter_w=k,
        channels=1,
        num_filters=n,
    )


def _conv_layers(path: Path, line_number: int, cells: list[str]) -> list[ScaleSimLayer]:
    """One conv row; a name containing "DP" is depthwise: one 1-channel layer per channel."""
    if len(cells) not in (8, 9):
        raise ValueError(
            f"{path}:{line_number}: a conv row is 'name, ifmap_h, ifmap_w, filter_h, filter_w, "
            f"channels, num_filters, stride,'; got {','.join(cells)!r}"
        )
    values = {column: _int_cell(path, line_number, column, cells[i + 1]) for i, column in enumerate(CONV_COLUMNS)}
    if len(cells) == 9:
        _check_sparsity(path, line_number, cells[8])
    name, stride = cells[0].strip(), values.pop("stride")
    if "DP" not in name:
        return [ScaleSimLayer(name=name, stride_h=stride, stride_w=stride, **values)]
    channels = values.pop("channels")
    return [
        ScaleSimLayer(name=f"{name}Channel_{c}", channels=1, stride_h=stride, stride_w=stride, **values)
        for c in range(channels)
    ]


def read_topology(path: str | Path, *, gemm: bool | None = None) -> tuple[ScaleSimLayer, ...]:
    """Layers of a SCALE-Sim topology CSV, conv or GEMM ("MNK") form.

    ``gemm=None`` detects the form from the header (``M, N, K`` columns mean GEMM).

    Raises
    ------
    FileNotFoundError, ValueError
        For a missing file, a malformed row (with its line number) or no layer at all.
    """
    path = Path(path)
    lines = path.read_text().splitlines()
    if not lines:
        raise ValueError(f"{path}: empty topology file")
    if gemm is None:
        gemm = [cell.strip().upper() for cell in lines[0].split(",")][1:4] == ["M", "N", "K"]
    layers: list[ScaleSimLayer] = []
    for line_number, row in enumerate(lines[1:], start=2):
        if not row.strip():
            continue
        cells = row.strip().split(",")
        cells = cells[:-1] if cells[-1].strip() == "" else cells  # SCALE-Sim rows end with ","
        if gemm:
            layers.append(_gemm_layer(path, line_number, cells))
        else:
            layers.extend(_conv_layers(path, line_number, cells))
    if not layers:
        raise ValueError(f"{path}: no layer rows after the header")
    return tuple(layers)


def read_config(path: str | Path) -> ScaleSimConfig:
    """The run name, array shape and dataflow of a SCALE-Sim .cfg file (v2 or v3).

    Raises
    ------
    FileNotFoundError, ValueError
        For a missing file, a missing key or a value out of range.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"SCALE-Sim config {str(path)!r} does not exist")
    parser = configparser.ConfigParser()
    try:
        parser.read_string(path.read_text())
        run_name = parser.get("general", "run_name").strip()
        section = parser["architecture_presets"]
        rows_text, cols_text, dataflow = (
            section["ArrayHeight"],
            section["ArrayWidth"],
            section["Dataflow"].strip(),
        )
    except (configparser.Error, KeyError) as error:
        raise ValueError(f"{path}: not a SCALE-Sim config ({error})") from None
    if (
        parser.has_section("sparsity")
        and parser.get("sparsity", "SparsitySupport", fallback="false").strip().lower() == "true"
    ):
        raise ValueError(f"{path}: SparsitySupport = true is not modelled; expected false")
    check_choice(f"{path}: Dataflow", dataflow, tuple(SCALESIM_DATAFLOWS))
    rows, cols = (
        _int_cell(path, 0, "ArrayHeight", rows_text),
        _int_cell(path, 0, "ArrayWidth", cols_text),
    )
    check_field(str(path), "ArrayHeight", rows, int, 1, SystolicDesign.FIELDS["pe_rows"][2])
    check_field(str(path), "ArrayWidth", cols, int, 1, SystolicDesign.FIELDS["pe_cols"][2])
    return ScaleSimConfig(run_name=run_name, array_rows=rows, array_cols=cols, dataflow=dataflow)


# ------------------------------------------------------------------------------ timing


@dataclass(frozen=True, kw_only=True, slots=True)
class ScaleSimLayerResult:
    """SCALE-Sim's COMPUTE_REPORT row of one layer, as this project computes it."""

    layer: str
    total_cycles: int
    stall_cycles: int
    overall_util_percent: float
    mapping_efficiency_percent: float
    compute_util_percent: float
    n_folds: int
    n_events: int = 0

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _check_design(owner: str, design: SystolicDesign) -> None:
    if not isinstance(design, SystolicDesign):
        raise TypeError(f"{owner}: design must be a SystolicDesign; got {type(design).__name__}")
    if design.pe_interconnect != "systolic" or design.fold_overlap:
        raise ValueError(
            f"{owner}: SCALE-Sim's model needs pe_interconnect='systolic' and fold_overlap=False; "
            "got "
            f"pe_interconnect={design.pe_interconnect!r}, fold_overlap={design.fold_overlap!r} "
            "(use ScaleSimConfig.design())"
        )


def scalesim_total_cycles(layer: ScaleSimLayer, design: SystolicDesign) -> int:
    """Closed form of SCALE-Sim's "Total Cycles": folds * fold latency - 1 (module docstring)."""
    _check_design("scalesim_total_cycles", design)
    plan = fold_plan(design, *layer.gemm)
    return plan.n_folds * plan.latency_cycles - 1


def _layer_result(
    layer: ScaleSimLayer, design: SystolicDesign, total_cycles: int, n_events: int
) -> ScaleSimLayerResult:
    """Utilizations as SCALE-Sim averages them over folds (single_layer_sim.py).

    mapping efficiency = S_R S_C / (folds R C); compute utilization = S_R S_C T / (folds R C
    cycles_per_fold), where SCALE-Sim's WS and IS count C - 1 more cycles per fold than the
    fold takes (the width of their demand matrix is added to its height).
    """
    plan = fold_plan(design, *layer.gemm)
    array = design.macs_per_cycle
    used = plan.spatial_rows * plan.spatial_cols
    # A single 1-cycle fold reports 0 cycles (the last cycle index); count it as one cycle
    # for the utilization, where SCALE-Sim itself would divide by zero.
    cycles_for_util = max(total_cycles, 1)
    per_fold = plan.latency_cycles + (0 if design.dataflow == "output_stationary" else design.pe_cols - 1)
    return ScaleSimLayerResult(
        layer=layer.name,
        total_cycles=total_cycles,
        stall_cycles=0,
        overall_util_percent=100.0 * layer.macs / (cycles_for_util * array),
        mapping_efficiency_percent=100.0 * used / (plan.n_folds * array),
        compute_util_percent=100.0 * used * plan.stream_cycles / (plan.n_folds * array * per_fold),
        n_folds=plan.n_folds,
        n_events=n_events,
    )


def simulate_scalesim_layer(
    layer: ScaleSimLayer, design: SystolicDesign, trace: Trace | None = None
) -> ScaleSimLayerResult:
    """SimPy run of one layer on the PE array in SCALE-Sim's configuration (operands resident).

    The array unit takes the whole layer as one ComputeStep and issues its folds one event
    each; SCALE-Sim's "Total Cycles" is the last cycle index, the end time minus one.
    """
    _check_design("simulate_scalesim_layer", design)
    env = CountingEnvironment()
    stores = [simpy.Store(env) for _ in range(6)]
    ports = PeArrayPorts(*stores)
    for store in (ports.a_full, ports.b_full, ports.acc_free):
        store.put(0)  # operands resident, one accumulator buffer
    rows, depth, cols = layer.gemm
    step = ComputeStep(rows, depth, cols, new_a=True, new_b=True, first_v=True, last_v=True)
    array = PeArray(env, design, (step,), ports, Trace() if trace is None else trace)
    env.run()
    if array.process.is_alive or len(ports.acc_full.items) != 1:
        raise RuntimeError(f"SCALE-Sim DES: the PE array is still waiting at cycle {int(env.now)}")
    return _layer_result(layer, design, int(env.now) - 1, env.n_events)


def simulate_scalesim(layers: tuple[ScaleSimLayer, ...], config: ScaleSimConfig) -> list[ScaleSimLayerResult]:
    """SimPy runs of every layer of a topology on a SCALE-Sim config (see module docstring)."""
    design = config.design()
    return [simulate_scalesim_layer(layer, design) for layer in layers]


__all__ = [
    "SCALESIM_DATAFLOWS",
    "ScaleSimConfig",
    "ScaleSimLayer",
    "ScaleSimLayerResult",
    "read_config",
    "read_topology",
    "scalesim_total_cycles",
    "simulate_scalesim",
    "simulate_scalesim_layer",
]
