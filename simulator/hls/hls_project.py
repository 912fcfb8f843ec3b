"""Read an HLS project folder as its users keep it (``cnnacc hls-estimate DIR``): its design files,
top function, flags, part, clock and directives, from one of:

- ``hls_config.cfg``, the Vitis unified flow's config file (UG1399, "HLS Config File Commands"): ``part=``,
  ``clock=`` (a period, ``10`` or ``10ns``, or a frequency, ``100MHz``), ``syn.file=`` (repeatable), ``syn.top=``,
  ``syn.cflags=``, ``syn.file_cflags=FILE,FLAGS``, ``syn.compile.pipeline_loops=``,
  ``syn.dataflow.default_channel=``, ``flow_target=`` and ``syn.directive.<name>=LOCATION [VARIABLE] key=value
  flag`` (the Tcl ``set_directive_<name>``); ``tb.*``, ``package.*``, ``cosim.*`` skipped;
- a Tcl run script, ``run_hls.tcl``, ``script.tcl`` or another ``*.tcl`` calling ``open_project`` or
  ``open_component`` (UG1399 "Tcl Commands", UG902 "Command Reference"): ``add_files [-tb] [-cflags "..."] FILES``,
  ``set_top``, ``set_part``, ``create_clock -period``, ``set_clock_uncertainty``, ``open_solution -flow_target``,
  ``config_compile -pipeline_loops``, ``config_dataflow``, ``set_directive_*`` and ``source``. A small Tcl
  reader runs it: ``set X value``, ``$X`` / ``${X}``, quoting and braces, ``proc`` and its calls, ``if`` on values
  it knows and the command substitutions ``[info script]`` and ``[file tail|dirname|normalize|join ...]``; any other
  ``[...]`` is kept unknown and fails with file:line when a project command needs it. The settings are those in
  effect at the first synthesis: the reading stops at ``csynth_design``, ``close_solution`` or ``exit``.

``hls_config.cfg`` wins over a Tcl script in the same folder. A csynth report beside the project
(``*/syn/report/csynth.rpt``, ``*_csynth.rpt``) names its tool in its header. Testbench files (``-tb``, ``tb.file``,
``*_tb.*``, ``*test*.*``) are not the design. Anything the readers cannot take raises ``SourceError("file:line:
what")``.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.hls.hls_source import SourceError
from simulator.hls.tcl import TclScript

CONFIG = "hls_config.cfg"
SCRIPTS = ("run_hls.tcl", "script.tcl")
SOURCES = (".c", ".cc", ".cpp", ".cxx", ".c++")
PROJECT_COMMANDS = (
    "add_files", "set_top", "set_part", "create_clock", "open_solution", "config_compile", "config_dataflow", "source",
)  # fmt: skip
FLAGS = {"register", "off", "rewind", "skip_exit_check", "recursive", "region", "self", "force", "enable_flush"}
REPORTS = [f"{'*/' * depth}{name}" for depth in range(4) for name in ("syn/report/csynth.rpt", "*_csynth.rpt")]
FAMILY = re.compile(r"(Vivado|Vitis) HLS Report for")
VERSION = re.compile(r"^\*\s*Version:\s*(\d{4})\.(\d)", re.MULTILINE)


@dataclass(frozen=True)
class ProjectSettings:
    """What a project folder says about its synthesis (module docstring).

    ``cflags`` are the -D / -I flags of the design files (include folders made absolute),
    ``clock_ns`` the clock period, ``tool`` "vivado_hls:YEAR.N" / "vitis_hls:YEAR.N" from a
    csynth report, ``directives`` a sourced Tcl directives file, ``directive_lines`` the
    ``set_directive_*`` commands of the script or config as Tcl, each with its "file:line".
    """

    folder: Path
    config: Path
    files: tuple[Path, ...]
    top: str | None
    cflags: tuple[str, ...] = ()
    part: str | None = None
    clock_ns: float | None = None
    tool: str | None = None
    directives: Path | None = None
    directive_lines: tuple[tuple[str, str], ...] = ()
    pipeline_loops: int | None = None
    flow: str | None = None  # "vivado" (IP flow) or "vitis" (kernel flow), when the project says

    def flags(self, kind: str) -> list[str]:
        """The values of the -D ("D") or -I ("I") flags."""
        return [flag[2:] for flag in self.cflags if flag.startswith(f"-{kind}")]

    def design_file(self, top: str | None = None) -> Path:
        """The design source defining ``top`` (a text search; the first source when none does)."""
        top = top or self.top
        sources = [path for path in self.files if path.suffix.lower() in SOURCES] or list(self.files)
        if not sources:
            raise SourceError(f"{self.config}:1: the project names no design file")
        if top:
            pattern = re.compile(rf"\b{re.escape(top)}\s*\([^;{{}}]*\)\s*(?:const\s*)?\{{")
            for path in sources:
                if path.is_file() and pattern.search(path.read_text(errors="replace")):
                    return path
        return sources[0]


def _found() -> dict[str, Any]:
    """What a config or script has said so far (the fields of ProjectSettings)."""
    return {"files": [], "cflags": [], "top": None, "part": None, "clock_ns": None, "directives": None,
            "directive_lines": [], "pipeline_loops": None, "flow": None}  # fmt: skip


def read_project(folder) -> ProjectSettings:
    """The settings of the project in ``folder`` (or of the config / script file given)."""
    path = Path(folder)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such project folder")
    config = path if path.is_file() else _config_of(path)
    found = _read_config(config) if config.suffix == ".cfg" else _TclReader(config).read()
    design = [path for path in found["files"] if not _is_testbench(path)]  # test.cpp alone is the design
    settings: dict[str, Any] = {key: tuple(value) if isinstance(value, list) else value for key, value in found.items()}
    settings |= {"files": tuple(dict.fromkeys(design or found["files"])), "tool": report_tool(config.parent)}
    return ProjectSettings(folder=config.parent, config=config, **settings)


def _config_of(folder: Path) -> Path:
    """hls_config.cfg, run_hls.tcl, script.tcl, another *.cfg naming syn.top or *.tcl opening a project."""
    named = [folder / name for name in (CONFIG, *SCRIPTS)]
    marks = {".cfg": r"^\s*syn\.top\s*=", ".tcl": r"^\s*open_(project|component)\b"}
    for path in [*named, *sorted(folder.glob("*.cfg")), *sorted(folder.glob("*.tcl"))]:
        if path.is_file() and (path in named or re.search(marks[path.suffix], path.read_text(errors="replace"), re.M)):
            return path
    raise FileNotFoundError(f"{folder}: no {CONFIG}, run_hls.tcl, script.tcl or *.tcl with open_project")


def report_tool(folder: Path) -> str | None:
    """The tool named by the first csynth report beside ``folder``'s project ("vivado_hls:2019.2"), or None."""
    for pattern in REPORTS:
        for path in sorted(folder.glob(pattern)):
            text = path.read_text(errors="replace")[:4000]
            family = FAMILY.search(text)
            version = VERSION.search(text)
            if family and version:
                return f"{family[1].lower()}_hls:{version[1]}.{version[2]}"
    return None


def clock_period(text: str, where: str) -> float:
    """A clock as ns: a period ("10", "10ns", "2500ps") or a frequency ("100MHz", "1GHz")."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)\s*(ns|ps|us|mhz|ghz|khz|hz)?\s*", text, re.IGNORECASE)
    if match is None or float(match[1]) <= 0:
        raise SourceError(f"{where}: clock {text!r} is not a period (10, 10ns) or a frequency (100MHz)")
    value, unit = float(match[1]), (match[2] or "ns").lower()
    scale = {"ns": 1.0, "ps": 1e-3, "us": 1e3}
    return value * scale[unit] if unit in scale else 1e9 / (value * {"hz": 1, "khz": 1e3, "mhz": 1e6, "ghz": 1e9}[unit])


def _cflags(text: str, base: Path, where: str) -> list[str]:
    """The -D and -I flags of a cflags string, include folders made absolute from ``base``."""
    try:
        words = shlex.split(text)
    except ValueError as error:
        raise SourceError(f"{where}: cflags {text!r}: {error}") from None
    joined = [word + after if word in ("-D", "-I") else word for word, after in zip(words, words[1:] + [""])]
    flags = [word for word in joined if word.startswith("-D") and len(word) > 2]
    return flags + [f"-I{(base / word[2:]).resolve()}" for word in joined if word.startswith("-I") and len(word) > 2]


def _is_testbench(path: Path) -> bool:
    return re.search(r"(_tb$|^tb_|test)", path.stem.lower()) is not None


def _design_files(words: list[str], base: Path, where: str) -> list[Path]:
    """Design files of one add_files / syn.file value (several per word, blank-separated)."""
    files = []
    for word in words:
        for name in word.split():
            path = _locate(name, base)
            if path is None and not name.lower().endswith((".h", ".hh", ".hpp", ".hxx")):
                raise SourceError(f"{where}: design file {name!r} does not exist")
            files += [path] if path is not None else []  # a missing header: sources include theirs
    return files


def _locate(name: str, base: Path) -> Path | None:
    """A file named relative to the folder the tool ran in: the script's, or one above it
    (Vivado HLS keeps ``proj/solution1/script.tcl`` naming files from the project's parent)."""
    for folder in (base, *list(base.parents)[:3]):
        path = (folder / name).resolve()
        if path.is_file():
            return path
    return None


def _directive(name: str, value: str, where: str) -> str:
    """``syn.directive.NAME=LOCATION [VARIABLE] key=value flag`` as a Tcl set_directive line."""
    words = value.split()
    if not words:
        raise SourceError(f"{where}: syn.directive.{name} has no location")
    positional = [word for word in words if "=" not in word and word.lower() not in FLAGS]
    options = [f"-{word.split('=', 1)[0]} {shlex.quote(word.split('=', 1)[1])}" for word in words if "=" in word]
    options += [f"-{word}" for word in words if "=" not in word and word.lower() in FLAGS]
    return " ".join([f"set_directive_{name.lower()}", *map(shlex.quote, positional[:2]), *options])


def _read_config(path: Path) -> dict[str, Any]:
    """``hls_config.cfg``: ``key=value`` lines, ``[section]`` headers and ``#`` comments."""
    found, base = _found(), path.parent
    file_cflags: dict[Path, list[str]] = {}
    for number, raw in enumerate(path.read_text(errors="replace").splitlines(), 1):
        line, where = raw.split("#", 1)[0].strip(), f"{path}:{number}"
        if not line or re.fullmatch(r"\[[\w.\-]*\]", line):
            continue
        key, sep, value = (part.strip() for part in line.partition("="))
        if not sep or not key:
            raise SourceError(f"{where}: {line!r} is not a key=value setting or a [section]")
        key = key.lower()
        if key == "syn.file":
            found["files"] += _design_files([value], base, where)
        elif key == "syn.top":
            found["top"] = value
        elif key == "part":
            found["part"] = value
        elif key == "clock":
            found["clock_ns"] = clock_period(value, where)
        elif key == "syn.cflags":
            found["cflags"] += _cflags(value, base, where)
        elif key == "syn.file_cflags":
            name, _, flags = value.partition(",")
            file_path = _locate(name.strip(), base)
            if file_path is None:
                raise SourceError(f"{where}: syn.file_cflags names {name.strip()!r}, which does not exist")
            file_cflags.setdefault(file_path, []).extend(_cflags(flags, base, where))
        elif key == "flow_target":
            found["flow"] = value.strip()
        elif key == "syn.compile.pipeline_loops":
            found["pipeline_loops"] = _whole(value, f"{where}: syn.compile.pipeline_loops")
        elif key == "syn.dataflow.default_channel":  # config_dataflow -default_channel, read with the directives
            found["directive_lines"].append((f"config_dataflow -default_channel {shlex.quote(value)}", where))
        elif key.startswith("syn.directive."):
            found["directive_lines"].append((_directive(key.removeprefix("syn.directive."), value, where), where))
    for file_path, file_flags in file_cflags.items():  # flags of the design files (the one estimated)
        if file_path in found["files"]:
            found["cflags"] += [flag for flag in file_flags if flag not in found["cflags"]]
    return found


WITH_DIRECTIVES = ("config_dataflow", "set_clock_uncertainty")  # project lines the directives reader takes


class _TclReader(TclScript):
    """Runs a Vitis / Vivado HLS run script far enough to know its project (module docstring)."""

    stops = ("exit", "close_solution", "csynth_design")
    significant = re.compile(rf"({'|'.join(PROJECT_COMMANDS)}|set_directive_\w+)")

    def __init__(self, path: Path):
        super().__init__(path)
        self.found = _found()

    def read(self) -> dict:
        self.run()
        return self.found

    def command_of(self, name: str, args: list[str], where: str) -> None:
        """One project command (module docstring) with its words substituted."""
        found, base = self.found, self.path.parent
        if name == "add_files" and "-tb" not in args and "-blackbox" not in args:
            valued = {"-cflags", "-csimflags"}
            files = [w for k, w in enumerate(args) if not w.startswith("-") and (k == 0 or args[k - 1] not in valued)]
            found["files"] += _design_files(files, base, where)
            flags = [_cflags(args[k + 1], base, where) for k, w in enumerate(args[:-1]) if w == "-cflags"]
            found["cflags"] += [flag for group in flags for flag in group if flag not in found["cflags"]]
        elif name == "set_top" and args:
            found["top"] = args[0]
        elif name == "set_part" and args:
            found["part"] = args[0]
        elif name == "create_clock" and "-period" in args[:-1]:
            found["clock_ns"] = clock_period(args[args.index("-period") + 1], where)
        elif name == "open_solution" and "-flow_target" in args[:-1]:
            found["flow"] = args[args.index("-flow_target") + 1]
        elif name == "config_compile" and "-pipeline_loops" in args[:-1]:
            found["pipeline_loops"] = _whole(args[args.index("-pipeline_loops") + 1], f"{where}: -pipeline_loops")
        elif name == "source" and args:
            sourced = _locate(args[0], base)
            if sourced is None:
                raise SourceError(f"{where}: sourced file {args[0]!r} does not exist")
            text = sourced.read_text(errors="replace")
            if found["directives"] is None and re.search(r"^\s*set_directive_", text, re.MULTILINE):
                found["directives"] = sourced  # the directives file, read by the source reader
                return
            self.script(text, sourced, 1, self.globals)
        elif name.startswith("set_directive_") or name in WITH_DIRECTIVES:  # read with the directives
            found["directive_lines"].append((" ".join([name, *map(shlex.quote, args)]), where))


def _whole(text: str, what: str) -> int:
    if not text.isdigit():
        raise SourceError(f"{what} {text!r} is not a whole number")
    return int(text)


__all__ = ["ProjectSettings", "SourceError", "clock_period", "read_project", "report_tool"]
