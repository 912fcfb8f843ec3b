"""The dataflow accelerator's design: how each layer's unit of hls_src/dataflow/ is folded.

A layer's unit computes ``pe`` output channels x ``simd`` input taps a cycle, for ``columns``
output columns at once (convolutions only; a fully connected layer has one column). The
folds a unit loops over are out / pe channel folds times taps / simd tap folds, for each of
width / columns column groups of each output row (Umuroglu et al. 2017, FINN's PE x SIMD
matrix-vector unit). ``fifo_depth`` is the depth, in rows, of every stream between units.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """One fold per layer, in execution order, and the depth of the streams between units."""

    folds: tuple[LayerFold, ...]
    fifo_depth: int = 2
    clock_mhz: float = DEFAULT_CLOCK_MHZ
    part: str = DEFAULT_PART

    def __post_init__(self):
        if not self.folds or not all(isinstance(fold, LayerFold) for fold in self.folds):
            raise ValueError(f"DataflowDesign.folds={self.folds!r}; expected one LayerFold per layer")
        if (
            isinstance(self.fifo_depth, bool)
            or not isinstance(self.fifo_depth, int)
            or not 1 <= self.fifo_depth <= 1024
        ):
            raise ValueError(
                f"DataflowDesign.fifo_depth={self.fifo_depth!r} is out of range; expected an int in [1, 1024]"
            )
        if not 10.0 <= float(self.clock_mhz) <= 1000.0:
            raise ValueError(f"DataflowDesign.clock_mhz={self.clock_mhz!r} is out of range; expected 10 to 1000 MHz")

    def to_json(self) -> dict:
        return {
            "folds": [fold.to_json() for fold in self.folds],
            "fifo_depth": self.fifo_depth,
            "clock_mhz": self.clock_mhz,
            "part": self.part,
        }

    @classmethod
    def from_json(cls, data: dict) -> DataflowDesign:
        folds = tuple(LayerFold(**fold) for fold in data["folds"])
        return cls(
            folds, data.get("fifo_depth", 2), data.get("clock_mhz", DEFAULT_CLOCK_MHZ), data.get("part", DEFAULT_PART)
        )


__all__ = ["DEFAULT_CLOCK_MHZ", "DEFAULT_PART", "DataflowDesign", "LayerFold"]
