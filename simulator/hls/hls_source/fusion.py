"""Consecutive loops unrolled completely in sequential code run as one block of straight-line code.

A loop unrolled completely leaves straight-line code, and two such loops one after the other
leave one basic block, which the tool schedules as a whole (as soon as possible, under its
dependences and ports): copy k of the second starts when what it reads from copy k of the first
is there, not after every copy of the first (ian861226's adder tree, Vivado HLS 2019.2: a loop
copying eight FIFO words into a local array, then a loop adding them under eight flags read
from a second FIFO, 8 states in all, each FIFO one read a state). The reader reads such a pair
as one unrolled loop whose body is both bodies (``LoopWalk._loop``'s ``tail``), which holds when
copy k of each reaches only what copy k of the other does: both loops have the same header, and
every value one writes and the other names is an array both reach at one subscript that moves
with the loop variable. Loops on m_axi ports are left apart (their bursts are the loop's own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.hls.hls_source.copies import copy_reach
from simulator.hls.hls_source.cursors import LOOPS, _base_name, _loop_variable, _text, stored_names

if TYPE_CHECKING:
    from simulator.hls.hls_source.context import _Context
    from simulator.hls.hls_source.pragmas import Pragma


def tail_of(reader, loop, label: str | None, following: list, context: _Context) -> tuple | None:
    """The loop among ``following`` (the statements after ``loop``) and its label, when both
    loops are unrolled completely in sequential code and ``fusable``; else None. ``reader``
    gives the pragmas (its ``scope_pragmas`` and ``directives``)."""
    if context.unrolling or not following:
        return None
    second, second_label = following[0], None
    if second.kind.name == "LABEL_STMT":
        second_label, second = second.spelling, next(second.get_children())
    if second.kind.name not in LOOPS:
        return None

    unrolled = completely_unrolled(reader._loop_pragmas(loop, label, context)) and completely_unrolled(
        reader._loop_pragmas(second, second_label, context)
    )
    return (second, second_label) if unrolled and fusable(loop, second, context.axi) else None


def completely_unrolled(pragmas: list[Pragma]) -> bool:
    """Whether a loop's pragmas unroll it completely and do not pipeline it."""
    unroll = any(p.name == "UNROLL" and "factor" not in p.options and "off" not in p.options for p in pragmas)
    return unroll and not any(p.name == "PIPELINE" and "off" not in p.options for p in pragmas)


def loop_body(loop):
    """The body of a ``for``, ``while`` or ``do`` loop."""
    children = list(loop.get_children())
    return children[0] if loop.kind.name == "DO_STMT" else children[-1]


def statements_of(body) -> list:
    """The statements of a loop's body (a compound statement, or one statement)."""
    return list(body.get_children()) if body.kind.name == "COMPOUND_STMT" else [body]


def reach_of_both(first_body, second, variable: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """``copies.copy_reach`` of two loops read as one: of ``first_body`` and of the body of the
    loop ``second``; an array both name is invariant, or apart, only when it is so in both."""
    reaches = [copy_reach(first_body, variable), copy_reach(loop_body(second), variable)]
    named = [set(_subscripts(first_body)), set(_subscripts(loop_body(second)))]

    def join(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
        return (a & b) | (a - named[1]) | (b - named[0])

    return join(reaches[0][0], reaches[1][0]), join(reaches[0][1], reaches[1][1])


def fused(node: dict, label: str, tail: tuple, context: _Context) -> dict:
    """The node of a loop read with the loop ``tail`` (its cursor and label) as one, named for
    both (an unlabelled tail takes its Vitis name, as when it is read alone)."""
    loop, tail_label = tail
    if tail_label is None:
        context.unlabelled += 1
        tail_label = f"VITIS_LOOP_{loop.location.line}_{context.unlabelled}"
    return node | {"op": node["op"].replace(label, f"{label} + {tail_label}", 1)}


def fusable(first, second, ports: set[str]) -> bool:
    """Whether ``second`` may run copy by copy with ``first`` (module docstring); ``ports``:
    the m_axi ports, which neither may touch."""
    if first.kind.name != "FOR_STMT" or second.kind.name != "FOR_STMT":
        return False
    variable = _loop_variable(list(first.get_children()))
    if variable is None or _header(first) != _header(second):
        return False
    bodies = [loop_body(first), loop_body(second)]
    names = [{token.spelling for token in body.get_tokens()} for body in bodies]
    if (names[0] | names[1]) & ports:
        return False
    declared = [{c.spelling for c in body.walk_preorder() if c.kind.name == "VAR_DECL"} for body in bodies]
    written = [
        stored_names([token.spelling for token in body.get_tokens()]) - own for body, own in zip(bodies, declared)
    ]
    shared = (written[0] & (names[1] - declared[1]) | written[1] & (names[0] - declared[0])) - {variable}
    subscripts = [_subscripts(body) for body in bodies]
    for name in shared:
        texts = subscripts[0].get(name, set()) | subscripts[1].get(name, set())
        if len(texts) != 1 or name not in subscripts[0] or name not in subscripts[1]:
            return False  # a scalar, or an array the copies reach at different elements
        if variable not in next(iter(texts)).split():
            return False  # every copy at one element: copy k of the second reads the last copy's
    return True


def _header(loop) -> list[str]:
    """The tokens of a ``for`` loop before its body: ``for ( int k = 0 ; k < 8 ; k ++ )``."""
    start = loop_body(loop).extent.start.offset
    return [token.spelling for token in loop.get_tokens() if token.extent.start.offset < start]


def _subscripts(body) -> dict[str, set[str]]:
    """Per array named in ``body``, the texts of the subscripts it is reached at."""
    found: dict[str, set[str]] = {}
    for cursor in body.walk_preorder():
        if cursor.kind.name == "ARRAY_SUBSCRIPT_EXPR":
            children = list(cursor.get_children())
            found.setdefault(_base_name(children[0]), set()).add(_text(children[1]))
    return found
