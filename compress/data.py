"""Datasets: Fashion-MNIST from gzipped IDX files and CIFAR-10 from its python batches.

IDX format (LeCun et al., the MNIST page): a big-endian header of magic number
0x0000 08 NN (unsigned byte data, NN dimensions), then NN uint32 sizes, then the data.
Images are returned as float32 tensors scaled to [0, 1] with shape (count, C, H, W) and
labels as int64 tensors, both validated on read so that a truncated, corrupted or
mismatched file fails with one clear message naming the file.
"""

from __future__ import annotations

import gzip
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEFAULT_FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
DATA_DIR_ENV = "CNNACC_DATA_DIR"
FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
FASHION_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 60000),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 10000),
}
IDX_UBYTE = 0x08


class DatasetError(ValueError):
    """A dataset file or folder is missing, truncated, corrupted or inconsistent."""


@dataclass(frozen=True)
class Split:
    """One split of a dataset: uint8 images (count, C, H, W) and int64 labels (count,)."""

    images: np.ndarray
    labels: np.ndarray
    classes: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.labels)


DATASETS = ("fashion-mnist", "cifar10")


def load_dataset(dataset: str, split: str, data_dir: str | os.PathLike | None = None) -> Split:
    """One split of a dataset by name: Fashion-MNIST (IDX files) or CIFAR-10 (python batches,
    ``data_dir`` required)."""
    if dataset not in DATASETS:
        raise ValueError(f"dataset={dataset!r} is not one of {DATASETS}")
    if dataset == "cifar10":
        if data_dir is None:
            raise ValueError("CIFAR-10 needs --data-dir: the folder of its python batches (data_batch_1 .. test_batch)")
        return load_cifar10(split, data_dir)
    return load_fashion_mnist(split, data_dir)


VALIDATION_SHARE = 12  # one training image in 12 is held out: 5,000 of Fashion-MNIST's 60,000
VALIDATION_IMAGES = 60000 // VALIDATION_SHARE
VALIDATION_SEED = 0


def holdout(train_split: Split, images: int | None = None, seed: int = VALIDATION_SEED) -> tuple[Split, Split]:
    """(training part, validation part) of a training split: ``images`` seeded images held
    out (default: one in VALIDATION_SHARE). The baseline trains only on the training part,
    and the search fine-tunes only on it, so the validation images that choose every model
    are never trained on."""
    images = len(train_split) // VALIDATION_SHARE if images is None else images
    if not 0 < images < len(train_split):
        raise ValueError(f"holdout: images={images} is out of range; expected 1 .. {len(train_split) - 1}")
    order = np.random.default_rng(seed).permutation(len(train_split))
    part = [np.sort(order[images:]), np.sort(order[:images])]
    train, validation = (Split(train_split.images[i], train_split.labels[i], train_split.classes) for i in part)
    return train, validation


def read_idx(path: Path) -> np.ndarray:
    """Read one gzipped (or plain) IDX file of unsigned bytes into a uint8 array."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path}: file not found")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            raw = handle.read()
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise DatasetError(f"{path}: cannot be read as {'gzip' if opener is gzip.open else 'IDX'} ({error})") from None
    if len(raw) < 4:
        raise DatasetError(f"{path}: truncated header ({len(raw)} bytes)")
    zero, dtype_code, ndim = int.from_bytes(raw[:2], "big"), raw[2], raw[3]
    if zero != 0 or dtype_code != IDX_UBYTE or not 1 <= ndim <= 4:
        raise DatasetError(f"{path}: bad magic number 0x{raw[:4].hex()}; expected 0x000008NN (unsigned bytes, NN dims)")
    header_bytes = 4 + 4 * ndim
    if len(raw) < header_bytes:
        raise DatasetError(f"{path}: truncated header ({len(raw)} bytes, need {header_bytes})")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = int(np.prod(shape)) + header_bytes
    if len(raw) != expected:
        raise DatasetError(
            f"{path}: {'truncated' if len(raw) < expected else 'trailing data'}: "
            f"{len(raw)} bytes for shape {shape}, expected {expected}"
        )
    return np.frombuffer(raw, np.uint8, offset=header_bytes).reshape(shape)


def resolve_data_dir(data_dir: str | os.PathLike | None) -> Path:
    """The Fashion-MNIST folder: the argument, else $CNNACC_DATA_DIR, else Debian's folder."""
    if data_dir is not None:
        return Path(data_dir)
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_FASHION_DIR)


def load_fashion_mnist(split: str, data_dir: str | os.PathLike | None = None) -> Split:
    """Load the ``"train"`` (60k) or ``"test"`` (10k) split of Fashion-MNIST.

    Raises
    ------
    DatasetError
        If the folder or a file is missing, or a file is malformed or inconsistent.
    """
    if split not in FASHION_FILES:
        raise ValueError(f"load_fashion_mnist: split={split!r} is not one of {tuple(FASHION_FILES)}")
    folder = resolve_data_dir(data_dir)
    if not folder.is_dir():
        raise DatasetError(
            f"{folder}: Fashion-MNIST folder not found; install it with "
            f"'apt-get install dataset-fashion-mnist' or pass --data-dir (or set {DATA_DIR_ENV})"
        )
    image_file, label_file, count = FASHION_FILES[split]
    images = read_idx(folder / image_file)
    labels = read_idx(folder / label_file)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise DatasetError(f"{folder / image_file}: shape {images.shape}; expected ({count}, 28, 28)")
    if labels.ndim != 1:
        raise DatasetError(f"{folder / label_file}: shape {labels.shape}; expected ({count},)")
    if len(images) != len(labels):
        raise DatasetError(f"{folder / label_file}: {len(labels)} labels for {len(images)} images in {image_file}")
    if labels.max(initial=0) >= len(FASHION_CLASSES):
        raise DatasetError(f"{folder / label_file}: label {labels.max()} outside 0..9")
    return Split(images[:, None].copy(), labels.astype(np.int64), FASHION_CLASSES)


def load_cifar10(split: str, data_dir: str | os.PathLike) -> Split:
    """Load CIFAR-10 from its standard "python version" folder (data_batch_1..5, test_batch).

    Each batch is a pickled dict with b"data" (count, 3072) uint8 in channel-major order and
    b"labels" (count,) ints; images come back as (count, 3, 32, 32) uint8.
    """
    batches = {"train": [f"data_batch_{i}" for i in range(1, 6)], "test": ["test_batch"]}
    if split not in batches:
        raise ValueError(f"load_cifar10: split={split!r} is not one of {tuple(batches)}")
    folder = Path(data_dir)
    images, labels = [], []
    for name in batches[split]:
        path = folder / name
        if not path.is_file():
            raise DatasetError(f"{path}: CIFAR-10 batch not found")
        try:
            with open(path, "rb") as handle:
                batch = pickle.load(handle, encoding="bytes")
            data = np.asarray(batch[b"data"], np.uint8)
            batch_labels = np.asarray(batch[b"labels"], np.int64)
        except (pickle.UnpicklingError, EOFError, KeyError, TypeError, ValueError) as error:
            raise DatasetError(f"{path}: not a CIFAR-10 python batch ({error!r})") from None
        if data.ndim != 2 or data.shape[1] != 3 * 32 * 32 or len(data) != len(batch_labels):
            raise DatasetError(
                f"{path}: data shape {data.shape} with {len(batch_labels)} labels; expected (count, 3072)"
            )
        images.append(data.reshape(-1, 3, 32, 32))
        labels.append(batch_labels)
    all_labels = np.concatenate(labels)
    if all_labels.size and (all_labels.min() < 0 or all_labels.max() >= len(CIFAR10_CLASSES)):
        raise DatasetError(f"{folder}: labels outside 0..9")
    return Split(np.concatenate(images), all_labels, CIFAR10_CLASSES)
