"""An integer-only network: the layers an exported MyConvNet hands to the accelerator.

Each layer is a quantized matmul (a 3x3 convolution through im2col, or a fully connected
layer) with everything integer-only inference needs (Jacob et al. 2018, sec. 2.2-2.4):

    acc = sum (x_q - Z_in)(w_q - Z_w) + bias_q          (int32; bias_q at scale S_in S_w)
    y_q = clamp(Z_out + requantize(acc; M0, n), lo, qmax)   lo = Z_out with ReLU, else 0
    y_q = maxpool2x2(y_q)                                 after convolutions (exact on codes)

With per-channel weights (one S_w per output channel, one zero point Z_w for all), S_w, M0
and n are arrays of one value per output channel: each channel is requantized by its own.

The dataclasses are plain NumPy and ints: no torch is needed to hold or run the network.
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from threadpoolctl import threadpool_limits

from simulator.contract.numerics import Rounding, check_choice

if TYPE_CHECKING:
    from simulator.network.mapping import LayerMapping

LAYER_KINDS = ("conv", "fc")


@dataclass(frozen=True, kw_only=True, eq=False)
class IntegerLayer:
    """One quantized layer.

    weight_q : ndarray, conv (C_out, C_in, 3, 3) or fc (out, in); uint8 (uint16 beyond 8 bits)
    bias_q : ndarray of shape (C_out,), int64 holding int32 values at scale S_in * S_w
    weight_scale, M0, n : one value, or an array of one per output channel (per-channel weights)
    """

    name: str
    kind: str
    weight_q: np.ndarray
    weight_scale: float | np.ndarray
    weight_zero_point: int
    weight_bits: int
    bias_q: np.ndarray
    input_scale: float
    input_zero_point: int
    output_scale: float
    output_zero_point: int
    activation_bits: int
    M0: int | np.ndarray  # noqa: N815
    n: int | np.ndarray
    relu: bool
    pool: bool
    mapping: LayerMapping | None = None  # how the accelerator runs it (simulator.network.mapping); None: row-major

    @property
    def per_channel(self) -> bool:
        """Whether every output channel has its own weight scale and multiplier."""
        return np.ndim(self.M0) > 0

    @property
    def out_features(self) -> int:
        return int(self.weight_q.shape[0])

    @property
    def in_features(self) -> int:
        """Columns of the weight matrix (C_in * 9 for a 3x3 convolution)."""
        return int(np.prod(self.weight_q.shape[1:]))

    @property
    def weight_matrix(self) -> np.ndarray:
        """The weights as the matmul's A operand, (out, in_features); conv rows ordered (c, kr, kc)."""
        return self.weight_q.reshape(self.out_features, self.in_features)

    @property
    def output_qmax(self) -> int:
        return 2**self.activation_bits - 1

    @property
    def output_floor(self) -> int:
        """Lowest output code: ReLU is a clamp at the output zero point."""
        return self.output_zero_point if self.relu else 0


@dataclass(frozen=True, kw_only=True, eq=False)
class IntegerNetwork:
    """Layers in execution order; ``input_shape`` is (C, H, W) of one image."""

    layers: tuple[IntegerLayer, ...]
    input_shape: tuple[int, int, int]
    classes: tuple[str, ...] = field(default=())
    rounding: Rounding = "floor"

    @property
    def input_scale(self) -> float:
        return self.layers[0].input_scale

    @property
    def input_zero_point(self) -> int:
        return self.layers[0].input_zero_point


# ------------------------------------------------------------------ integer-only inference

ENGINES = ("numba", "sw_emu")


def check_network_for_hardware(net: IntegerNetwork, activation_bits: tuple[int, ...] = (8,)) -> None:
    """The accelerator takes uint8 activations and weights of 8 bits or fewer; the Numba
    engine also runs narrower activations (fewer codes of the same uint8 datapath)."""
    for layer in net.layers:
        if layer.activation_bits not in activation_bits or layer.weight_bits > 8 or layer.weight_q.dtype != np.uint8:
            raise ValueError(
                f"IntegerNetwork layer {layer.name}: activation_bits={layer.activation_bits}, "
                f"weight_bits={layer.weight_bits}; expected activations of {activation_bits} bits and "
                "weights of <= 8 bits"
            )


def conv_layer_numba(layer: IntegerLayer, x_q: np.ndarray, rounding: Rounding) -> np.ndarray:
    """One conv layer on a batch (N, C, H, W) uint8: im2col (pad = Z_in) + quantized matmul,
    then the 2x2 max-pool when the layer has one (``conv_kernels.conv3x3_unchecked``)."""
    from simulator.contract import conv_kernels

    return conv_kernels.conv3x3_unchecked(
        layer.weight_q,
        x_q,
        layer.weight_zero_point,
        layer.input_zero_point,
        layer.output_zero_point,
        layer.M0,
        layer.n,
        rounding,
        layer.bias_q,
        layer.output_floor,
        layer.output_qmax,
        layer.pool,
    )


@functools.lru_cache(maxsize=64)
def _device_image(layer: IntegerLayer):
    """(design, weights) of a mapped layer for the C++: its tiles and the tiled weights, made
    once per layer rather than once per call (layers hash by identity)."""
    from simulator.hardware.designs import MatmulDesign
    from simulator.network.mapping import device_weights

    mapping = layer.mapping
    assert mapping is not None  # called for mapped layers only
    design = MatmulDesign(tile_u=mapping.tile_u, tile_v=mapping.tile_v, tile_w=mapping.tile_w)
    return design, device_weights(mapping, layer.weight_matrix)


def _sw_emu_call(layer: IntegerLayer, x: np.ndarray, rounding: Rounding) -> np.ndarray:
    """One C++ matmul call of ``layer`` on activations ``x`` (in_features x columns), as its
    mapping says; returns (out_features x columns)."""
    from simulator.emulation import sw_emu

    args: dict[str, Any] = dict(
        zero_out=layer.output_zero_point,
        M0=layer.M0,
        n=layer.n,
        bias_q=layer.bias_q,
        output_floor=layer.output_floor,
        rounding=rounding,
    )
    mapping = layer.mapping
    if mapping is None:  # row-major weights: the spec's matmul_layer
        return sw_emu.qmatmul_layer(
            np.ascontiguousarray(layer.weight_matrix),
            x,
            zero_a=layer.weight_zero_point,
            zero_b=layer.input_zero_point,
            **args,
        )
    design, weights = _device_image(layer)
    if mapping.orientation == "weights_a":
        return sw_emu.qmatmul_layer(
            weights,
            x,
            zero_a=layer.weight_zero_point,
            zero_b=layer.input_zero_point,
            design=design,
            layout=mapping.layout,
            **args,
        )
    out_t = sw_emu.qmatmul_layer(
        np.ascontiguousarray(x.T),
        weights,
        zero_a=layer.input_zero_point,
        zero_b=layer.weight_zero_point,
        design=design,
        layout=mapping.layout,
        w=layer.out_features,
        **args,
    )
    return np.ascontiguousarray(out_t.T)


def conv_layer_sw_emu(layer: IntegerLayer, x_q: np.ndarray, rounding: Rounding) -> np.ndarray:
    """One conv layer through the C++ kernels: per image, im2col then one matmul call; the
    2x2 max-pool (on the host) when the layer has one."""
    from simulator.contract import conv_kernels
    from simulator.emulation import sw_emu

    batch, _, height, width = x_q.shape
    out = np.empty((batch, layer.out_features, height, width), np.uint8)
    for index, image in enumerate(x_q):
        cols = sw_emu.im2col(image, 3, 3, pad_value=layer.input_zero_point)  # (C*9, H*W)
        result = _sw_emu_call(layer, cols, rounding)
        out[index] = result.reshape(layer.out_features, height, width)
    return conv_kernels.maxpool2x2_kernel(out) if layer.pool else out


def fc_layer_sw_emu(layer: IntegerLayer, x_q: np.ndarray, rounding: Rounding) -> np.ndarray:
    """One FC layer of a batch (N, F) through one C++ matmul call."""
    out = _sw_emu_call(layer, np.ascontiguousarray(x_q.T), rounding)
    return np.ascontiguousarray(out.T)


def fc_layer_numba(layer: IntegerLayer, x_q: np.ndarray, rounding: Rounding) -> np.ndarray:
    """One FC layer on a batch (N, F) uint8: out^T = W x^T as a quantized matmul."""
    from simulator.contract import kernels

    out = kernels.qmatmul_unchecked(
        layer.weight_matrix,
        np.ascontiguousarray(x_q.T),
        layer.weight_zero_point,
        layer.input_zero_point,
        layer.output_zero_point,
        layer.M0,
        layer.n,
        rounding,
        layer.bias_q,
        layer.output_floor,
        layer.output_qmax,
    )  # (out, N)
    return np.ascontiguousarray(out.T)


def run_network(
    net: IntegerNetwork, images_q: np.ndarray, *, engine: str = "numba", batch_size: int = 50, progress=None
) -> np.ndarray:
    """Integer-only inference of a batch of images.

    Parameters
    ----------
    images_q : ndarray of shape (N, C, H, W), uint8 input codes (the pixels at 8 bits)
    engine : "numba" (fast) or "sw_emu" (the HLS C++ kernels through the bridge; slow)
    progress : optional callable(images_done) called after every batch

    Returns
    -------
    ndarray of shape (N, classes), uint8 output codes; the prediction is their argmax
    """
    check_choice("run_network: engine", engine, ENGINES)
    check_network_for_hardware(net, (8,) if engine == "sw_emu" else tuple(range(2, 9)))
    if images_q.dtype != np.uint8 or images_q.ndim != 4 or images_q.shape[1:] != tuple(net.input_shape):
        raise ValueError(
            f"run_network: images_q has dtype {images_q.dtype} and shape {images_q.shape}; "
            f"expected uint8 (N, {', '.join(map(str, net.input_shape))})"
        )
    starts = range(0, len(images_q), batch_size)

    def last_layer(start: int) -> np.ndarray:
        return run_layers(net, images_q[start : start + batch_size], engine=engine)[-1]

    # The Numba kernels release the GIL and NumPy's matmul does too: batches run on every core
    # (the C++ bridge is called one batch at a time).
    workers = (os.cpu_count() or 1) if engine == "numba" else 1
    outputs = []
    with threadpool_limits(1, "blas"), ThreadPoolExecutor(max_workers=workers) as pool:
        for out in pool.map(last_layer, starts):
            outputs.append(out)
            if progress is not None:
                progress(len(out))
    return np.concatenate(outputs)


def run_layers(net: IntegerNetwork, images_q: np.ndarray, *, engine: str = "numba") -> list[np.ndarray]:
    """Output codes of every layer (after pooling) for one batch: the golden vectors of an export."""
    check_choice("run_layers: engine", engine, ENGINES)
    conv_layer, fc_layer = {
        "numba": (conv_layer_numba, fc_layer_numba),
        "sw_emu": (conv_layer_sw_emu, fc_layer_sw_emu),
    }[engine]
    h = np.ascontiguousarray(images_q)
    outputs = []
    for layer in net.layers:
        if layer.kind == "conv":
            h = conv_layer(layer, h, net.rounding)  # pooled when the layer pools
        else:
            h = fc_layer(layer, h.reshape(len(h), -1), net.rounding)
        outputs.append(h)
    return outputs
