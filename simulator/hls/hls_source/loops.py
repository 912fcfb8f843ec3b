"""One loop of the source as a node of the nest: pipelined, unrolled, flattened or plain.

A loop's pragmas (PIPELINE, UNROLL, LOOP_FLATTEN, ...) and the tool's defaults (innermost
loops pipelined at II = 1, short ones unrolled into their parent, perfect nests flattened)
decide its node; a pipelined loop's II is the largest of its target, the memory ports' bound
and the recurrence through values kept across iterations. Scalar promotion keeps an element
read and written at a fixed address in a register, and the burst and bank-conflict verdicts of
its accesses (``hls_verdicts``) are charged to the loop.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.hls import hls_banks, hls_ops, hls_verdicts
from simulator.hls.hls_source.context import _Context
from simulator.hls.hls_source.copies import copy_reach
from simulator.hls.hls_source.cursors import LOOPS, _loop_variable, stored_names
from simulator.hls.hls_source.evaluation import _arithmetic, loop_range
from simulator.hls.hls_source.fusion import fused, loop_body, reach_of_both, statements_of
from simulator.hls.hls_source.nest import (
    _arrays_of,
    _burst_loop,
    _inlined_loop,
    _iteration_latency,
    _plain,
    _unroll_short,
    _unrolled,
    _unrolled_ports,
    _walk,
)
from simulator.hls.hls_source.pragmas import Pragma
from simulator.hls.hls_source.promotion import promoted
from simulator.hls.hls_tools import Tool


class LoopWalk:
    """The ``SourceReader`` methods that read a loop. Expects on ``self``: ``path``,
    ``directives``, ``pipeline_loops``, ``use_min``, the m_axi settings ``axi_latency``,
    ``outstanding`` and the port widening (``widen_bits``, ``widen``), the verdicts found
    (``bursts``, ``conflicts``), the loop being read (``_site``, ``_promoted``),
    ``scope_pragmas`` (``pragmas.ScopePragmas``), the trip counts of ``trips.TripCounts``,
    ``_declared`` (``declarations.Declarations``) and ``_statements`` and ``_apply_arrays``
    (``reader``)."""

    path: Path
    tool: Tool
    directives: dict[str, list[Pragma]]
    pipeline_loops: int
    use_min: bool
    axi_latency: int
    outstanding: int
    widen_bits: int
    widen: dict[str, int]
    object_macros: dict[str, tuple[str, ...]]  # integer macros by name, as tokens
    bursts: dict[tuple, hls_verdicts.Burst]
    conflicts: dict[tuple, hls_verdicts.Conflict]
    _site: tuple[str, int]
    _promoted: frozenset[str]
    _burst_found: list[tuple]  # the bursts' keys in the order their loops were read (``loop_verdicts``)

    if TYPE_CHECKING:

        def scope_pragmas(self, body) -> list[Pragma]: ...

        def _loop_start(self, children, context: _Context) -> int | None: ...

        def _trip_count(
            self, loop, children, tripcount: Pragma | None, context: _Context
        ) -> tuple[int, bool, str | None]: ...

        def _for_trips(self, loop, children, context: _Context) -> tuple[int, int, bool] | None: ...

        def _step(self, increment, variable: str, context: _Context) -> int | None: ...

        def _declared(self, body, seen: frozenset = frozenset()) -> frozenset[str]: ...

        def _constant(self, reference) -> int | None: ...

        def _statements(self, statements, context: _Context, grouped: bool = True) -> list[dict]: ...

        def _apply_arrays(self, pragmas: list[Pragma], context: _Context) -> None: ...

        def _subloops_unroll(self, loop, label: str, body, context: _Context) -> bool: ...

        def _charge_verdicts(
            self, loop, label: str, node: dict, pipelined: dict | None, context: _Context, inside: list[tuple]
        ) -> dict: ...

    def _loop(self, loop, label: str | None, context: _Context, tail=None) -> dict:
        """The node of ``loop``; with ``tail`` (a loop ``fusion.fusable`` with it, its label),
        of both as one loop unrolled with both bodies."""
        if label is None:
            context.unlabelled += 1
            label = f"VITIS_LOOP_{loop.location.line}_{context.unlabelled}"
        saved, self._site = self._site, (loop.location.file.name if loop.location.file else str(self.path),
                                         loop.location.line)  # fmt: skip
        saved_promoted = self._promoted
        self._promoted = saved_promoted | self._promotions(loop, label, context)
        mark = len(self._burst_found)  # the bursts found from here on are inside this loop
        node = self._loop_node(loop, label, context, tail[0] if tail else None)
        self._promoted = saved_promoted
        node["_locals"] = self._declared(loop)  # its variable and body's locals start again each run
        children = list(loop.get_children())
        variable = _loop_variable(children) if loop.kind.name == "FOR_STMT" else None
        inside = loop_body(loop)
        node["_same"], node["_apart"] = copy_reach(inside, variable)
        if tail:  # one loop of both bodies, named for both
            node = fused(node, label, tail, context)
            node["_same"], node["_apart"] = reach_of_both(inside, tail[0], variable)
        self._site = saved
        pipelined = node if node.get("pipeline_ii") is not None else None
        if node.get("_axi"):
            pipelined = _burst_loop(node)
        return self._charge_verdicts(loop, label, node, pipelined, context, self._burst_found[mark:])

    def _promotions(self, loop, label: str, context: _Context) -> frozenset[str]:
        """``promotion.promoted`` of an innermost loop, unless the tool keeps a pipelined loop's
        accesses in memory (``Tool.promotes_in_pipelines``)."""
        if any(inner.kind.name in LOOPS for inner in loop.walk_preorder() if inner != loop):
            return frozenset()
        if not self.tool.promotes_in_pipelines and self._pipeline_pragma(loop, label, context) is not None:
            return frozenset()
        return promoted(loop, context.arrays - context.partitioned - context.axi)

    def _loop_pragmas(self, loop, label: str | None, context: _Context) -> list[Pragma]:
        """The loop's pragmas: those standing in its body, then its directives."""
        body = loop_body(loop)
        pragmas = self.scope_pragmas(body) if body.kind.name == "COMPOUND_STMT" else []
        return pragmas + self.directives.get(f"{context.function}/{label}", [])

    def _pipeline_pragma(self, loop, label: str, context: _Context) -> Pragma | None:
        """The loop's PIPELINE pragma or directive, unless it is ``off``."""
        pragmas = self._loop_pragmas(loop, label, context)
        return next((p for p in pragmas if p.name == "PIPELINE" and "off" not in p.options), None)

    def _loop_node(self, loop, label: str, context: _Context, tail=None) -> dict:
        children, body = list(loop.get_children()), loop_body(loop)
        pragmas = self._loop_pragmas(loop, label, context)
        by_name = {pragma.name: pragma for pragma in pragmas}
        trips, constant, variable = self._trip_count(loop, children, by_name.get("LOOP_TRIPCOUNT"), context)
        inner = [*statements_of(body), *(statements_of(loop_body(tail)) if tail is not None else [])]
        self._apply_arrays(pragmas, context)
        saved = dict(context.ranges)
        if variable is not None and trips > 0:
            start = self._loop_start(children, context)
            step = (self._step(children[2], variable, context) if len(children) == 4 else None) or 1
            if start is not None:  # a loop counting down, or by steps, too
                context.ranges[variable] = loop_range(start, step, trips)
        pipeline = by_name.get("PIPELINE")
        outer_unrolling, outer_carrier = context.unrolling, context.carrier
        if pipeline is not None and "off" not in pipeline.options and not outer_unrolling:
            if not self._subloops_unroll(loop, label, body, context):  # the loop runs plain around them
                pipeline = None
        complete = outer_unrolling or "UNROLL" in by_name and "factor" not in by_name["UNROLL"].options
        saved_unrolled = set(context.unrolled)
        if complete and variable is not None:  # a constant in each copy of the body
            context.unrolled.add(variable)
        context.unrolling = outer_unrolling or pipeline is not None and "off" not in pipeline.options
        context.carrier = outer_carrier if outer_unrolling else variable or ""  # "": a loop without a variable
        outer_modified = context.modified
        if context.unrolling and not outer_unrolling:  # the arrays the pipelined body stores to
            context.modified = stored_names([token.spelling for token in body.get_tokens()])
        test = self._while_test(loop, children, context)
        if test is not None and not test:  # register logic within a state: the body's first block
            inner = [children[0], *inner]
        nodes = [*(test or []), *self._statements(inner, context)]
        if not self.tool.vivado and len([node for node in nodes if "op" not in node or node["latency"]]) == 1:
            nodes = [_inlined_loop(node) for node in nodes]  # a call alone in the body: a perfect nest inlined
        test_states = max(1, sum(node["latency"] for node in test or []))  # and once more to leave
        context.ranges, context.unrolled = saved, saved_unrolled
        context.unrolling, context.carrier, context.modified = outer_unrolling, outer_carrier, outer_modified
        nodes = nodes or [{"op": "empty", "latency": 0}]
        arrays = _arrays_of(nodes)
        same, apart = copy_reach(body, variable)  # arrays every copy reads at one element; at its own
        local = self._declared(loop)  # the variable and the body's locals: again in every copy
        if tail is not None:
            same, apart = reach_of_both(body, tail, variable)
            local |= self._declared(tail)
        if outer_unrolling:  # below a pipelined loop or function: unrolled (UG1399 "pipeline")
            return _unrolled(label, trips, nodes, arrays, same, local, apart)
        within: dict = {"local": self._declared(body), "body": body}  # what a pipelined body is read with
        unroll = by_name.get("UNROLL")
        if unroll is not None:
            factor = unroll.options.get("factor")
            if factor is None:  # complete: every iteration at once, chained through the recurrence
                return self._spread(_unrolled(label, trips, nodes, arrays, same, local, apart), loop, context)
            factor_value = max(1, _arithmetic(factor) or 1)
            if constant and factor_value >= trips:  # a factor that covers every trip unrolls completely
                return _unrolled(label, trips, nodes, arrays, same, local, apart)
            trips = math.ceil(trips / factor_value)
            within["own"] = {variable: factor_value} if variable else {}  # the copies of its own iterations
            nodes = [_unrolled(f"{label} x{factor_value}", factor_value, nodes, arrays, same, local, apart)]
        loops = [node for node in nodes if "op" not in node]
        off = pipeline is not None and "off" in pipeline.options
        if pipeline is not None and not off:
            target = int(_arithmetic(pipeline.options.get("ii", "1")) or 1)
            rewind = {"_rewind": True} if "rewind" in pipeline.options else {}
            return self._pipelined(label, trips, target, nodes, context, constant, **within) | rewind
        if off:  # a short innermost loop is pipelined by being unrolled into its parent (below):
            nodes = [_plain(n["loop"], n["trip_count"], n["body"], True) if self._short(n) else n for n in nodes]
            return _plain(label, trips, nodes, constant, test_states)  # under a parent kept off, it runs plain
        imperfect = any("op" in node for node in nodes)  # statements beside the loops
        short_parent = constant and trips <= self.pipeline_loops
        if short_parent and loops and imperfect and all(self._short(child) for child in loops):
            # Vitis walks a nest up from its innermost loop (UG1399 "Automatic Loop Pipelining"):
            # a short loop under a short parent with statements of its own is unrolled into the
            # parent, which is pipelined, rather than flattened with it (bol-edu's matrixmul: res = 0
            # then Product, 3 trips each: Col pipelined with Product unrolled, Row_Col flattened to
            # 9 trips; under a long parent the pair is flattened: AHLS substring's 4096 x 3)
            return self._pipelined(label, trips, 1, _unroll_short(nodes), context, constant, auto=True, **within)
        flattened = self._flatten(label, trips, constant, nodes, by_name, context)
        if flattened is not None:  # both families flatten a perfect nest around a pipelined loop
            return flattened  # (UG902 and UG1399 "loop_flatten": on by default)
        if self.pipeline_loops == 0:
            return _plain(label, trips, nodes, constant, test_states)
        if not loops:  # innermost: pipelined at II 1 by default
            return self._pipelined(label, trips, 1, nodes, context, constant, auto=True, **within) | {
                "_innermost": True
            }
        if loops and all(self._short(child) for child in loops):
            # short innermost loops are unrolled into their parent, which is pipelined instead
            return self._pipelined(label, trips, 1, _unroll_short(nodes), context, constant, auto=True, **within)
        return _plain(label, trips, nodes, constant, test_states)

    def _while_test(self, loop, children, context: _Context) -> list[dict] | None:
        """A while loop's test, which runs in every iteration and once more to leave: its own
        blocks, whose results the body's effects wait for, when it reads memory or takes more
        than a state (AngeloDamiani's insertion sort, Vivado HLS 2017.2: a float compare of a
        register picked by index, 2 states, then the body's shift, 3 an iteration and 10 x 3 + 2
        the loop); [] for a test of register logic within a state, which joins the body's first
        state as a for loop's test does; None for any other loop."""
        if loop.kind.name != "WHILE_STMT":
            return None
        test = self._statements(children[:1], context, False)
        memory = any(name not in context.partitioned for node in test for name, _ in node.get("_ports", {}))
        return test if memory or sum(node["latency"] for node in test) > 1 else []

    def _short(self, node: dict) -> bool:
        """Whether a node is an innermost loop pipelined by default whose fixed trip count is
        under the automatic pipelining threshold (``config_compile -pipeline_loops``), or a call
        whose loops all are: the tool inlines it first, so its loops are the caller's (UG1399
        "Automatic Loop Pipelining" walks the nest after inlining; aahwu's bit reversal: a
        10-trip helper loop unrolled into the 1024-trip loop calling it, pipelined)."""
        if node.get("_axi"):  # a loop on an m_axi port: the loop (its parent makes the burst)
            return self._short(_burst_loop(node))
        if "region" in node:  # its innermost loops only: above them the walk flattens (ohmy90's DCT)
            loops = [child for child in node["body"] if "op" not in child]
            return (
                node["kind"] == "sequential"
                and not node.get("_axi")
                and bool(loops)
                and all(child.get("_innermost") and self._short(child) for child in loops)
            )
        return bool(node.get("_auto") and node.get("_constant") and "loop" in node
                    and node["trip_count"] <= self.pipeline_loops)  # fmt: skip

    def _unrolled_variables(self, body, context: _Context, complete: bool = False) -> dict[str, int] | None:
        """The variables of the ``for`` loops in a pipelined ``body`` (unrolled under it) and
        their most trips; loops whose variable or trips are unknown are left out, or give None
        when ``complete`` is asked."""
        inner: dict[str, int] = {}
        for nested in body.walk_preorder():
            if nested.kind.name == "FOR_STMT":
                children = list(nested.get_children())
                variable, trips = _loop_variable(children), self._for_trips(nested, children, context)
                if variable and trips:
                    inner[variable] = trips[1]
                elif complete:
                    return None
        return inner

    def _spread(self, node: dict, loop, context: _Context) -> dict:
        """A loop unrolled in sequential code: its copies' accesses to one block RAM share its
        ports (a stream: one beat a state), ``ceil(accesses / (ports x banks))`` states for them
        all, so the last comes that much later than one copy's (the resource constraint of a
        list schedule, as in a pipeline's iteration below)."""
        spread = 1
        per_array: Counter = Counter()
        for (name, _), count in node.get("_ports", {}).items():
            if name not in context.partitioned and name not in context.axi:
                per_array[name] += count
        for name, count in per_array.items():
            if count > 1 and name not in context.streams:  # copies that reach one element share its access
                count = min(count, self._distinct_accesses(loop, name, context) or count)
            ports_of = 1 if name in context.streams else context.ports.get(name, hls_ops.BRAM_PORTS)
            spread = max(spread, math.ceil(count / (ports_of * context.factors.get(name, 1))))
        tree = node.get("_tree", 0)  # the chain's adds keep up with values that arrive a state apart
        return node | {"latency": node["latency"] - tree + max(tree, spread - 1)}

    def _distinct_accesses(self, body, name: str, context: _Context, own: dict[str, int] | None = None) -> int | None:
        """Elements of ``name`` one iteration of a pipelined ``body`` reads and writes, its
        nested loops unrolled and, for a loop unrolled by a factor, its own copies (``own``:
        its variable and the factor; copy c sees the variable c steps on) (``hls_banks.distinct_elements``)."""
        inner = self._unrolled_variables(body, context, complete=True)
        if inner is None:
            return None
        inner = (own or {}) | inner
        found = hls_verdicts.sites(body, {name}, True)
        local = self.object_macros | hls_verdicts.definitions(body)
        return hls_banks.distinct_elements(found, inner, local) if found else None

    def _pipelined(
        self,
        label: str,
        trips: int,
        target: int,
        nodes: list[dict],
        context: _Context,
        constant: bool,
        auto=False,
        local: frozenset[str] = frozenset(),
        body=None,
        own: dict[str, int] | None = None,
    ) -> dict:
        """A pipelined loop: II = max(target, memory ports, recurrence through values not
        declared in its body, ``local``); the iteration latency is the body's, every nested
        loop unrolled, and the copies of its own iterations if it is unrolled by a factor (``own``);
        a body ending on a core's result at a state boundary spends one more state taking it, as
        a sequential one does (``nest._plain``; enzobelline's inner product: II 1, iteration 5)."""
        ports = _unrolled_ports(nodes)
        recurrences: dict[str, float] = {}
        for node in _walk(nodes):
            for name, length in node.get("_recurrences", {}).items():
                if name.split(".")[0] not in local:  # a value declared in the body starts again every iteration
                    recurrences[name] = max(recurrences.get(name, 0.0), length)
        recurrence = max(recurrences.values(), default=0.0)
        ii = max(target, math.ceil(recurrence - 1e-9))
        if ii > target and not self.use_min:
            value = max(recurrences, key=lambda name: recurrences[name])
            reason = f"recurrence: '{value}' is read and written again {recurrence:.2f} states later"
            self.conflicts[(*self._site, value)] = hls_verdicts.Conflict(value, label, ii, reason, *self._site)
        per_array: Counter = Counter()
        spread = 1  # the most cycles one iteration's accesses to one memory take on its ports
        for (name, _), count in ports.items():
            if name in context.partitioned:
                continue
            if name in context.axi:  # one beat per cycle each way, consecutive elements widened into one
                widen = self.widen.get(context.aliases.get(name, name), self.widen_bits)
                bits = context.axi_bits.get(name, 32)
                ii = max(ii, math.ceil(count * bits / widen) if widen > bits else count)
            elif name in context.streams:  # one beat per cycle each way, on each stream it is split into
                ii = max(ii, math.ceil(count / context.factors.get(name, 1)))
            else:
                per_array[name] += count  # a block RAM's reads and writes share its ports
        owned = context.local_arrays | {context.aliases.get(name, name) for name in context.local_arrays}
        for name, count in per_array.items():
            if self.tool.throughput_partition and name.split(".")[0] in owned and name not in context.ports:
                continue  # partitioned by the tool as far as the target II needs (throughput-driven)
            if body is not None and count > 1:  # copies that reach one element share its access
                count = min(count, self._distinct_accesses(body, name, context, own) or count)
            ports_of = context.ports.get(name, hls_ops.BRAM_PORTS)
            bound = math.ceil(count / (ports_of * context.factors.get(name, 1)))
            if bound > max(ii, target) and not self.use_min:
                banks = context.factors.get(name, 1)
                reason = f"{count} accesses an iteration on {ports_of} port(s) x {banks} bank(s)"
                self.conflicts[(*self._site, name)] = hls_verdicts.Conflict(name, label, bound, reason, *self._site)
            ii = max(ii, bound)
            spread = max(spread, bound)
        # an iteration whose accesses to one memory outnumber its ports spreads them over that
        # many cycles, so its last access comes that much later (a modulo schedule's resource
        # constraint: n accesses on p ports take ceil(n / p) distinct cycles; UG1399
        # "Optimizing for Throughput", port limits on a pipelined loop's memory accesses)
        settle = 1 if nodes and nodes[-1].get("_settle") else 0
        waited = max((node.get("_port_waits", 0) for node in nodes), default=0)  # spread by the blocks already
        iteration = max(1, _iteration_latency(nodes)) + max(0, spread - 1 - waited) + settle
        node = {
            "loop": label,
            "trip_count": trips,
            "pipeline_ii": ii,
            "iteration_latency": iteration,
            "body": nodes,
            "_auto": auto,
            "_constant": constant,
            "_arrays": _arrays_of(nodes),
            "_recurrence": recurrence,
            "_recurrences": recurrences,
            "_ports": dict(ports),
        }
        axi = {name for name, _ in ports if name in context.axi}
        if axi:  # an m_axi port in a pipelined loop: one burst each way, its latency paid once
            ways = frozenset(way for name, way in ports if name in context.axi)
            return self._burst_region(label, node, ways)
        return node

    def _burst_region(self, label: str, loop: dict, ways: frozenset[str]) -> dict:
        """A pipelined loop on m_axi ports as one burst each way, its latency paid once: before
        the first beat of a read, after the last beat of a write (the write response: Vitis
        reports wzzz724's dataflow vector add at 4096 beats + a read's 64 + a write's 64 + 18),
        both in a loop that reads and writes (songqij's vertical filter: a read and a write of
        64 cycles each in its loop's 144-cycle iteration)."""
        latency = {"op": "m_axi latency", "latency": self.axi_latency}
        body = [latency] * ("r" in ways) + [loop] + [dict(latency)] * ("w" in ways)
        return {"region": f"{label} (burst)", "kind": "sequential", "_arrays": loop["_arrays"], "_axi": True,
                "_axi_ways": ways, "body": body}  # fmt: skip

    def _flatten(self, label: str, trips: int, constant: bool, nodes: list[dict], by_name, context) -> dict | None:
        """Vitis flattens a nest whose only loop is pipelined, both of fixed trip count, into one
        pipelined loop (LOOP_FLATTEN is on by default); the statements around the inner loop
        become predicated, and an accumulator reset per outer iteration adds a select to the
        recurrence."""
        flatten = by_name.get("LOOP_FLATTEN")
        if flatten is not None and "off" in flatten.options:
            return None
        loops = [node for node in nodes if "op" not in node]
        if len(loops) == 1 and loops[0].get("_axi"):
            # a pipelined loop on an m_axi port: the nest flattens around it and its burst runs on
            # across the outer iterations (Vitis reports it at the outermost loop the nest keeps:
            # tests/data/hls_bursts/cs133_vec_loads, bursts of 16 x 256 x 25 weights)
            inner = _burst_loop(loops[0])
            others = [node if node is not loops[0] else inner for node in nodes]
            flattened = self._flatten(label, trips, constant, others, by_name, context)
            if flattened is None:
                return None
            region = self._burst_region(flattened["loop"], flattened, loops[0]["_axi_ways"])
            if "no burst" in loops[0]["region"]:  # the inner loop's verdict stands for the nest
                region["region"] = region["region"].replace("(burst)", "(m_axi, no burst)")
            return region
        if len(loops) != 1 or "loop" not in loops[0] or loops[0]["pipeline_ii"] is None or not constant:
            return None
        child = loops[0]
        if not child.get("_constant"):
            return None
        outside = [node for node in nodes if node is not child]
        if outside and self.tool.vivado:  # Vivado HLS flattens perfect nests only (UG902 "Loop Flatten")
            return None
        if any(node.get("_arrays", set()) & (context.streams | context.axi) for node in outside):
            return None  # a stream or bus access outside the inner loop cannot be predicated
        ii = child["pipeline_ii"]
        if outside and child.get("_recurrence", 0) >= 2:
            ii += 1
        iteration = child["iteration_latency"] + sum(node.get("latency", 0) for node in outside)
        return {
            "loop": f"{label}_{child['loop']}",
            "trip_count": trips * child["trip_count"],
            "pipeline_ii": ii,
            "iteration_latency": iteration,
            "body": child["body"],
            "_auto": child.get("_auto", False),
            "_constant": True,
            "_arrays": _arrays_of(nodes),
            "_recurrence": child.get("_recurrence", 0.0),
            "_recurrences": child.get("_recurrences", {}),
            "_ports": child.get("_ports", {}),
            "_flattened": True,
        }
