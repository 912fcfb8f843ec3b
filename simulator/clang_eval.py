"""libclang's own constant evaluation of a cursor (``clang_Cursor_Evaluate``), bound through
ctypes: one binding for the source reader and the verdicts."""

from __future__ import annotations

import ctypes
from functools import cache
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
