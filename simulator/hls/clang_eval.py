"""libclang's own constant evaluation of a cursor (``clang_Cursor_Evaluate``), bound through
ctypes: one binding for the source reader and the verdicts, and an index's tokens with its
macros evaluated."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any


@cache
def library() -> tuple[Any, Any]:
    """(``clang.cindex``, its function library with the evaluation functions typed)."""
    from clang import cindex

    lib = cindex.conf.lib
    lib.clang_Cursor_Evaluate.argtypes = [cindex.Cursor]
    lib.clang_Cursor_Evaluate.restype = ctypes.c_void_p
    lib.clang_EvalResult_getKind.argtypes = [ctypes.c_void_p]
    lib.clang_EvalResult_getKind.restype = ctypes.c_int
    lib.clang_EvalResult_getAsLongLong.argtypes = [ctypes.c_void_p]
    lib.clang_EvalResult_getAsLongLong.restype = ctypes.c_longlong
    lib.clang_EvalResult_dispose.argtypes = [ctypes.c_void_p]
    return cindex, lib


def constant_value(cursor) -> int | None:
    """The value clang computes for a constant integer expression, or None."""
    lib = library()[1]
    result = lib.clang_Cursor_Evaluate(cursor)
    if not result:
        return None
    try:
        kind = lib.clang_EvalResult_getKind(result)
        return int(lib.clang_EvalResult_getAsLongLong(result)) if kind == 1 else None  # CXEval_Int
    finally:
        lib.clang_EvalResult_dispose(result)


def index_tokens(index) -> list[str]:
    """An index's tokens with each macro (``OUT_W``, an identifier no declaration names)
    replaced by the value clang computes for its expansion."""
    tokens = list(index.get_tokens())
    identifiers = [token for token in tokens if token.kind.name == "IDENTIFIER"]
    if not identifiers:
        return [token.spelling for token in tokens]
    nodes = list(index.walk_preorder())
    named = {node.extent.start.offset for node in nodes if node.kind.name in ("DECL_REF_EXPR", "MEMBER_REF_EXPR")}
    named |= {node.location.offset for node in nodes if node.kind.name in ("DECL_REF_EXPR", "MEMBER_REF_EXPR")}
    out = []
    for token in tokens:
        text, start = token.spelling, token.extent.start.offset
        if token.kind.name == "IDENTIFIER" and start not in named:
            expansion = next((node for node in nodes if node.extent.start.offset == start
                              and node.extent.end.offset == token.extent.end.offset
                              and node.kind.name.endswith(("EXPR", "LITERAL"))), None)  # fmt: skip
            value = constant_value(expansion) if expansion is not None else None
            text = str(value) if value is not None else text
        out.append(text)
    return out


def compiler_headers() -> list[str]:
    """The compiler's own header folder (stddef.h, stdarg.h), which the libclang wheel lacks:
    g++'s, when g++ is installed (the sw_emu flow needs it anyway)."""
    if shutil.which("g++") is None:
        return []
    found = subprocess.run(["g++", "-print-file-name=include"], capture_output=True, text=True, check=False)
    folder = found.stdout.strip()
    return [folder] if found.returncode == 0 and Path(folder).is_dir() else []
