"""Which array elements a loop keeps in a register: LLVM's scalar promotion.

Vivado HLS and Vitis HLS run LLVM's scalar promotion (LICM) before scheduling: an element of
a block-RAM array that an innermost loop reads and writes at an address the loop does not
change, the array accessed nowhere else in the loop, is loaded once before the loop and stored
once after it. The Xilinx matrixmul tutorial's ``res[i][j] +=`` over k is read once and written
once (its report's res port has no read data).
"""

from __future__ import annotations

import re

from simulator.hls import hls_verdicts
from simulator.hls.hls_source.cursors import ASSIGNMENTS, CASTS, _base_name, _operator, _text


def promoted(loop, memories: set[str]) -> frozenset[str]:
    """The subscripts (their texts) of the innermost ``loop`` that stay in a register for the
    whole loop: one element of an array of ``memories`` (block RAMs: not registers, not m_axi),
    read and written at an address the loop does not change and that reads no memory."""
    changed = hls_verdicts.changed_names(loop)
    texts: dict[str, set[str]] = {}
    written: set[str] = set()
    stack = [(child, False) for child in loop.get_children()]
    while stack:
        cursor, inside = stack.pop()
        kind = cursor.kind.name
        if kind == "ARRAY_SUBSCRIPT_EXPR" and not inside:  # the outermost subscript: one element
            texts.setdefault(_base_name(cursor), set()).add(_text(cursor))
        children = list(cursor.get_children())
        symbol = _operator(cursor, children[0]) if kind.endswith("OPERATOR") and len(children) == 2 else ""
        if kind == "CALL_EXPR" and cursor.spelling.startswith("operator"):
            symbol = cursor.spelling[len("operator") :]
        if kind == "UNARY_OPERATOR":
            symbol = next((t.spelling for t in cursor.get_tokens() if t.spelling in ("++", "--")), "")
        if children and symbol in ASSIGNMENTS:
            target = children[0]
            while target.kind.name in CASTS and list(target.get_children()):
                target = next(target.get_children())
            written.add(_text(target))
        stack += [(child, inside or kind == "ARRAY_SUBSCRIPT_EXPR") for child in children]
    kept = set()
    for name, found in texts.items():
        if len(found) != 1 or name not in memories:
            continue
        (text,) = found
        address = text[text.index("[") :]
        names = set(re.findall(r"[A-Za-z_]\w*", address))
        if text in written and not names & changed and address.count("[") == text.count("["):
            kept.add(text)  # no subscript inside the address: not read from memory
    return frozenset(kept)
