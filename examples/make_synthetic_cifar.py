"""Write a tiny synthetic data set in CIFAR-10's "python version" format into a folder.

    python examples/make_synthetic_cifar.py DIR [--train-per-batch 60] [--test 100] [--seed 0]

DIR gets data_batch_1 .. data_batch_5, test_batch and batches.meta, as in CIFAR-10's
cifar-10-batches-py folder: each batch a pickled dict with b"data", a (count, 3072) uint8 array
of 3 x 32 x 32 images stored channel-major (1024 red, 1024 green, then 1024 blue bytes a row),
b"labels" (count ints in 0..9), b"batch_label" and b"filenames". `cnnacc train --dataset
cifar10 --data-dir DIR` and `cnnacc infer ... --dataset cifar10 --data-dir DIR` read it.

The images are not CIFAR-10's: each class is a colour of its own under a stripe pattern of its
own, plus noise, so a small network learns them in a few epochs. The same seed writes the same
bytes.
"""

from __future__ import annotations

import argparse
import pickle
from pathlib import Path

import numpy as np

CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
SIZE = 32
TRAIN_BATCHES = 5


def make_images(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(count, 3, 32, 32) uint8 images: class k's colour and stripes, and noise."""
    palette = np.random.default_rng(10).integers(40, 216, (len(CLASSES), 3))  # the same for every seed
    rows, cols = np.mgrid[0:SIZE, 0:SIZE]
    stripes = np.stack([np.sin(2 * np.pi * (rows * (k % 5 + 1) + cols * (k // 5)) / SIZE) for k in range(len(CLASSES))])
    base = palette[labels][:, :, None, None] + 30 * stripes[labels][:, None]
    noise = rng.normal(0, 20, (len(labels), 3, SIZE, SIZE))
    return np.clip(np.rint(base + noise), 0, 255).astype(np.uint8)


def batch(name: str, labels: np.ndarray, rng: np.random.Generator) -> dict[bytes, object]:
    images = make_images(labels, rng)
    return {
        b"batch_label": name.encode(),
        b"labels": [int(label) for label in labels],
        b"data": images.reshape(len(labels), 3 * SIZE * SIZE),
        b"filenames": [f"synthetic_{name.replace(' ', '_')}_{i:05d}.png".encode() for i in range(len(labels))],
    }


def write_dataset(folder: str | Path, train_per_batch: int = 60, test: int = 100, seed: int = 0) -> Path:
    """Write the five training batches, the test batch and batches.meta; return the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    names = [f"data_batch_{i}" for i in range(1, TRAIN_BATCHES + 1)] + ["test_batch"]
    counts = [train_per_batch] * TRAIN_BATCHES + [test]
    for i, (name, count) in enumerate(zip(names, counts)):
        labels = np.arange(count) % len(CLASSES)  # every class equally often
        rng.shuffle(labels)
        label = "testing batch 1 of 1" if name == "test_batch" else f"training batch {i + 1} of {TRAIN_BATCHES}"
        with open(folder / name, "wb") as handle:
            pickle.dump(batch(label, labels, rng), handle, protocol=2)
    meta = {b"label_names": [c.encode() for c in CLASSES], b"num_cases_per_batch": train_per_batch, b"num_vis": 3072}
    with open(folder / "batches.meta", "wb") as handle:
        pickle.dump(meta, handle, protocol=2)
    return folder


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="where to write the batches (created if needed)")
    parser.add_argument("--train-per-batch", type=int, default=60, help="images in each of the 5 training batches")
    parser.add_argument("--test", type=int, default=100, help="images in the test batch")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.train_per_batch < 3 or args.test < 1:
        parser.error("--train-per-batch must be >= 3 and --test >= 1")
    folder = write_dataset(args.folder, args.train_per_batch, args.test, args.seed)
    total = TRAIN_BATCHES * args.train_per_batch
    print(f"wrote {total} training and {args.test} test images (3 x 32 x 32, 10 classes) to {folder}")


if __name__ == "__main__":
    main()
