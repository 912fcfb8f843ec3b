"""HLS pragmas and Tcl directives: where they stand and what they say.

``Pragma`` is one pragma (its line, name and options). ``_pragmas`` finds them in a source
text, as ``#pragma HLS``, a ``PRAGMA(HLS ...)`` macro spread over lines, or the ``_ssdm``
intrinsic call that stands for one in the tool's preprocessed sources (whose line markers
``_without_line_markers`` blanks). ``read_directives`` reads a Tcl file of
``set_directive_*`` commands by location, and the project settings that change timing
(clock, part, ``config_compile -pipeline_loops``). ``ScopePragmas`` gives the reader the
pragmas of one scope, their macro values probed by clang.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from simulator.hls.hls_source.context import SourceError
from simulator.hls.hls_source.cursors import LOOPS
from simulator.hls.hls_source.evaluation import _arithmetic

PRAGMA = re.compile(r"(?:#\s*pragma\s+HLS\s+(.*)$)|(?:PRAGMA\s*\(\s*\"?\s*HLS\s+(.*?)\"?\s*\)\s*;?\s*$)", re.IGNORECASE)
TIMED = {"PIPELINE", "UNROLL", "DATAFLOW", "LOOP_TRIPCOUNT", "ARRAY_PARTITION", "INTERFACE", "DEPENDENCE"}
READ_ONLY = {
    "INLINE", "LOOP_FLATTEN", "STREAM", "BIND_STORAGE", "BIND_OP", "LOOP_MERGE", "ARRAY_RESHAPE",
    "RESOURCE", "ALLOCATION", "AGGREGATE", "DISAGGREGATE", "EXPRESSION_BALANCE", "LATENCY", "OCCURRENCE",
    "PROTOCOL", "RESET", "STABLE", "SHARED", "TOP", "FUNCTION_INSTANTIATE", "ALIAS", "CACHE", "STABLE_CONTENT",
}  # fmt: skip
DIRECTIVE_VALUES = {
    "ii", "factor", "min", "max", "avg", "type", "dim", "mode", "latency", "depth", "bundle", "offset",
    "variable", "port", "max_read_burst_length", "max_write_burst_length", "num_read_outstanding",
    "num_write_outstanding", "style", "impl", "op", "storage_type", "core", "max_widen_bitwidth",
}  # fmt: skip
NUMERIC_OPTIONS = {
    "ii", "factor", "latency", "depth", "min", "max", "avg", "dim", "max_read_burst_length",
    "max_write_burst_length", "num_read_outstanding", "num_write_outstanding", "max_widen_bitwidth",
}  # fmt: skip
LINE_MARKER = re.compile(r'^#\s*\d+\s+"[^"\n]*"[ \d]*$', re.MULTILINE)
SSDM_CALL = re.compile(r"(_ssdm\w*)\s*\(([^;]*?)\)\s*;")
OPERATORS = "*+-/%()<>"
PROJECT_COMMANDS = {
    "open_project", "open_solution", "set_top", "add_files", "csim_design", "csynth_design", "cosim_design",
    "export_design", "close_project", "close_solution", "exit", "source", "set", "puts", "open_component",
}  # fmt: skip


@dataclass(frozen=True)
class Pragma:
    line: int
    name: str
    options: dict[str, str]

    @classmethod
    def parse(cls, line: int, text: str) -> Pragma:
        words: list[str] = []
        for word in re.sub(r"\s*=\s*", "=", text.replace(",", " ")).split():  # "key = value" -> "key=value"
            if len(words) > 1 and (word[0] in OPERATORS or words[-1][-1] in OPERATORS):
                words[-1] += word  # an expression value spread over words: min = c_min * c_min
            else:
                words.append(word)
        options = dict((word.split("=", 1) + [""])[:2] for word in words[1:])
        return cls(line, words[0].upper() if words else "", {key.lower(): value for key, value in options.items()})


def read_directives(path, settings: dict | None = None) -> dict[str, list[Pragma]]:
    """Tcl directives (``set_directive_<pragma> [-option value | -flag]... "function[/label]"
    [variable]``, as Vitis HLS projects keep them in directives.tcl or script.tcl) by location.

    The project settings that change timing go to ``settings``: ``create_clock -period P``
    ("clock_ns"), ``set_clock_uncertainty U`` ("uncertainty": (value, "ns" or "%")), ``set_part PART``
    ("part"), ``config_compile -pipeline_loops N``
    ("pipeline_loops") and ``config_dataflow -default_channel fifo|pingpong``
    ("dataflow_channel"); the other project commands (open_project, add_files, config_*, ...)
    are skipped. Raises SourceError naming file:line for any other command.
    """
    import shlex

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such directives file")
    found: dict[str, list[Pragma]] = {}
    for number, text in enumerate(path.read_text(errors="replace").splitlines(), 1):
        text = text.strip()
        if not text or text.startswith("#"):
            continue
        try:
            words = shlex.split(text)
        except ValueError as error:
            raise SourceError(f"{path}:{number}: {error}") from None
        if not words[0].startswith("set_directive_"):
            _project_setting(path, number, words, settings if settings is not None else {})
            continue
        options: dict[str, str] = {}
        positional: list[str] = []
        index = 1
        while index < len(words):
            word = words[index]
            if word.startswith("-"):
                key = word[1:].lower()
                if key in DIRECTIVE_VALUES and index + 1 < len(words):
                    options[key] = words[index + 1]
                    index += 2
                    continue
                options[key] = ""
            else:
                positional.append(word)
            index += 1
        if not positional:
            raise SourceError(f'{path}:{number}: {words[0]} has no location ("function" or "function/label")')
        if len(positional) > 1:
            options.setdefault("variable", positional[1])
            options.setdefault("port", positional[1])
        name = words[0][len("set_directive_") :].upper()
        found.setdefault(positional[0], []).append(Pragma(number, name, options))
    return found


def _uncertainty(text: str, where: str) -> tuple[float, str]:
    """A ``set_clock_uncertainty`` value as (value, unit): ns (``1``) or a percentage of the
    period (``12.5%``)."""
    unit = "%" if text.endswith("%") else "ns"
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        value = -1.0
    if not 0 <= value < (100 if unit == "%" else 1000):
        raise SourceError(f"{where}: clock uncertainty {text!r} is not a number of ns or a percentage under 100")
    return value, unit


def _project_setting(path: Path, number: int, words: list[str], settings: dict) -> None:
    command = words[0]
    value = words[words.index("-period") + 1] if "-period" in words[:-1] else None
    if command == "create_clock" and value is not None:
        settings["clock_ns"] = float(_arithmetic(value) or value)
    elif command == "set_clock_uncertainty" and len(words) > 1:  # ns, or a percentage of the period
        settings["uncertainty"] = _uncertainty(words[1], f"{path}:{number}")
    elif command == "set_part" and len(words) > 1:
        settings["part"] = words[1].strip("{}")
    elif command == "config_compile" and "-pipeline_loops" in words[:-1]:
        settings["pipeline_loops"] = int(words[words.index("-pipeline_loops") + 1])
    elif command == "open_solution" and "-flow_target" in words[:-1]:
        settings["flow"] = words[words.index("-flow_target") + 1]
    elif command == "config_dataflow" and "-default_channel" in words[:-1]:  # fifo or pingpong
        settings["dataflow_channel"] = words[words.index("-default_channel") + 1].lower()
    elif command == "config_interface":
        for option, key in (("-m_axi_max_widen_bitwidth", "widen_bits"), ("-m_axi_latency", "axi_latency")):
            if option in words[:-1]:
                settings[key] = int(words[words.index(option) + 1])
    elif command not in PROJECT_COMMANDS and not command.startswith("config_"):
        raise SourceError(f"{path}:{number}: {command!r} is not a set_directive_* or project command")


def _without_line_markers(text: str) -> str:
    """The text with the preprocessor's line markers (``# 12 "file.cpp"``) blanked, so that
    locations in a preprocessed file (Vivado/Vitis HLS keep ``.autopilot/db/*.pp.0.cpp``) are
    its own lines, where its pragmas stand."""
    return LINE_MARKER.sub("", text)


def _ssdm_pragmas(line: str) -> list[str]:
    """The pragmas of the intrinsic calls that stand for them in the tool's preprocessed
    sources (``_ssdm_op_SpecPipeline(2, 1, 1, 0, "")`` is ``PIPELINE II=2``)."""
    found = []
    for name, text in SSDM_CALL.findall(line):
        arguments = [word.strip().strip('"').lstrip("&").strip() for word in re.split(r",(?![^(]*\))", text)]
        arguments += [""] * (5 - len(arguments))
        number = [a for a in arguments if re.fullmatch(r"-?\d+", a)]
        if name == "_ssdm_op_SpecPipeline":
            ii = int(arguments[0]) if re.fullmatch(r"-?\d+", arguments[0]) else -1
            found.append(f"PIPELINE II={ii}" if ii > 0 else "PIPELINE")
        elif name == "_ssdm_Unroll":
            factor = arguments[2] if re.fullmatch(r"\d+|[A-Za-z_]\w*", arguments[2]) else "0"
            found.append("UNROLL" if factor == "0" else f"UNROLL factor={factor}")
        elif name == "_ssdm_op_SpecLoopTripCount" and len(number) >= 2:
            found.append(f"LOOP_TRIPCOUNT min={number[0]} max={number[1]}")
        elif name in ("_ssdm_SpecArrayPartition", "_ssdm_SpecArrayReshape"):
            kind = "ARRAY_PARTITION" if name.endswith("Partition") else "ARRAY_RESHAPE"
            variable, dim, style, factor = arguments[:4]
            found.append(f"{kind} variable={variable} type={style.lower() or 'complete'} factor={factor} dim={dim}")
        elif name == "_ssdm_op_SpecDataflowPipeline":
            found.append("DATAFLOW")
        elif name == "_ssdm_op_SpecInterface" and arguments[1]:
            found.append(f"INTERFACE {arguments[1].lower()} port={arguments[0]}")
        elif name == "_ssdm_op_SpecResource":
            core = next((a for a in arguments[1:] if re.match(r"(?i)(RAM|ROM|FIFO|XPM|URAM)", a)), "")
            if core:
                found.append(f"RESOURCE variable={arguments[0]} core={core}")
    return found


def _pragmas(text: str) -> list[tuple[int, Pragma]]:
    """(line, pragma) of every HLS pragma of a source text, ``#pragma HLS``, a pragma macro
    (``PRAGMA(HLS ...)``), which may span lines, or the intrinsic call that stands for it in
    the tool's preprocessed form (``_ssdm_pragmas``)."""
    lines = text.splitlines()
    found = []
    number = 0
    while number < len(lines):
        line, first = lines[number], number
        for pragma in _ssdm_pragmas(line) if "_ssdm" in line else []:
            found.append((first + 1, Pragma.parse(first + 1, pragma)))
        call = re.search(r"PRAGMA\s*\(", line)
        if call is not None and "#" not in line[: call.start()]:
            while line[call.start() :].count("(") > line[call.start() :].count(")") and number + 1 < len(lines):
                number += 1
                line += " " + lines[number].strip()
        match = PRAGMA.search(line)
        if match:
            found.append((first + 1, Pragma.parse(first + 1, (match.group(1) or match.group(2)).strip())))
        number += 1
    return found


class ScopePragmas:
    """The ``SourceReader`` methods that find the pragmas of a scope. Expects on ``self``:
    ``pragmas`` (the pragmas of each file read, by line), ``macro_values`` (the values clang
    found for the macros pragma options name) and ``warnings``."""

    pragmas: dict[str, dict[int, Pragma]]
    macro_values: dict[str, int]
    warnings: list[str]

    def _file_pragmas(self, name: str) -> dict[int, Pragma]:
        if name not in self.pragmas:
            found = {}
            for number, pragma in _pragmas(Path(name).read_text(errors="replace")):
                values = {key: str(self.macro_values.get(value, value)) for key, value in pragma.options.items()}
                found[number] = Pragma(number, pragma.name, values)
                if pragma.name not in TIMED | READ_ONLY:
                    self.warnings.append(f"{name}:{number}: unknown pragma HLS {pragma.name} (ignored)")
            self.pragmas[name] = found
        return self.pragmas[name]

    def scope_pragmas(self, body) -> list[Pragma]:
        """Pragmas standing directly in ``body`` (a compound statement), not in nested loops."""
        extent = body.extent
        if extent.start.file is None:
            return []
        nested = [
            (child.extent.start.line, child.extent.end.line)
            for child in body.walk_preorder()
            if child != body and child.kind.name in LOOPS
        ]
        pragmas = self._file_pragmas(extent.start.file.name)
        return [
            pragma
            for line, pragma in sorted(pragmas.items())
            if extent.start.line <= line <= extent.end.line and not any(lo <= line <= hi for lo, hi in nested)
        ]
