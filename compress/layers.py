"""Helpers on MyConvNet's weight layers (torch modules), below the model in the layering."""

from __future__ import annotations

import torch
from torch import nn


def bias_of(layer: nn.Conv2d | nn.Linear) -> torch.Tensor:
    """The bias of a MyConvNet layer (every layer has one)."""
    if layer.bias is None:
        raise ValueError(f"{layer} has no bias; MyConvNet layers always do")
    return layer.bias


__all__ = ["bias_of"]
