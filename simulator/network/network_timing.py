"""Per-layer timing of an integer network on the simulated accelerator (estimates).

Each convolution runs as im2col of its (C, H, W) input with a 3x3 kernel, then one matmul
call per image; each FC layer is one matmul call for the whole batch. Every matmul call runs
as its layer's mapping says (``simulator.network.mapping``: the export's, or the fastest for the
design), so a batch of N images shares one read of each FC weight tile. Layers run one
after another, so the latency of a batch is the sum of the layer latencies and the
throughput is batch * clock / latency. The 2x2 max-pool runs on the host between calls and
is not timed (the C++ has no pooling unit).

Cycles are the SimPy model of the C++ (``run_matmul_des``, ``run_im2col_des``): the static
schedule plus the AXI adapters' outstanding requests. Each layer also gets its bound, the
cycles no schedule of the design can beat: for every call, max(compute bound, memory bound)
(``units.tiling``; the memory bound moves the layer's bytes over its busiest port at one
word per cycle after one memory latency), summed over calls; the network's bound is the sum.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from simulator.contract.layout import LAYOUT_CHANNEL_SCALES, bias_words
from simulator.contract.numerics import check_int
from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.network.mapping import LayerMapping, map_layer, timed_call
from simulator.network.network import IntegerLayer, IntegerNetwork
from simulator.timing.units.im2col import run_im2col_des
from simulator.timing.units.im2col_schedule import Im2colShape
from simulator.timing.units.im2col_schedule import memory_bound_cycles as im2col_memory_bound
from simulator.timing.units.tiling import compute_bound_cycles, memory_bound_cycles

BATCH_MAX = 4096


@dataclass(frozen=True)
class LayerTiming:
    """Cycles of one layer for a batch: im2col (0 for FC) + matmul, its bound and bytes."""

    layer: str
    kind: str
    orientation: str
    matmul_shape: tuple[int, int, int]  # (u, v, w) of one call
    calls: int  # matmul (and im2col) calls per batch
    im2col_cycles: int
    matmul_cycles: int
    stages: dict[str, int]  # busy cycles of the matmul's processes, over the batch
    macs: int
    compute_bound_cycles: int
    memory_bound_cycles: int
    bound_cycles: int
    bytes: dict[str, int] = field(default_factory=dict)  # moved over AXI per batch, by operand

    @property
    def total_cycles(self) -> int:
        return self.im2col_cycles + self.matmul_cycles

    @property
    def bytes_moved(self) -> int:
        return sum(self.bytes.values())

    def to_json(self) -> dict:
        return asdict(self) | {"total_cycles": self.total_cycles, "bytes_moved": self.bytes_moved}

    @classmethod
    def from_json(cls, data: dict) -> LayerTiming:
        """Inverse of ``to_json`` (the derived keys are recomputed)."""
        names = [f.name for f in cls.__dataclass_fields__.values()]
        values = {name: data[name] for name in names}
        values["matmul_shape"] = tuple(values["matmul_shape"])
        return cls(**values)


@dataclass(frozen=True)
class NetworkTiming:
    layers: tuple[LayerTiming, ...]
    clock_mhz: float
    batch: int = 1

    @property
    def latency_cycles(self) -> int:
        """Cycles from the first image in to the last result out, for the whole batch."""
        return sum(layer.total_cycles for layer in self.layers)

    @property
    def bound_cycles(self) -> int:
        return sum(layer.bound_cycles for layer in self.layers)

    @property
    def latency_us(self) -> float:
        return self.latency_cycles / self.clock_mhz

    @property
    def images_per_second(self) -> float:
        return self.batch * self.clock_mhz * 1e6 / self.latency_cycles

    def to_json(self) -> dict:
        return {
            "layers": [layer.to_json() for layer in self.layers],
            "batch": self.batch,
            "latency_cycles_per_image": self.latency_cycles,
            "latency_us_per_image": self.latency_us,
            "cycles_per_image": self.latency_cycles / self.batch,
            "bound_cycles_per_image": self.bound_cycles / self.batch,
            "images_per_second": self.images_per_second,
            "throughput_images_per_s_simulated": self.images_per_second,
            "clock_mhz": self.clock_mhz,
        }

    @classmethod
    def from_json(cls, data: dict) -> NetworkTiming:
        """Inverse of ``to_json`` (the derived keys are recomputed)."""
        layers = tuple(LayerTiming.from_json(layer) for layer in data["layers"])
        return cls(layers, data["clock_mhz"], data.get("batch", 1))


def layer_mapping(layer: IntegerLayer, design: MatmulDesign, columns: int, remap: bool) -> LayerMapping:
    """The export's mapping of ``layer`` (checked against ``design``), or the fastest one."""
    mapping = getattr(layer, "mapping", None)
    if mapping is None or remap:
        return map_layer(design, layer.kind, layer.out_features, layer.in_features, columns)
    mapping.check_design(design, f"layer {layer.name}")
    return mapping


def _matmul_bytes(mapping: LayerMapping, u: int, v: int, w: int, layout: int) -> dict[str, int]:
    weights, activations = (u * v, v * w) if mapping.orientation == "weights_a" else (v * w, u * v)
    words = bias_words(layout)
    return {
        "weights": weights,
        "inputs": activations,
        "outputs": u * w,
        "bias": 4 * words * (u if mapping.orientation == "weights_a" else w),
    }


def network_timing(
    net: IntegerNetwork,
    matmul_design: MatmulDesign | None = None,
    im2col_design: Im2colDesign | None = None,
    *,
    batch: int = 1,
    remap: bool = False,
) -> NetworkTiming:
    """Per-layer cycles of ``net`` for a batch of images on the given (default: reference) designs.

    remap : ignore the export's mappings and map every layer for ``matmul_design`` (a design
        sweep); otherwise the export's mappings are used and must fit the design.

    Raises
    ------
    ValueError
        A batch outside [1, 4096], or an export laid out for other tiles than the design's.
    """
    check_int("network_timing", "batch", batch, 1, BATCH_MAX)
    matmul_design = matmul_design or MatmulDesign()
    im2col_design = im2col_design or Im2colDesign()
    channels, height, width = net.input_shape
    rows = []
    for layer in net.layers:
        if layer.kind == "conv":
            shape = Im2colShape(channels, height, width, 3, 3)
            im2col = run_im2col_des(im2col_design, shape)
            calls, columns = batch, height * width
            im2col_cycles = calls * im2col.latency_cycles
            im2col_bound = calls * im2col_memory_bound(im2col_design, shape)
            im2col_bytes = calls * (channels * height * width + shape.src_c * shape.window * shape.out_m * shape.out_n)
            channels = layer.out_features
            if layer.pool:
                height, width = height // 2, width // 2
        else:
            calls, columns, im2col_cycles, im2col_bound, im2col_bytes = 1, batch, 0, 0, 0
        mapping = layer_mapping(layer, matmul_design, columns, remap)
        u, v, w = mapping.matmul_shape(layer.out_features, layer.in_features, columns)
        layout = mapping.layout | (LAYOUT_CHANNEL_SCALES if layer.per_channel else 0)
        matmul = timed_call(matmul_design, u, v, w, layout)
        compute = compute_bound_cycles(matmul_design, u, v, w)
        memory = memory_bound_cycles(matmul_design, u, v, w)
        moved = {key: calls * value for key, value in _matmul_bytes(mapping, u, v, w, layout).items()}
        if im2col_bytes:
            moved["im2col"] = im2col_bytes
        rows.append(
            LayerTiming(
                layer=layer.name,
                kind=layer.kind,
                orientation=mapping.orientation,
                matmul_shape=(u, v, w),
                calls=calls,
                im2col_cycles=im2col_cycles,
                matmul_cycles=calls * matmul.latency_cycles,
                stages={name: calls * stage.busy_cycles for name, stage in matmul.stages.items()},
                macs=calls * u * v * w,
                compute_bound_cycles=calls * compute,
                memory_bound_cycles=calls * memory + im2col_bound,
                bound_cycles=calls * max(compute, memory) + im2col_bound,
                bytes=moved,
            )
        )
    return NetworkTiming(tuple(rows), matmul_design.clock_mhz, batch)


def bound_ratio(timing: NetworkTiming) -> float:
    """Simulated cycles over the bound (1.0 would be a perfect schedule)."""
    return timing.latency_cycles / max(1, timing.bound_cycles)


__all__ = ["BATCH_MAX", "LayerTiming", "NetworkTiming", "bound_ratio", "layer_mapping", "network_timing"]
