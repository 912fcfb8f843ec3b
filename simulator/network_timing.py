"""Per-layer timing of an integer network on the simulated accelerator.

Each convolution runs as im2col of its (C, H, W) input with a 3x3 kernel, then the
quantized matmul W (C_out x 9 C) @ cols (9 C x H W); each FC layer is the matmul
W (out x in) @ x (in x 1) for one image. Layers run one after another on one image
(batch 1, the latency view), so the latency per image is the sum of the layer latencies
and the throughput is clock / latency. The 2x2 max-pool is assumed fused into the store
of the matmul (it reads the tile already on chip) and costs no extra cycles.
Cycles come from the closed-form twins of the SimPy models, which equal them exactly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from simulator.designs import Im2colDesign, MatmulDesign
from simulator.network import IntegerNetwork
from simulator.units.im2col import analytic_im2col
from simulator.units.matmul import analytic_matmul


@dataclass(frozen=True)
class LayerTiming:
    """Cycles of one layer: im2col (0 for FC) + matmul, with the matmul's stage busy cycles."""

    layer: str
    kind: str
    matmul_shape: tuple[int, int, int]
    im2col_cycles: int
    matmul_cycles: int
    stages: dict[str, int]
    macs: int

    @property
    def total_cycles(self) -> int:
        return self.im2col_cycles + self.matmul_cycles

    def to_json(self) -> dict:
        return asdict(self) | {"total_cycles": self.total_cycles}

    @classmethod
    def from_json(cls, data: dict) -> LayerTiming:
        """Inverse of ``to_json`` (total_cycles is recomputed)."""
        return cls(
            data["layer"],
            data["kind"],
            tuple(data["matmul_shape"]),
            data["im2col_cycles"],
            data["matmul_cycles"],
            dict(data["stages"]),
            data["macs"],
        )


@dataclass(frozen=True)
class NetworkTiming:
    layers: tuple[LayerTiming, ...]
    clock_mhz: float

    @property
    def latency_cycles(self) -> int:
        return sum(layer.total_cycles for layer in self.layers)

    @property
    def latency_us(self) -> float:
        return self.latency_cycles / self.clock_mhz

    @property
    def images_per_second(self) -> float:
        return self.clock_mhz * 1e6 / self.latency_cycles

    def to_json(self) -> dict:
        return {
            "layers": [layer.to_json() for layer in self.layers],
            "latency_cycles_per_image": self.latency_cycles,
            "latency_us_per_image": self.latency_us,
            "images_per_second": self.images_per_second,
            "clock_mhz": self.clock_mhz,
        }

    @classmethod
    def from_json(cls, data: dict) -> NetworkTiming:
        """Inverse of ``to_json`` (the derived keys are recomputed)."""
        return cls(tuple(LayerTiming.from_json(layer) for layer in data["layers"]), data["clock_mhz"])


def network_timing(
    net: IntegerNetwork, matmul_design: MatmulDesign | None = None, im2col_design: Im2colDesign | None = None
) -> NetworkTiming:
    """Per-layer cycles of ``net`` for one image on the given (default: reference) designs."""
    matmul_design = matmul_design or MatmulDesign()
    im2col_design = im2col_design or Im2colDesign()
    channels, height, width = net.input_shape
    rows = []
    for layer in net.layers:
        if layer.kind == "conv":
            im2col = analytic_im2col(im2col_design, channels, height, width, 3, 3)
            shape = (layer.out_features, layer.in_features, height * width)
            im2col_cycles = im2col.latency_cycles
            channels = layer.out_features
            if layer.pool:
                height, width = height // 2, width // 2
        else:
            shape = (layer.out_features, layer.in_features, 1)
            im2col_cycles = 0
        matmul = analytic_matmul(matmul_design, *shape, bias=True)  # matmul_layer reads the bias
        stages = {name: stage.busy_cycles for name, stage in matmul.stages.items()}
        rows.append(
            LayerTiming(
                layer.name,
                layer.kind,
                shape,
                im2col_cycles,
                matmul.latency_cycles,
                stages,
                shape[0] * shape[1] * shape[2],
            )
        )
    return NetworkTiming(tuple(rows), matmul_design.clock_mhz)
