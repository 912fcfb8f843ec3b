"""An integer-only network: the layers an exported MyConvNet hands to the accelerator.

Each layer is a quantized matmul (a 3x3 convolution through im2col, or a fully connected
layer) with everything integer-only inference needs (Jacob et al. 2018, sec. 2.2-2.4):

    acc = sum (x_q - Z_in)(w_q - Z_w) + bias_q          (int32; bias_q at scale S_in S_w)
    y_q = clamp(Z_out + requantize(acc; M0, n), lo, qmax)   lo = Z_out with ReLU, else 0
    y_q = maxpool2x2(y_q)                                 after convolutions (exact on codes)

The dataclasses are plain NumPy and ints: no torch is needed to hold or run the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

LAYER_KINDS = ("conv", "fc")


@dataclass(frozen=True, kw_only=True, eq=False)
class IntegerLayer:
    """One quantized layer.

    weight_q : ndarray, conv (C_out, C_in, 3, 3) or fc (out, in); uint8 (uint16 beyond 8 bits)
    bias_q : ndarray of shape (C_out,), int64 holding int32 values at scale S_in * S_w
    """

    name: str
    kind: str
    weight_q: np.ndarray
    weight_scale: float
    weight_zero_point: int
    weight_bits: int
    bias_q: np.ndarray
    input_scale: float
    input_zero_point: int
    output_scale: float
    output_zero_point: int
    activation_bits: int
    M0: int  # noqa: N815
    n: int
    relu: bool
    pool: bool

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
    rounding: str = "floor"

    @property
    def input_scale(self) -> float:
        return self.layers[0].input_scale

    @property
    def input_zero_point(self) -> int:
        return self.layers[0].input_zero_point
