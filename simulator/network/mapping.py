"""Layer mapping: how each layer of an integer network runs on the matmul kernel.

A layer is out = W x (W: out_features x in_features, x: in_features x columns, columns the
H*W pixels of a convolution's im2col output or the images of an FC batch). The kernel
holds a B tile in its PE array and streams A rows past it, so a layer can run two ways:

- ``weights_a``: A = W (tiled, ``layout.tile_a``), B = x; the bias is per output row.
- ``weights_b``: out^T = x^T W^T, A = x^T (row-major), B = W^T (tiled, ``layout.tile_b``);
  the bias is per output column. An FC layer of one image then latches each weight tile
  once and streams one row past it, while the next tile latches: the weights stream at one
  word per cycle, the port's rate.

A convolution takes its B from im2col (9C x HW, row-major), so only ``weights_a`` applies;
an FC layer takes either. ``map_layer`` times every candidate with the SimPy model of the
C++ (``run_matmul_des``) and keeps the fastest: a small search, cached per design and shape.
The export lays the weights out for the chosen mapping (``device_weights``) and records it.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass

import numpy as np

from simulator.contract.layout import (
    LAYOUT_A_TILED,
    LAYOUT_B_TILED,
    LAYOUT_BIAS_COLUMNS,
    tile_a,
    tile_b,
    tiled_a_bytes,
    tiled_b_bytes,
    untile_a,
    untile_b,
)
from simulator.hardware.designs import MatmulDesign
from simulator.timing.units.matmul import run_matmul_des
from simulator.timing.units.source_depths import reading_policy

ORIENTATIONS = ("weights_a", "weights_b")
LAYOUTS = {"weights_a": LAYOUT_A_TILED, "weights_b": LAYOUT_B_TILED | LAYOUT_BIAS_COLUMNS}


@dataclass(frozen=True, slots=True)
class LayerMapping:
    """How a layer runs: its orientation and the tile shape its weights are laid out for."""

    orientation: str
    tile_u: int
    tile_v: int
    tile_w: int

    @property
    def layout(self) -> int:
        """The kernel's layout bits (hls_src/matmul/matmul.hpp)."""
        return LAYOUTS[self.orientation]

    def matmul_shape(self, out_features: int, in_features: int, columns: int) -> tuple[int, int, int]:
        """(u, v, w) of the kernel call for ``columns`` columns of x."""
        if self.orientation == "weights_a":
            return out_features, in_features, columns
        return columns, in_features, out_features

    def fits(self, design: MatmulDesign) -> bool:
        """True when ``design`` has the tile shape these weights are laid out for."""
        return (self.tile_u, self.tile_v, self.tile_w) == (design.tile_u, design.tile_v, design.tile_w)

    def check_design(self, design: MatmulDesign, where: str) -> None:
        """Raise ValueError (one line) when ``design``'s tiles differ from this layout's."""
        if not self.fits(design):
            raise ValueError(
                f"{where}: weights laid out for tiles {self.tile_u}x{self.tile_v}x{self.tile_w} "
                f"(tile_u x tile_v x tile_w); the design has {design.tile_u}x{design.tile_v}x{design.tile_w}: "
                "export again for this design"
            )

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> LayerMapping:
        if data.get("orientation") not in ORIENTATIONS:
            raise ValueError(f"mapping orientation {data.get('orientation')!r} is not one of {ORIENTATIONS}")
        return cls(data["orientation"], int(data["tile_u"]), int(data["tile_v"]), int(data["tile_w"]))


def device_weights(mapping: LayerMapping, weight_matrix: np.ndarray) -> np.ndarray:
    """The weights (out x in) as the kernel reads them under ``mapping`` (1-D uint8)."""
    if mapping.orientation == "weights_a":
        return tile_a(weight_matrix, mapping.tile_u, mapping.tile_v)
    return tile_b(np.ascontiguousarray(weight_matrix.T), mapping.tile_w)


def device_bytes(mapping: LayerMapping, out_features: int, in_features: int) -> int:
    """Bytes of the weights' device image under ``mapping``."""
    if mapping.orientation == "weights_a":
        return tiled_a_bytes(out_features, in_features, mapping.tile_v)
    return tiled_b_bytes(in_features, out_features, mapping.tile_w)


def weights_from_device(mapping: LayerMapping, data: np.ndarray, out_features: int, in_features: int) -> np.ndarray:
    """Inverse of :func:`device_weights`: the (out x in) weight matrix.

    Raises ValueError (one line) when ``data`` is not a device image of that shape under
    ``mapping``: the wrong size, or padding that is not zero.
    """
    expected = device_bytes(mapping, out_features, in_features)
    if data.ndim != 1 or data.size != expected:
        raise ValueError(
            f"holds {data.size} bytes, but a {out_features} x {in_features} weight matrix laid out as "
            f"{mapping.orientation} for tiles {mapping.tile_u}x{mapping.tile_v}x{mapping.tile_w} takes {expected}"
        )
    if mapping.orientation == "weights_a":
        matrix = untile_a(data, out_features, in_features, mapping.tile_u, mapping.tile_v)
    else:
        matrix = np.ascontiguousarray(untile_b(data, in_features, out_features, mapping.tile_w).T)
    if not np.array_equal(device_weights(mapping, matrix), data):
        raise ValueError(
            f"is not laid out as {mapping.orientation} for tiles "
            f"{mapping.tile_u}x{mapping.tile_v}x{mapping.tile_w} (non-zero padding)"
        )
    return matrix


def candidates(kind: str) -> tuple[str, ...]:
    """Orientations a layer of ``kind`` can take (module docstring)."""
    return ("weights_a",) if kind == "conv" else ORIENTATIONS


def timed_call(design: MatmulDesign, u: int, v: int, w: int, layout: int):
    """The SimPy timing of one matmul_mapped call with a bias (cached: the mapping search and
    the network timing ask for the same calls; per reading policy, whose depths it uses)."""
    return _timed_call(design, u, v, w, layout, reading_policy())


@functools.lru_cache(maxsize=4096)
def _timed_call(design: MatmulDesign, u: int, v: int, w: int, layout: int, policy: str):
    return run_matmul_des(design, u, v, w, bias=True, layout=layout)


def map_layer(design: MatmulDesign, kind: str, out_features: int, in_features: int, columns: int) -> LayerMapping:
    """The candidate mapping with the fewest simulated cycles on ``design`` (cached, per reading
    policy).

    Raises ValueError when no candidate fits the design (w beyond max_w).
    """
    return _map_layer(design, kind, out_features, in_features, columns, reading_policy())


@functools.lru_cache(maxsize=4096)
def _map_layer(
    design: MatmulDesign, kind: str, out_features: int, in_features: int, columns: int, policy: str
) -> LayerMapping:
    best: tuple[int, LayerMapping] | None = None
    for orientation in candidates(kind):
        mapping = LayerMapping(orientation, design.tile_u, design.tile_v, design.tile_w)
        u, v, w = mapping.matmul_shape(out_features, in_features, columns)
        if w > design.max_w:
            continue
        cycles = timed_call(design, u, v, w, mapping.layout).latency_cycles
        if best is None or cycles < best[0]:
            best = (cycles, mapping)
    if best is None:
        raise ValueError(
            f"map_layer: a {kind} layer {out_features} x {in_features} over {columns} columns needs w <= "
            f"max_w={design.max_w} in some orientation; raise max_w"
        )
    return best[1]


def map_network(net, design: MatmulDesign, batch: int = 1):
    """``net`` with every layer mapped for ``design`` at ``batch`` images (``map_layer``)."""
    import dataclasses

    channels, height, width = net.input_shape
    layers = []
    for layer in net.layers:
        columns = height * width if layer.kind == "conv" else batch
        mapping = map_layer(design, layer.kind, layer.out_features, layer.in_features, columns)
        layers.append(dataclasses.replace(layer, mapping=mapping))
        if layer.kind == "conv" and layer.pool:
            height, width = height // 2, width // 2
    return dataclasses.replace(net, layers=tuple(layers))


__all__ = [
    "LAYOUTS",
    "ORIENTATIONS",
    "LayerMapping",
    "candidates",
    "device_bytes",
    "device_weights",
    "map_layer",
    "map_network",
    "timed_call",
    "weights_from_device",
]
