"""Library entry points behind ``cnnacc quantize``."""

from __future__ import annotations

from compress.checkpoint import load_checkpoint, save_checkpoint
from compress.data import holdout, load_fashion_mnist
from compress.observe import QuantSpec
from compress.qat import fine_tune_activations, scheme_of
from compress.quantize import (
    GRANULARITIES,
    build_integer_network,
    calibration_images,
    integer_predict,
    integer_predict_fast,
    quantize_weights,
)
from compress.size import model_size_kb
from compress.study import CALIBRATION_IMAGES, STUDY_BITS, StudyRecord, run_study
from compress.train import TrainConfig, predict
from simulator.contract.numerics import BITS_MAX, BITS_MIN, check_choice, check_int


def quantize_study(
    model_name: str = "baseline",
    *,
    bits=STUDY_BITS,
    seed: int = 0,
    data_dir=None,
    progress: bool = True,
    scheduler: str = "synchronous",
    workers: int | None = None,
) -> list[StudyRecord]:
    """The whole study on the full test set (see compress.study), its configurations as tasks
    on ``scheduler`` (``simulator.explore.tasks``)."""
    bits = tuple(sorted(set(bits)))
    for b in bits:
        check_int("quantize --study", "bits", b, BITS_MIN, BITS_MAX)
    train_split, test_split = load_fashion_mnist("train", data_dir), load_fashion_mnist("test", data_dir)
    model, _ = load_checkpoint(model_name)
    return run_study(
        model, train_split, test_split, bits=bits, seed=seed, progress=progress, scheduler=scheduler, workers=workers
    )


def quantize_one(
    model_name: str = "baseline",
    *,
    scheme: str,
    granularity: str,
    range_name: str,
    percentile: float,
    bits: int,
    activations: int | None,
    seed: int = 0,
    data_dir=None,
) -> dict:
    """Accuracy of one scheme: weight-only, or weights + activations on integers."""
    check_choice("quantize: granularity", granularity, GRANULARITIES)
    spec = QuantSpec(scheme=scheme, range=range_name, bits=bits, percentile=percentile)
    if activations is not None:
        check_int("quantize", "activations", activations, BITS_MIN, BITS_MAX)
        if granularity == "global":
            raise ValueError("quantize: granularity='global' with activations; the integer path is per layer/channel")
    test_split = load_fashion_mnist("test", data_dir)
    model, _ = load_checkpoint(model_name)
    if activations is None:
        predictions = predict(quantize_weights(model, spec, granularity), test_split)
    else:
        calibration = calibration_images(load_fashion_mnist("train", data_dir), CALIBRATION_IMAGES, seed)
        net = build_integer_network(
            model, calibration, weight_spec=spec, activation_spec=QuantSpec(bits=activations), granularity=granularity
        )
        predictions = integer_predict(net, test_split)
    accuracy = float((predictions == test_split.labels).mean())
    return {
        "scheme": scheme,
        "granularity": granularity,
        "range": range_name,
        "bits": bits,
        "activations": activations,
        "accuracy": accuracy,
        "images": len(test_split),
    }


LOW_BIT_NAME = "w4a4"  # the shipped quantization-aware model


def low_bit_network(model, card: dict, calibration):
    """The integer network of a quantization-aware checkpoint, as its card describes it:
    weights at ``weight_bits`` per layer or per channel (``granularity``), hidden activations
    at ``activation_bits`` on their learned intervals, input pixels and logits at ``edge_bits``."""
    bits, act, edge = card["weight_bits"], card["activation_bits"], card["edge_bits"]
    granularity = card.get("granularity", "layer")
    intervals = [tuple(i) if i is not None else None for i in card["activation_intervals"]]
    specs = [QuantSpec(bits=act, range="mse")] * (len(intervals) - 1) + [QuantSpec(bits=edge)]
    return build_integer_network(
        model,
        calibration,
        weight_spec=QuantSpec(scheme=scheme_of(granularity), bits=bits, range=card["weight_range"]),
        activation_spec=specs,
        activation_intervals=intervals,
        input_bits=edge,
        granularity=granularity,
    )


def quantize_aware(
    model_name: str = "baseline",
    *,
    bits: int = 4,
    activations: int = 4,
    edge_bits: int = 8,
    granularity: str = "layer",
    epochs: int = 2,
    learning_rate: float = 1e-3,
    seed: int = 0,
    output: str = LOW_BIT_NAME,
    data_dir=None,
    progress: bool = True,
) -> dict:
    """Quantization-aware fine-tuning of every layer's weights at ``bits`` (per layer,
    asymmetric, or per output channel, symmetric: ``granularity``; MSE clip) and the hidden
    activations at ``activations`` (PACT bounds, ``compress.qat``), the
    input pixels and the logits at ``edge_bits``, on the training part of the hold-out split;
    saves the checkpoint with a card that builds its integer network, and returns the card
    with the integer network's validation and test accuracy."""
    for name, value in (("bits", bits), ("activations", activations), ("edge_bits", edge_bits)):
        check_int("quantize --qat", name, value, BITS_MIN, 8)
    check_int("quantize --qat", "epochs", epochs, 1, 100)
    check_choice("quantize --qat: granularity", granularity, ("layer", "channel"))
    train_part, validation = holdout(load_fashion_mnist("train", data_dir))
    test_split = load_fashion_mnist("test", data_dir)
    model, base_card = load_checkpoint(model_name)
    config = TrainConfig(seed=seed, epochs=epochs, learning_rate=learning_rate)
    n_layers = len(model.layers())
    intervals = fine_tune_activations(
        model,
        (bits,) * n_layers,
        activations,
        train_part,
        config,
        "mse",
        input_bits=edge_bits,
        progress=progress,
        granularity=granularity,
    )
    card = {
        "kind": "quantization-aware",
        "weight_bits": bits,
        "weight_range": "mse",
        "granularity": granularity,
        "weight_scheme": scheme_of(granularity),
        "activation_bits": activations,
        "edge_bits": edge_bits,
        "activation_intervals": [list(i) if i is not None else None for i in intervals],
        "epochs": epochs,
        "learning_rate": learning_rate,
        "seed": seed,
        "baseline": {"name": model_name, "accuracy": base_card.get("accuracy")},
    }
    net = low_bit_network(model, card, calibration_images(train_part, CALIBRATION_IMAGES, seed))
    card["val_accuracy"] = float((integer_predict_fast(net, validation) == validation.labels).mean())
    card["accuracy"] = float((integer_predict_fast(net, test_split) == test_split.labels).mean())
    card["test_images"] = len(test_split)
    save_checkpoint(model, output, card)
    return card


def evaluate_low_bit(name: str = LOW_BIT_NAME, *, train_split=None, test_split=None, data_dir=None) -> dict:
    """Test accuracy of a shipped quantization-aware model's integer network (10k images)."""
    model, card = load_checkpoint(name)
    train_part, _ = holdout(train_split or load_fashion_mnist("train", data_dir))
    test_split = test_split or load_fashion_mnist("test", data_dir)
    net = low_bit_network(model, card, calibration_images(train_part, CALIBRATION_IMAGES, card["seed"]))
    accuracy = float((integer_predict_fast(net, test_split) == test_split.labels).mean())
    granularity = card.get("granularity", "layer")
    size = model_size_kb(model, card["weight_bits"], per_channel=granularity == "channel")
    return (
        {"name": name, "accuracy": accuracy, "test_images": len(test_split), "size_kb": size}
        | {k: card[k] for k in ("weight_bits", "activation_bits", "edge_bits", "epochs", "val_accuracy")}
        | {"learning_rate": card.get("learning_rate", 1e-3)}
        | {"granularity": granularity, "candidates": card.get("candidates", [])}
    )
