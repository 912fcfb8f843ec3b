"""The timing of one expression (``_Expr``) and how two expressions combine.

An ``_Expr`` is an expression's latency in states, the path from each value it reads to its
result, the values it writes, its accesses per array and port, the index texts it reads and
writes, the recurrences closed inside it and the first operation on each value it reads.
``_merge`` puts two side by side; ``_independent`` tells whether reads and writes of one array
at given indices carry no dependence across iterations that the tool would see. ``forward``
and ``forget`` keep the elements a block stored, whose later loads are the stored values.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field

from simulator.hls import hls_ops
from simulator.hls.hls_source.context import _Context
from simulator.hls.hls_source.cursors import ASSIGNMENTS, _text

WRITTEN = "="  # indices[WRITTEN + array]: the index texts an expression writes
STORED = "@"  # STORED + element text: the value a store left in that element, for a later load


@dataclass
class _Expr:
    """An expression: its latency in states, and for each value it reads the states from that
    read to its result (``hls_ops.BlockSchedule``)."""

    latency: float = 0.0
    paths: dict[str, float] = field(default_factory=dict)
    writes: set[str] = field(default_factory=set)
    accesses: Counter = field(default_factory=Counter)  # (array, port or stream; "r" or "w") -> accesses
    indices: dict[str, set[str]] = field(default_factory=dict)  # array -> index texts read
    # recurrences closed inside a nested block (old = a[i]; a[i] = old + x under an if)
    recurrences: dict[str, float] = field(default_factory=dict)
    # per value read, the first operation on it: where in its state a value arrives decides
    # when that operation starts (``hls_ops.BlockSchedule``)
    firsts: dict[str, hls_ops.Op] = field(default_factory=dict)

    def then(self, op: hls_ops.Op) -> _Expr:
        """This expression followed by ``op``."""
        firsts = dict(self.firsts)
        for name, path in self.paths.items():
            if path == 0.0 and name not in firsts:
                firsts[name] = op
        return _Expr(
            op.after(self.latency),
            {name: op.after(path) for name, path in self.paths.items()},
            set(self.writes),
            Counter(self.accesses),
            {name: set(texts) for name, texts in self.indices.items()},
            dict(self.recurrences),
            firsts,
        )


def _merge(a: _Expr, b: _Expr) -> _Expr:
    """Two expressions evaluated side by side."""
    paths = dict(a.paths)
    for name, path in b.paths.items():
        paths[name] = max(paths.get(name, 0.0), path)
    indices = {name: set(texts) for name, texts in a.indices.items()}
    for name, texts in b.indices.items():
        indices.setdefault(name, set()).update(texts)
    recurrences = _longest(a.recurrences, b.recurrences)
    firsts = dict(a.firsts)
    for name, op in b.firsts.items():
        firsts[name] = _stricter(firsts.get(name, op), op)
    return _Expr(
        max(a.latency, b.latency), paths, a.writes | b.writes, a.accesses + b.accesses, indices, recurrences, firsts
    )


def _stricter(a: hls_ops.Op, b: hls_ops.Op) -> hls_ops.Op:
    """Of two first operations on a value, the one that needs it earlier in its state."""
    return b if b.delay > a.delay else a


def _longest(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    """Two maps of recurrence lengths joined, the longer one per value."""
    return {name: max(a.get(name, 0.0), b.get(name, 0.0)) for name in a.keys() | b.keys()}


def _merge_all(parts: list[_Expr]) -> _Expr:
    total = _Expr()
    for part in parts:
        total = _merge(total, part)
    return total


def _independent(read: set[str], written: set[str], context: _Context) -> bool:
    """Whether reads and writes of one array at these indices carry no dependence across
    iterations the tool would see: every index affine in the enclosing loop variables or a
    constant, and no index both read and written that the innermost loop does not move
    (``count[0] += 1`` is a recurrence)."""
    both = {text.strip() for text in read} & {text.strip() for text in written}
    # one element at every iteration: a constant index, or one the variable of the loop whose
    # iterations follow each other does not move (res[i][j] += over k reads what the
    # iteration before wrote); a loop unrolled in a pipeline is not that loop, its pipeline is
    carrier = [context.carrier] if context.carrier else []
    shared = {text for text in both if not any(re.search(rf"\b{re.escape(v)}\b", _expanded(text, context))
                                               for v in carrier)}  # fmt: skip
    return not shared and all(_affine_in(text, context) for text in read | written)


def _expanded(text: str, context: _Context) -> str:
    """An index with the locals computed from loop variables replaced by their definitions."""
    for name, definition in context.definitions.items():
        text = re.sub(rf"\b{re.escape(name)}\b", f"( {definition} )", text)
    return text


def _affine_in(text: str, context: _Context) -> bool:
    """Whether an index is an expression of the enclosing loop variables without an array
    access, or a constant (an index the tool can analyse), not a value read from memory."""
    if re.fullmatch(r"\s*\d+\s*", text):
        return True
    for name, definition in context.definitions.items():  # a local computed from the loop variables
        text = re.sub(rf"\b{re.escape(name)}\b", f"( {definition} )", text)
    return "[" not in text and any(re.search(rf"\b{re.escape(name)}\b", text) for name in context.ranges)


def schedule(block: hls_ops.BlockSchedule, info: _Expr, independent: set[str] | frozenset[str] = frozenset()) -> float:
    """Schedule statement ``info`` in ``block``: its paths, its reads of each memory (for the ports)
    and the index texts it stores to (for the order of stores); returns its finish."""
    reads = {name: n for (name, way), n in info.accesses.items() if way == "r"}
    stores = {key[len(WRITTEN) :]: texts for key, texts in info.indices.items() if key.startswith(WRITTEN)}
    return block.statement(info.paths, info.writes, info.latency, info.firsts, independent, reads, stores)


def forward(target, name: str, context: _Context) -> str:
    """Record a store to the element ``target`` of array ``name``: a later load of it in the
    block is the stored value (LLVM's store-to-load forwarding, which Vivado HLS and Vitis HLS
    run before scheduling: hanyax's FIR reads ``line[t]`` just written from ``line[t - 1]``,
    4 states an iteration in its report, not a read after the write). A store may reach any
    other element of the array: those are read again. Returns the element's value name."""
    for key in [key for key, (array, _) in context.forwarded.items() if array == name]:
        del context.forwarded[key]
    key = _text(target)
    context.forwarded[key] = (name, frozenset(token.spelling for token in target.get_tokens()))
    return STORED + key


def joined(taken: _Expr, skipped: _Expr) -> _Expr:
    """An ``if`` without ``else`` when its branch is skipped (``skipped``: its test alone;
    ``taken``: test and branch): the FSM leaves the test's state for the branch's last state,
    where the code after it joins (a loop's back edge), so it skips the branch's states but that
    one (AngeloDamiani's Bellman-Ford, Vivado HLS 2017.2: a branch of two states, an iteration
    of 15 ~ 16; robertszafa's Floyd-Warshall, Vivado HLS 2019.2: a store a state after its
    test, 6 states either way)."""
    result = copy.copy(skipped)  # the state after the test's, at most: a state later than the test
    result.latency = min(taken.latency, skipped.latency + 1.0)
    result.paths = {name: min(path, skipped.paths.get(name, 0.0) + 1.0) for name, path in taken.paths.items()}
    return result


def remember(expression, context: _Context) -> str | None:
    """Record that ``expression``, a computation over loads and values that calls and assigns
    nothing, has been computed: the same text later in the block is that value while nothing it
    reads is written (LLVM's GVN, run before scheduling: robertszafa's Floyd-Warshall, Vivado
    HLS 2019.2, stores the sum it just compared, the add in one state and the store in the next).
    Returns the value's name, None for an expression that is not one."""
    calls = any(node.kind.name == "CALL_EXPR" for node in expression.walk_preorder())
    assigns = any(token.spelling in ASSIGNMENTS for token in expression.get_tokens())
    if expression.kind.name != "BINARY_OPERATOR" or calls or assigns:
        return None
    key = _text(expression)
    context.forwarded[key] = (STORED + key, frozenset(token.spelling for token in expression.get_tokens()))
    return STORED + key


def forget(context: _Context, writes: set[str]) -> None:
    """Drop the forwarded elements whose index reads a value ``writes`` changes (``a[i]`` after
    ``i++``), or whose array they write other than by element."""
    for key, (array, names) in list(context.forwarded.items()):
        if STORED + key not in writes and (array in writes or names & writes - {array}):
            del context.forwarded[key]
