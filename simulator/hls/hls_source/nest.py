"""The nodes of the nest the reader builds, and what it reads off them.

Loop nodes that are not pipelined (``_plain``) or unrolled completely (``_unrolled``), the
runs of independent loops, calls and statements put side by side (``_parallel``, by levels of
their dependences), a pipelined body's iteration latency, the values a node reads and writes,
the arrays it touches, its rough latency by the nest model (``simulator.hls.schedule``), and the
nest without the reader's private keys (``_public``).
"""

from __future__ import annotations

import math
from collections import Counter


def _walk(nodes: list[dict]):
    for node in nodes:
        yield node
        yield from _walk(node.get("body", []))


def _unrolled_ports(nodes: list[dict], copies: int = 1) -> Counter:
    """Memory accesses of a body in which every nested loop is unrolled (a pipelined loop's or
    function's, UG1399 "pipeline": the loops below a pipelined scope are unrolled): a loop's
    accesses count once per trip, except those of the arrays every copy reaches at one element
    (``_same``: read once, written once)."""
    ports: Counter = Counter()
    for node in nodes:
        if "body" not in node:  # a loop's or region's own count sums its body's
            for key, count in node.get("_ports", {}).items():
                ports[key] += count * copies
        else:
            trips = node.get("trip_count") or 1 if "loop" in node else 1
            inner = _unrolled_ports(node["body"], copies * trips)
            same = node.get("_same", frozenset())
            for key, count in inner.items():
                ports[key] += count // trips if key[0] in same else count
    return ports


def _arrays_of(nodes: list[dict]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        found |= node.get("_arrays", set())
    return found


def _public(node: dict) -> dict:
    """A node without the reader's private keys (those starting with "_")."""
    clean = {key: value for key, value in node.items() if not key.startswith("_")}
    if "body" in clean:
        clean["body"] = [_public(child) for child in clean["body"]]
    return clean


def _burst_loop(region: dict) -> dict:
    """The pipelined loop of a loop's burst region (``LoopWalk._burst_region``)."""
    return next(child for child in region["body"] if "loop" in child)


def _inlined_loop(node: dict) -> dict:
    """A call's region whose function is inlined and holds one loop and nothing else that takes
    a state: that loop, named by the caller's arrays. Vitis inlines a function before it
    flattens and pipelines loops, so the callee's loop is the caller's (ohmy90's DCT under Vitis
    2025.2: Row_DCT_Loop around dct_1d's DCT_Outer_Loop flattened to 64 trips, II 1). A call
    under a branch (``_branch``) runs on some iterations only: its region stays."""
    if "region" not in node or node.get("kind") != "sequential" or "_aliases" not in node or node.get("_branch"):
        return node
    loops = [child for child in node["body"] if "op" not in child]
    if len(loops) != 1 or any(child.get("latency", 0) for child in node["body"] if "op" in child):
        return node
    return loops[0] | {key: node[key] for key in ("_arrays", "_arguments", "_results") if key in node}


def _mark_rewind(region: dict, function) -> None:
    """Mark its loop ``rewind`` when the region of a top ``function`` is one loop pipelined with
    rewind and the function's body holds declarations before it and nothing after: only then
    does the rewind take (UG1448 200-954, 200-959); otherwise it ends as any loop does."""
    body = next(child for child in function.get_children() if child.kind.name == "COMPOUND_STMT")
    statements = [child.kind.name for child in body.get_children() if child.kind.name != "NULL_STMT"]
    loops = [node for node in region["body"] if "op" not in node]
    alone = bool(statements) and all(kind == "DECL_STMT" for kind in statements[:-1])
    if len(loops) == 1 and loops[0].get("_rewind") and alone:
        loops[0]["rewind"] = True


def _plain(label: str, trips: int, nodes: list[dict], constant: bool, test: int = 1) -> dict:
    """A loop whose iterations run one after another, ``test`` states its exit test (a while
    loop's own test, in every iteration and once more to leave). A body that ends on a core's result at a
    state boundary (a multiply-add macro of latency 3) spends one more state taking it: the
    result is used in the state the core's latency names (the UG871 matrixmul under Vitis
    2022.1: read, mac_muladd of latency 3, then the state that keeps the sum, 5 per iteration)."""
    if nodes and nodes[-1].get("_settle"):
        last = {key: value for key, value in nodes[-1].items() if key != "_settle"}
        nodes = [*nodes[:-1], last | {"latency": last["latency"] + 1}]
    return {
        "loop": label,
        "trip_count": trips,
        "pipeline_ii": None,
        "iteration_latency": None,
        "body": nodes,
        "_constant": constant,
        "_arrays": _arrays_of(nodes),
    } | ({"exit": test} if test > 1 else {})


def _unrolled(
    label: str,
    trips: int,
    nodes: list[dict],
    arrays: set[str],
    same: frozenset[str] = frozenset(),
    local: frozenset[str] = frozenset(),
    apart: frozenset[str] = frozenset(),
) -> dict:
    """A loop unrolled completely: the copies run at once, chained through the body's
    recurrence (an accumulator; a value declared in the body, ``local``, starts again in every
    copy; an array of ``apart``, which each copy reaches at its own elements, chains no copy to
    another), and every copy's memory accesses count against the ports, except those of the
    arrays in ``same``, which every copy accesses at one element (read once, written once)."""
    ports: Counter = Counter()
    recurrences: dict[str, float] = {}
    for node in _walk(nodes):
        ports.update(node.get("_ports", {}))
        for name, length in node.get("_recurrences", {}).items():
            if name.split(".")[0] not in local:
                recurrences[name] = max(recurrences.get(name, 0.0), length)
    chained = {name: length for name, length in recurrences.items() if name not in apart}
    recurrence = max(chained.values(), default=0.0)
    once = _rough_latency(nodes, unrolled=True)
    tree = 0
    if 0.0 < recurrence < 1.0:
        # an integer accumulator (add, logic within a state): the tool balances the copies'
        # chain into a tree of ceil(log2(trips)) levels, in fractions of a state
        tree = math.ceil(math.ceil(math.log2(max(1, trips))) * recurrence - 1e-9)
        latency = once + tree
    else:  # a multi-cycle core (floating point is not reassociated): one after the other
        latency = once + max(0, trips - 1) * math.ceil(recurrence - 1e-9)
        # and a loop around the copies waits for the whole chain: its next iteration reads the
        # value the last copy writes (robertszafa's spmv: 20 read-modify-writes of one memory at
        # unknown indices, chained, II 120 = 20 x 6 in the Vivado HLS report)
        recurrences = {
            name: length + max(0, trips - 1) * math.ceil(length - 1e-9) if length >= 1.0 and name in chained else length
            for name, length in recurrences.items()
        }
    node = {
        "op": f"{label} (unrolled x{trips})",
        "latency": latency,
        "_arrays": set(arrays),
        "_ports": {key: count * (1 if key[0] in same else trips) for key, count in ports.items()},
        "_recurrence": recurrence,
        "_recurrences": recurrences,
        "_copies": trips,  # straight-line code: its m_axi accesses burst together (``hls_verdicts``)
        "_tree": tree,  # the states of its balanced chain (``LoopWalk._spread``)
    }
    reads, writes = _values({"body": nodes})  # what its copies read and write, when known
    if reads is not None and writes is not None:
        node["_reads"], node["_writes"] = reads, writes
    return node


def _unroll_short(nodes: list[dict]) -> list[dict]:
    """The loops of ``nodes`` unrolled in place, those of the calls among them too; a loop's
    burst region gives its loop (the pipeline unrolling it bursts on its own)."""
    nodes = [_burst_loop(node) if node.get("_axi") else node for node in nodes]
    return [_unrolled(node["loop"], node["trip_count"], node["body"], node["_arrays"],
                      node.get("_same", frozenset()), node.get("_locals", frozenset()),
                      node.get("_apart", frozenset()))
            if "loop" in node else node | {"body": _unroll_short(node["body"])}
            if "region" in node else node for node in nodes]  # fmt: skip


def _parallel(nodes: list[dict]) -> list[dict]:
    """Pipelined loops and called functions (each a sub-module of its own in Vitis HLS) and the
    statements between them run at once when they do not depend on each other: no array in
    common and no value one writes that another reads or writes. A run of such nodes is
    scheduled as soon as possible by levels (a node one level after the latest it depends
    on), the nodes of a level side by side, as the tool's FSM starts independent sub-module
    calls in the same state; a loop that is not pipelined, or a node whose values the reader
    cannot tell, ends the run."""
    grouped: list[dict] = []
    run: list[dict] = []

    def close() -> None:
        levels = _levels(run)
        if any(sum("op" not in node for node in level) > 1 for level in levels):
            for level in levels:
                grouped.append(level[0] if len(level) == 1 else
                               {"region": f"parallel:{_name(level[0])}", "kind": "parallel", "body": level,
                                "_arrays": _arrays_of(level)})  # fmt: skip
        else:
            grouped.extend(run)
        run.clear()

    for node in nodes:
        module = (node.get("pipeline_ii") is not None and "loop" in node) or "region" in node
        known = _values(node)[0] is not None
        if known and (module and node.get("_arrays") or "op" in node):
            run.append(node)
            continue
        close()
        grouped.append(node)
    close()
    return grouped


def _levels(run: list[dict]) -> list[list[dict]]:
    """The nodes of ``run`` by as-soon-as-possible level of their dependences (``_parallel``)."""
    facts = []
    for node in run:
        reads, writes = _values(node)
        local = node.get("_locals", frozenset())
        writes = ((writes or set()) - local) | node.get("_results", set())
        facts.append((node.get("_arrays", set()), (reads or set()) - local, writes))
    level: list[int] = []
    for j, (arrays_j, reads_j, writes_j) in enumerate(facts):
        after = [level[i] for i, (arrays_i, reads_i, writes_i) in enumerate(facts[:j])
                 if arrays_i & arrays_j or writes_i & (reads_j | writes_j) or reads_i & writes_j]  # fmt: skip
        level.append(1 + max(after, default=-1))
    return [[node for node, at in zip(run, level) if at == index] for index in range(max(level, default=-1) + 1)]


def _name(node: dict) -> str:
    return node.get("loop") or node.get("region") or node.get("op", "")


def _iteration_latency(nodes: list[dict]) -> int:
    """Latency of a pipelined body (every nested loop unrolled), its parts scheduled as soon as
    the values they read are written (an op, or a loop unrolled into the body, waits for the
    parts before it that write what it reads); a part the reader cannot see into (a call
    with loops) waits for every part before it and every part after it waits for it."""
    written: list[tuple[set[str] | None, int]] = []
    end = 0
    for node in nodes:
        reads, writes = _values(node)
        if reads is None:
            start = end
        else:
            start = max((stop for names, stop in written if names is None or names & reads), default=0)
        stop = start + _rough_latency([node], unrolled=True)
        written.append((writes, stop))
        end = max(end, stop)
    return end


def _values(node: dict) -> tuple[set[str] | None, set[str] | None]:
    """(values read, values written) of a part of a body, None when the reader cannot tell."""
    if "op" in node:
        if "_reads" not in node:
            return None, None
        return node["_reads"], node["_writes"]
    reads: set[str] = set()
    writes: set[str] = set()
    for child in node.get("body", []):
        child_reads, child_writes = _values(child)
        if child_reads is None or child_writes is None:
            return None, None
        reads |= child_reads - writes
        writes |= child_writes
    return reads, writes


def _rough_latency(nodes: list[dict], unrolled: bool = False) -> int:
    """Latency of a node list by the nest model (every loop unrolled when ``unrolled``)."""
    from simulator.hls.nest_format import parse_nest
    from simulator.hls.schedule import _unrolled_latency, estimate_nest

    if not nodes:
        return 0
    region = _public({"region": "body", "kind": "sequential", "body": nodes})
    if unrolled:
        return _unrolled_latency(parse_nest(region))
    return estimate_nest(region).latency_cycles


def _channel_inputs(processes: list[dict], channels: set[str]) -> list[list[int]]:
    """Per process of a dataflow region, the earlier processes it shares a channel with (a
    stream or array the region declares, passed to both calls or touched by both loops: in
    canonical form the earlier one writes it)."""
    touched = [_touched(process) & channels for process in processes]
    return [[earlier for earlier in range(index) if names & touched[earlier]] for index, names in enumerate(touched)]


def _touched(process: dict) -> set[str]:
    """The names a process is passed (a call) or reads and writes (a loop or statements)."""
    if "_arguments" in process:
        return set(process["_arguments"])
    reads, writes = _values(process)
    return set(process.get("_arrays", set())) | (reads or set()) | (writes or set())


def _written(node: dict) -> set[str]:
    """What a node writes, or every array it touches when the reader cannot tell."""
    writes = _values(node)[1]
    return set(node.get("_arrays", set())) if writes is None else set(writes)


def _mark_outputs(nodes: list[dict], channels: set[str]) -> None:
    """Mark ``output`` the loops of a dataflow region's processes that write one of its stream
    channels, and ``input`` those that read one: a process's first output comes from the first
    loop that writes, its last input is taken by the last loop that reads (``schedule``)."""
    for process in nodes:
        aliases = process.get("_aliases", {})  # a called process names the channels by its parameters
        for node in _walk([process]):
            if "loop" not in node:
                continue
            ports = dict(node.get("_ports", {}))
            for child in node.get("body", []):
                if "op" in child:
                    ports.update(child.get("_ports", {}))
            for way, mark in (("w", "output"), ("r", "input")):
                if any(direction == way and aliases.get(name, name) in channels for name, direction in ports):
                    node[mark] = True
