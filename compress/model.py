"""MyConvNet: the accelerator-friendly CNN of the lab.

Only 3x3, stride-1, padding-1 convolutions (each maps to im2col + matmul on the
accelerator), ReLU, 2x2 max-pooling and fully connected layers. Channel widths are
constructor parameters, so a pruned network is rebuilt as a smaller dense one.
Inputs are images scaled to [0, 1] (uint8 / 255), which keeps the first layer's input
exactly representable in uint8 with scale 1/255 and zero point 0.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn

from simulator.contract.numerics import check_int

KERNEL_SIZE = 3
PADDING = 1
POOL = 2


@dataclass(frozen=True, kw_only=True)
class Architecture:
    """Shape of a MyConvNet: input, one conv block per entry of conv_channels, FC widths."""

    in_channels: int = 1
    image_size: int = 28
    conv_channels: tuple[int, ...] = (16, 32)
    fc_hidden: tuple[int, ...] = (256,)
    n_classes: int = 10

    def __post_init__(self) -> None:
        owner = "Architecture"
        check_int(owner, "in_channels", self.in_channels, 1, 512)
        check_int(owner, "image_size", self.image_size, 4, 1024)
        check_int(owner, "n_classes", self.n_classes, 2, 100_000)
        object.__setattr__(self, "conv_channels", tuple(self.conv_channels))
        object.__setattr__(self, "fc_hidden", tuple(self.fc_hidden))
        if not 1 <= len(self.conv_channels) <= 4:
            raise ValueError(f"{owner}: conv_channels={self.conv_channels!r} must have 1..4 entries")
        for i, width in enumerate(self.conv_channels):
            check_int(owner, f"conv_channels[{i}]", width, 1, 512)
        for i, width in enumerate(self.fc_hidden):
            check_int(owner, f"fc_hidden[{i}]", width, 1, 65536)
        if self.image_size % POOL ** len(self.conv_channels):
            raise ValueError(
                f"{owner}: image_size={self.image_size} must be divisible by "
                f"{POOL ** len(self.conv_channels)} for {len(self.conv_channels)} pooling stages"
            )

    @property
    def feature_size(self) -> int:
        """Spatial size after the last pooling stage."""
        return self.image_size // POOL ** len(self.conv_channels)

    @property
    def flat_features(self) -> int:
        return self.conv_channels[-1] * self.feature_size**2

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Architecture:
        return cls(**data)

    @property
    def spec(self) -> str:
        """The layers as text, e.g. "c16,p,c32,p,f256,f10" (``from_spec``)."""
        return ",".join([f"c{c},p" for c in self.conv_channels] + [f"f{f}" for f in (*self.fc_hidden, self.n_classes)])

    @classmethod
    def from_spec(cls, text: str, *, in_channels: int = 1, image_size: int = 28) -> Architecture:
        """A sequential CNN from text: ``cN`` a 3x3 convolution of N output channels (stride 1,
        padding 1, ReLU), each followed by ``p`` (2x2 max-pooling: the accelerator's conv
        block); then ``fN`` fully connected layers of N outputs (ReLU between them), the last
        one the classes. E.g. "c16,p,c32,p,f256,f10" is MyConvNet."""
        tokens = [t.strip() for t in text.split(",") if t.strip()]
        convs: list[int] = []
        fcs: list[int] = []
        for i, token in enumerate(tokens):
            where = f"--arch {text!r}: token {i + 1} {token!r}"
            if token == "p":
                if i == 0 or not tokens[i - 1].startswith("c"):
                    raise ValueError(f"{where}: a pooling stage follows a convolution")
                continue
            kind, digits = token[:1], token[1:]
            if kind not in ("c", "f") or not digits.isdigit() or int(digits) < 1:
                raise ValueError(
                    f"{where}: expected cN (convolution), p (2x2 max-pool) or fN (fully connected), N >= 1"
                )
            if kind == "c":
                if fcs:
                    raise ValueError(f"{where}: convolutions come before the fully connected layers")
                if i + 1 >= len(tokens) or tokens[i + 1] != "p":
                    raise ValueError(f"{where}: every convolution is followed by p (the conv block pools)")
                convs.append(int(digits))
            else:
                fcs.append(int(digits))
        if not convs or not fcs:
            raise ValueError(f"--arch {text!r}: needs at least one cN,p block and one fN layer (the classes)")
        return cls(
            in_channels=in_channels,
            image_size=image_size,
            conv_channels=tuple(convs),
            fc_hidden=tuple(fcs[:-1]),
            n_classes=fcs[-1],
        )


def max_pool2x2(x: torch.Tensor) -> torch.Tensor:
    """2x2 max-pooling with stride 2 of (N, C, H, W), H and W even: rows, then columns."""
    n, c, h, w = x.shape
    rows = x.view(n, c, h // 2, 2, w)
    x = torch.maximum(rows[:, :, :, 0], rows[:, :, :, 1]).view(n, c, h // 2, w // 2, 2)
    return torch.maximum(x[..., 0], x[..., 1])


class MyConvNet(nn.Module):
    """conv3x3-ReLU-maxpool2 blocks, then FC-ReLU layers and a final FC classifier.

    Layers are kept in two ``nn.ModuleList`` (``convs``, ``fcs``) so that pruning,
    quantization and export address them by index and kind.
    """

    def __init__(self, arch: Architecture | None = None) -> None:
        super().__init__()
        self.arch = arch or Architecture()
        widths = (self.arch.in_channels, *self.arch.conv_channels)
        self.convs = nn.ModuleList(
            nn.Conv2d(c_in, c_out, KERNEL_SIZE, stride=1, padding=PADDING)
            for c_in, c_out in zip(widths[:-1], widths[1:])
        )
        fc_widths = (self.arch.flat_features, *self.arch.fc_hidden, self.arch.n_classes)
        self.fcs = nn.ModuleList(nn.Linear(f_in, f_out) for f_in, f_out in zip(fc_widths[:-1], fc_widths[1:]))
        self.pool = nn.MaxPool2d(POOL)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for conv in self.convs:
            if self.training:
                x = self.pool(torch.relu(conv(x)))
            else:
                # Same values, about 3x faster: max and ReLU commute exactly, and the pairwise
                # maximum beats max_pool2d's index bookkeeping. Training keeps nn.MaxPool2d so
                # that its gradients (and the shipped checkpoint) stay reproducible.
                x = torch.relu_(max_pool2x2(conv(x)))
        x = torch.flatten(x, 1)
        for fc in self.fcs[:-1]:
            x = torch.relu(fc(x))
        return self.fcs[-1](x)

    def save_weights(self, path, **options):
        """Export the uniform-asymmetric quantized weights and everything integer-only
        inference needs (spec Step 3); see compress.export.save_weights for the options."""
        from compress.export import save_weights

        return save_weights(self, path, **options)

    def layers(self) -> list[tuple[str, nn.Conv2d | nn.Linear]]:
        """(name, module) of every weight layer in execution order: conv1.., fc1.."""
        convs: list[nn.Conv2d] = list(self.convs)  # type: ignore[arg-type]  # a ModuleList of Conv2d
        fcs: list[nn.Linear] = list(self.fcs)  # type: ignore[arg-type]
        return [(f"conv{i + 1}", m) for i, m in enumerate(convs)] + [(f"fc{i + 1}", m) for i, m in enumerate(fcs)]


def layer_table(arch: Architecture) -> list[dict]:
    """Per-layer output shape, parameter count, MACs per image and FP32 size in KB."""
    rows: list[dict[str, Any]] = []
    size, channels = arch.image_size, arch.in_channels
    for i, width in enumerate(arch.conv_channels):
        params = width * (channels * KERNEL_SIZE**2 + 1)
        macs = width * channels * KERNEL_SIZE**2 * size * size
        rows.append(
            {
                "layer": f"conv{i + 1}",
                "kind": "conv3x3+relu+pool",
                "output_shape": [width, size // 2, size // 2],
                "params": params,
                "macs": macs,
            }
        )
        size, channels = size // 2, width
    fc_widths = (arch.flat_features, *arch.fc_hidden, arch.n_classes)
    for i, (f_in, f_out) in enumerate(zip(fc_widths[:-1], fc_widths[1:])):
        last = i == len(fc_widths) - 2
        rows.append(
            {
                "layer": f"fc{i + 1}",
                "kind": "fc" if last else "fc+relu",
                "output_shape": [f_out],
                "params": f_out * (f_in + 1),
                "macs": f_in * f_out,
            }
        )
    for row in rows:
        row["fp32_kb"] = row["params"] * 4 / 1024
    return rows
