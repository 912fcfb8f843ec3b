"""What the reader knows inside one function, and the error it raises when it cannot read on.

``_Context`` is the state of the function being walked: the integers known by name, how its
arrays are stored (block RAM and its ports, registers, partition banks, streams, m_axi ports),
the ranges of the enclosing loop variables and the caller's arrays its parameters stand for.
``SourceError`` is the one-line refusal, ``file:line: what``, of a construct the reader does
not handle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.hls.hls_ops import BRAM_PORTS, LUTRAM_WORDS, BlockSchedule

SMALL_ARRAY = 16  # local arrays up to this many elements become registers (Vitis auto-partitions them)


class SourceError(ValueError):
    """A construct the reader does not handle: ``file:line: what``."""


@dataclass
class _Context:
    """What the reader knows inside one function."""

    function: str
    env: dict[str, int]
    unlabelled: int = 0
    partitioned: set[str] = field(default_factory=set)  # local arrays held in registers
    factors: dict[str, int] = field(default_factory=dict)  # cyclic / block partition factors
    ports: dict[str, int] = field(default_factory=dict)  # RAM ports of an array (default: dual-port)
    arrays: set[str] = field(default_factory=set)  # block-RAM arrays (local or ap_memory ports)
    local_arrays: set[str] = field(default_factory=set)  # the block-RAM arrays the function declares
    words: dict[str, int] = field(default_factory=dict)  # elements of a RAM array (its size in words)
    kinds: dict[str, str] = field(default_factory=dict)  # "lut" or "block": the RAM a storage binding names
    streams: set[str] = field(default_factory=set)
    handshakes: set[str] = field(default_factory=set)  # streams whose writes wait a state for the handshake
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)  # enclosing loop variables
    unrolled: set[str] = field(default_factory=set)  # variables of enclosing fully unrolled loops
    aliases: dict[str, str] = field(default_factory=dict)  # parameter -> the caller's array
    roots: dict[str, str] = field(default_factory=dict)  # parameter -> the top's array it stands for
    axi: set[str] = field(default_factory=set)  # m_axi ports
    axi_bits: dict[str, int] = field(default_factory=dict)  # an m_axi port's element width
    distances: dict[str, float] = field(default_factory=dict)  # DEPENDENCE inter: iterations apart (inf: none)
    definitions: dict[str, str] = field(default_factory=dict)  # a local -> its initializer's text
    # elements stored earlier in the block being read (``a [ i ]`` -> its array and the names it
    # reads): a load of one is the stored value (``expressions.forward``)
    forwarded: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    unrolling: bool = False  # inside a pipelined loop or function: every loop below is unrolled
    modified: set[str] = field(default_factory=set)  # the arrays the pipelined loop around stores to
    # the variable of the innermost loop not unrolled (its iterations follow); "" for a loop
    # without one (a while loop on data), None outside loops
    carrier: str | None = None


def _inherit(context: _Context, caller: _Context, name: str, outer: str) -> None:
    """A called function's parameter (or member) ``name`` is the caller's ``outer``: it takes
    its kind (block RAM, the caller's own local one, registers, stream, m_axi) and its banks, ports
    and element width."""
    context.aliases[name] = outer
    context.roots[name] = caller.roots.get(outer, outer)
    for known in ("arrays", "local_arrays", "partitioned", "streams", "handshakes", "axi"):
        if outer in getattr(caller, known):
            getattr(context, known).add(name)
    for table in ("factors", "ports", "axi_bits", "words", "kinds"):
        if outer in getattr(caller, table):
            getattr(context, table)[name] = getattr(caller, table)[outer]


def _lut(name: str, context: _Context) -> bool:
    """Whether RAM array ``name`` is timed as a LUT RAM: its storage binding says so, or it names
    no RAM kind and each bank holds at most ``hls_ops.LUTRAM_WORDS`` words."""
    if name in context.kinds:
        return context.kinds[name] == "lut"
    words = context.words.get(name, 0)
    return 0 < -(-words // context.factors.get(name, 1)) <= LUTRAM_WORDS


def _block(context: _Context, ordered: bool) -> BlockSchedule:
    """The schedule of a block of ``context``'s statements; in sequential code the reads of each
    memory of one RAM share its ports and, with ``ordered`` (no automatic pipelining to undo it),
    stores that may reach one element keep their order, a state apart."""
    block = BlockSchedule(distances=context.distances)
    if not context.unrolling:
        banked = context.partitioned | set(context.factors)  # registers or banks: not one RAM's ports
        block.ports = {name: context.ports.get(name, BRAM_PORTS) for name in context.arrays - banked}
        block.ordered_stores = ordered
    return block
