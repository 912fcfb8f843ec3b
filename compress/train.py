"""Seeded training and full-test-set evaluation of MyConvNet."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from compress.data import Split
from compress.model import MyConvNet
from simulator.contract.numerics import check_int

EVAL_BATCH = 2500
# glibc's mallopt parameters (malloc.h): M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD.
MALLOPT_SETTINGS = ((-1, 1 << 30), (-2, 1 << 26), (-3, 1 << 25))


@functools.cache
def keep_freed_memory() -> bool:
    """Have glibc keep freed memory for reuse instead of handing it back to the system.

    By default a block above the (dynamic) mmap threshold is unmapped when freed and the heap's
    top is trimmed, so every training step maps its activations and gradients afresh and
    page-faults on them: one single-threaded conv forward and backward step of the baseline's
    first layer ran 2.3 times slower in a process's main thread than with these settings (and
    in a Dask worker, which sets MALLOC_TRIM_THRESHOLD_=65536, slower still). Numbers are
    unchanged; memory freed stays with the process. Returns whether the C library took them
    (False off glibc)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return all(libc.mallopt(parameter, value) == 1 for parameter, value in MALLOPT_SETTINGS)
    except (OSError, AttributeError):
        return False


@dataclass(frozen=True, kw_only=True)
class TrainConfig:
    """Hyper-parameters of a training run (Adam, cosine learning-rate decay)."""

    seed: int = 0
    epochs: int = 10
    batch_size: int = 128
    learning_rate: float = 2e-3
    weight_decay: float = 0.0

    def __post_init__(self) -> None:
        check_int("TrainConfig", "seed", self.seed, 0, 2**32 - 1)
        check_int("TrainConfig", "epochs", self.epochs, 0, 1000)
        check_int("TrainConfig", "batch_size", self.batch_size, 1, 65536)
        if not 0 < self.learning_rate < 1:
            raise ValueError(f"TrainConfig: learning_rate={self.learning_rate!r} must be in (0, 1)")


@dataclass
class TrainHistory:
    """Per-epoch training loss and validation accuracy, plus wall time in seconds."""

    train_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict:
        return asdict(self)


def to_float(images: np.ndarray) -> torch.Tensor:
    """uint8 (count, C, H, W) -> float32 in [0, 1]."""
    return torch.from_numpy(images).float().div_(255.0)


def set_seed(seed: int) -> None:
    torch.manual_seed(seed)
    np.random.seed(seed % 2**32)


@torch.no_grad()
def predict(model: nn.Module, split: Split, batch_size: int = EVAL_BATCH) -> np.ndarray:
    """Predicted class of every image of ``split`` (int64 array)."""
    model.eval()
    out = []
    for start in range(0, len(split), batch_size):
        out.append(model(to_float(split.images[start : start + batch_size])).argmax(1))
    return torch.cat(out).numpy()


def accuracy(model: nn.Module, split: Split) -> float:
    """Top-1 accuracy in [0, 1] on the whole split."""
    return float((predict(model, split) == split.labels).mean())


def train(
    model: MyConvNet,
    train_split: Split,
    config: TrainConfig,
    val_split: Split | None = None,
    *,
    progress: bool = True,
    after_step=None,
) -> TrainHistory:
    """Train ``model`` in place with Adam and cross-entropy; deterministic given the seed.
    The accuracy on ``val_split`` (held-out training images, never the test set) is
    recorded after every epoch.

    ``after_step(model)`` runs after every optimizer step (pruning uses it to re-apply masks).
    """
    keep_freed_memory()
    set_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    steps_per_epoch = -(-len(train_split) // config.batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=config.learning_rate, total_steps=max(1, config.epochs * steps_per_epoch)
    )
    images = to_float(train_split.images)
    labels = torch.from_numpy(train_split.labels)
    history = TrainHistory()
    start_time = time.perf_counter()
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(config.epochs):
        model.train()
        order = torch.randperm(len(labels), generator=generator)
        total = 0.0
        batches = tqdm(
            range(steps_per_epoch), desc=f"epoch {epoch + 1}/{config.epochs}", disable=not progress, leave=False
        )
        for step in batches:
            index = order[step * config.batch_size : (step + 1) * config.batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(images[index]), labels[index])
            loss.backward()
            optimizer.step()
            scheduler.step()
            if after_step is not None:
                after_step(model)
            total += loss.item() * len(index)
        history.train_loss.append(total / len(labels))
        if val_split is not None:
            history.val_accuracy.append(accuracy(model, val_split))
    history.seconds = time.perf_counter() - start_time
    return history
