"""Atomic file writes: a file is either absent, its old version, or complete (never half-written).

The bytes go to a temporary file in the same folder, are flushed to disk, and replace the
target with os.replace, which is atomic on POSIX file systems; on any failure (Ctrl-C
included) the temporary file is removed. Torch-free, so every layer can use it.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, creating its folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: str | os.PathLike, text: str) -> None:
    """``write_bytes`` of UTF-8 text."""
    write_bytes(path, text.encode("utf-8"))


def write_json(path: str | os.PathLike, data: Any) -> None:
    """``write_text`` of indented JSON with a final newline."""
    write_text(path, json.dumps(data, indent=2) + "\n")


__all__ = ["write_bytes", "write_json", "write_text"]
