"""The sw_emu build cache: the HLS C++ of hls_src/ compiled with g++ into one shared library
per design, as Vitis's software-emulation flow compiles kernels with an ordinary C++ compiler.

A design's -D flags (``design.cpp_defines()``) and every hls_src source file are hashed into a
fingerprint; the library lives in ``cache_dir()/sw_emu/<fingerprint>/`` and is rebuilt only when
either changes. hls_src ships inside the installed package (package data), so a non-editable
install builds too. Loading and calling the library is ``simulator.emulation.sw_emu``'s job.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.resources
import os
import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path

import numpy as np

HLS_SRC = Path(str(importlib.resources.files("hls_src")))
SOURCE_SUFFIXES = (".cpp", ".hpp")
GENERATED_DIRS = ("build", "csim", "__pycache__")


def cache_dir() -> Path:
    """Where built libraries go: $CNNACC_CACHE_DIR, else $XDG_CACHE_HOME/cnnacc, else
    ~/.cache/cnnacc (never the source tree or the installed package, which may be read-only)."""
    if os.environ.get("CNNACC_CACHE_DIR"):
        return Path(os.environ["CNNACC_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cnnacc"


# -D flags of hls_src/common/design.hpp, in the order cnnacc_config_flag() reports them.
DEFINE_NAMES = (
    "TILE_U",
    "TILE_V",
    "TILE_W",
    "ROUNDING_NEAREST",
    "REQUANT_LANES",
    "MAX_W",
    "A_BUFFER_BYTES",
    "B_BUFFER_BYTES",
    "AXI_WIDTH_BITS",
    "BURST_BEATS",
    "MAX_OUTSTANDING",
    "MEM_LATENCY_CYCLES",
    "AXI_PORTS_SHARED",
    "BUFFERING_PING_PONG",
    "MAX_SRC_M",
    "MAX_SRC_N",
    "MAX_K",
)


class SwEmuBuildError(RuntimeError):
    """The C++ library failed to build; the message carries the command line and its output."""


# ------------------------------------------------------------------------------ building


def _defines_text(defines: Mapping[str, int]) -> str:
    """'-DNAME=value ...' sorted by name, the form passed to make and hashed."""
    return " ".join(f"-D{name}={int(defines[name])}" for name in sorted(defines))


def _source_files() -> list[Path]:
    """Every hls_src source file that goes into the library, in a stable order."""
    files = []
    for root, folders, names in os.walk(HLS_SRC):
        if Path(root) == HLS_SRC:
            folders[:] = [folder for folder in folders if folder not in GENERATED_DIRS]
        files += [Path(root) / name for name in names if name.endswith(SOURCE_SUFFIXES) or name == "Makefile"]
    return sorted(files, key=lambda path: path.relative_to(HLS_SRC).as_posix())


# Fingerprints by (defines, (path, mtime, size) of every source): hashing is skipped while
# no source file changes, which keeps a call to qmatmul cheap.
_fingerprints: dict[tuple, str] = {}


def fingerprint(defines: Mapping[str, int]) -> str:
    """sha256 of the sorted defines and every hls_src source file, as 16 hex characters."""
    files = _source_files()
    stamp = tuple((path, path.stat().st_mtime_ns, path.stat().st_size) for path in files)
    key = (_defines_text(defines), stamp)
    if key not in _fingerprints:
        digest = hashlib.sha256(key[0].encode())
        for path in files:
            digest.update(b"\0" + path.relative_to(HLS_SRC).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
        _fingerprints[key] = digest.hexdigest()[:16]
    return _fingerprints[key]


def _check_defines(defines: Mapping[str, int]) -> None:
    for name, value in defines.items():
        if name not in DEFINE_NAMES:
            raise ValueError(f"sw_emu.build_library: define {name!r} is unknown; expected one of {DEFINE_NAMES}")
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"sw_emu.build_library: {name}={value!r} must be an int")


def _run_make(defines: Mapping[str, int], target: Path) -> None:
    """make -C hls_src lib LIB=target DEFINES=...; SwEmuBuildError on failure."""
    command = [
        "make",
        "-C",
        str(HLS_SRC),
        "lib",
        f"LIB={target}",
        f"DEFINES={_defines_text(defines)}",
        f"CSIM={target.parent / 'csim'}",
    ]
    # A parent make's jobserver settings must not leak into this independent build.
    inherited = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    env = {key: value for key, value in os.environ.items() if key not in inherited}
    try:
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    except OSError as error:
        raise SwEmuBuildError(f"sw_emu: cannot run {' '.join(command)!r}: {error}") from error
    if result.returncode != 0:
        raise SwEmuBuildError(
            f"sw_emu: building the C++ library failed (exit {result.returncode})\n"
            f"command: {' '.join(command)}\n"
            f"--- make output (the g++ command line) ---\n{result.stdout.strip()}\n"
            f"--- stderr ---\n{result.stderr.strip()}"
        )


_build_lock = threading.Lock()


def build_library(defines: Mapping[str, int]) -> Path:
    """Path of the shared library for ``defines``, building it first if it is not cached.

    The library is built under a temporary name and moved into place with os.replace, under
    a file lock, so concurrent threads and processes never load a half-written file.

    Parameters
    ----------
    defines : mapping of str to int
        -D flags by name (see DEFINE_NAMES); ranges are checked by the C++ static_asserts.

    Raises
    ------
    SwEmuBuildError
        If make or g++ fails; the message holds the command line and the compiler's stderr.
    """
    _check_defines(defines)
    key = fingerprint(defines)
    folder = cache_dir() / "sw_emu" / key
    library = folder / f"libcnnacc_{key}.so"
    if library.exists():
        return library
    folder.mkdir(parents=True, exist_ok=True)
    with _build_lock, open(folder / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not library.exists():  # another process may have built it while we waited
            temporary = folder / f".libcnnacc_{key}.{os.getpid()}.{threading.get_ident()}.so"
            try:
                _run_make(defines, temporary)
                os.replace(temporary, library)
            finally:
                temporary.unlink(missing_ok=True)
    return library


__all__ = ["DEFINE_NAMES", "HLS_SRC", "SwEmuBuildError", "build_library", "cache_dir", "fingerprint"]
