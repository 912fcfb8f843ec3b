"""The static schedule follows the C++ as written: the same loop labels, the same trip counts.

1. The labels of hls_src/matmul/matmul.cpp and hls_src/im2col/im2col.cpp are exactly the loop
   names of ``kernel_schedule``.
2. The C++ built with gcov (``--coverage``) runs each labelled loop's body exactly as many times
   as the model's trip count says, for drawn designs and shapes with edge tiles (the driver
   below calls the kernel once per run; gcov counts the first statement of each body).
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from simulator.emulation.sw_emu import HLS_SRC
from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.timing.kernel_schedule import kernel_schedule
from simulator.timing.units.im2col_program import im2col_program
from simulator.timing.units.im2col_schedule import Im2colShape
from simulator.timing.units.matmul_program import FETCH_LOOPS, matmul_program
from simulator.timing.units.source_depths import reference_readings

LABEL = re.compile(r"^\s*([A-Z]\w*):\s*$")
KERNELS = {"matmul": HLS_SRC / "matmul" / "matmul.cpp", "im2col": HLS_SRC / "im2col" / "im2col.cpp"}

DRIVER = r"""
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>
#include "matmul/matmul.hpp"
#include "im2col/im2col.hpp"

// driver matmul u v w bias layout | driver im2col c m n km kn
int main(int argc, char** argv) {
    std::vector<long> a;
    for (int i = 2; i < argc; ++i) a.push_back(std::atol(argv[i]));
    uint32_t state = 12345;
    auto next = [&state]() { state = state * 1103515245u + 12345u; return uint8_t(state >> 16); };
    if (std::string(argv[1]) == "matmul") {
        const uint8_t layout = static_cast<uint8_t>(a[4]);
        std::vector<uint8_t> A(matmul_operand_bytes(a[0], a[1], a[2], layout, 'a'));
        std::vector<uint8_t> B(matmul_operand_bytes(a[0], a[1], a[2], layout, 'b')), out(a[0] * a[2]);
        for (auto& x : A) x = next();
        for (auto& x : B) x = next();
        std::vector<int32_t> bias(3 * (a[0] > a[2] ? a[0] : a[2]), 7);  // room for channel scales
        if (a[3]) matmul_mapped(out.data(), 1u << 30, 8, A.data(), B.data(), 3, 4, 5, a[0], a[1], a[2],
                                bias.data(), 0, layout);
        else matmul(out.data(), 1u << 30, 8, A.data(), B.data(), 3, 4, 5, a[0], a[1], a[2]);
    } else {
        std::vector<uint8_t> in(a[0] * a[1] * a[2]);
        for (auto& x : in) x = next();
        std::vector<uint8_t> out(a[0] * a[3] * a[4] * (a[1] + 3 - a[3]) * (a[2] + 3 - a[4]));
        im2col_pad(in.data(), out.data(), a[1], a[2], a[0], a[3], a[4], 9);
    }
    return 0;
}
"""


def labels(path: Path) -> set[str]:
    return {match.group(1) for line in path.read_text().splitlines() if (match := LABEL.match(line))}


def body_lines(path: Path) -> dict[str, int]:
    """Label -> line number (1-based) of the first statement in its loop's body."""
    lines = path.read_text().splitlines()
    out = {}
    for index, line in enumerate(lines):
        match = LABEL.match(line)
        if not match:
            continue
        header = next(i for i in range(index + 1, len(lines)) if re.match(r"\s*(for|while)\b", lines[i]))
        body = next(
            i
            for i in range(header + 1, len(lines))
            if lines[i].strip()
            and not lines[i].strip().startswith(("#pragma", "CNNACC_PRAGMA", "//"))
            and not LABEL.match(lines[i])
        )
        out[match.group(1)] = body + 1
    return out


def schedule_labels(report) -> set[str]:
    return {row.name for row in report.rows if row.kind in ("loop", "pipelined")}


@pytest.mark.parametrize("kernel", ["matmul", "im2col"])
def test_cpp_labels_are_the_schedule_loops(kernel):
    if kernel == "matmul":
        from simulator.timing.units.matmul_program import matmul_program as program_of

        program = program_of(MatmulDesign(), 64, 32, 64, bias=True)
    else:
        program = im2col_program(Im2colDesign(), Im2colShape(3, 32, 32, 3, 3))
    modelled = {run.label for _, run in program.runs()} | {label for label, _ in program.outer.values()}
    folded = set(FETCH_LOOPS) if kernel == "matmul" else set()  # the fetch's loops (whole or runs)
    assert labels(KERNELS[kernel]) == modelled | folded
    shape = (64, 32, 64) if kernel == "matmul" else (3, 32, 32, 3, 3)
    design = MatmulDesign() if kernel == "matmul" else Im2colDesign()
    bias_only = {"LoadBias"} if kernel == "matmul" else set()
    assert schedule_labels(kernel_schedule(design, shape)) == modelled - bias_only


def model_trips(program) -> dict[str, int]:
    trips: dict[str, int] = {}
    for _, run in program.runs():
        trips[run.label] = trips.get(run.label, 0) + run.trips
    for label, count in program.outer.values():
        trips[label] = count
    return trips | {label: sum(runs) for label, runs in program.folded.items()}


def drawn_cases() -> list[tuple]:
    """24 (design, shape) cases from a fixed seed: odd tiles and shapes straddling their edges."""
    rng = random.Random(2024)
    cases = []
    for index in range(16):
        width = rng.choice([32, 64, 128, 512, 1024])
        design = MatmulDesign(
            tile_u=rng.randint(1, 9),
            tile_v=rng.randint(1, 9),
            tile_w=rng.randint(1, 9),
            axi_width_bits=width,
            requant_lanes=rng.randint(1, 5),
            burst_beats=rng.choice([1, 4, 16]),
            max_w=64,
            a_buffer_bytes=rng.choice([0, 64, 4096]),
            b_buffer_bytes=rng.choice([0, 64, 4096]),
        )
        shape = tuple(rng.randint(1, 3 * tile + 1) for tile in (design.tile_u, design.tile_v, design.tile_w))
        layout = rng.randint(0, 15) if index % 2 else 0  # matmul (no bias) is row-major
        cases.append(("matmul", design, (*shape, index % 2, layout)))
    for _ in range(8):
        design = Im2colDesign(axi_width_bits=rng.choice([32, 64, 512]), max_k=7, max_src_m=20, max_src_n=20)
        km, kn = rng.randint(1, 7), rng.randint(1, 7)
        shape = (rng.randint(1, 3), rng.randint(max(1, km - 2), 20), rng.randint(max(1, kn - 2), 20), km, kn)
        cases.append(("im2col", design, shape))
    return cases


def gcov_counts(build: Path, source: Path) -> dict[int, int]:
    """Line -> execution count from gcov's text output for ``source`` (objects in ``build``)."""
    subprocess.run(["gcov", "-o", str(build), str(source)], cwd=build, capture_output=True, check=True)
    counts = {}
    for line in (build / f"{source.name}.gcov").read_text().splitlines():
        if line.count(":") < 2:
            continue
        count, number, _ = line.split(":", 2)
        if number.strip().isdigit() and int(number) in counts:
            continue  # a template instantiation's own listing; the merged count comes first
        count = count.strip().rstrip("*")
        if count.isdigit():
            counts[int(number)] = int(count)
        elif count == "#####":
            counts[int(number)] = 0
    return counts


@pytest.mark.skipif(shutil.which("gcov") is None, reason="gcov ships with gcc; install gcc")
def test_gcov_counts_of_every_labelled_loop_equal_the_model_trip_counts(tmp_path):
    (tmp_path / "driver.cpp").write_text(DRIVER)
    lines = {kernel: body_lines(path) for kernel, path in KERNELS.items()}
    built: dict[str, Path] = {}
    checked = 0
    for index, (kernel, design, shape) in enumerate(drawn_cases()):
        key = design.fingerprint()
        build = tmp_path / key
        if key not in built:
            build.mkdir()
            flags = [f"-D{name}={value}" for name, value in design.cpp_defines().items()]
            objects = []
            for source in (*KERNELS.values(), tmp_path / "driver.cpp"):
                obj = build / f"{source.stem}.o"
                subprocess.run(
                    [
                        "g++",
                        "-std=c++17",
                        "-O0",
                        "--coverage",
                        *flags,
                        "-I",
                        str(HLS_SRC / "common"),
                        "-I",
                        str(HLS_SRC),
                        "-c",
                        str(source),
                        "-o",
                        str(obj),
                    ],
                    check=True,
                )
                objects.append(str(obj))
            subprocess.run(["g++", "--coverage", *objects, "-o", str(build / "driver")], check=True)
            built[key] = build
        for data in build.glob("*.gcda"):
            data.unlink()
        subprocess.run([str(build / "driver"), kernel, *map(str, shape)], check=True)
        counts = gcov_counts(build, KERNELS[kernel])
        with reference_readings():  # trip counts do not depend on the depths read from the C++
            if kernel == "matmul":
                program = matmul_program(design, *shape[:3], bias=bool(shape[3]), layout=shape[4])
            else:
                program = im2col_program(design, Im2colShape(*shape))
        expected = model_trips(program)
        for label, line in lines[kernel].items():
            assert counts.get(line, 0) == expected.get(label, 0), (index, kernel, shape, label, design)
        checked += 1
    assert checked >= 20
