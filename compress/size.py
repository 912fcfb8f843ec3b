"""Model size in KB: the one size function every pruning and search number goes through.

The size of a MyConvNet is what the accelerator must store for it, counted from the
*physical* shape of its layers (its :class:`~compress.model.Architecture`), never from
the values of its weights. A pruned model is therefore measured after compaction: a
masked model whose pruned weights are zeros but still stored has exactly the size of the
unpruned one (the "naive" size), so masked zeros can never count as savings.

Per layer, at weight bit width b (spec Part 1 Steps 1-2):

- float layer (b = 32): 32-bit weights and 32-bit biases, no quantization parameters;
- quantized layer (2 <= b <= 16): weights packed at b bits, int32 biases (scale
  S_in S_w, as exported), and the per-layer constants integer-only inference needs --
  weight scale and zero point, output activation scale and zero point, M0 and n -- each
  at its type in the matmul kernel's interface (spec Part 2 Task 1: ``uint32_t M0, n``,
  ``uint8_t zero_b, zero_out``; a weight zero point of b > 8 bits takes 16), the scales as
  float32; a network whose first layer is quantized also stores its input scale (float32)
  and zero point (``uint8_t zero_a``). With per-channel weights the weight scale, M0 and n
  are stored once per output channel.

One KB is 1024 bytes (as in :func:`compress.model.layer_table`). Activations are not stored.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from compress.model import KERNEL_SIZE, Architecture, MyConvNet
from simulator.contract.numerics import BITS_MAX, BITS_MIN, check_int

FLOAT_BITS = 32
BIAS_BITS = 32
QUANT_PARAM_BITS = {  # float32 scales; M0, n and the zero points at their types in the matmul kernel
    "weight_scale": 32,
    "output_scale": 32,
    "input_scale": 32,
    "M0": 32,
    "n": 32,
    "weight_zero_point": 8,
    "output_zero_point": 8,
    "input_zero_point": 8,
}
QUANT_PARAMS_PER_LAYER = ("weight_scale", "weight_zero_point", "output_scale", "output_zero_point", "M0", "n")
QUANT_PARAMS_PER_CHANNEL = ("weight_scale", "M0", "n")  # with per-channel weights
QUANT_PARAMS_PER_NETWORK = ("input_scale", "input_zero_point")
BYTES_PER_KB = 1024


@dataclass(frozen=True)
class LayerSize:
    """Storage of one layer: counts and bytes (weights packed at ``weight_bits``)."""

    layer: str
    weights: int
    biases: int
    weight_bits: int
    weight_bytes: int
    bias_bytes: int
    param_bytes: int

    @property
    def total_bytes(self) -> int:
        return self.weight_bytes + self.bias_bytes + self.param_bytes

    def to_json(self) -> dict:
        return asdict(self) | {"total_bytes": self.total_bytes}


def layer_shapes(arch: Architecture) -> list[tuple[str, int, int]]:
    """(name, weight count, bias count) of every weight layer in execution order."""
    shapes = []
    channels = arch.in_channels
    for i, width in enumerate(arch.conv_channels):
        shapes.append((f"conv{i + 1}", width * channels * KERNEL_SIZE**2, width))
        channels = width
    fc_widths = (arch.flat_features, *arch.fc_hidden, arch.n_classes)
    for i, (f_in, f_out) in enumerate(zip(fc_widths[:-1], fc_widths[1:])):
        shapes.append((f"fc{i + 1}", f_in * f_out, f_out))
    return shapes


def normalize_bits(weight_bits: int | Sequence[int] | None, n_layers: int) -> list[int]:
    """Per-layer bit widths: None means all float (32); one int applies to every layer."""
    if weight_bits is None:
        bits = [FLOAT_BITS] * n_layers
    elif isinstance(weight_bits, (int,)) and not isinstance(weight_bits, bool):
        bits = [weight_bits] * n_layers
    else:
        bits = list(weight_bits)  # type: ignore[arg-type]  # a sequence: int and bool are handled above
    if len(bits) != n_layers:
        raise ValueError(f"model size: weight_bits={bits!r} has {len(bits)} entries for {n_layers} layers")
    for i, b in enumerate(bits):
        if b != FLOAT_BITS:
            check_int("model size", f"weight_bits[{i}]", b, BITS_MIN, BITS_MAX)
    return [int(b) for b in bits]


def param_bits(name: str, weight_bits: int) -> int:
    """Bits one stored quantization constant takes (see the module docstring)."""
    if name == "weight_zero_point" and weight_bits > 8:
        return 16  # a code of more than 8 bits
    return QUANT_PARAM_BITS[name]


def as_architecture(model_or_arch: MyConvNet | Architecture) -> Architecture:
    if isinstance(model_or_arch, MyConvNet):
        return model_or_arch.arch
    if isinstance(model_or_arch, Architecture):
        return model_or_arch
    raise TypeError(f"model size: expected a MyConvNet or an Architecture; got {type(model_or_arch).__name__}")


def layer_sizes(
    model_or_arch: MyConvNet | Architecture, weight_bits: int | Sequence[int] | None = None, *, per_channel=False
) -> list[LayerSize]:
    """Storage of every layer of ``model_or_arch`` at ``weight_bits`` (None: FP32), with
    per-channel weights if ``per_channel``.

    Only the architecture is read: zeroed (masked) weights are stored like any other.
    """
    arch = as_architecture(model_or_arch)
    shapes = layer_shapes(arch)
    bits = normalize_bits(weight_bits, len(shapes))
    sizes = []
    for i, ((name, weights, biases), b) in enumerate(zip(shapes, bits)):
        quantized = b != FLOAT_BITS
        params = [*QUANT_PARAMS_PER_LAYER, *(QUANT_PARAMS_PER_NETWORK if i == 0 else ())]
        if per_channel:
            params += [*QUANT_PARAMS_PER_CHANNEL] * (biases - 1)  # one per output channel
        sizes.append(
            LayerSize(
                layer=name,
                weights=weights,
                biases=biases,
                weight_bits=b,
                weight_bytes=math.ceil(weights * b / 8),
                bias_bytes=biases * (BIAS_BITS if quantized else FLOAT_BITS) // 8,
                param_bytes=math.ceil(sum(param_bits(p, b) for p in params) / 8) if quantized else 0,
            )
        )
    return sizes


def model_size_kb(
    model_or_arch: MyConvNet | Architecture, weight_bits: int | Sequence[int] | None = None, *, per_channel=False
) -> float:
    """Size in KB of the model as stored: weights at ``weight_bits``, biases, quantization
    parameters (see the module docstring). Pass the *compacted* model for a pruned one.

    Parameters
    ----------
    model_or_arch : MyConvNet or Architecture (only its shape is used)
    weight_bits : None (FP32), one width in [2, 16] for all layers, or one per layer
        (32 marks a float layer)
    per_channel : weights with a scale (and a multiplier) per output channel

    Raises
    ------
    ValueError
        If a width is outside [2, 16] (and not 32) or the list length differs from the layers.
    TypeError
        If ``model_or_arch`` is neither a MyConvNet nor an Architecture.
    """
    return sum(s.total_bytes for s in layer_sizes(model_or_arch, weight_bits, per_channel=per_channel)) / BYTES_PER_KB


def naive_size_kb(original: MyConvNet | Architecture, weight_bits: int | Sequence[int] | None = None) -> float:
    """Size in KB when pruned channels stay stored as zeros: the size of the unpruned shape."""
    return model_size_kb(original, weight_bits)
