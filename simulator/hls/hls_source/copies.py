"""What the unrolled copies of a loop body reach: the same elements, or each its own.

A loop unrolled completely runs its copies at once (``nest._unrolled``). An array every copy
reads at one element is read once and kept; an array each copy reaches at its own elements
(every subscript names the loop variable, none reads memory) chains no copy to another through
a read-modify-write (``copy_reach`` gives both). Names are read from the tokens: a
local assigned from the loop variable moves with it.
"""

from __future__ import annotations

from typing import Any

from simulator.hls.hls_source.cursors import ASSIGNMENTS, _base_name

INDIRECT = "[]"  # a subscript whose index reads memory or calls a function


def copy_reach(body, variable: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """(invariant, apart) arrays of the unrolled copies of ``body`` over ``variable``:
    invariant, every subscript names neither the loop variable nor a local computed from it,
    so the copies access the same elements, which the tool reads once and keeps (a
    convolution's ``acc[y][x] +=`` over the kernel's taps); apart, every subscript names one
    of them and none reads memory (``m[idx[p]]`` may meet), so each copy reaches its own
    elements and a read-modify-write of one (``acc[y][x] += p`` over ``x``) chains no copy to
    another."""
    moving, subscripts = _subscript_names(body, variable)
    invariant = frozenset(name for name, found in subscripts.items() if all(not names & moving for names in found))
    apart = frozenset(
        name for name, found in subscripts.items() if all(names & moving and INDIRECT not in names for names in found)
    )
    return invariant, apart


def _subscript_names(body, variable: str | None) -> tuple[set[str], dict[str, list[set[str]]]]:
    """The loop variable and the locals computed from it, and per array the names in each
    of its subscripts in ``body`` (with ``INDIRECT`` when an index reads memory or calls)."""
    if variable is None:
        return set(), {}
    tokens = [token.spelling for token in body.get_tokens()]
    moving = {variable}
    for _ in range(4):  # locals assigned from the variable, from those, ...
        for index, token in enumerate(tokens):
            target = tokens[index - 1] if index else ""
            if token in ASSIGNMENTS and target.isidentifier() and target not in moving:
                end = next((k for k in range(index, len(tokens)) if tokens[k] in (";", ",", ")")), len(tokens))
                if moving & set(tokens[index + 1 : end]):
                    moving.add(target)
    chains: dict[int, tuple[int, Any]] = {}  # a subscript chain by where it starts: its longest
    for cursor in body.walk_preorder():
        if cursor.kind.name == "ARRAY_SUBSCRIPT_EXPR":
            start, end = cursor.extent.start.offset, cursor.extent.end.offset
            if end > chains.get(start, (-1, None))[0]:  # a[i][j], not its row a[i]
                chains[start] = (end, cursor)
    subscripts: dict[str, list[set[str]]] = {}
    for start, (_, cursor) in chains.items():
        names = {token.spelling for token in cursor.get_tokens()}
        inner = (c for c in cursor.walk_preorder() if c.kind.name in ("ARRAY_SUBSCRIPT_EXPR", "CALL_EXPR"))
        if any(c.extent.start.offset != start for c in inner):  # an index reading memory
            names.add(INDIRECT)
        subscripts.setdefault(_base_name(cursor), []).append(names)
    return moving, subscripts
