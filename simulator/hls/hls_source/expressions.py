"""The operator chains of the statements between loops: what one statement costs.

A statement or expression becomes an ``_Expr``: its operators timed on the target
(``hls_ops``: adders, multipliers by width, floating-point and math cores, block-RAM reads
and writes, stream and m_axi beats), block-RAM subscripts linearised into an address,
exclusive branches sharing ports, sequences scheduled along their data dependences, and
loop-free helpers inlined into the caller's block.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, NoReturn

from simulator.hls import hls_ops
from simulator.hls.hls_source.context import SMALL_ARRAY, _block, _Context
from simulator.hls.hls_source.cursors import (
    CASTS,
    FOLDABLE,
    LOOPS,
    _base_name,
    _dependent_method,
    _elements,
    _floating,
    _folded,
    _initializer,
    _ip_core,
    _is_operator_ref,
    _operator,
    _owner,
    _text,
)
from simulator.hls.hls_source.expr_timing import (
    STORED,
    WRITTEN,
    _Expr,
    _independent,
    _longest,
    _merge,
    _merge_all,
    _stricter,
    forget,
    forward,
    joined,
    remember,
    schedule,
)
from simulator.hls.hls_source.operators import ARITHMETIC, BALANCED, COMPARISONS, ONE_CYCLE, _bare
from simulator.hls.hls_tools import Tool

MATH_CORES = {"exp": "fexp", "expf": "fexp", "log": "fexp", "logf": "fexp", "sqrt": "fsqrt", "sqrtf": "fsqrt"}


class Expressions:
    """The ``SourceReader`` methods that time statements and expressions. Expects on ``self``:
    ``target`` (``hls_ops.Target``), ``_promoted`` (the subscripts held in a register in the
    loop being read), ``evaluate`` (``evaluation.Evaluation``), ``_fail`` (``reader``) and the
    call helpers of ``calls.Calls`` (``_callee``, ``_loopy_function``, ``_bindings``,
    ``_argument_env``)."""

    target: hls_ops.Target
    tool: Tool
    pipeline_loops: int  # the automatic pipelining threshold (0: loops are pipelined only when told)
    use_min: bool  # the smallest nest: shortest branches
    ranged: bool  # a choice the smallest nest makes differently was met
    _promoted: frozenset[str]

    if TYPE_CHECKING:

        def evaluate(self, cursor, env: dict[str, int]) -> int | None: ...

        def _fail(self, cursor, what: str) -> NoReturn: ...

        def _callee(self, call): ...

        def _loopy_function(self, callee) -> bool: ...

        def _bindings(self, call, callee, context: _Context) -> dict[str, str]: ...

        def _argument_env(self, call, callee, context: _Context) -> dict[str, int]: ...

        def _read_op(self, name: str, context: _Context) -> hls_ops.Op: ...

        def _store_op(self, name: str, context: _Context) -> hls_ops.Op: ...

        def _constant_indexed(self, declaration) -> bool: ...

        def _array_written(self, declaration) -> bool: ...

        def _op(self, operator: str, cursor, right, context: _Context | None = None) -> hls_ops.Op: ...

        def _arithmetic(
            self,
            symbol: str,
            cursor,
            left,
            right,
            value: _Expr,
            context: _Context,
            skip_calls: bool,
            balance: bool = False,
        ) -> _Expr: ...

        def _decider(self, context: _Context, own: dict[str, tuple[int, int]]): ...

    def _rom(self, declaration) -> bool:
        """Whether a local array is a table: an initializer, and const elements or no store
        after it (UG1399: an array only read and initialized is a ROM, and only arrays under
        ``config_array_partition -complete_threshold``, 4 elements, are split by default; kip123456's
        FIR keeps its 11 coefficients in c_ROM_AUTO_1R)."""
        if _initializer(declaration) is None:
            return False
        return declaration.type.get_array_element_type().is_const_qualified() or not self._array_written(declaration)

    def _statement(self, cursor, context: _Context, skip_calls: bool = False) -> _Expr:
        kind = cursor.kind.name
        if kind in LOOPS:
            return _Expr()
        if kind == "DECL_STMT":
            total = _Expr()
            for declaration in cursor.get_children():
                if declaration.kind.name != "VAR_DECL":
                    continue
                if "stream" in declaration.type.spelling:
                    context.streams.add(declaration.spelling)
                elif declaration.spelling not in context.factors and (
                    (  # a small array is registers, not a static one (UG1399 config_array_partition:
                        0 < _elements(declaration.type) <= SMALL_ARRAY  # global arrays are left out)
                        and declaration.storage_class.name != "STATIC"
                        and not self._rom(declaration)  # a table: a ROM, partitioned only as a pipeline needs
                    )
                    or (  # split into values, one per element (Declarations._constant_indexed)
                        declaration.type.kind.name == "CONSTANTARRAY" and self._constant_indexed(declaration)
                    )
                ):
                    context.partitioned.add(declaration.spelling)
                elif declaration.type.kind.name in ("CONSTANTARRAY", "INCOMPLETEARRAY"):
                    context.arrays.add(declaration.spelling)
                    context.local_arrays.add(declaration.spelling)
                    context.words[declaration.spelling] = _elements(declaration.type)
                elif declaration.type.get_canonical().kind.name in ("RECORD", "UNEXPOSED", "ELABORATED"):
                    context.local_arrays.add(declaration.spelling)  # a struct's member arrays are its own
                value = _initializer(declaration)
                # a value the tool folds to a constant (constexpr int P = f(C, SIMD)) costs nothing
                folded = value is None or self.evaluate(value, context.env) is not None
                info = _Expr() if folded else self._expr(value, context, skip_calls)
                info.writes.add(declaration.spelling)
                known = None if folded else remember(_bare(value), context)
                if known is not None:
                    info.writes.add(known)
                total = _merge(total, info)
            return total
        if kind == "SWITCH_STMT":  # its cases are exclusive branches, as an if's
            context.forwarded.clear()
            children = list(cursor.get_children())
            condition = self._statement(children[0], context, skip_calls)
            body = children[-1]
            cases: list[list] = []
            for child in body.get_children() if body.kind.name == "COMPOUND_STMT" else [body]:
                if child.kind.name in ("CASE_STMT", "DEFAULT_STMT") or not cases:
                    cases.append([])
                cases[-1].append(child)
            return self._branches(condition, [self._sequence(case, context, skip_calls) for case in cases], context)
        if kind == "IF_STMT":  # a store in one branch forwards nothing past the if
            children = list(cursor.get_children())
            decision = self._decider(context, {})(children[0])  # a test the loop ranges settle folds away
            if decision is not None:
                taken = children[1] if decision else children[2] if len(children) > 2 else None
                return self._statement(taken, context, skip_calls) if taken is not None else _Expr()
            before, parts = dict(context.forwarded), list[_Expr]()
            for child in cursor.get_children():
                context.forwarded = dict(before) if parts else context.forwarded
                parts.append(self._statement(child, context, skip_calls))
            context.forwarded = before
            forget(context, set().union(*(part.writes for part in parts)))
            if not context.unrolling and not self.pipeline_loops:  # an FSM: each branch its own states
                return self._shortest(parts[0], parts[1:], context)
            return self._branches(parts[0], parts[1:], context)
        if kind in ("COMPOUND_STMT", "RETURN_STMT", "CASE_STMT", "DEFAULT_STMT"):
            return self._sequence(list(cursor.get_children()), context, skip_calls)
        if kind in ("NULL_STMT", "BREAK_STMT", "CONTINUE_STMT") or kind.endswith("_DECL"):
            return _Expr()
        if kind == "LABEL_STMT":
            return self._statement(next(cursor.get_children()), context, skip_calls)
        return self._expr(cursor, context, skip_calls)

    def _shortest(self, condition: _Expr, branches: list[_Expr], context: _Context) -> _Expr:
        """Branches of code that is not pipelined (no PIPELINE around it, no automatic pipelining
        that could take its loop): the FSM takes only the branch it is on, so
        the fewest states (csynth's min latency) follow the shortest branch (hanyax's FIR, Vivado
        HLS 2019.1: 11 taps of 2 or 4 states, its latency 23 ~ 45), an ``if`` without ``else``
        its test and the state it joins (``joined``), and the most states the longest (the
        merged branches)."""
        merged = self._branches(condition, branches, context)
        arms = branches if len(branches) > 1 else [*branches, _Expr()]
        lengths = [arm.latency for arm in arms]
        self.ranged |= math.ceil(max(lengths) - 1e-9) != math.ceil(min(lengths) - 1e-9)
        if not self.use_min:
            return merged
        short = self._branches(condition, [min(arms, key=lambda arm: arm.latency)], context)
        return short if len(branches) > 1 else joined(merged, short)

    def _branches(self, condition: _Expr, branches: list[_Expr], context: _Context) -> _Expr:
        """Exclusive branches under ``condition``: all computed, one result selected; they
        share the ports (one branch's accesses happen) in Vitis HLS, while Vivado HLS gives
        each branch's accesses their own (hanyax's FIR, Vivado HLS 2019.1: a read and a write
        of the shift register in each of two branches on a dual-port RAM, II 2)."""
        merged = _merge_all(branches)
        merged.accesses = Counter()
        for branch in branches:
            merged.accesses = (
                merged.accesses + branch.accesses if self.tool.vivado else merged.accesses | branch.accesses
            )
        merged = _merge(merged, _Expr(condition.latency, dict(condition.paths), set(), condition.accesses))
        for name in merged.writes & set(merged.paths):  # read in one branch, written in another
            read, written = merged.indices.get(name, set()), merged.indices.get(WRITTEN + name, set())
            if read and written and _independent(read, written, context):
                del merged.paths[name]  # indices the tool analyses: no dependence across iterations
        merged.latency = self.target.combinational("logic").after(merged.latency)  # the predicate
        return merged

    def _sequence(self, statements: list, context: _Context, skip_calls: bool = False) -> _Expr:
        """Statements one after the other, each as soon as the values it reads are written."""
        block = hls_ops.BlockSchedule()
        total = _Expr()
        for child in statements:
            part = self._statement(child, context, skip_calls)
            forget(context, part.writes)
            block.statement(part.paths, part.writes, part.latency, part.firsts)
            for name in [name for name in part.paths if name.startswith(STORED) and name in block.ready]:
                del part.paths[name]  # a value stored earlier in the sequence: no read from outside it
            total = _merge(total, part)
        total.latency = max(total.latency, block.latency)
        total.recurrences = _longest(total.recurrences, block.recurrences)
        return total

    def _expr(self, cursor, context: _Context, skip_calls: bool = False) -> _Expr:
        kind = cursor.kind.name
        children = list(cursor.get_children())
        if kind in FOLDABLE and _folded(cursor, context):
            return _Expr()  # a constant, or one in each unrolled copy (s / (3 * C), s unrolled): no hardware
        if kind == "DECL_REF_EXPR":
            if cursor.spelling in context.env:
                return _Expr()
            return _Expr(paths={cursor.spelling: 0.0})
        if kind == "MEMBER_REF_EXPR" or kind in CASTS or kind.endswith("_LITERAL"):
            return _merge_all([self._expr(child, context, skip_calls) for child in children])
        if kind == "ARRAY_SUBSCRIPT_EXPR" and _text(cursor) in self._promoted:  # a register for the loop
            return _Expr(paths={_base_name(children[0]): 0.0}).then(self.target.combinational("logic"))
        if kind == "ARRAY_SUBSCRIPT_EXPR" and self.evaluate(cursor, context.env) is not None:
            return _Expr()  # an element of a table nothing writes, at a known index: a constant
        if kind == "BINARY_OPERATOR" and _text(cursor) in context.forwarded:  # computed before (``remember``)
            return _Expr(paths={STORED + _text(cursor): 0.0})
        if kind == "ARRAY_SUBSCRIPT_EXPR" and _text(cursor) in context.forwarded:  # the value stored there
            return _Expr(paths={STORED + _text(cursor): 0.0})
        if kind == "ARRAY_SUBSCRIPT_EXPR":
            name = _base_name(children[0])
            info = self._address(cursor, context, skip_calls).then(self._read_op(name, context))
            info.paths[name] = self._read_op(name, context).after(0.0)
            info.accesses[(name, "r")] += 1
            info.indices.setdefault(name, set()).add(_text(children[1]))
            return info
        if kind in ("BINARY_OPERATOR", "COMPOUND_ASSIGNMENT_OPERATOR"):
            left, right = children
            operator = _operator(cursor, left)
            value = self._expr(right, context, skip_calls)
            if operator == "=":
                return self._store(left, value, context)
            symbol = operator.rstrip("=") if kind.startswith("COMPOUND") else operator
            balance = kind == "BINARY_OPERATOR" and symbol in BALANCED and not _floating(cursor)
            combined = self._arithmetic(symbol, cursor, left, right, value, context, skip_calls, balance)
            if kind.startswith("COMPOUND"):
                return self._store(left, combined, context)
            return combined
        if kind == "UNARY_OPERATOR":
            tokens = [t.spelling for t in cursor.get_tokens()]
            info = _merge_all([self._expr(child, context, skip_calls) for child in children])
            if "++" in tokens or "--" in tokens:
                info = info.then(self.target.combinational("add"))
                info.writes |= set(info.paths)
            elif tokens and tokens[0] == "*":
                name = _base_name(children[0])
                info = info.then(self._read_op(name, context))
                info.paths[name] = self._read_op(name, context).after(0.0)
                info.accesses[(name, "r")] += 1
            elif tokens and tokens[0] in ("-", "~", "!"):
                info = info.then(self.target.combinational("logic"))
            return info
        if kind == "CONDITIONAL_OPERATOR":
            info = _merge_all([self._expr(child, context, skip_calls) for child in children])
            return info.then(self.target.combinational("logic"))
        if kind == "CALL_EXPR":
            return self._call(cursor, children, context, skip_calls)
        self._fail(cursor, f"expression {kind.lower().replace('_', ' ')} is not supported")
        raise AssertionError  # unreachable: _fail raises

    def _address(self, subscript, context: _Context, skip_calls: bool = False) -> _Expr:
        """The address of a subscript of a block-RAM array. Vitis linearises ``a[i][j]`` of an
        inner dimension D to ``i * D + j``: bit concatenation when D is a power of two, else a
        constant multiply (shifts and an add) and an add."""
        base, index = list(subscript.get_children())
        info = self._expr(index, context, skip_calls)
        while base.kind.name in CASTS and list(base.get_children()):
            base = next(base.get_children())
        if base.kind.name != "ARRAY_SUBSCRIPT_EXPR":
            return info
        outer = self._address(base, context, skip_calls)
        stride = _elements(base.type)
        if not stride or stride & (stride - 1) == 0 or _base_name(base) in context.partitioned:
            return _merge(outer, info)
        add = self.target.combinational("add")
        return _merge(outer.then(add), info).then(add)

    def _call(self, call, children, context: _Context, skip_calls: bool) -> _Expr:
        name = call.spelling or _dependent_method(call)[1]
        if name.startswith(("_ssdm", "__xilinx")):  # a pragma in the tool's preprocessed form: no hardware
            return _Expr()
        ip = _ip_core(call)
        if ip is not None:
            self._fail(call, f"{ip}: its latency depends on the core's configuration; not estimated")
        arguments = _merge_all([self._expr(child, context, skip_calls) for child in children])
        if name.startswith("operator"):
            symbol = name[len("operator") :]
            if symbol == "=" and children:
                rest = _merge_all([self._expr(c, context, skip_calls) for c in children[1:]])
                return self._store(children[0], rest, context)
            operands = [child for child in children if not _is_operator_ref(child)]
            arithmetic = symbol.rstrip("=") if symbol not in COMPARISONS else ""
            if len(operands) == 2 and arithmetic in ARITHMETIC:  # an overloaded binary operator
                left, right = operands
                value = self._expr(right, context, skip_calls)
                combined = self._arithmetic(arithmetic, call, left, right, value, context, skip_calls)
                return self._store(left, combined, context) if symbol.endswith("=") else combined
            return arguments.then(self._op(symbol.rstrip("=") if symbol not in ONE_CYCLE else symbol, call, None))
        base = children[0] if children else None
        if name in ("read", "write", "read_nb", "write_nb", "empty", "full") and base is not None:
            stream = (_owner(base) if base.kind.name == "MEMBER_REF_EXPR" else None) or _base_name(base)
            stream = stream or _dependent_method(call)[0]
            op = hls_ops.Op(1, 0.0) if name.startswith("read") else self.target.combinational("logic")
            if name.startswith("write") and stream in context.handshakes and not self.tool.vivado:
                op = hls_ops.AXIS_WRITE
            info = arguments.then(op)
            info.accesses[(stream, "r" if name.startswith("read") else "w")] += 1
            return info
        callee = self._callee(call)
        if callee is not None:
            if skip_calls and self._loopy_function(callee):
                return arguments
            inlined, first = self._function_block(call, callee, context)
            if not arguments.paths:
                return _merge(arguments.then(hls_ops.Op(0, 0.0)), inlined)
            # the body starts when its arguments are ready, as its first operation allows
            firsts = {name: arguments.firsts.get(name, first) if path else first
                      for name, path in arguments.paths.items()}  # fmt: skip
            return _merge(inlined, _Expr(
                hls_ops.BlockSchedule.start(first, arguments.latency) + inlined.latency,
                {name: hls_ops.BlockSchedule.start(first, path) + inlined.latency
                 for name, path in arguments.paths.items()},
                arguments.writes, arguments.accesses, arguments.indices, {}, firsts))  # fmt: skip
        math_core = MATH_CORES.get(name)
        if math_core is not None:
            double = call.type.get_canonical().kind.name == "DOUBLE"
            return arguments.then(self.target.core("d" + math_core[1:] if double else math_core))
        free = name in ("range", "length", "to_int", "to_uint", "to_long", "to_uint64", "to_int64") or not name
        return arguments if free else arguments.then(self.target.combinational("logic"))

    def _function_block(self, call, callee, context: _Context) -> tuple[_Expr, hls_ops.Op]:
        """A loop-free function called in an expression, inlined: its block's latency, and the
        caller's arrays it reads and writes through its parameters; and the first operation on
        its parameters."""
        body = next((child for child in callee.get_children() if child.kind.name == "COMPOUND_STMT"), None)
        if body is None:
            return _Expr(), hls_ops.Op(0, 0.0)
        parameters = {child.spelling for child in callee.get_children() if child.kind.name == "PARM_DECL"}
        first, read = hls_ops.Op(0, 0.0), set[str]()
        bindings = self._bindings(call, callee, context)
        inner = _Context(callee.spelling, dict(context.env) | self._argument_env(call, callee, context))
        inner.partitioned = context.partitioned | {p for p, a in bindings.items() if a in context.partitioned}
        inner.arrays = context.arrays | {p for p, a in bindings.items() if a in context.arrays}
        inner.streams = context.streams | {p for p, a in bindings.items() if a in context.streams}
        inner.axi = context.axi | {p for p, a in bindings.items() if a in context.axi}
        inner.factors = context.factors | {p: context.factors[a] for p, a in bindings.items() if a in context.factors}
        for table in ("words", "kinds"):  # a RAM's size and kind, by the callee's name for it
            known = getattr(context, table)
            setattr(inner, table, known | {p: known[a] for p, a in bindings.items() if a in known})
        inner.ranges = context.ranges
        inner.unrolling, block, total = context.unrolling, _block(inner, self.pipeline_loops == 0), _Expr()
        for statement in body.get_children():
            info = self._statement(statement, inner)
            schedule(block, info)
            for name in parameters & info.paths.keys() - read:  # where a parameter is first read
                first = _stricter(first, info.firsts.get(name, first))
                read.add(name)
            accesses = Counter({(bindings.get(name, name), way): n for (name, way), n in info.accesses.items()})
            indices = {bindings.get(name, name): texts for name, texts in info.indices.items()}
            writes = {bindings[name] for name in info.writes if name in bindings}
            total = _merge(total, _Expr(0.0, {}, writes, accesses, indices))
        total.latency = block.latency
        total.paths = {
            bindings[name]: block.latency - start for name, start in block.first_read.items() if name in bindings
        }
        return total, first

    def _store(self, target, value: _Expr, context: _Context) -> _Expr:
        kind = target.kind.name
        while kind in CASTS and list(target.get_children()):
            target = list(target.get_children())[0]
            kind = target.kind.name
        if kind == "ARRAY_SUBSCRIPT_EXPR" or (
            kind == "UNARY_OPERATOR" and list(target.get_tokens())[:1] and list(target.get_tokens())[0].spelling == "*"
        ):
            children = list(target.get_children())
            name = _base_name(children[0])
            if _text(target) in self._promoted:  # a register for the loop: written at its end
                info = _merge(value, _Expr())
                info.writes.add(name)
                return info
            index = self._address(target, context) if kind == "ARRAY_SUBSCRIPT_EXPR" else _Expr()
            info = _merge(value, index)
            if name not in context.partitioned:
                info = info.then(self._store_op(name, context))
            written = _text(children[1]) if len(children) > 1 else ""
            read = info.indices.get(name, set())
            if name in info.paths and _independent(read, {written}, context):
                del info.paths[name]  # indices the tool analyses: no dependence across iterations
            info.indices.setdefault(WRITTEN + name, set()).add(written)
            info.writes.add(name)
            info.accesses[(name, "w")] += 1
            if kind == "ARRAY_SUBSCRIPT_EXPR":
                info.writes.add(forward(target, name, context))
            return info
        if kind == "MEMBER_REF_EXPR":
            info = _merge(value, self._expr(target, context))
        else:
            info = value
        info.writes.add(_base_name(target))
        return info
