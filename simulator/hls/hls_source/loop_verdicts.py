"""The burst and bank-conflict verdicts of a loop's accesses, charged to its node.

A loop's m_axi accesses get ``hls_verdicts``'s burst verdicts (in a pipelined loop a failed
burst raises the II to the AXI round trip over the outstanding requests; in a loop that is not
pipelined each such read waits the round trip); its unrolled accesses at a run-time offset into
a partitioned array share the array's ports with every copy. A flattened nest keeps its
pipelined loop's bursts, reported at the outermost loop they run on across.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.hls import hls_banks, hls_ops, hls_verdicts
from simulator.hls.hls_source.context import _Context
from simulator.hls.hls_source.cursors import _loop_variable
from simulator.hls.hls_source.evaluation import loop_range


class LoopVerdicts:
    """The ``SourceReader`` methods that give a loop's verdicts. Expects on ``self``: ``path``,
    ``use_min``, the m_axi settings ``axi_latency`` (scheduled), ``round_trip`` (charged) and
    ``outstanding``, the verdicts found
    (``bursts``, ``conflicts``), ``_constant`` (``evaluation``), the trip counts of
    ``trips.TripCounts`` and ``_unrolled_variables`` (``loops.LoopWalk``)."""

    path: Path
    use_min: bool
    axi_latency: int
    round_trip: int
    outstanding: int
    charge_transactions: bool
    dim_banks: dict[str, dict[int, tuple[str, int]]]  # the partitions of each array, by dimension
    _burst_runs: dict[tuple, int]  # a burst's length in its pipelined loop, before it spans a nest
    _burst_levels: dict[tuple, list[Level]]  # the loops a burst covers, outermost first
    _burst_found: list[tuple]  # the bursts' keys in the order their loops were read
    bursts: dict[tuple, hls_verdicts.Burst]
    conflicts: dict[tuple, hls_verdicts.Conflict]
    bundles: dict[str, str]  # an m_axi port -> the bundle an INTERFACE pragma names

    if TYPE_CHECKING:

        def _loop_start(self, children, context: _Context) -> int | None: ...

        def _for_trips(self, loop, children, context: _Context) -> tuple[int, int, bool] | None: ...

        def _step(self, increment, variable: str, context: _Context) -> int | None: ...

        def _constant(self, reference) -> int | None: ...

        def _decider(self, context: _Context, own: dict[str, tuple[int, int]]): ...

        def _unrolled_variables(self, body, context: _Context, complete: bool = False) -> dict[str, int] | None: ...

        def scope_pragmas(self, body) -> list: ...

    def _charge_verdicts(
        self, loop, label: str, node: dict, pipelined: dict | None, context: _Context, inside: list[tuple]
    ) -> dict:
        """Burst verdicts of the loop's m_axi accesses and bank conflicts of its partitioned
        arrays (``hls_verdicts``), charged: in a pipelined loop an access that is its own
        transaction raises the II to the AXI round trip over the outstanding requests, an
        access whose bank is unknown shares the array's ports with every copy; in a loop that
        is not pipelined each such read waits the round trip. The bursts of the loops
        ``inside`` it (their keys) are lifted to a loop that is not pipelined (``_lift``)."""
        children = list(loop.get_children())
        body = children[-1] if loop.kind.name != "DO_STMT" else children[0]
        variable = _loop_variable(children) if loop.kind.name == "FOR_STMT" else None
        step = (self._step(children[2], variable, context) if variable and len(children) == 4 else None) or 1
        inner = (self._unrolled_variables(body, context) if pipelined is not None else None) or {}
        where = (loop.location.file.name if loop.location.file else str(self.path), loop.location.line)
        # a flattened nest keeps the bursts its pipelined loop was found to have (they run on
        # across the outer iterations): its outer loops' variables are no unrolled copies
        flattened = pipelined is not None and pipelined.get("_flattened")
        if pipelined is not None and not flattened:  # the loops it holds are unrolled into it: their
            first, last = loop.extent.start.line, loop.extent.end.line  # verdicts are its own
            for key in [k for k in self.conflicts if k[0] == where[0] and first < k[1] <= last]:
                del self.conflicts[key]
        start = self._loop_start(children, context)
        unrolled = node.get("_copies") if pipelined is None else None  # unrolled completely: straight-line
        fixed = (pipelined or node).get("_constant") or unrolled  # else a run-time bound: no known trips
        trips = pipelined["trip_count"] if pipelined is not None else node.get("trip_count", unrolled)
        own = {variable: loop_range(start, step, trips)} if variable and start is not None and fixed and trips else {}
        decide = self._decider(context, own)
        sites = hls_verdicts.sites(body, context.axi | set(context.factors), pipelined is not None, decide)
        axi_sites = [] if flattened else [site for site in sites if site.array in context.axi]
        if flattened and pipelined is not None and not self.use_min:
            self._span_bursts(loop, label, pipelined["trip_count"], context)
        changed = hls_verdicts.changed_names(body) - {variable}
        verdicts = hls_verdicts.burst_verdicts(
            axi_sites, label, variable, step, trips, inner, changed, start if unrolled else None
        )
        verdicts = [replace(verdict, port=context.roots.get(verdict.port, verdict.port)) for verdict in verdicts]
        verdicts = self._one_burst_per_bundle(axi_sites, verdicts, bool(unrolled))
        if pipelined is None and not self.use_min:
            self._lift(loop, label, variable, step, node, inside, context)
        for site, verdict in zip(axi_sites, verdicts) if not self.use_min else ():
            key = (site.file, site.line, site.column, site.direction, verdict.port)
            self.bursts[key] = verdict
            self._burst_found.append(key)
            if verdict.inferred and variable is not None and start is not None:
                deeper = [(name, 0, 1, count) for name, count in inner.items() if name in site.tokens]
                self._burst_levels[key] = [(variable, start, step, trips if fixed else None), *deeper]
        failed = [verdict for verdict in verdicts if not verdict.inferred]
        if failed and node.get("_axi"):  # the m_axi latency is paid as the loop starts all the same
            node["region"] = node["region"].replace("(burst)", "(m_axi, no burst)")
        single = hls_verdicts.single_transaction_ii(self.round_trip, self.outstanding)
        if pipelined is not None:
            target = pipelined["pipeline_ii"]
            raised: list[tuple[str, int, str]] = []
            per_port = Counter(verdict.port for verdict in failed) if self.charge_transactions else Counter()
            for port, count in per_port.items():
                reason = next(v.reason for v in failed if v.port == port)
                trip = f"{self.round_trip}-cycle round trip / {self.outstanding} outstanding"
                why = f"{count} access(es) without a burst ({reason}), each a transaction: {trip}"
                raised.append((port, count * single, why))
            ports = pipelined.get("_ports", {})
            local = hls_verdicts.definitions(body)
            loops = set(context.ranges)
            for name, factor in context.factors.items():
                mine = [site for site in sites if site.array == name]
                known = context.env | self._constants_in(body)
                unknown = [site for site in mine if not hls_banks.banks_known(
                    site, factor, variable, inner, loops, local, known)]  # fmt: skip
                if factor > 1 and unknown and inner and not flattened and name not in context.axi:

                    def copies(found) -> int:
                        expanded = [hls_verdicts.expand(site.tokens, local) for site in found]
                        return sum(math.prod(n for v, n in inner.items() if v in tokens) for tokens in expanded)

                    count = max(  # the body's accesses but those at known banks, or the unknown sites' copies
                        sum(c for (array, _), c in ports.items() if array == name)
                        - copies(site for site in mine if site not in unknown),
                        copies(unknown),
                    )
                    ii = math.ceil(count / context.ports.get(name, hls_ops.BRAM_PORTS))
                    raised.append((name, ii, f"{count} accesses at a run-time offset into an array partitioned by "
                                   f"{factor}: their banks are not known, every bank is reachable"))  # fmt: skip
                banking = self.dim_banks.get(name) or self.dim_banks.get(context.aliases.get(name, name))
                unrolled = None if flattened else self._complete_copies(body, context)
                if factor > 1 and mine and not unknown and unrolled and banking and name not in context.axi:
                    busiest = hls_banks.busiest_bank(mine, banking, unrolled, local)
                    if busiest:  # copies whose partitioned index is one run-time value share a bank
                        ii = math.ceil(busiest / context.ports.get(name, hls_ops.BRAM_PORTS))
                        raised.append((name, ii, f"{busiest} accesses an iteration reach one bank of an array "
                                       f"partitioned by {factor}"))  # fmt: skip
            for array, ii, reason in raised:
                if ii <= target:
                    continue
                pipelined["pipeline_ii"] = max(pipelined["pipeline_ii"], ii)
                if not self.use_min:
                    self.conflicts[(*where, array)] = hls_verdicts.Conflict(array, label, ii, reason, *where)
        reads = [verdict for verdict in failed if verdict.direction == "read"]
        if pipelined is None and reads and node.get("loop"):
            wait = {"op": "m_axi read (no burst)", "latency": self.axi_latency * len(reads)}
            node["body"] = [*node["body"], wait]
        return node

    def _one_burst_per_bundle(
        self, sites: list, verdicts: list[hls_verdicts.Burst], merged: bool
    ) -> list[hls_verdicts.Burst]:
        """The accesses of one loop that would burst, on a bundle that another access of the loop
        in the same direction shares (another port, or another address of it): none bursts
        (UG1399 "Preconditions and Limitations of Burst Transfer": same-direction accesses on
        one bundle in one region get no burst; 214-224 in the log: Ritarka's residual add reads
        the skip input and the output map on one bundle). The copies of a loop unrolled
        completely (``merged``) that burst together are one access. Only bundles an INTERFACE
        pragma names: which ports a release groups by default differs."""
        found: dict[tuple[str, str], set] = {}
        for site, verdict in zip(sites, verdicts):
            bundle = self.bundles.get(verdict.port)
            if bundle:
                access = verdict.port if merged and verdict.inferred else (verdict.port, site.tokens)
                found.setdefault((bundle, verdict.direction), set()).add(access)
        crowded = {key for key, accesses in found.items() if len(accesses) > 1}
        reason = "another {} of the loop shares its bundle '{}': no burst for either"
        return [
            replace(verdict, inferred=False, length=None, reason=reason.format(verdict.direction, bundle))
            if verdict.inferred and ((bundle := self.bundles.get(verdict.port, "")), verdict.direction) in crowded
            else verdict
            for verdict in verdicts
        ]

    def _lift(self, loop, label: str, variable: str | None, step: int, node: dict, inside: list[tuple],
              context: _Context) -> None:  # fmt: skip
        """Lift the bursts of the loops this loop (not pipelined) runs to this loop, as Vitis HLS
        widens an inner loop's burst to the loop around it (UG1399 "Optimizing Burst Transfers":
        a burst may span the iterations of an outer loop when they walk the array in address
        order): each iteration runs the inner burst unconditionally and starts at the element
        after the previous one's last. Where that fails, the burst stays at the inner loop and
        this loop gets the failure, as the log prints it (214-229 "Could not analyze pattern",
        214-232 "Access ... is in the conditional branch"); a burst that stops there is not
        lifted further."""
        if not inside:
            return
        children = list(loop.get_children())
        body = children[-1] if loop.kind.name != "DO_STMT" else children[0]
        found = {(site.file, site.line, site.column, site.direction): site
                 for site in hls_verdicts.sites(body, context.axi, True, self._decider(context, {}))}  # fmt: skip
        start = self._loop_start(children, context)
        trips = node.get("trip_count") if node.get("_constant") else None
        for key in dict.fromkeys(inside):
            burst, levels = self.bursts.get(key), self._burst_levels.pop(key, None)
            site = found.get(key[:4])
            if burst is None or not burst.inferred or levels is None or site is None:
                continue
            lifted = [(variable, start, step, trips), *levels] if variable is not None and start is not None else None
            reason = None
            if site.conditional:
                reason = "the access is in a conditional branch"
            elif levels[0][3] is None:  # a run-time bound: the inner loop is entered under a test
                reason = "the inner loop's trip count is a run-time value: its burst is in a conditional branch"
            elif lifted is None or not _in_address_order(site.tokens, lifted, context.env):
                reason = "the address pattern cannot be analysed: an iteration does not start after the one before"
            if reason is not None or lifted is None:
                self.bursts[(*key, label)] = replace(
                    burst, loop=label, inferred=False, length=None, reason=reason, within=burst.loop
                )
                continue
            length = burst.length * trips if burst.length is not None and trips is not None else None
            where = burst.loop if trips == 1 else label  # a loop of one trip is gone from the report
            self.bursts[key] = replace(burst, loop=where, length=length)
            self._burst_levels[key] = lifted
            self._burst_found.append(key)

    def _complete_copies(self, body, context: _Context) -> dict[str, int] | None:
        """The variables of the loops a pipelined ``body`` unrolls and their trips, when every
        one of them is unrolled completely (no ``UNROLL factor``) with known trips; else None."""
        for nested in body.walk_preorder():
            if nested.kind.name in ("FOR_STMT", "WHILE_STMT", "DO_STMT"):
                inside = list(nested.get_children())[-1 if nested.kind.name != "DO_STMT" else 0]
                pragmas = self.scope_pragmas(inside) if inside.kind.name == "COMPOUND_STMT" else []
                if any(pragma.name == "UNROLL" and "factor" in pragma.options for pragma in pragmas):
                    return None
        return self._unrolled_variables(body, context, complete=True)

    def _span_bursts(self, loop, label: str, flattened_trips: int, context: _Context) -> None:
        """The inferred bursts of a flattened nest's pipelined loop that run on across this
        outer loop's iterations (each level's next iteration starts at the element after the
        inner levels' last: the nest walks the array in address order) are reported at this
        loop, their length the nest's elements, as Vitis reports them at the outermost loop."""
        levels = []  # (variable, start, step, trips) of this loop and the for loops in it
        labels = [label]  # of this loop and the labelled loops in it, in the same order
        for nested in loop.walk_preorder():
            if nested.kind.name == "LABEL_STMT" and nested != loop:
                labels.append(nested.spelling)
            if nested.kind.name != "FOR_STMT":
                continue
            children = list(nested.get_children())
            variable, start = _loop_variable(children), self._loop_start(children, context)
            step = self._step(children[2], variable, context) if variable and len(children) == 4 else None
            trips = self._for_trips(nested, children, context)
            if variable is None or start is None or not step or trips is None or trips[0] != trips[1]:
                return
            levels.append((variable, start, step, trips[1]))
            if math.prod(level[3] for level in levels) >= flattened_trips:  # the pipelined loop: the
                break  # loops inside it are unrolled into it
        labels = labels[: len(levels)]
        first, last = loop.extent.start.line, loop.extent.end.line
        found = hls_verdicts.sites(loop, context.axi, True, self._decider(context, {}))
        for key, burst in list(self.bursts.items()):
            if not (burst.inferred and burst.length and key[0] == burst.file and first < key[1] <= last):
                continue
            site = next((s for s in found if (s.file, s.line, s.column) == key[:3]), None)
            if site is None or not _in_address_order(site.tokens, levels, context.env):
                continue
            nest = math.prod(trips for *_, trips in levels[:-1])  # the pipelined loop's own trips are in length
            # a loop of one trip is gone from the report: the burst is at the outermost one that runs more
            outer = next((k for k, level in enumerate(levels) if level[3] > 1), 0)
            where = labels[outer] if len(labels) == len(levels) else label
            base = self._burst_runs.setdefault(key, burst.length)  # the pipelined loop's
            self.bursts[key] = replace(burst, loop=where, length=base * nest)
            spans: list[Level] = list(levels)
            self._burst_levels[key] = spans  # an outer loop may lift it further (``_lift``)

    def _constants_in(self, body) -> dict[str, int]:
        """The names ``body`` reads whose values are known before it runs (const and global
        integers: a ``constexpr`` lane count)."""
        found = {}
        for cursor in body.walk_preorder():
            if cursor.kind.name == "DECL_REF_EXPR" and cursor.spelling not in found:
                value = self._constant(cursor)
                if value is not None:
                    found[cursor.spelling] = value
        return found


Level = tuple[str, int, int, "int | None"]  # a loop's variable, start, step and trips (None: a run-time bound)


def _in_address_order(tokens: tuple[str, ...], levels: Sequence[Level], known: dict) -> bool:
    """Whether an index walks one element further at every step of the loop nest ``levels``
    (outermost first: variable, start, step, trips): each level's next iteration starts one
    element after the deeper levels' last one (run-time names held at a fixed value). The
    outermost level's trips do not matter but for one trip; a deeper level of unknown trips
    is no order."""
    if any(trips is None for *_, trips in levels[1:]):
        return False
    names = hls_verdicts._names(tokens) - {variable for variable, *_ in levels}
    env = {name: known.get(name, 7) for name in names}
    starts = {variable: start for variable, start, _, _ in levels}
    for depth, (variable, start, step, trips) in enumerate(levels[:-1]):
        if trips == 1:  # no next iteration to start in order (a loop of one trip is gone)
            continue
        deeper = levels[depth + 1 :]
        lasts = starts | {v: s + st * (t - 1) for v, s, st, t in deeper if t is not None}
        before = hls_verdicts._evaluate(tokens, env | lasts)
        after = hls_verdicts._evaluate(tokens, env | starts | {variable: start + step})
        if before is None or after is None or after != before + 1:
            return False
    return True
