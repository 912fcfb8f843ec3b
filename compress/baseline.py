"""The baseline MyConvNet: train it reproducibly, evaluate a checkpoint on the full test set."""

from __future__ import annotations

import numpy as np

from compress.checkpoint import load_checkpoint, save_checkpoint
from compress.data import VALIDATION_SEED, holdout, load_dataset, load_fashion_mnist
from compress.model import Architecture, MyConvNet
from compress.train import TrainConfig, accuracy, predict, set_seed, train

BASELINE_ARCH = Architecture()
BASELINE_CONFIG = TrainConfig(seed=0, epochs=15)


def train_baseline(
    *,
    output: str = "baseline",
    epochs: int = BASELINE_CONFIG.epochs,
    seed: int = BASELINE_CONFIG.seed,
    data_dir=None,
    progress: bool = True,
    arch: str | None = None,
    dataset: str = "fashion-mnist",
) -> dict:
    """Train MyConvNet from scratch on the training images less the validation hold-out
    (``compress.data.holdout``), save it with its card, and return the card."""
    config = TrainConfig(seed=seed, epochs=epochs)
    train_part, validation = holdout(load_dataset(dataset, "train", data_dir))
    test_split = load_dataset(dataset, "test", data_dir)
    _, channels, size, _ = train_part.images.shape
    architecture = (
        BASELINE_ARCH if arch is None else Architecture.from_spec(arch, in_channels=channels, image_size=size)
    )
    if (architecture.in_channels, architecture.image_size) != (channels, size):
        raise ValueError(f"{dataset} images are {channels} x {size} x {size}; pass --arch for them")
    set_seed(config.seed)
    model = MyConvNet(architecture)
    history = train(model, train_part, config, validation, progress=progress)
    card = {
        "seed": config.seed,
        "epochs": config.epochs,
        "batch_size": config.batch_size,
        "learning_rate": config.learning_rate,
        "optimizer": "Adam + one-cycle schedule",
        "dataset": dataset,
        "arch": architecture.spec,
        "train_images": len(train_part),
        "validation": {"images": len(validation), "seed": VALIDATION_SEED},
        "val_accuracy": history.val_accuracy[-1] if history.val_accuracy else None,
        "accuracy": accuracy(model, test_split),  # the test set, once, after training
        "test_images": len(test_split),
        "train_seconds": round(history.seconds, 1),
        "history": history.to_json(),
    }
    save_checkpoint(model, output, card)
    return card


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, n_classes: int) -> np.ndarray:
    """counts[true, predicted] as int64."""
    counts = np.zeros((n_classes, n_classes), np.int64)
    np.add.at(counts, (labels, predictions), 1)
    return counts


def evaluate_checkpoint(name_or_path: str = "baseline", data_dir=None) -> dict:
    """Accuracy, per-class accuracy and confusion matrix of a checkpoint on the 10k test set."""
    test_split = load_fashion_mnist("test", data_dir)
    model, card = load_checkpoint(name_or_path)
    predictions = predict(model, test_split)
    confusion = confusion_matrix(test_split.labels, predictions, len(test_split.classes))
    per_class = confusion.diagonal() / confusion.sum(1)
    return {
        "model": str(name_or_path),
        "accuracy": float((predictions == test_split.labels).mean()),
        "images": len(test_split),
        "per_class": {name: float(acc) for name, acc in zip(test_split.classes, per_class)},
        "confusion": confusion.tolist(),
        "card": card,
    }
