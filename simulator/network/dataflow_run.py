"""The dataflow accelerator's C++ built with g++ (the sw_emu flow) and run on images.

``run_dataflow_layers(net, design, images_q)`` writes the project (``simulator.network.dataflow``)
into the build cache, compiles its testbench once per generated source (keyed by the sources'
SHA-256), runs it on the images and returns every layer's output codes in the shapes
``simulator.network.network.run_layers`` gives, so the two compare element by element.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from simulator.emulation.sw_emu_build import cache_dir
from simulator.hardware.dataflow_design import DataflowDesign
from simulator.network.dataflow import DataflowError, unit_shapes, write_project
from simulator.network.network import IntegerNetwork

CXXFLAGS = ("-std=c++17", "-O2", "-Wall", "-Wextra", "-Werror", "-Wno-unknown-pragmas")


def build_testbench(net: IntegerNetwork, design: DataflowDesign) -> Path:
    """The compiled ``network_tb`` of ``net`` folded as ``design`` (built when not cached)."""
    with tempfile.TemporaryDirectory() as scratch:
        project = write_project(net, design, Path(scratch) / "project")
        digest = hashlib.sha256()
        for path in sorted(project.iterdir()):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        folder = cache_dir() / "dataflow" / digest.hexdigest()[:16]
        binary = folder / "network_tb"
        if binary.exists():
            return binary
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "build.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not binary.exists():
                temporary = folder / f".network_tb.{os.getpid()}"
                sources = [str(project / "network.cpp"), str(project / "network_tb.cpp")]
                command = ["g++", *CXXFLAGS, "-I", str(project), "-o", str(temporary), *sources]
                result = subprocess.run(command, capture_output=True, text=True, check=False)
                if result.returncode != 0:
                    temporary.unlink(missing_ok=True)
                    raise DataflowError(
                        f"g++ failed on the generated network (exit {result.returncode}):\n{result.stderr}"
                    )
                os.replace(temporary, binary)
    return binary


def run_dataflow_layers(net: IntegerNetwork, design: DataflowDesign, images_q: np.ndarray) -> list[np.ndarray]:
    """Every layer's output codes for ``images_q`` (N, C, H, W) uint8 from the generated C++:
    conv layers (N, C', H', W'), fully connected (N, out), as ``run_layers`` gives them."""
    if images_q.dtype != np.uint8 or images_q.ndim != 4 or images_q.shape[1:] != tuple(net.input_shape):
        raise ValueError(
            f"run_dataflow_layers: images_q has dtype {images_q.dtype} and shape {images_q.shape}; "
            f"expected uint8 (N, {', '.join(map(str, net.input_shape))})"
        )
    shapes = unit_shapes(net)
    binary = build_testbench(net, design)
    count = len(images_q)
    with tempfile.TemporaryDirectory() as scratch:
        images_path, output_path = Path(scratch) / "images.bin", Path(scratch) / "layers.bin"
        images_path.write_bytes(np.ascontiguousarray(images_q.transpose(0, 2, 3, 1)).tobytes())  # rows of (w, c)
        result = subprocess.run(
            [str(binary), str(images_path), str(count), str(output_path)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise DataflowError(
                f"the generated network's testbench failed (exit {result.returncode}): {result.stderr.strip()}"
            )
        raw = np.fromfile(output_path, np.uint8)
    sizes = [shape.out_height * shape.out_row for shape in shapes]
    if raw.size != count * sum(sizes):
        raise DataflowError(f"the testbench wrote {raw.size} codes; expected {count * sum(sizes)}")
    per_image = raw.reshape(count, sum(sizes))
    outputs, start = [], 0
    for shape, size in zip(shapes, sizes):
        block = per_image[:, start : start + size]
        start += size
        if shape.kind == "conv":  # rows of (w, c) -> (N, C, H, W)
            grid = block.reshape(count, shape.out_height, shape.out_width, shape.out)
            outputs.append(np.ascontiguousarray(grid.transpose(0, 3, 1, 2)))
        else:
            outputs.append(np.ascontiguousarray(block))
    return outputs


__all__ = ["build_testbench", "run_dataflow_layers"]
