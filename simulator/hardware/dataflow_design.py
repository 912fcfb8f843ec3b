"""The dataflow accelerator's design: how each layer's unit of hls_src/dataflow/ is folded.

A layer's unit computes ``pe`` output channels x ``simd`` input taps a cycle, for ``columns``
output columns at once (convolutions only; a fully connected layer has one column). The
folds a unit loops over are out / pe channel folds times taps / simd tap folds, for each of
width / columns column groups of each output row (Umuroglu et al. 2017, FINN's PE x SIMD
matrix-vector unit).
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.hardware.designs import PARTS

DEFAULT_CLOCK_MHZ = 250.0  # the per-layer design's kernel clock (AWS F1, xcvu9p)
DEFAULT_PART = "xcvu9p"  # a key of simulator.hardware.designs.PARTS
MAX_LANES = 4096  # pe, simd, columns
MAX_FIFO_DEPTH = 1024


@dataclass(frozen=True, slots=True)
class LayerFold:
    """One unit's parallelism: ``pe`` output channels x ``simd`` taps x ``columns`` output columns a cycle."""

    pe: int
    simd: int
    columns: int = 1

    def __post_init__(self):
        for name in ("pe", "simd", "columns"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_LANES:
                raise ValueError(f"LayerFold.{name}={value!r} is out of range; expected an int in [1, {MAX_LANES}]")

    @property
    def macs_per_cycle(self) -> int:
        return self.pe * self.simd * self.columns

    def to_json(self) -> dict[str, int]:
        return {"pe": self.pe, "simd": self.simd, "columns": self.columns}


@dataclass(frozen=True, slots=True)
class DataflowDesign:
    """One fold per layer, in execution order, the depth of each stream between two units (in
    words: feature-map rows; empty: sized by simulation), the clock and the target part."""

    folds: tuple[LayerFold, ...]
    fifo_depths: tuple[int, ...] = ()
    clock_mhz: float = DEFAULT_CLOCK_MHZ
    part: str = DEFAULT_PART

    def __post_init__(self):
        if not self.folds or not all(isinstance(fold, LayerFold) for fold in self.folds):
            raise ValueError(f"DataflowDesign.folds={self.folds!r}; expected one LayerFold per layer")
        if self.fifo_depths and len(self.fifo_depths) != len(self.folds) - 1:
            raise ValueError(
                f"DataflowDesign.fifo_depths has {len(self.fifo_depths)} depths; "
                f"expected {len(self.folds) - 1} (one per stream between two units) or none"
            )
        for depth in self.fifo_depths:
            if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= MAX_FIFO_DEPTH:
                raise ValueError(f"DataflowDesign.fifo_depths holds {depth!r}; expected ints in [1, {MAX_FIFO_DEPTH}]")
        if not 10.0 <= float(self.clock_mhz) <= 1000.0:
            raise ValueError(f"DataflowDesign.clock_mhz={self.clock_mhz!r} is out of range; expected 10 to 1000 MHz")
        if self.part not in PARTS:
            raise ValueError(f"DataflowDesign.part={self.part!r} is not known; expected one of {sorted(PARTS)}")

    def to_json(self) -> dict:
        return {
            "folds": [fold.to_json() for fold in self.folds],
            "fifo_depths": list(self.fifo_depths),
            "clock_mhz": self.clock_mhz,
            "part": self.part,
        }

    @classmethod
    def from_json(cls, data: dict) -> DataflowDesign:
        folds = tuple(LayerFold(**fold) for fold in data["folds"])
        clock, part = data.get("clock_mhz", DEFAULT_CLOCK_MHZ), data.get("part", DEFAULT_PART)
        return cls(folds, tuple(data.get("fifo_depths", ())), clock, part)


__all__ = ["DEFAULT_CLOCK_MHZ", "DEFAULT_PART", "DataflowDesign", "LayerFold"]
