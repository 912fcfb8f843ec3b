"""Which banks of a partitioned array the unrolled copies of a loop body reach.

UG1399 "Array Partitioning" and "Arrays: partitioning and parallel access": a cyclic partition
puts element ``i`` of a dimension in bank ``i mod factor``, a block partition in bank
``i // ceil(size / factor)``, a complete partition of one dimension gives each index its own
bank. The unrolled copies of an access reach distinct banks only when the bank of each copy is
a compile-time function of the copy; copies at one element share one access. Indices are
evaluated, not pattern-matched (``hls_verdicts._evaluate``), with every run-time name given
random values.
"""

from __future__ import annotations

import itertools
import random

from simulator.hls.hls_verdicts import Site, _evaluate, _members, _names, expand


def banks_known(
    site: Site, factor: int, variable: str | None, inner: dict[str, int], loops: set[str],
    definitions: dict[str, tuple[str, ...]], constants: dict[str, int] | None = None,
) -> bool:  # fmt: skip
    """Whether the tool can tell the banks of the unrolled copies of ``site`` apart: its index,
    with the body's locals replaced by their definitions, names only loop variables (the
    copies then form a window the tool rotates over the banks: the gpayton CNN's
    ``in[0][h + p][w + q]``, cyclic 8 and 12, reaches II 1 in its report), or its bank
    (index mod ``factor``) does not depend on the other, run-time values; ``constants`` are
    the names whose values are known where the loop is (a ``constexpr`` lane count)."""
    tokens = _members(expand(site.tokens, definitions))
    known = {name: value for name, value in (constants or {}).items() if name not in inner and name != variable}
    tokens = tuple(str(known[token]) if token in known else token for token in tokens)
    names = _names(tokens) - set(inner) - ({variable} if variable else set()) - loops
    if not names:
        return True
    values = []
    for seed in (1, 2, 3):
        rng = random.Random(seed)
        env = {name: rng.randrange(1, 1 << 16) for name in names}
        if variable:
            env[variable] = 0
        env |= {name: 0 for name in inner}
        value = _evaluate(tokens, env | {name: rng.randrange(1, 1 << 16) for name in loops})
        if value is None:
            return False
        values.append(value % factor)
    return len(set(values)) == 1


def distinct_elements(
    found: list[Site], inner: dict[str, int], local: dict[str, tuple[str, ...]], most: int = 4096
) -> int | None:  # fmt: skip
    """Elements the unrolled copies of ``found`` read plus those they write in one iteration:
    copies that reach one element (a convolution window's overlapping taps,
    ``in[y + ky][x + kx]``) share one access, as the tool reads an element once and forwards a
    value it wrote. None when the copies are too many to enumerate or an index is not
    arithmetic."""
    combos = list(itertools.product(*(range(count) for count in inner.values())))
    if len(combos) > most:
        return None
    expanded = [(site.direction, expand(site.tokens, local)) for site in found]
    rng = random.Random(7)
    base = {name: rng.randrange(1, 1 << 12) for _, tokens in expanded for name in _names(tokens) - set(inner)}
    elements: dict[str, set[int]] = {"read": set(), "write": set()}
    for direction, tokens in expanded:
        for combo in combos:
            value = _evaluate(tokens, base | dict(zip(inner, combo)))
            if value is None:
                return None
            elements[direction].add(value)
    return len(elements["read"]) + len(elements["write"])


def busiest_bank(
    found: list[Site], banking: dict[int, tuple[str, int]], inner: dict[str, int],
    local: dict[str, tuple[str, ...]], most: int = 4096,
) -> int | None:  # fmt: skip
    """The most elements the unrolled copies of ``found`` read plus write in one bank of an
    array partitioned by ``banking`` (dimension, 1 = outermost -> (``cyclic`` | ``block``,
    factor)): a copy's bank is its index in each partitioned dimension modulo the factor
    (cyclic) or over the bank's size (block; UG1399 "Array Partitioning"). Copies whose
    partitioned index is the same run-time value reach one bank (``q[k][j]`` with ``k``
    unrolled and ``q`` partitioned on its second dimension). None when the copies are too
    many, an index is not arithmetic or a dimension's size is unknown."""
    combos = list(itertools.product(*(range(count) for count in inner.values())))
    if len(combos) > most or any(len(site.dims) < max(banking) for site in found):
        return None
    rng = random.Random(7)
    expanded = [(site, expand(site.tokens, local), [expand(tokens, local) for tokens in site.dims]) for site in found]
    names = {name for _, tokens, dims in expanded for part in (tokens, *dims) for name in _names(part)}
    base = {name: rng.randrange(1, 1 << 12) for name in names - set(inner)}
    banks: dict[tuple, dict[str, set[int]]] = {}
    for site, tokens, dims in expanded:
        for combo in combos:
            env = base | dict(zip(inner, combo))
            element = _evaluate(tokens, env)
            if element is None:
                return None
            bank: list[int] = []
            for dim, (style, factor) in sorted(banking.items()):
                index, size = _evaluate(dims[dim - 1], env), site.extents[dim - 1]
                if index is None or (style == "block" and not size):
                    return None
                bank.append(index % factor if style != "block" else index // -(-(size or 1) // factor))
            banks.setdefault(tuple(bank), {"read": set(), "write": set()})[site.direction].add(element)
    return max((len(found["read"]) + len(found["write"]) for found in banks.values()), default=0)
