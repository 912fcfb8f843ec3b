"""How many times a loop runs: its trip count, start and step.

A ``for`` loop whose start, bound and step are known values has that count; else a
LOOP_TRIPCOUNT pragma or directive gives it (its max, or its min for the smallest nest); else
the ``for`` loop's start, bound and step, each evaluated over the ranges of the enclosing loop
variables; else, for a bound known only at run time, the most trips that keep
the loop's accesses inside their arrays (with a warning); else unknown, as csynth prints it:
'?', the latency with it (the smallest nest, run 0 times, gives its lower bound).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from simulator.hls import hls_verdicts
from simulator.hls.hls_source.context import _Context
from simulator.hls.hls_source.cursors import (
    CASTS,
    _comma_parts,
    _initializer,
    _is_operator_ref,
    _loop_variable,
    _operator,
)
from simulator.hls.hls_source.evaluation import _arithmetic
from simulator.hls.hls_source.pragmas import Pragma


class TripCounts:
    """The ``SourceReader`` methods that count a loop's trips. Expects on ``self``:
    ``use_min`` (read the smallest nest), ``warnings``, ``evaluate`` and ``_bound_range``
    (``evaluation.Evaluation``), ``_fail`` and ``_where`` (``reader``)."""

    use_min: bool
    ranged: bool  # a choice the smallest nest makes differently was met (``api.read_source_verdicts``)
    warnings: list[str]
    unknown_trips: list[str]  # where a loop's trip count is not known ('?' in csynth)
    args: dict[str, int]  # the top's run-time arguments bound for the estimate (``--arg``)

    if TYPE_CHECKING:

        def evaluate(self, cursor, env: dict[str, int]) -> int | None: ...

        def _bound_range(self, cursor, context: _Context) -> tuple[int, int] | None: ...

        def _fail(self, cursor, what: str) -> NoReturn: ...

        def _where(self, cursor) -> str: ...

        def _sets(self, declaration) -> int | None: ...

    def _loop_start(self, children, context: _Context) -> int | None:
        """The loop variable's first value: its declaration's (``int i = 0``) or assignment's
        (``i = 0``, ``k = N - 1, s = 0``), a ``while`` loop's counter's declaration, when known."""
        counter = self._while_counter(children, context)
        if counter is not None:
            return self.evaluate(_initializer(counter[0]), context.env)
        if len(children) != 4:
            return None
        init = children[0]
        if init.kind.name == "DECL_STMT":
            value = _initializer(next(init.get_children()))
        elif init.kind.name == "BINARY_OPERATOR":
            variable = _loop_variable(children)
            parts = [part for part in _comma_parts(init) if len(part) == 2 and part[0].spelling == variable]
            value = parts[0][1] if parts else None
        else:
            return None
        return self.evaluate(value, context.env) if value is not None else None

    def _trip_count(self, loop, children, tripcount: Pragma | None, context: _Context) -> tuple[int, bool, str | None]:
        """(trip count, fixed, loop variable): LOOP_TRIPCOUNT's max (min with ``use_min``) or
        the bounds' (range over the enclosing loops, as csynth reports a variable bound)."""
        variable = _loop_variable(children) if loop.kind.name == "FOR_STMT" else None
        trips = self._for_trips(loop, children, context) if loop.kind.name == "FOR_STMT" else None
        counter = self._while_counter(children, context) if loop.kind.name == "WHILE_STMT" else None
        if counter is not None:
            variable = counter[0].spelling
            start = self._bound_range(_initializer(counter[0]), context)
            trips = self._counted(start, children[0], counter[1], variable, context)
        elif loop.kind.name == "WHILE_STMT":
            walked = self._table_walk(children, context)
            if walked is not None:
                variable, trips = walked[0], (walked[1], walked[1], True)
        if trips is not None and trips[2]:
            # a bound known where the loop starts (a constant, or an argument bound by the
            # caller): LOOP_TRIPCOUNT is for analysis only and does not replace it (UG1399,
            # "pragma HLS loop_tripcount")
            self.ranged |= trips[0] != trips[1]
            return (trips[0] if self.use_min else trips[1]), True, variable
        if tripcount is not None:
            self.ranged |= tripcount.options.get("min", "0") != tripcount.options.get("max")
            # an option left out: min is 0, as csynth prints a max-only count ('0 ~ 10',
            # AngeloDamiani/es_vivadohls_cfiles RTL_InsertionSort, Vivado HLS 2017.2)
            key = "min" if self.use_min else "max"
            value = tripcount.options.get(key) or ("0" if self.use_min else tripcount.options.get("avg"))
            number = _arithmetic(value or "")
            if number is None:
                self._fail(loop, f"LOOP_TRIPCOUNT {key}={value!r} is not a number")
            return number, False, variable
        if trips is None and variable is not None:
            trips = self._extent_trips(loop, children, variable, context)
        if trips is None:  # csynth prints '?' for such a loop's trips and every latency above it
            where = self._where(loop)
            if where not in self.unknown_trips:
                self.unknown_trips.append(where)
                self.warnings.append(
                    f"{where}: the loop's bound is a run-time value and no LOOP_TRIPCOUNT gives its range: "
                    "its trip count and the latency are '?' (as csynth prints them); its II and iteration "
                    "latency stand; add #pragma HLS LOOP_TRIPCOUNT min=.. max=.. or bind the bound with --arg"
                )
            trips = (0, 1, False)  # the smallest nest runs it 0 times: the latency's lower bound
        low, high, fixed = trips
        self.ranged |= low != high
        return (low if self.use_min else high), fixed, variable

    def _subloops_unroll(self, loop, label: str, body, context: _Context) -> bool:
        """Whether every loop nested in the ``body`` of a loop to pipeline (not in a function it
        calls) has a trip count known at compile time. Not for a bound that is a run-time value
        (a top argument, even one bound with --arg for the estimate; a value set at run time;
        the pipelined loop's own variable), nor a while loop that does not count. Pipelining
        unrolls every nested loop, and such a one cannot be: Vitis HLS warns "Unable to satisfy
        pipeline directive ... contains subloop(s) that are not unrolled" (SCHED 204-65) and
        leaves the loop plain, its sub-loops loops of their own; so does this, with a warning."""
        nested_variables = set()
        for nested in body.walk_preorder():
            if nested.kind.name == "FOR_STMT":
                nested_variables.add(_loop_variable(list(nested.get_children())))
        env = {name: value for name, value in context.env.items() if name not in self.args}
        known = _Context(context.function, env, ranges=dict(context.ranges))
        for nested in body.walk_preorder():
            kind = nested.kind.name
            if kind not in ("FOR_STMT", "WHILE_STMT", "DO_STMT"):
                continue
            children = list(nested.get_children())
            if kind == "FOR_STMT" and len(children) == 4:
                names = {token.spelling for token in children[1].get_tokens()} - {_loop_variable(children)}
                if names & nested_variables:  # bounded by another unrolled loop: a constant in each copy
                    continue
                trips = self._for_trips(nested, children, known)
                if trips is not None and trips[0] == trips[1]:
                    continue
            elif kind == "WHILE_STMT" and self._while_counter(children, known) is not None:
                continue  # a counting while loop: unrolled as a for loop is
            self.warnings.append(
                f"{self._where(loop)}: unable to satisfy the pipeline directive of loop '{label}': its sub-loop at "
                f"{self._where(nested)} has a run-time trip count and is not unrolled (SCHED 204-65)"
            )
            return False
        return True

    def _extent_trips(self, loop, children, variable: str, context: _Context) -> tuple[int, int, bool] | None:
        """(0, most trips, False) of a loop bounded by a run-time value: the most iterations
        for which every access the loop variable indexes stays inside its array (C leaves any
        more undefined), as a range the tool would print as its min ~ max; None when no
        access bounds it. A warning says what was assumed."""
        if len(children) != 4:
            return None
        start = self._loop_start(children, context)
        step = self._step(children[2], variable, context)
        if start is None or not step or step < 0:
            return None
        most = None
        for cursor in children[3].walk_preorder():
            if cursor.kind.name != "ARRAY_SUBSCRIPT_EXPR":
                continue
            base, index = list(cursor.get_children())
            while base.kind.name in CASTS and list(base.get_children()):
                base = next(base.get_children())
            extent = base.type.element_count if base.type.kind.name == "CONSTANTARRAY" else 0
            tokens = tuple(token.spelling for token in index.get_tokens())
            if not extent or variable not in tokens:
                continue
            env = dict(context.env)
            first = hls_verdicts._evaluate(tokens, env | {variable: start})
            second = hls_verdicts._evaluate(tokens, env | {variable: start + step})
            if first is None or second is None or second <= first or first >= extent:
                continue
            trips = (extent - 1 - first) // (second - first) + 1
            most = trips if most is None else min(most, trips)
        if most is None:
            return None
        assumed = f"assumed 0 to {most} trips, the most that keep its accesses inside their arrays"
        self.warnings.append(f"{self._where(loop)}: loop bound is a run-time value without LOOP_TRIPCOUNT; {assumed}")
        return 0, most, False

    def _for_trips(self, loop, children, context: _Context) -> tuple[int, int, bool] | None:
        if len(children) != 4:
            return None
        init, condition, increment, _ = children
        variable, start = None, None
        if init.kind.name == "DECL_STMT":
            declaration = next(init.get_children())
            variable = declaration.spelling
            value = _initializer(declaration)
            start = self._bound_range(value, context) if value is not None else None
        elif init.kind.name == "BINARY_OPERATOR":  # i = 0, or a comma's list (n = 0, tmp = 0)
            assignments = _comma_parts(init)
            tested = {token.spelling for token in condition.get_tokens()}
            chosen = next((part for part in assignments if part[0].spelling in tested), assignments[0])
            if len(chosen) == 2:
                variable, start = chosen[0].spelling, self._bound_range(chosen[1], context)
        return self._counted(start, condition, increment, variable, context)

    def _while_counter(self, children, context: _Context) -> tuple[Any, Any] | None:
        """A ``while`` loop that counts: (the counter's declaration, its step) when the condition
        compares a local declared with a value (``int e = 0``) and the one place the function
        changes that local is a statement of the loop's body stepping it (``e = e + 1``,
        ``e++``): the tool counts its trips as a ``for`` loop's (robertszafa's maximal
        matching, a ``while (e < EDGES)`` of 1000 trips in its Vivado HLS report)."""
        if len(children) != 2 or children[1].kind.name != "COMPOUND_STMT":
            return None
        condition = children[0]
        while condition.kind.name in CASTS and len(list(condition.get_children())) == 1:
            condition = next(condition.get_children())
        operands = [child for child in condition.get_children() if not _is_operator_ref(child)]
        if condition.kind.name != "BINARY_OPERATOR" or len(operands) != 2:
            return None
        left = operands[0]
        while left.kind.name in CASTS and list(left.get_children()):
            left = next(left.get_children())
        declaration = left.referenced if left.kind.name == "DECL_REF_EXPR" else None
        if declaration is None or declaration.kind.name != "VAR_DECL" or _initializer(declaration) is None:
            return None
        if self._sets(declaration) != 1:
            return None
        variable = declaration.spelling
        steps = [s for s in children[1].get_children() if self._step(s, variable, context) not in (None, 0)]
        return (declaration, steps[0]) if len(steps) == 1 else None

    def _table_walk(self, children, context: _Context) -> tuple[str, int] | None:
        """(counter, trips) of a while loop that walks a table nothing writes until a test of its
        element fails (``while (text[n] != '\\0') { ...; n++; }``, ``n`` a local set from a
        constant and stepped once in the body): LLVM's scalar evolution evaluates such an exit
        test element by element (a load from a constant array compared with a constant), so the
        tool knows the trips (thallesmcs's hello world: 13 for a 13-character string)."""
        condition, body = children[0], children[1]
        for name in sorted({token.spelling for token in condition.get_tokens()}):
            declaration = next((c.referenced for c in condition.walk_preorder()
                                if c.kind.name == "DECL_REF_EXPR" and c.spelling == name), None)  # fmt: skip
            if declaration is None or declaration.kind.name != "VAR_DECL" or self._sets(declaration) != 1:
                continue
            steps = [s for s in body.get_children() if self._step(s, name, context) not in (None, 0)]
            first = self.evaluate(_initializer(declaration), context.env) if _initializer(declaration) else None
            if len(steps) != 1 or first is None:
                continue
            step = self._step(steps[0], name, context) or 0
            for trips in range(1 << 16):  # at most a table's length: an element past it is unknown
                value = self.evaluate(condition, context.env | {name: first + trips * step})
                if value is None:
                    break
                if not value:
                    return name, trips
        return None

    def _counted(self, start, condition, increment, variable: str | None, context: _Context):
        """(fewest, most trips, fixed) of a loop from its variable's start range, its condition
        (``variable < bound``) and its step, or None when any is not known."""
        while condition.kind.name in ("UNEXPOSED_EXPR", "PAREN_EXPR") and len(list(condition.get_children())) == 1:
            condition = next(condition.get_children())
        operands = [child for child in condition.get_children() if not _is_operator_ref(child)]
        overloaded = condition.kind.name == "CALL_EXPR" and condition.spelling.startswith("operator")
        if variable is None or start is None or len(operands) != 2:
            return None
        if condition.kind.name != "BINARY_OPERATOR" and not overloaded:
            return None
        left, right = operands
        while left.kind.name in CASTS and list(left.get_children()):
            left = next(left.get_children())
        operator = condition.spelling[len("operator") :] if overloaded else _operator(condition, left)
        if left.spelling != variable:
            return None
        bound = self._bound_range(right, context)
        step = self._step(increment, variable, context)
        if bound is None or step in (None, 0):
            return None
        assert step is not None
        counts = [_count(s, b, step, operator) for s in start for b in bound]
        known = [count for count in counts if count is not None]
        if len(known) != len(counts):
            return None
        fixed = start[0] == start[1] and bound[0] == bound[1]
        return min(known), max(known), fixed

    def _step(self, increment, variable: str, context: _Context) -> int | None:
        if increment.kind.name == "BINARY_OPERATOR" and _operator(increment, next(increment.get_children())) == ",":
            for part in increment.get_children():  # i++, j++: the variable's own part
                if variable in {t.spelling for t in part.get_tokens()}:
                    return self._step(part, variable, context)
            return None
        tokens = [t.spelling for t in increment.get_tokens()]
        if tokens in (["++", variable], [variable, "++"]):
            return 1
        if tokens in (["--", variable], [variable, "--"]):
            return -1
        if len(tokens) >= 5 and tokens[:2] == [variable, "="] and tokens[3] in ("+", "-"):
            if tokens[2] == variable:  # v = v + c, v = v - c
                other = tokens[4:]
            elif tokens[3] == "+" and tokens[4:] == [variable]:  # v = c + v
                other = tokens[2:3]
            else:
                return None
            value = _arithmetic(" ".join(str(context.env.get(t, t)) for t in other))
            return None if value is None else (value if tokens[3] == "+" else -value)
        if len(tokens) >= 3 and tokens[0] == variable and tokens[1] in ("+=", "-="):
            value = _arithmetic(" ".join(str(context.env.get(t, t)) for t in tokens[2:]))
            if value is None:
                value = self.evaluate(list(increment.get_children())[-1], context.env)
            return None if value is None else (value if tokens[1] == "+=" else -value)
        return None


def _count(start: int, bound: int, step: int, operator: str) -> int | None:
    if operator in ("<", "!=") and step > 0:
        return max(0, -(-(bound - start) // step))
    if operator == "<=" and step > 0:
        return max(0, (bound - start) // step + 1)
    if operator in (">", "!=") and step < 0:
        return max(0, -(-(start - bound) // -step))
    if operator == ">=" and step < 0:
        return max(0, (start - bound) // -step + 1)
    return None
