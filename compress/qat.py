"""Quantization-aware fine-tuning of MyConvNet's weights: a straight-through estimator over the
contract's fake quantization (Jacob et al. 2018, section 3), activations float.

``fine_tune`` trains a model in place with its quantized layers seen through
``FakeQuantWeight``; ``weight_quantized`` is the model with those weights quantized once.
"""

from __future__ import annotations

import copy

import torch
from torch import nn
from torch.nn.utils import parametrize

from compress.data import Split
from compress.model import MyConvNet
from compress.observe import QuantParams, QuantSpec, observe
from compress.quantize import fake_quantize
from compress.size import FLOAT_BITS
from compress.train import TrainConfig, train

REFRESH_STEPS = 8  # steps between recomputing the fake-quantization ranges during training


class FakeQuantWeight(nn.Module):
    """Parametrization w -> w + (fake_quantize(w) - w).detach(): the forward pass sees the
    weights the integer network will hold, the gradient passes straight through."""

    def __init__(self, spec: QuantSpec) -> None:
        super().__init__()
        self.spec = spec
        self.calls = 0
        self.params: QuantParams | None = None

    def forward(self, weight: torch.Tensor) -> torch.Tensor:
        p = self.params
        if p is None or not self.training or self.calls % REFRESH_STEPS == 0:
            p = self.params = observe(weight.detach().double().numpy(), self.spec)
        self.calls += self.training
        return weight + (fake_quantize(weight.detach(), p.scale, p.zero_point, p.qmin, p.qmax) - weight).detach()


def weight_specs(bits: tuple[int, ...], weight_range: str) -> list[QuantSpec | None]:
    return [None if b == FLOAT_BITS else QuantSpec(bits=b, range=weight_range) for b in bits]


def fine_tune(
    model: MyConvNet, bits: tuple[int, ...], split: Split, config: TrainConfig, weight_range: str, *, progress: bool
) -> None:
    """Train ``model`` in place; quantized layers train through fake quantization (STE)."""
    layers = [m for _, m in model.layers()]
    specs = weight_specs(bits, weight_range)
    for layer, spec in zip(layers, specs):
        if spec is not None:
            parametrize.register_parametrization(layer, "weight", FakeQuantWeight(spec))
    try:
        train(model, split, config, progress=progress)
    finally:
        for layer, spec in zip(layers, specs):
            if spec is not None:
                parametrize.remove_parametrizations(layer, "weight", leave_parametrized=False)
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


__all__ = ["FakeQuantWeight", "fine_tune", "weight_quantized", "weight_specs"]
