"""Structured pruning of MyConvNet: keep-masks over whole channels and neurons, compaction.

Every hidden width of MyConvNet -- the output channels of each convolution and the neurons
of each hidden FC layer -- gets a boolean keep-mask. The mask is the primary artefact
(as in ``torch.nn.utils.prune``); the zeroed model (:func:`apply_masks`) and the compacted,
physically smaller model (:func:`compact`) both derive from it.

Which channels go (spec Part 1 Step 2 Task 1; Li et al. 2017, "Pruning filters for
efficient ConvNets"):

- *filter-wise* (``target="filter"``) scores output channel c of layer i by its filter,
  the weights W_i[c, ...] that produce it;
- *channel-wise* (``target="channel"``) scores it by the weights of layer i+1 that read it,
  W_{i+1}[:, c, ...] (for the first FC layer, the block of H*W inputs channel c feeds).

Both remove the same thing from the accelerator's matrices -- a row of layer i's weight
matrix, its bias, and the matching columns of layer i+1's -- and differ only in which
weights decide. A score is the L1 or L2 norm of those weights divided by their count
(L1) or its square root (L2), i.e. the mean |w| or the RMS weight, so scores of layers
with different fan-in compare. Selection, as in Lab 1:

- by *fraction*: drop floor(f x width) lowest-scoring channels of each width (``scope=
  "layer"``, one f per width or one for all), or the fraction f of all channels of the
  network with the lowest score relative to their layer's mean (``scope="global"``);
- by *threshold*: drop channels scoring below ``threshold`` x their layer's mean score
  (``scope="layer"``) or below ``threshold`` itself (``scope="global"``, in weight units).

At least one channel of every width stays; kept counts are rounded up to ``multiple``
(e.g. the PE array width) on request.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from compress.data import Split
from compress.layers import bias_of
from compress.model import Architecture, MyConvNet
from compress.prune_spec import CRITERIA, TARGETS, PruneSpec
from compress.train import TrainConfig, TrainHistory, accuracy, train
from simulator.contract.numerics import check_choice


def hidden_widths(arch: Architecture) -> tuple[int, ...]:
    """The prunable widths: conv output channels, then hidden FC neurons."""
    return (*arch.conv_channels, *arch.fc_hidden)


def width_names(arch: Architecture) -> list[str]:
    """Name of the layer whose outputs each prunable width counts (conv1, conv2, fc1, ...)."""
    return [f"conv{i + 1}" for i in range(len(arch.conv_channels))] + [f"fc{i + 1}" for i in range(len(arch.fc_hidden))]


def channel_scores(model: MyConvNet, target: str = "filter", criterion: str = "l1") -> list[np.ndarray]:
    """Score of every prunable channel / neuron, one float64 array per width (higher = keep).

    The score is the mean |w| (l1) or the RMS (l2) of the weights that decide the channel.
    """
    check_choice("channel_scores: target", target, TARGETS)
    check_choice("channel_scores: criterion", criterion, CRITERIA)
    layers = [m for _, m in model.layers()]
    scores = []
    for i, width in enumerate(hidden_widths(model.arch)):
        if target == "filter":
            weights = layers[i].weight.detach().reshape(width, -1)  # (width, fan_in)
        else:
            following = layers[i + 1].weight.detach()
            # The FC after the last conv sees channel c as a block of H*W inputs.
            weights = following.reshape(following.shape[0], width, -1).transpose(0, 1).reshape(width, -1)
        count = weights.shape[1]
        if criterion == "l1":
            score = weights.abs().sum(1) / count
        else:
            score = weights.pow(2).sum(1).sqrt() / math.sqrt(count)
        scores.append(score.double().numpy())
    return scores


def round_keep(keep: int, width: int, multiple: int) -> int:
    """Kept channels rounded up to ``multiple`` (e.g. the PE array width), within [1, width]."""
    return max(1, min(width, math.ceil(max(keep, 1) / multiple) * multiple))


def expand_fractions(spec: PruneSpec, n_widths: int) -> tuple[float, ...]:
    """One fraction per width; the second check of the spec, against the model's widths."""
    given = spec.fractions
    if given is None:
        raise ValueError("expand_fractions: the spec prunes by threshold, not by fractions")
    fractions = given if len(given) > 1 else given * n_widths
    if len(fractions) != n_widths:
        raise ValueError(
            f"PruneSpec.fractions has {len(given)} entries for {n_widths} prunable widths; "
            "give one fraction or one per width"
        )
    return fractions


def kept_counts(spec: PruneSpec, scores: list[np.ndarray], widths: tuple[int, ...]) -> list[int]:
    """How many channels of each width survive ``spec`` (before rounding to the multiple)."""
    means = [s.mean() if s.mean() > 0 else 1.0 for s in scores]
    if spec.threshold is not None:
        if spec.scope == "layer":
            return [int((s >= spec.threshold * m).sum()) for s, m in zip(scores, means)]
        return [int((s >= spec.threshold).sum()) for s in scores]
    fractions = expand_fractions(spec, len(widths))
    if spec.scope == "layer":
        return [width - math.floor(f * width) for f, width in zip(fractions, widths)]
    relative = np.concatenate([s / m for s, m in zip(scores, means)])
    owner = np.concatenate([np.full(len(s), i) for i, s in enumerate(scores)])
    n_drop = math.floor(fractions[0] * relative.size)
    dropped = owner[np.argsort(relative, kind="stable")[:n_drop]]
    return [width - int((dropped == i).sum()) for i, width in enumerate(widths)]


def select_masks(model: MyConvNet, spec: PruneSpec) -> list[np.ndarray]:
    """Keep-masks (bool, one per prunable width) of ``model`` under ``spec``.

    Raises
    ------
    ValueError
        If ``spec.fractions`` does not match the model's number of prunable widths.
    """
    widths = hidden_widths(model.arch)
    scores = channel_scores(model, spec.target, spec.criterion)
    masks = []
    for score, keep, width in zip(scores, kept_counts(spec, scores, widths), widths):
        keep = round_keep(keep, width, spec.multiple)
        mask = np.zeros(width, bool)
        mask[np.argsort(-score, kind="stable")[:keep]] = True  # the highest scores stay
        masks.append(mask)
    return masks


def check_masks(arch: Architecture, masks: list[np.ndarray]) -> None:
    """Masks fit the widths they apply to and keep at least one channel each."""
    widths = hidden_widths(arch)
    if len(masks) != len(widths):
        raise ValueError(f"check_masks: {len(masks)} masks for {len(widths)} prunable widths {widths}")
    for i, (mask, width) in enumerate(zip(masks, widths)):
        if not isinstance(mask, np.ndarray) or mask.shape != (width,) or mask.dtype != bool:
            shape = getattr(mask, "shape", None)
            raise ValueError(
                f"check_masks: mask {i} has shape {shape} and dtype "
                f"{getattr(mask, 'dtype', type(mask).__name__)}; expected ({width},) bool"
            )
        if not mask.any():
            raise ValueError(f"check_masks: mask {i} keeps no channel; at least one must stay")


@torch.no_grad()
def apply_masks(model: MyConvNet, masks: list[np.ndarray]) -> None:
    """Zero, in place, the weights and biases of pruned channels and the inputs they feed."""
    check_masks(model.arch, masks)
    layers = [m for _, m in model.layers()]
    for i, mask in enumerate(masks):
        drop = torch.from_numpy(~mask)
        layers[i].weight[drop] = 0
        bias_of(layers[i])[drop] = 0
        following = layers[i + 1].weight
        following.view(following.shape[0], mask.size, -1)[:, drop] = 0


def compacted_architecture(arch: Architecture, masks: list[np.ndarray]) -> Architecture:
    kept = [int(m.sum()) for m in masks]
    n_conv = len(arch.conv_channels)
    return Architecture(
        in_channels=arch.in_channels,
        image_size=arch.image_size,
        conv_channels=tuple(kept[:n_conv]),
        fc_hidden=tuple(kept[n_conv:]),
        n_classes=arch.n_classes,
    )


@torch.no_grad()
def compact(model: MyConvNet, masks: list[np.ndarray]) -> MyConvNet:
    """A smaller dense MyConvNet holding only the kept channels.

    Its outputs equal the masked model's (:func:`apply_masks`): a pruned channel's row of
    layer i and its columns in layer i+1 only ever multiplied zeros.
    """
    check_masks(model.arch, masks)
    small = MyConvNet(compacted_architecture(model.arch, masks))
    in_keep = torch.ones(model.arch.in_channels, dtype=torch.bool)
    for i, ((_, old), (_, new)) in enumerate(zip(model.layers(), small.layers())):
        out_keep = torch.from_numpy(masks[i]) if i < len(masks) else torch.ones(old.weight.shape[0], dtype=torch.bool)
        weight = old.weight[out_keep]
        # Inputs come in blocks per channel: 3x3 taps for a conv, H*W pixels for the first FC.
        blocks = weight.reshape(weight.shape[0], in_keep.numel(), -1)[:, in_keep]
        new.weight.copy_(blocks.reshape(new.weight.shape))
        bias_of(new).copy_(bias_of(old)[out_keep])
        in_keep = out_keep
    small.eval()
    return small


def fine_tune_masked(
    model: MyConvNet, masks: list[np.ndarray], train_split: Split, config: TrainConfig, *, progress: bool = True
) -> TrainHistory:
    """Train ``model`` in place with the masks re-applied after every optimizer step.

    Pruned weights therefore stay exactly zero; the result compacts without loss.
    """
    apply_masks(model, masks)
    return train(model, train_split, config, progress=progress, after_step=lambda m: apply_masks(m, masks))


def sensitivity(
    model: MyConvNet, split: Split, *, fractions=(0.25, 0.5, 0.75, 0.9), target: str = "filter", criterion: str = "l1"
) -> dict[str, list[float]]:
    """Accuracy on ``split`` when one width alone loses each fraction (no fine-tuning).

    Returns {width name: [accuracy at each fraction]}; the other widths stay whole.
    """
    widths = hidden_widths(model.arch)
    curves = {}
    for i, name in enumerate(width_names(model.arch)):
        curve = []
        for f in fractions:
            per_width = tuple(f if j == i else 0.0 for j in range(len(widths)))
            masks = select_masks(model, PruneSpec(target=target, criterion=criterion, fractions=per_width))
            curve.append(accuracy(compact(model, masks), split))
        curves[name] = curve
    return curves


def compose_kept(parent: list[np.ndarray], masks: list[np.ndarray]) -> list[np.ndarray]:
    """Indices, in the original widths, of the channels that survive a second pruning.

    parent : kept indices of the current model's channels in the original model
    masks : keep-masks over the current model's channels
    """
    if len(parent) != len(masks):
        raise ValueError(f"compose_kept: {len(parent)} index arrays for {len(masks)} masks")
    return [np.asarray(p)[m] for p, m in zip(parent, masks)]
