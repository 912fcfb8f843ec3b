"""The ``cnnacc vitis-project`` command: a Vitis HLS project folder per hls_src kernel of a design.

``cnnacc vitis-project OUT_DIR [--kernel matmul|im2col|both] [design options]`` writes
OUT_DIR/<kernel>/ with the kernel's source and the headers it includes (flat, so the folder is
self-contained), ``hls_config.cfg`` (the Vitis unified flow: ``vitis-run --mode hls --csynth``),
``run_hls.tcl`` (the classic Tcl flow: ``vitis_hls -f run_hls.tcl``) and ``README.txt``. Both
carry the design's -D flags (``cpp_defines()``), clock period and part, the top
``<kernel>_kernel`` and the Vitis kernel flow; ``cnnacc hls-estimate OUT_DIR/<kernel>`` reads the
folder back (simulator/hls/hls_project.py) to the same estimate as the source file with those flags.

Everything is built in a temporary folder beside OUT_DIR and renamed into place; an existing
OUT_DIR/<kernel> is refused (ValueError: one line, exit status 2, nothing written) unless
``--force``.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from cnnacc.simulate import KERNELS, add_design_options, design_from_args
from simulator.hardware.designs import Im2colDesign, MatmulDesign

DESIGNS: dict[str, type] = {"matmul": MatmulDesign, "im2col": Im2colDesign}
SKIPPED_HEADERS = ("testbench.hpp",)  # the C testbenches' helpers, not the design
FLOW_TARGET = "vitis"  # the Vitis kernel flow: m_axi ports, s_axilite control, ap_ctrl_chain
CXX_STANDARD = "-std=c++17"
CONFIG, SCRIPT, README = "hls_config.cfg", "run_hls.tcl", "README.txt"
# the top's shape arguments, as simulator.timing.kernel_source.source_read binds them (README example)
EXAMPLE_SHAPES = {
    "matmul": {"u": 64, "v": 32, "w": 64, "layout": 0, "has_bias": 0},
    "im2col": {"src_c": 3, "src_m": 32, "src_n": 32, "kernel_size_m": 3, "kernel_size_n": 3},
}


def vitis_part(design: MatmulDesign | Im2colDesign) -> str:
    """The part written to the project: the design's part name as it is (simulator/hardware/designs.py
    PARTS keeps short names, xcvu9p and xc7z020, and no full Vitis part string to map them to)."""
    return design.part


def period_ns(design: MatmulDesign | Im2colDesign) -> str:
    """The clock period in ns as the shortest text that reads back to the same float ("4", "3.3333333333333335")."""
    text = repr(1000.0 / design.clock_mhz)
    return text.removesuffix(".0")


def define_flags(design: MatmulDesign | Im2colDesign) -> list[str]:
    """-DNAME=VALUE of every parameter of the design (hls_src/common/design.hpp reads them)."""
    return [f"-D{name}={value}" for name, value in design.cpp_defines().items()]


def cflags(design: MatmulDesign | Im2colDesign) -> str:
    """The compile flags of the kernel source: C++17, the folder itself, the design's -D flags."""
    return " ".join([CXX_STANDARD, "-I.", *define_flags(design)])


def source_files(kernel: str) -> list[Path]:
    """hls_src/<kernel>/<kernel>.cpp and .hpp and hls_src/common/*.hpp (but the testbench's)."""
    from simulator.emulation.sw_emu_build import HLS_SRC

    own = [HLS_SRC / kernel / f"{kernel}.cpp", HLS_SRC / kernel / f"{kernel}.hpp"]
    common = sorted(path for path in (HLS_SRC / "common").glob("*.hpp") if path.name not in SKIPPED_HEADERS)
    missing = [str(path) for path in own if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"the kernel source {missing[0]} is missing from this installation")
    return own + common


def config_text(kernel: str, design: MatmulDesign | Im2colDesign) -> str:
    """hls_config.cfg of the Vitis unified flow (UG1399 "HLS Config File Commands")."""
    top = f"{kernel}_kernel"
    return "\n".join(
        [
            f"# {top} of {type(design).__name__} {design.fingerprint()}, written by cnnacc vitis-project",
            "# vitis-run --mode hls --csynth --config hls_config.cfg --work_dir work",
            f"part={vitis_part(design)}",
            "",
            "[hls]",
            f"flow_target={FLOW_TARGET}",
            f"clock={period_ns(design)}ns",
            f"syn.file={kernel}.cpp",
            f"syn.file_cflags={kernel}.cpp,{cflags(design)}",
            f"syn.top={top}",
            "# ap_ctrl_chain is the block protocol for back-to-back calls: the next call starts",
            "# while this one still writes its outputs (the default of the Vitis kernel flow, made explicit)",
            f"syn.directive.interface={top} return mode=ap_ctrl_chain",
            "",
        ]
    )


def script_text(kernel: str, design: MatmulDesign | Im2colDesign) -> str:
    """run_hls.tcl of the classic Tcl flow (UG1399 "Tcl Commands"), the same settings."""
    top = f"{kernel}_kernel"
    return "\n".join(
        [
            f"# {top} of {type(design).__name__} {design.fingerprint()}, written by cnnacc vitis-project",
            "# vitis_hls -f run_hls.tcl   (from this folder)",
            f"open_project -reset proj_{kernel}",
            f"set_top {top}",
            f'add_files -cflags "{cflags(design)}" {kernel}.cpp',
            f"open_solution -reset -flow_target {FLOW_TARGET} solution1",
            f"set_part {{{vitis_part(design)}}}",
            f"create_clock -period {period_ns(design)} -name default",
            "# ap_ctrl_chain: the block protocol for back-to-back calls",
            f"set_directive_interface -mode ap_ctrl_chain {top} return",
            "csynth_design",
            "exit",
            "",
        ]
    )


def readme_text(kernel: str, design: MatmulDesign | Im2colDesign) -> str:
    """README.txt: how to synthesize the folder, which design it is, how to estimate it."""
    shape = " ".join(f"--arg {name}={value}" for name, value in EXAMPLE_SHAPES[kernel].items())
    return "\n".join(
        [
            f"Vitis HLS project of {kernel}_kernel (hls_src/{kernel}/{kernel}.cpp), written by cnnacc vitis-project.",
            f"Design: {design!r}",
            f"Part {vitis_part(design)}, clock {period_ns(design)} ns, flow target {FLOW_TARGET}; "
            "the design's -D flags are in both project files.",
            "Synthesize from this folder with one of:",
            "  vitis-run --mode hls --csynth --config hls_config.cfg --work_dir work   (Vitis unified flow)",
            "  vitis_hls -f run_hls.tcl                                               (classic Tcl flow)",
            f"Pre-synthesis estimate (bind the shape): cnnacc hls-estimate <this folder> {shape} [--json]",
            "A loop whose trips depend on data needs --directives F.tcl with set_directive_loop_tripcount.",
            "",
        ]
    )


def write_kernel(folder: Path, kernel: str, design: MatmulDesign | Im2colDesign) -> None:
    """The project of ``kernel`` in the new folder ``folder``."""
    folder.mkdir()
    for path in source_files(kernel):
        shutil.copyfile(path, folder / path.name)
    (folder / CONFIG).write_text(config_text(kernel, design))
    (folder / SCRIPT).write_text(script_text(kernel, design))
    (folder / README).write_text(readme_text(kernel, design))


def write_projects(out_dir: Path, designs: dict[str, MatmulDesign | Im2colDesign], force: bool = False) -> list[Path]:
    """OUT_DIR/<kernel>/ for each kernel of ``designs``, each renamed into place whole.

    Raises ValueError, before writing anything, when one exists and ``force`` is False.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"{out_dir} exists and is not a folder")
    for kernel, design in designs.items():
        design.cpp_defines()  # a design the C++ does not build stops here
        target = out_dir / kernel
        if (target.exists() or target.is_symlink()) and not force:
            raise ValueError(f"{target} exists; pass --force to replace it")
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix=f".{out_dir.resolve().name}-", dir=parent) as scratch:
        for kernel, design in designs.items():
            write_kernel(Path(scratch) / kernel, kernel, design)
        out_dir.mkdir(exist_ok=True)
        for kernel in designs:
            target = out_dir / kernel
            if target.exists() or target.is_symlink():  # --force: the old folder leaves with the scratch
                target.rename(Path(scratch) / f"{kernel}.old")
            (Path(scratch) / kernel).rename(target)
            written.append(target)
    return written


def cmd_vitis_project(args: argparse.Namespace) -> None:
    kernels = list(KERNELS) if args.kernel == "both" else [args.kernel]
    designs = {kernel: design_from_args(DESIGNS[kernel], args) for kernel in kernels}
    for folder in write_projects(Path(args.out_dir), designs, force=args.force):
        print(f"wrote {folder}: {CONFIG}, {SCRIPT}, {README} and the sources")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``vitis-project`` to a subparsers object."""
    parser = subparsers.add_parser(
        "vitis-project",
        help="write a Vitis HLS project folder per hls_src kernel of a design (hls_config.cfg, run_hls.tcl)",
        description="Write OUT_DIR/<kernel>/ for each kernel (matmul, im2col or both): a copy of "
        "hls_src/<kernel>/<kernel>.cpp and .hpp and of hls_src/common/*.hpp (not testbench.hpp), so the "
        "folder is self-contained; hls_config.cfg for the Vitis unified flow (part=, [hls] flow_target=vitis, "
        "clock= the design's period, syn.file, syn.file_cflags with -std=c++17 -I. and the design's -D "
        "flags, syn.top=<kernel>_kernel, an ap_ctrl_chain block protocol for back-to-back calls); "
        "run_hls.tcl with the same settings for the classic Tcl flow; README.txt naming the design. "
        "Synthesize from the folder with `vitis-run --mode hls --csynth --config hls_config.cfg --work_dir "
        "work` or `vitis_hls -f run_hls.tcl`; `cnnacc hls-estimate OUT_DIR/<kernel> --arg NAME=VALUE ...` "
        "gives the pre-synthesis estimate. The part is the design's part name as it is (e.g. xcvu9p). "
        "The folders are built beside OUT_DIR and renamed into place; an existing OUT_DIR/<kernel> is "
        "refused (exit status 2, nothing written) unless --force.",
    )
    parser.add_argument("out_dir", metavar="OUT_DIR", help="the folder to write the kernel folders into")
    parser.add_argument(
        "--kernel",
        choices=(*KERNELS, "both"),
        default="both",
        help="which kernel's project to write (default both)",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing OUT_DIR/<kernel>")
    add_design_options(parser, MatmulDesign, Im2colDesign)
    parser.set_defaults(func=cmd_vitis_project)


__all__ = ["register", "write_projects"]
