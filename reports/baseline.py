"""Report section: the dataset and the FP32 MyConvNet baseline."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from compress.data import Split
from compress.model import Architecture, layer_table
from reports.document import Section, figure_markdown, markdown_table


def confusion_figure(confusion: np.ndarray, classes: tuple[str, ...]) -> Figure:
    fig = Figure(figsize=(7, 6))
    ax = fig.subplots()
    image = ax.imshow(confusion, cmap="Blues")
    ax.set_xticks(range(len(classes)), classes, rotation=60, ha="right")
    ax.set_yticks(range(len(classes)), classes)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    threshold = confusion.max() / 2
    for (i, j), count in np.ndenumerate(confusion):
        ax.text(j, i, str(count), ha="center", va="center", fontsize=7, color="white" if count > threshold else "black")
    fig.colorbar(image, ax=ax, shrink=0.8)
    return fig


def training_figure(history: dict) -> Figure:
    fig = Figure(figsize=(7, 3.5))
    loss_ax, acc_ax = fig.subplots(1, 2)
    epochs = np.arange(1, len(history["train_loss"]) + 1)
    loss_ax.plot(epochs, history["train_loss"], marker="o")
    loss_ax.set_xlabel("epoch")
    loss_ax.set_ylabel("training loss")
    acc_ax.plot(epochs, 100 * np.asarray(history["val_accuracy"]), marker="o", color="tab:green")
    acc_ax.set_xlabel("epoch")
    acc_ax.set_ylabel("validation accuracy (%)")
    fig.tight_layout()
    return fig


def provenance_text(card: dict, n_train: int) -> str:
    """Where the baseline comes from: retrained here, from its model card."""
    held_out = card.get("validation", {})
    split = (
        f"Fashion-MNIST's {n_train:,} training images, split by a seeded permutation (seed "
        f"{held_out['seed']}, `compress.data.holdout`) into {card['train_images']:,} for training and "
        f"{held_out['images']:,} for validation"
        if held_out
        else f"Fashion-MNIST's {n_train:,} training images"
    )
    scores = (
        f"; it reached {100 * card['val_accuracy']:.2f} % on the validation images and {100 * card['accuracy']:.2f} % "
        "on the test set, measured once after training"
        if card.get("val_accuracy") is not None and card.get("accuracy") is not None
        else ""
    )
    return f"""**Provenance of the baseline.** The handout's pre-trained MyConvNet (`saved_myconvnet.pt` on the
course's S3 bucket, with its notebook `lab3_ref.ipynb`) was not available here, so the baseline is
retrained from scratch by `cnnacc train` (`compress.baseline.train_baseline`) and shipped as
`compress/models/baseline.pt` with its model card `compress/models/baseline.json`, which records how:
{split}; {card["epochs"]} epochs of {card.get("optimizer", "Adam")}, batch {card["batch_size"]}, learning rate
{card["learning_rate"]:g}, seed {card["seed"]}, {card["train_seconds"]:.0f} s of training on a CPU{scores}. Every
model of this report derives from this baseline, so its absolute accuracies may differ from those the
handout's checkpoint would give; `cnnacc train` (or `cnnacc report --retrain`) trains it again with the same recipe."""


def measure_baseline(train_split: Split, test_split: Split, evaluation: dict) -> dict:
    """What the baseline section needs from the data and the evaluation, JSON-ready."""
    return {
        "train_images": len(train_split),
        "test_images": len(test_split),
        "image_shape": list(test_split.images.shape[1:]),
        "classes": list(test_split.classes),
        "train_images_per_class": np.bincount(train_split.labels, minlength=len(train_split.classes)).tolist(),
        "evaluation": evaluation,
    }


def baseline_section(data: dict) -> Section:
    """Dataset summary, layer table, accuracy per class, confusion matrix, training curve: a pure
    function of ``measure_baseline``'s output."""
    evaluation = data["evaluation"]
    classes = tuple(data["classes"])
    n_train, n_test = data["train_images"], data["test_images"]
    card = evaluation["card"]
    arch = Architecture.from_json(card["architecture"])
    table = layer_table(arch)
    total_params = sum(row["params"] for row in table)
    total_macs = sum(row["macs"] for row in table)
    counts = np.asarray(data["train_images_per_class"])
    results = {
        "dataset": {
            "name": "Fashion-MNIST",
            "train_images": n_train,
            "test_images": n_test,
            "image_shape": data["image_shape"],
            "classes": list(classes),
            "train_images_per_class": counts.tolist(),
        },
        "architecture": arch.to_json(),
        "layers": table,
        "total_params": total_params,
        "total_macs": total_macs,
        "fp32_size_kb": total_params * 4 / 1024,
        "accuracy": evaluation["accuracy"],
        "per_class_accuracy": evaluation["per_class"],
        "confusion": evaluation["confusion"],
        "training": {k: card[k] for k in ("seed", "epochs", "batch_size", "learning_rate", "train_seconds")}
        | ({"train_images": card["train_images"], "validation": card["validation"]} if "validation" in card else {})
        | {k: card[k] for k in ("optimizer", "val_accuracy") if card.get(k) is not None},
    }
    layer_rows = [
        [
            row["layer"],
            row["kind"],
            "x".join(map(str, row["output_shape"])),
            f"{row['params']:,}",
            f"{row['macs']:,}",
            f"{row['fp32_kb']:.2f}",
        ]
        for row in table
    ]
    layer_rows.append(["total", "", "", f"{total_params:,}", f"{total_macs:,}", f"{results['fp32_size_kb']:.2f}"])
    class_rows = [[name, f"{100 * acc:.1f}"] for name, acc in evaluation["per_class"].items()]
    per_class = (
        f"{counts.min():,} training images per class"
        if counts.min() == counts.max()
        else f"{counts.min():,} to {counts.max():,} training images per class"
    )
    held_out = card.get("validation", {}).get("images")
    split = (
        f" The baseline trains on {card['train_images']:,} of the training images; the other "
        f"{held_out:,} (seeded, `compress.data.holdout`) are the validation set that chooses every "
        "model of this report and is never trained on. The test set is measured once per model, "
        "for this report, and decides nothing."
        if held_out
        else ""
    )
    body = f"""
**Dataset.** Fashion-MNIST: {n_train:,} training and {n_test:,} test images,
28x28 grey levels, {len(classes)} classes ({per_class}).{split} Every accuracy in this report is
measured on the full {n_test:,}-image test set.

{provenance_text(card, n_train)}

**MyConvNet.** Only 3x3 convolutions with stride 1 and padding 1 (each maps to im2col + matmul on
the accelerator), ReLU, 2x2 max-pooling and fully connected layers:

{markdown_table(["layer", "kind", "output", "parameters", "MACs / image", "FP32 KB"], layer_rows)}

**Baseline accuracy:** {100 * evaluation["accuracy"]:.2f} % (FP32), after {card["epochs"]} epochs of
Adam with a one-cycle learning-rate schedule, batch {card["batch_size"]}, seed {card["seed"]}
({card["train_seconds"]:.0f} s of training on this machine's CPU).

{markdown_table(["class", "accuracy (%)"], class_rows)}

{figure_markdown("baseline_confusion", "Confusion matrix of the FP32 baseline on the 10k test images")}

{figure_markdown("baseline_training", "Training loss and validation accuracy per epoch of the shipped baseline")}
"""
    figures = {
        "baseline_confusion": confusion_figure(np.asarray(evaluation["confusion"]), classes),
        "baseline_training": training_figure(card["history"]),
    }
    return Section("baseline", "Dataset and FP32 baseline", body, results, figures)
