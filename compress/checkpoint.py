"""Shipped and user checkpoints: a torch state dict plus a JSON card, written atomically.

A checkpoint named NAME is two files: NAME.pt (the state dict) and NAME.json (the card:
architecture, seed, epochs, accuracy, train time, ...). Shipped checkpoints live in
``compress/models/`` and are addressed by bare name (``baseline``).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import torch

from compress.model import Architecture, MyConvNet
from compress.search_config import SHIPPED_DIR
from simulator import atomic


def checkpoint_paths(name_or_path: str | os.PathLike) -> tuple[Path, Path]:
    """(weights, card) paths: a bare name means a shipped checkpoint, else a path stem."""
    text = str(name_or_path)
    stem = SHIPPED_DIR / text if os.sep not in text and not text.endswith(".pt") else Path(text)
    stem = stem.with_suffix("") if stem.suffix == ".pt" else stem
    return stem.with_suffix(".pt"), stem.with_suffix(".json")


def save_checkpoint(model: MyConvNet, name_or_path: str | os.PathLike, card: dict) -> tuple[Path, Path]:
    """Save the state dict and the card (architecture added to it); returns both paths."""
    weights_path, card_path = checkpoint_paths(name_or_path)
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    atomic.write_bytes(weights_path, buffer.getvalue())
    atomic.write_json(card_path, {"architecture": model.arch.to_json(), **card})
    return weights_path, card_path


def load_checkpoint(name_or_path: str | os.PathLike) -> tuple[MyConvNet, dict]:
    """Load a checkpoint saved by :func:`save_checkpoint`.

    Raises
    ------
    FileNotFoundError
        If either file is missing (the message lists the shipped names).
    ValueError
        If the card or the weights do not match each other.
    """
    weights_path, card_path = checkpoint_paths(name_or_path)
    for path in (weights_path, card_path):
        if not path.is_file():
            shipped = sorted(p.stem for p in SHIPPED_DIR.glob("*.pt"))
            raise FileNotFoundError(f"checkpoint file {path} not found; shipped checkpoints: {shipped}")
    try:
        card = json.loads(card_path.read_text())
        model = MyConvNet(Architecture.from_json(card["architecture"]))
        state = torch.load(weights_path, map_location="cpu", weights_only=True)
        model.load_state_dict(state)
    except (json.JSONDecodeError, KeyError, TypeError, RuntimeError, EOFError) as error:
        raise ValueError(f"checkpoint {weights_path} is unreadable or does not match its card: {error}") from None
    model.eval()
    return model, card
