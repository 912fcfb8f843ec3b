"""A tiny search problem the search's tests share: a learnable synthetic split, a small
architecture and configuration (the split fixture, ``tiny_data``, is in conftest.py)."""

import numpy as np
import torch

from compress.data import Split
from compress.model import Architecture, MyConvNet
from compress.search_steps import State

TINY = Architecture(conv_channels=(4, 8), fc_hidden=(16,))
SMALL_CONFIG = dict(
    validation_images=120,
    ranking_images=100,
    calibration_images=32,
    step_images=128,
    max_steps=2,
    final_epochs=0,
    batch_size=32,
)


def tiny_split(count: int, seed: int) -> Split:
    """Images whose class is the brightness of one band: learnable within one tiny epoch."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, count)
    images = rng.integers(0, 40, (count, 1, 28, 28)).astype(np.uint8)
    for i, label in enumerate(labels):
        images[i, 0, 2 * label + 4 : 2 * label + 6] = 250
    return Split(images, labels, tuple(str(c) for c in range(10)))


def start_state(bits=(32, 32, 32, 32)) -> State:
    torch.manual_seed(0)
    return State(MyConvNet(TINY).eval(), tuple(bits), [np.arange(w) for w in (4, 8, 16)], "start")
