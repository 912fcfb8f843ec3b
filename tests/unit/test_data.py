import gzip
import pickle

import numpy as np
import pytest

from compress.data import DatasetError, Split, holdout, load_cifar10, load_fashion_mnist, read_idx


def idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_fashion(folder, n_train=6, n_test=4, **overrides):
    rng = np.random.default_rng(0)
    files = {
        "train-images-idx3-ubyte.gz": idx_bytes(rng.integers(0, 256, (n_train, 28, 28))),
        "train-labels-idx1-ubyte.gz": idx_bytes(rng.integers(0, 10, n_train)),
        "t10k-images-idx3-ubyte.gz": idx_bytes(rng.integers(0, 256, (n_test, 28, 28))),
        "t10k-labels-idx1-ubyte.gz": idx_bytes(rng.integers(0, 10, n_test)),
    }
    files.update(overrides)
    for name, payload in files.items():
        with gzip.open(folder / name, "wb") as out:
            out.write(payload)
    return folder


def test_load_fashion_mnist_reads_a_well_formed_folder(tmp_path):
    split = load_fashion_mnist("test", write_fashion(tmp_path))
    assert split.images.shape == (4, 1, 28, 28) and split.images.dtype == np.uint8
    assert split.labels.dtype == np.int64 and len(split) == 4


def test_read_idx_round_trips_an_array(tmp_path):
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "x.idx").write_bytes(idx_bytes(array))
    np.testing.assert_array_equal(read_idx(tmp_path / "x.idx"), array)


@pytest.mark.parametrize(
    "payload, fragment",
    [
        (b"\x00\x00", "truncated header"),
        (b"\x00\x00\x0d\x03" + b"\x00" * 12, "bad magic number"),
        (idx_bytes(np.zeros((4, 28, 28)))[:-10], "truncated"),
        (idx_bytes(np.zeros((4, 28, 28))) + b"xx", "trailing data"),
        (idx_bytes(np.zeros((4, 27, 28))), "expected (10000, 28, 28)"),
    ],
    ids=["short-header", "bad-magic", "truncated-data", "trailing-data", "wrong-shape"],
)
def test_corrupted_image_file_is_refused_with_its_name(tmp_path, payload, fragment):
    write_fashion(tmp_path, **{"t10k-images-idx3-ubyte.gz": payload})
    with pytest.raises(DatasetError, match="t10k-images") as info:
        load_fashion_mnist("test", tmp_path)
    assert fragment in str(info.value)


def test_label_count_mismatch_is_refused(tmp_path):
    write_fashion(tmp_path, **{"t10k-labels-idx1-ubyte.gz": idx_bytes(np.zeros(3))})
    with pytest.raises(DatasetError, match="3 labels for 4 images"):
        load_fashion_mnist("test", tmp_path)


def test_file_that_is_not_gzip_is_refused(tmp_path):
    write_fashion(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(b"not gzip at all")
    with pytest.raises(DatasetError, match="cannot be read"):
        load_fashion_mnist("test", tmp_path)


def test_missing_folder_names_the_fix(tmp_path):
    with pytest.raises(DatasetError, match="apt-get install dataset-fashion-mnist"):
        load_fashion_mnist("test", tmp_path / "absent")


def test_unknown_split_is_refused(tmp_path):
    with pytest.raises(ValueError, match="split='valid'"):
        load_fashion_mnist("valid", tmp_path)


def write_cifar(folder, per_batch=3):
    rng = np.random.default_rng(1)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {
            b"data": rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8),
            b"labels": rng.integers(0, 10, per_batch).tolist(),
        }
        with open(folder / name, "wb") as out:
            pickle.dump(batch, out)
    return folder


def test_cifar10_batches_become_channel_major_images(tmp_path):
    write_cifar(tmp_path)
    train = load_cifar10("train", tmp_path)
    assert train.images.shape == (15, 3, 32, 32) and len(train.labels) == 15
    with open(tmp_path / "test_batch", "rb") as handle:
        raw = pickle.load(handle)
    test = load_cifar10("test", tmp_path)
    # channel-major: the first 1024 bytes of a row are the red plane
    np.testing.assert_array_equal(test.images[0, 0].ravel(), raw[b"data"][0, :1024])


def test_cifar10_corrupted_batch_is_refused(tmp_path):
    write_cifar(tmp_path)
    (tmp_path / "test_batch").write_bytes(b"garbage")
    with pytest.raises(DatasetError, match="test_batch"):
        load_cifar10("test", tmp_path)


def test_holdout_splits_the_training_images_into_disjoint_seeded_parts():
    images = np.arange(1000, dtype=np.uint8).reshape(1000, 1, 1, 1)
    split = Split(images, np.arange(1000, dtype=np.int64), ("a",))
    train, validation = holdout(split, 100)
    assert (len(train), len(validation)) == (900, 100)
    assert not set(train.labels) & set(validation.labels)  # no image is in both
    assert set(train.labels) | set(validation.labels) == set(range(1000))
    again_train, again_validation = holdout(split, 100)
    assert (again_validation.labels == validation.labels).all() and (again_train.labels == train.labels).all()
    assert not (holdout(split, 100, seed=1)[1].labels == validation.labels).all()
    with pytest.raises(ValueError, match="images=1000 is out of range; expected 1 .. 999"):
        holdout(split, 1000)
