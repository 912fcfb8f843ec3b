"""Post-training quantization of MyConvNet with torch, on the contract's formulas.

Two levels (spec Part 1 Step 1):

- weight-only fake quantization (Task 1): weights are quantized then dequantized with
  the scale and zero point of one global range, one range per layer, or one per output
  channel; activations stay float;
- weight + activation quantization (Task 2): the network is turned into an
  :class:`~simulator.network.network.IntegerNetwork` (the very object that is exported and run on
  the accelerator) and executed here with torch integer arithmetic, exactly as the
  hardware does: int32 accumulators, int32 biases at scale S_in S_w, M0/n requantization,
  ReLU as a clamp at the output zero point, max-pooling on codes.

Torch's quantized dtypes are deprecated and never used: fake quantization is float64
arithmetic on the contract's formulas (simulator/contract/numerics.py), so it equals the NumPy
contract bit for bit (tested).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import torch

from compress.data import Split
from compress.layers import bias_of
from compress.observe import QuantParams, QuantSpec, observe, observe_interval, params_for_interval
from simulator.contract import numerics
from simulator.network.network import IntegerLayer, IntegerNetwork, run_network

if TYPE_CHECKING:  # annotations only: the model's save_weights imports this module
    from compress.model import MyConvNet

GRANULARITIES = ("global", "layer", "channel")
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


# ------------------------------------------------------------------ weight-only (Task 1)


def fake_quantize(t: torch.Tensor, scale, zero_point, qmin: int, qmax: int) -> torch.Tensor:
    """Quantize and dequantize ``t`` in float64 by the contract (eq. 1-2); same dtype out.

    ``scale`` and ``zero_point`` are floats or float64 tensors broadcastable to ``t``.
    """
    q = torch.clamp(torch.round(t.double() / scale) + zero_point, qmin, qmax)
    return (scale * (q - zero_point)).to(t.dtype)


def weight_quant_params(model: MyConvNet, spec: QuantSpec, granularity: str) -> dict[str, list[QuantParams]]:
    """Quantization parameters of every weight tensor: one entry, or one per output channel."""
    numerics.check_choice("weight_quant_params: granularity", granularity, GRANULARITIES)
    weights = {name: layer.weight.detach().double().numpy() for name, layer in model.layers()}
    if granularity == "global":
        shared = observe(np.concatenate([w.ravel() for w in weights.values()]), spec)
        return {name: [shared] for name in weights}
    if granularity == "layer":
        return {name: [observe(w, spec)] for name, w in weights.items()}
    return {name: [observe(channel, spec) for channel in w] for name, w in weights.items()}


def channel_tensors(params: list[QuantParams], ndim: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(scale, zero point) of one quantizer per output channel (or one for all) as float64
    tensors that broadcast against a weight of ``ndim`` dimensions."""
    shape = (-1,) + (1,) * (ndim - 1)
    scale = torch.tensor([p.scale for p in params], dtype=torch.float64).reshape(shape)
    return scale, torch.tensor([p.zero_point for p in params], dtype=torch.float64).reshape(shape)


def quantize_weights(model: MyConvNet, spec: QuantSpec, granularity: str) -> MyConvNet:
    """A copy of ``model`` whose weights are fake-quantized (biases and activations float)."""
    params = weight_quant_params(model, spec, granularity)
    quantized = copy.deepcopy(model)
    with torch.no_grad():
        for name, layer in quantized.layers():
            scale, zero_point = channel_tensors(params[name], layer.weight.dim())
            layer.weight.copy_(fake_quantize(layer.weight, scale, zero_point, spec.qmin, spec.qmax))
    return quantized


# ------------------------------------------------------- weights + activations (Task 2)


@torch.no_grad()
def layer_outputs(model: MyConvNet, images: np.ndarray) -> list[np.ndarray]:
    """Float outputs of every weight layer (after ReLU where there is one), before pooling."""
    model.eval()
    x = torch.from_numpy(images).float().div_(255.0)
    outputs = []
    for conv in model.convs:
        x = torch.relu(conv(x))
        outputs.append(x.numpy().copy())
        x = model.pool(x)
    x = torch.flatten(x, 1)
    for i, fc in enumerate(model.fcs):
        x = fc(x)
        if i < len(model.fcs) - 1:
            x = torch.relu(x)
        outputs.append(x.numpy().copy())
    return outputs


def calibration_images(train_split: Split, count: int, seed: int) -> np.ndarray:
    """A seeded random subset of the training images (uint8)."""
    rng = np.random.default_rng(seed)
    return train_split.images[rng.choice(len(train_split), size=min(count, len(train_split)), replace=False)]


def build_integer_network(
    model: MyConvNet,
    calibration: np.ndarray,
    *,
    weight_spec: QuantSpec | Sequence[QuantSpec],
    activation_spec: QuantSpec | Sequence[QuantSpec],
    classes: tuple[str, ...] = (),
    activation_intervals: Sequence[tuple[float, float] | None] | None = None,
    input_bits: int | None = None,
    granularity: str | Sequence[str] = "layer",
) -> IntegerNetwork:
    """Quantize ``model`` per layer into an integer network, calibrating activations.

    weight_spec : one spec for every layer, or one per layer. Symmetric codes are stored
        offset by 2^(b-1) (unsigned, zero point 2^(b-1)), as the accelerator takes uint8.
    granularity : "layer" (one weight scale per layer) or "channel" (one per output channel,
        symmetric: every channel shares the zero point; each gets its own M0 and n), for
        every layer or one per layer.
    activation_spec : asymmetric spec of every layer's output, or one per layer (mixed
        precision); the input pixels use the exact scale 1 / (2^b - 1) with zero point 0
        (1/255 at 8 bits: the raw pixels), b = ``input_bits`` (default: the first output's bits).
    activation_intervals : per layer, the interval its output covers when it was learned
        (quantization-aware training with learned clipping, ``compress.qat``); None, or a
        None entry, calibrates that layer's output with ``activation_spec`` instead.
    """
    layers = model.layers()
    weight_specs = [weight_spec] * len(layers) if isinstance(weight_spec, QuantSpec) else list(weight_spec)
    act_specs = [activation_spec] * len(layers) if isinstance(activation_spec, QuantSpec) else list(activation_spec)
    granularities = [granularity] * len(layers) if isinstance(granularity, str) else list(granularity)
    for kind, specs in (("weight", weight_specs), ("activation", act_specs), ("granularity", granularities)):
        if len(specs) != len(layers):
            raise ValueError(f"build_integer_network: {len(specs)} {kind} specs for {len(layers)} layers")
    for value in granularities:
        numerics.check_choice("build_integer_network: granularity", value, ("layer", "channel"))
    if any(spec.symmetric for spec in act_specs):
        raise ValueError("build_integer_network: activation_spec.scheme='symmetric'; activations must be asymmetric")
    outputs = layer_outputs(model, calibration)
    first_bits = act_specs[0].bits if input_bits is None else input_bits
    in_params = QuantParams(1.0 / (2**first_bits - 1), 0, 0, 2**first_bits - 1)
    integer_layers = []
    for i, ((name, module), spec, activation_spec, output) in enumerate(zip(layers, weight_specs, act_specs, outputs)):
        act_bits = activation_spec.bits
        per_channel = granularities[i] == "channel"
        if per_channel and not spec.symmetric:
            raise ValueError(
                f"build_integer_network: {name} per-channel weights need scheme 'symmetric' (one zero point "
                f"for every channel); got {spec.scheme!r}"
            )
        weight = module.weight.detach().double().numpy()
        params = [observe(channel, spec) for channel in weight] if per_channel else [observe(weight, spec)]
        scales = np.array([p.scale for p in params])
        offset = 2 ** (spec.bits - 1) if spec.symmetric else 0  # symmetric codes as unsigned ones
        codes = numerics.quantize(weight, scales.reshape((-1,) + (1,) * (weight.ndim - 1)), params[0].zero_point,
                                  spec.qmin, spec.qmax) + offset  # fmt: skip
        learned = None if activation_intervals is None else activation_intervals[i]
        interval = learned if learned is not None else observe_interval(output, activation_spec)
        out_params = params_for_interval(*interval, activation_spec)
        product_scale = in_params.scale * scales
        if out_params.scale <= product_scale.max():  # a clip finer than the accumulator's step: M >= 1
            widen = product_scale.max() / out_params.scale * (1 + 2**-20)  # the contract needs M < 1
            out_params = params_for_interval(interval[0] * widen, interval[1] * widen, activation_spec)
        bias = np.clip(np.rint(bias_of(module).detach().double().numpy() / product_scale), INT32_MIN, INT32_MAX)
        ratios = product_scale / out_params.scale
        M0, n = numerics.quantize_multipliers(ratios if per_channel else ratios[0])  # noqa: N806
        integer_layers.append(
            IntegerLayer(
                name=name,
                kind="conv" if name.startswith("conv") else "fc",
                weight_q=codes.astype(np.uint8 if spec.bits <= 8 else np.uint16),
                weight_scale=scales if per_channel else float(scales[0]),
                weight_zero_point=params[0].zero_point + offset,
                weight_bits=spec.bits,
                bias_q=bias.astype(np.int64),
                input_scale=in_params.scale,
                input_zero_point=in_params.zero_point,
                output_scale=out_params.scale,
                output_zero_point=out_params.zero_point,
                activation_bits=act_bits,
                M0=M0,
                n=n,
                relu=i < len(layers) - 1,
                pool=name.startswith("conv"),
            )
        )
        in_params = out_params
    return IntegerNetwork(
        layers=tuple(integer_layers),
        input_shape=(model.arch.in_channels, model.arch.image_size, model.arch.image_size),
        classes=classes,
    )


def requantize_floor(acc: torch.Tensor, M0, n) -> torch.Tensor:  # noqa: N803
    """floor(acc M0 / 2^(31+n)) on int64 without overflow for |acc| < 2^47 (eq. 5); M0 and n
    are ints or int64 tensors broadcasting against ``acc`` (per channel).

    With M0 = hi 2^16 + lo: acc M0 / 2^s = (acc hi + acc lo / 2^16) / 2^(s-16), and for an
    integer X and 0 <= f < 1, floor((X + f) / 2^k) = floor(X / 2^k); so the result is
    (acc hi + floor(acc lo / 2^16)) >> (s - 16), equal to (acc M0) >> s whenever that fits.
    """
    high, low = M0 >> 16, M0 & 0xFFFF
    return (acc * high + ((acc * low) >> 16)) >> (31 + n - 16)


def exact_accumulation_dtype(layer: IntegerLayer) -> torch.dtype:
    """float32 if |partial sums| <= max|x - Z_in| * max_row sum|w - Z_w| <= 2^24, else float64."""
    input_span = max(layer.input_zero_point, 2**layer.activation_bits - 1 - layer.input_zero_point)
    weight_l1 = np.abs(layer.weight_matrix.astype(np.int64) - layer.weight_zero_point).sum(1).max()
    return torch.float32 if input_span * int(weight_l1) <= 2**24 else torch.float64


def input_codes(images: np.ndarray, net: IntegerNetwork) -> torch.Tensor:
    """uint8 pixels -> input codes of the network (the pixels themselves at 8 bits)."""
    qmax = round(1.0 / net.layers[0].input_scale)  # the input's 2^b - 1
    if qmax == 255:
        return torch.from_numpy(images.astype(np.int64))
    return torch.from_numpy(np.rint(images.astype(np.float64) / 255.0 * qmax).astype(np.int64))


@torch.no_grad()
def integer_forward(net: IntegerNetwork, codes: torch.Tensor) -> torch.Tensor:
    """Run the integer network on int64 input codes (N, C, H, W); returns output codes (N, classes).

    Accumulations run in float32 when a bound proves every partial sum an integer of
    magnitude <= 2^24 (then float32 is exact in any order), else in float64 (exact below
    2^53); results continue in int64.
    """
    if net.rounding != "floor":
        raise ValueError(f"integer_forward: rounding={net.rounding!r}; the torch path implements 'floor'")
    h = codes
    for layer in net.layers:
        if layer.kind == "fc":
            h = h.flatten(1)
        dtype = exact_accumulation_dtype(layer)
        x = (h - layer.input_zero_point).to(dtype)
        w = torch.from_numpy(layer.weight_q.astype(np.float64) - layer.weight_zero_point).to(dtype)
        acc = torch.nn.functional.conv2d(x, w, padding=1) if layer.kind == "conv" else x @ w.T
        bias = torch.from_numpy(layer.bias_q).reshape((-1, 1, 1) if layer.kind == "conv" else (-1,))
        acc = torch.round(acc).long() + bias
        M0, n = (  # noqa: N806
            (torch.from_numpy(np.asarray(x, np.int64)).reshape(bias.shape) for x in (layer.M0, layer.n))
            if layer.per_channel
            else (layer.M0, layer.n)
        )
        h = torch.clamp(layer.output_zero_point + requantize_floor(acc, M0, n), layer.output_floor, layer.output_qmax)
        if layer.pool:
            h = torch.nn.functional.max_pool2d(h.double(), 2).long()
    return h


def integer_predict_fast(net: IntegerNetwork, split: Split) -> np.ndarray:
    """Predicted classes of the integer network by the Numba engine when its codes fit uint8
    (activations and weights of <= 8 bits; bit-exact with :func:`integer_forward`, tested),
    else by the torch integer simulation."""
    if all(layer.activation_bits <= 8 and layer.weight_bits <= 8 for layer in net.layers):
        return run_network(net, input_codes(split.images, net).numpy().astype(np.uint8)).argmax(1)
    return integer_predict(net, split)


def integer_predict(net: IntegerNetwork, split: Split, batch_size: int = 1000) -> np.ndarray:
    """Predicted classes of the integer network (argmax of output codes, first on ties)."""
    predictions = []
    for start in range(0, len(split), batch_size):
        codes = integer_forward(net, input_codes(split.images[start : start + batch_size], net))
        predictions.append(codes.argmax(1).numpy())
    return np.concatenate(predictions)
