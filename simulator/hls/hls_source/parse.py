"""The C++ as libclang parses it: the flags (the user's -D / -I, ``__SYNTHESIS__``, the stand-in
Xilinx headers ``HEADERS``, the compiler's own headers), and the macros that pragma options name,
probed as constants clang evaluates in declarations appended after the source's last line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from simulator.hls.clang_eval import compiler_headers
from simulator.hls.hls_source.context import SourceError
from simulator.hls.hls_source.evaluation import _arithmetic
from simulator.hls.hls_source.pragmas import NUMERIC_OPTIONS, _pragmas, _without_line_markers

HEADERS = Path(__file__).parent.parent / "hls_headers"
PREPROCESSED = (".pp.0.cpp", ".pp.0.c", ".pp.cpp", ".pp.c")
PROBE = "cnnacc_probe_"  # the probes' names: PROBE + the index of the macro in the list returned


def parse_translation_unit(cindex, path: Path, defines, includes) -> tuple[Any, str, list[str]]:
    """(translation unit, the source's text, the macros probed) of ``path``.

    Raises
    ------
    ValueError
        A define that is not NAME or NAME=VALUE, an include folder that is no path.
    SourceError
        The source does not parse (its first error, ``file:line``), or libclang refuses it.
    """
    flags = ["-x", "c++", "-std=c++17", "-D__SYNTHESIS__", "-Wno-unknown-pragmas"]
    for define in defines:
        if not re.fullmatch(r"[A-Za-z_]\w*(=[^\n\x00]*)?", define):
            raise ValueError(f"macro {define!r} is not NAME or NAME=VALUE (a C identifier, then an optional value)")
    for folder in includes:
        if not str(folder) or "\x00" in str(folder):
            raise ValueError(f"include folder {str(folder)!r} is not a path")
    flags += [f"-D{define}" for define in defines] + [f"-I{folder}" for folder in includes]
    flags += ["-I", str(HEADERS)]  # last: the real Xilinx headers win when given with -I
    flags += [f"-isystem{folder}" for folder in compiler_headers()]
    text = _without_line_markers(path.read_text(errors="replace"))
    if path.name.endswith(PREPROCESSED):  # the tool's own output: its headers are expanded, C++14 era
        flags[flags.index("-std=c++17")] = "-std=gnu++14"
    lines = len(text.splitlines())
    names = sorted(
        {
            value
            for _, pragma in _pragmas(text)
            for key, value in pragma.options.items()
            if key in NUMERIC_OPTIONS and re.search(r"[A-Za-z_]", value) and _arithmetic(value) is None
        }
    )
    probes = "".join(
        f"\nstatic constexpr long long {PROBE}{k} = static_cast<long long>({name});" for k, name in enumerate(names)
    )
    index = cindex.Index.create()
    try:
        unit = index.parse(str(path), args=flags, unsaved_files=[(str(path), text + "\n" + probes)])
    except cindex.TranslationUnitLoadError as error:  # clang refused its arguments or the file
        raise SourceError(f"{path}: does not parse: libclang could not read it ({error})") from None
    for diagnostic in unit.diagnostics:
        where = diagnostic.location
        name = where.file.name if where.file else str(path)
        probe = name == str(path) and where.line > lines
        if diagnostic.severity >= cindex.Diagnostic.Error and not probe:
            raise SourceError(f"{name}:{where.line}: does not parse: {diagnostic.spelling}")
    return unit, text, names
