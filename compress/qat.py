"""Quantization-aware fine-tuning of MyConvNet: a straight-through estimator over the
contract's fake quantization (Jacob et al. 2018, section 3).

``fine_tune`` trains a model in place with its quantized layers seen through
``FakeQuantWeight`` (activations float), or with ``learned_steps`` through ``LearnedStepWeight``:
each layer's step size is a trained parameter (LSQ, Esser et al. 2020, "Learned step size
quantization"), started at the observer's and its gradient scaled by 1 / sqrt(weights * qmax),
the zero point held at the observer's. The weights are then left on the learned grid, so the
observer that builds the integer network finds that grid again when both extreme codes are in use
(every accuracy is measured on the integer network as built, so a layer that misses it costs
accuracy, never a wrong number). ``weight_quantized`` is the model with those weights
quantized once. ``fine_tune_activations`` also quantizes the activations while training, each
hidden layer's output clipped to a learned bound alpha (PACT, Choi et al. 2018, "PACT:
parameterized clipping activation for quantized neural networks"): y = min(relu(x), alpha)
on 2^b - 1 steps of alpha / (2^b - 1), the gradient straight through the rounding and into
alpha where x > alpha; the input pixels at b bits. The learned intervals [0, alpha] are the
activation ranges of the integer network (``build_integer_network(activation_intervals=)``).
"""

from __future__ import annotations

import copy
import math

import torch
from torch import nn
from torch.nn.utils import parametrize

from compress.data import Split
from compress.model import MyConvNet
from compress.observe import QuantSpec, observe, observe_interval
from compress.quantize import calibration_images, channel_tensors, fake_quantize, layer_outputs
from compress.size import FLOAT_BITS
from compress.train import TrainConfig, train

REFRESH_STEPS = 8  # steps between recomputing the fake-quantization ranges during training


class FakeQuantWeight(nn.Module):
    """Parametrization w -> w + (fake_quantize(w) - w).detach(): the forward pass sees the
    weights the integer network will hold, the gradient passes straight through. With
    ``granularity`` "channel" every output channel has its own scale (``spec`` symmetric)."""

    def __init__(self, spec: QuantSpec, granularity: str = "layer") -> None:
        super().__init__()
        self.spec = spec
        self.granularity = granularity
        self.calls = 0
        self.params: tuple[torch.Tensor | float, torch.Tensor | int] | None = None

    def forward(self, weight: torch.Tensor) -> torch.Tensor:
        if self.params is None or not self.training or self.calls % REFRESH_STEPS == 0:
            self.params = quant_params(weight.detach().double().numpy(), self.spec, self.granularity)
        self.calls += self.training
        scale, zero_point = self.params
        fake = fake_quantize(weight.detach(), scale, zero_point, self.spec.qmin, self.spec.qmax)
        return weight + (fake - weight).detach()


class LearnedStepWeight(nn.Module):
    """Parametrization w -> (clamp(round(w / s + z), qmin, qmax) - z) * s with the step s
    learned (LSQ, module docstring); the gradient passes straight through the rounding."""

    def __init__(self, weight: torch.Tensor, spec: QuantSpec) -> None:
        super().__init__()
        params = observe(weight.detach().double().numpy(), spec)
        self.step = nn.Parameter(torch.tensor(float(params.scale)))
        self.zero_point = float(params.zero_point)
        self.qmin, self.qmax = spec.qmin, spec.qmax
        self.gradient_scale = 1.0 / math.sqrt(weight.numel() * spec.qmax)

    def forward(self, weight: torch.Tensor) -> torch.Tensor:
        step = self.step * self.gradient_scale + (self.step - self.step * self.gradient_scale).detach()
        codes = torch.clamp(weight / step + self.zero_point, self.qmin, self.qmax)
        codes = codes + (torch.round(codes) - codes).detach()
        return (codes - self.zero_point) * step


def quant_params(weight, spec: QuantSpec, granularity: str) -> tuple[torch.Tensor | float, torch.Tensor | int]:
    """(scale, zero point) of ``weight``'s quantizer: numbers, or float64 tensors of one per
    output channel shaped to broadcast against the weight."""
    if granularity == "layer":
        p = observe(weight, spec)
        return p.scale, p.zero_point
    return channel_tensors([observe(channel, spec) for channel in weight], weight.ndim)


def weight_specs(bits: tuple[int, ...], weight_range: str, scheme: str = "asymmetric") -> list[QuantSpec | None]:
    return [None if b == FLOAT_BITS else QuantSpec(scheme=scheme, bits=b, range=weight_range) for b in bits]


def scheme_of(granularity: str) -> str:
    """Per-channel weights are symmetric (every channel shares the zero point), per-layer ones asymmetric."""
    return "symmetric" if granularity == "channel" else "asymmetric"


def fine_tune(
    model: MyConvNet,
    bits: tuple[int, ...],
    split: Split,
    config: TrainConfig,
    weight_range: str,
    *,
    progress: bool,
    granularity: str = "layer",
    learned_steps: bool = False,
) -> None:
    """Train ``model`` in place; quantized layers train through fake quantization (STE),
    per layer or per output channel (``granularity``), or per layer with learned steps
    (``learned_steps``: the weights end on the learned grid; module docstring)."""
    if learned_steps and granularity != "layer":
        raise ValueError(f"fine_tune: learned_steps needs granularity 'layer', not {granularity!r}")
    layers = [m for _, m in model.layers()]
    specs = weight_specs(bits, weight_range, scheme_of(granularity))
    for layer, spec in zip(layers, specs):
        if spec is not None:
            quantizer = LearnedStepWeight(layer.weight, spec) if learned_steps else FakeQuantWeight(spec, granularity)
            parametrize.register_parametrization(layer, "weight", quantizer)
    trained = False
    try:
        train(model, split, config, progress=progress)
        trained = True
    finally:
        for layer, spec in zip(layers, specs):
            if spec is not None:
                parametrize.remove_parametrizations(layer, "weight", leave_parametrized=learned_steps and trained)
    model.eval()


@torch.no_grad()
def weight_quantized(model: MyConvNet, bits: tuple[int, ...], weight_range: str) -> MyConvNet:
    """A copy whose quantized layers hold fake-quantized weights (activations float)."""
    copy_ = copy.deepcopy(model)
    for (_, layer), spec in zip(copy_.layers(), weight_specs(bits, weight_range)):
        if spec is not None:
            p = observe(layer.weight.double().numpy(), spec)
            layer.weight.copy_(fake_quantize(layer.weight, p.scale, p.zero_point, p.qmin, p.qmax))
    return copy_


class PactActivation(nn.Module):
    """y = min(relu(x), alpha) on 2^bits - 1 steps of alpha / (2^bits - 1), alpha learned (PACT)."""

    def __init__(self, bits: int, alpha: float) -> None:
        super().__init__()
        self.steps = 2**bits - 1
        self.alpha = nn.Parameter(torch.tensor(float(alpha)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.minimum(torch.relu(x), self.alpha)
        scale = self.alpha.detach().clamp_min(1e-8) / self.steps
        return y + (torch.round(y / scale) * scale - y).detach()


def fine_tune_activations(
    model: MyConvNet,
    bits: tuple[int, ...],
    activation_bits: int,
    split: Split,
    config: TrainConfig,
    weight_range: str,
    *,
    input_bits: int | None = None,
    calibration: int = 1000,
    progress: bool,
    granularity: str = "layer",
) -> list[tuple[float, float] | None]:
    """Train ``model`` in place with quantized weights (``bits``), hidden activations at
    ``activation_bits`` (PACT bounds, started at each output's MSE clip on ``calibration``
    training images) and input pixels at ``input_bits`` (default ``activation_bits``);
    returns the learned interval of every layer's output (None for the logits, calibrated as
    usual)."""
    images = calibration_images(split, calibration, config.seed)
    outputs = layer_outputs(model, images)[:-1]
    spec = QuantSpec(bits=activation_bits, range="mse")
    pacts = [PactActivation(activation_bits, max(observe_interval(out, spec)[1], 1e-3)) for out in outputs]
    steps = 2 ** (activation_bits if input_bits is None else input_bits) - 1
    hooks = [
        layer.register_forward_hook(lambda _module, _inputs, out, pact=pact: pact(out))
        for (_, layer), pact in zip(model.layers(), pacts)
    ]
    first = model.layers()[0][1]
    hooks.append(first.register_forward_pre_hook(lambda _module, inputs: (torch.round(inputs[0] * steps) / steps,)))
    for pact in pacts:
        model.add_module(f"_pact{len(hooks)}_{id(pact)}", pact)  # alpha trains with the weights
    try:
        fine_tune(model, bits, split, config, weight_range, progress=progress, granularity=granularity)
    finally:
        for hook in hooks:
            hook.remove()
        for name in [n for n, _ in model.named_children() if n.startswith("_pact")]:
            delattr(model, name)
    return [(0.0, float(pact.alpha.detach())) for pact in pacts] + [None]


__all__ = [
    "FakeQuantWeight",
    "PactActivation",
    "fine_tune",
    "fine_tune_activations",
    "weight_quantized",
    "weight_specs",
]
