"""Read HLS C++ into the loop nest of the static schedule model (``cnnacc hls-estimate FILE.cpp``).

libclang (PyPI ``libclang``) parses the file with the user's -D / -I flags, ``__SYNTHESIS__``
defined (as Vitis HLS does) and cnnacc's own stand-in Xilinx headers (``hls_headers/``: types
and member signatures only) when the real ones are absent. From the top function the reader
builds the NEST.json tree of ``simulator.schedule``:

- loops: ``for`` loops whose start, bound and step are constant (literals, macros, constexpr,
  enum and template values: clang evaluates them), or any loop with a LOOP_TRIPCOUNT pragma
  (the max is timed, min and max are reported); a label names the loop, else
  ``VITIS_LOOP_<line>_<n>`` as Vitis names it (n counts the unlabelled loops of a function);
- interfaces: array arguments are block-RAM ports (ap_memory) and pointer arguments m_axi
  ports, as Vitis HLS defaults them, unless an INTERFACE pragma gives another mode;
- pragmas (``#pragma HLS`` and ``_Pragma("HLS ...")`` or a macro wrapping one) apply to the
  scope they stand in, Tcl directives (``--directives``) to the function or function/label
  they name: PIPELINE (II, off), UNROLL (factor, complete), DATAFLOW, LOOP_TRIPCOUNT,
  ARRAY_PARTITION (complete arrays are registers), INTERFACE (m_axi latency); INLINE,
  LOOP_FLATTEN, STREAM and the other Vitis pragmas are read and not timed; unknown ones are
  listed as warnings. Innermost loops are pipelined at II = 1 unless told otherwise, as Vitis
  HLS does by default;
- calls to functions defined in the file are inlined, as a region when they hold loops;
- the statements between loops become one op each, scheduled along their data dependences
  (``hls_ops``), and a pipelined loop's II is the largest of its target, the memory ports'
  bound (accesses per iteration to one array over its ports) and the recurrence through
  compound assignments.

Anything else is refused with one line naming file:line and the construct (``SourceError``).
"""

from __future__ import annotations

import ast
import ctypes
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from simulator import hls_ops

HEADERS = Path(__file__).with_name("hls_headers")
PRAGMA = re.compile(r"(?:#\s*pragma\s+HLS\s+(.*)$)|(?:PRAGMA\s*\(\s*\"?\s*HLS\s+(.*?)\"?\s*\)\s*;?\s*$)", re.IGNORECASE)
TIMED = {"PIPELINE", "UNROLL", "DATAFLOW", "LOOP_TRIPCOUNT", "ARRAY_PARTITION", "INTERFACE"}
READ_ONLY = {
    "INLINE", "LOOP_FLATTEN", "STREAM", "BIND_STORAGE", "BIND_OP", "DEPENDENCE", "LOOP_MERGE", "ARRAY_RESHAPE",
    "RESOURCE", "ALLOCATION", "AGGREGATE", "DISAGGREGATE", "EXPRESSION_BALANCE", "LATENCY", "OCCURRENCE",
    "PROTOCOL", "RESET", "STABLE", "SHARED", "TOP", "FUNCTION_INSTANTIATE", "ALIAS", "CACHE", "STABLE_CONTENT",
}  # fmt: skip
LOOPS = ("FOR_STMT", "WHILE_STMT", "DO_STMT")
DIRECTIVE_VALUES = {
    "ii", "factor", "min", "max", "avg", "type", "dim", "mode", "latency", "depth", "bundle", "offset",
    "variable", "port", "max_read_burst_length", "max_write_burst_length", "num_read_outstanding",
    "num_write_outstanding", "style", "impl", "op", "storage_type",
}  # fmt: skip
CASTS = {
    "UNEXPOSED_EXPR", "PAREN_EXPR", "CSTYLE_CAST_EXPR", "CXX_STATIC_CAST_EXPR", "CXX_FUNCTIONAL_CAST_EXPR",
    "CXX_REINTERPRET_CAST_EXPR", "CXX_CONST_CAST_EXPR", "INIT_LIST_EXPR", "CXX_BOOL_LITERAL_EXPR",
    "INTEGER_LITERAL", "FLOATING_LITERAL", "CHARACTER_LITERAL", "STRING_LITERAL", "TYPE_REF", "TEMPLATE_REF",
    "NAMESPACE_REF", "CXX_NULL_PTR_LITERAL_EXPR", "UNARY_EXPR", "SIZE_OF_PACK_EXPR", "CXX_THIS_EXPR",
}  # fmt: skip
ONE_CYCLE = {"+", "-", "<", ">", "<=", ">=", "==", "!=", "&", "|", "^", "<<", ">>", "&&", "||"}


class SourceError(ValueError):
    """A construct the reader does not handle: ``file:line: what``."""


@dataclass(frozen=True)
class Pragma:
    line: int
    name: str
    options: dict[str, str]

    @classmethod
    def parse(cls, line: int, text: str) -> Pragma:
        words = re.sub(r"\s*=\s*", "=", text.replace(",", " ")).split()  # "key = value" -> "key=value"
        options = dict((word.split("=", 1) + [""])[:2] for word in words[1:])
        return cls(line, words[0].upper() if words else "", {key.lower(): value for key, value in options.items()})


@dataclass
class _Context:
    """What the reader knows inside one function."""

    function: str
    env: dict[str, int]
    unlabelled: int = 0
    partitioned: set[str] = field(default_factory=set)  # local arrays held in registers
    factors: dict[str, int] = field(default_factory=dict)  # cyclic / block partition factors
    arrays: set[str] = field(default_factory=set)  # local arrays (BRAM)


@dataclass
class _Expr:
    latency: int = 0
    reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)
    accesses: Counter = field(default_factory=Counter)  # (array, port or stream; "r" or "w") -> accesses
    recurrence: int = 0


def read_directives(path) -> dict[str, list[Pragma]]:
    """Tcl directives (``set_directive_<pragma> [-option value | -flag]... "function[/label]"
    [variable]``, as Vitis HLS projects keep them in directives.tcl) by location.

    Raises SourceError naming file:line for a line that is not a directive, comment or blank.
    """
    import shlex

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such directives file")
    found: dict[str, list[Pragma]] = {}
    for number, text in enumerate(path.read_text(errors="replace").splitlines(), 1):
        text = text.strip()
        if not text or text.startswith("#"):
            continue
        try:
            words = shlex.split(text)
        except ValueError as error:
            raise SourceError(f"{path}:{number}: {error}") from None
        if not words[0].startswith("set_directive_"):
            raise SourceError(f"{path}:{number}: {words[0]!r} is not a set_directive_* command")
        options: dict[str, str] = {}
        positional: list[str] = []
        index = 1
        while index < len(words):
            word = words[index]
            if word.startswith("-"):
                key = word[1:].lower()
                if key in DIRECTIVE_VALUES and index + 1 < len(words):
                    options[key] = words[index + 1]
                    index += 2
                    continue
                options[key] = ""
            else:
                positional.append(word)
            index += 1
        if not positional:
            raise SourceError(f'{path}:{number}: {words[0]} has no location ("function" or "function/label")')
        if len(positional) > 1:
            options.setdefault("variable", positional[1])
            options.setdefault("port", positional[1])
        name = words[0][len("set_directive_") :].upper()
        found.setdefault(positional[0], []).append(Pragma(number, name, options))
    return found


def _library():
    from clang import cindex

    lib = cindex.conf.lib
    lib.clang_Cursor_Evaluate.argtypes = [cindex.Cursor]
    lib.clang_Cursor_Evaluate.restype = ctypes.c_void_p
    lib.clang_EvalResult_getKind.argtypes = [ctypes.c_void_p]
    lib.clang_EvalResult_getKind.restype = ctypes.c_int
    lib.clang_EvalResult_getAsLongLong.argtypes = [ctypes.c_void_p]
    lib.clang_EvalResult_getAsLongLong.restype = ctypes.c_longlong
    lib.clang_EvalResult_dispose.argtypes = [ctypes.c_void_p]
    return cindex, lib


class SourceReader:
    """The loop nest of ``top`` in ``path`` (module docstring); ``nest()`` builds it."""

    def __init__(
        self, path, top: str, defines=(), includes=(), directives=None, axi_latency: int = hls_ops.DEFAULT_AXI_LATENCY
    ):
        self.cindex, self.lib = _library()
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
        self.top = top
        self.axi_latency = axi_latency
        self.warnings: list[str] = []
        self.use_min = False
        self.directives = read_directives(directives) if directives is not None else {}
        args = ["-x", "c++", "-std=c++17", "-D__SYNTHESIS__", "-Wno-unknown-pragmas"]
        args += [f"-D{define}" for define in defines] + [f"-I{folder}" for folder in includes]
        args += ["-I", str(HEADERS)]  # last: the real Xilinx headers win when given with -I
        args += [f"-isystem{folder}" for folder in _compiler_headers()]
        index = self.cindex.Index.create()
        self.unit = index.parse(str(self.path), args=args)
        for diagnostic in self.unit.diagnostics:
            if diagnostic.severity >= self.cindex.Diagnostic.Error:
                where = diagnostic.location
                name = where.file.name if where.file else str(self.path)
                raise SourceError(f"{name}:{where.line}: does not parse: {diagnostic.spelling}")
        self.pragmas: dict[str, dict[int, Pragma]] = {}
        self.functions = {
            cursor.spelling: cursor
            for cursor in self.unit.cursor.walk_preorder()
            if cursor.kind.name in ("FUNCTION_DECL", "FUNCTION_TEMPLATE", "CXX_METHOD") and cursor.is_definition()
        }

    # ------------------------------------------------------------------ source facts

    def _where(self, cursor) -> str:
        location = cursor.location
        return f"{location.file.name if location.file else self.path}:{location.line}"

    def _fail(self, cursor, what: str) -> NoReturn:
        raise SourceError(f"{self._where(cursor)}: {what}")

    def _file_pragmas(self, name: str) -> dict[int, Pragma]:
        if name not in self.pragmas:
            found = {}
            for number, text in enumerate(Path(name).read_text(errors="replace").splitlines(), 1):
                match = PRAGMA.search(text)
                if match:
                    pragma = Pragma.parse(number, (match.group(1) or match.group(2)).strip())
                    found[number] = pragma
                    if pragma.name not in TIMED | READ_ONLY:
                        self.warnings.append(f"{name}:{number}: unknown pragma HLS {pragma.name} (ignored)")
            self.pragmas[name] = found
        return self.pragmas[name]

    def scope_pragmas(self, body) -> list[Pragma]:
        """Pragmas standing directly in ``body`` (a compound statement), not in nested loops."""
        extent = body.extent
        if extent.start.file is None:
            return []
        nested = [
            (child.extent.start.line, child.extent.end.line)
            for child in body.walk_preorder()
            if child != body and child.kind.name in LOOPS
        ]
        pragmas = self._file_pragmas(extent.start.file.name)
        return [
            pragma
            for line, pragma in sorted(pragmas.items())
            if extent.start.line <= line <= extent.end.line and not any(lo <= line <= hi for lo, hi in nested)
        ]

    def evaluate(self, cursor, env: dict[str, int]) -> int | None:
        """The value of a constant integer expression, or None."""
        result = self.lib.clang_Cursor_Evaluate(cursor)
        if result:
            try:
                if self.lib.clang_EvalResult_getKind(result) == 1:  # CXEval_Int
                    return int(self.lib.clang_EvalResult_getAsLongLong(result))
            finally:
                self.lib.clang_EvalResult_dispose(result)
        words = []
        for token in cursor.get_tokens():
            text = token.spelling
            if token.kind.name == "IDENTIFIER":
                if text in env:
                    text = str(env[text])
                else:
                    value = self._constant(token.cursor if token.cursor.kind.name == "DECL_REF_EXPR" else None)
                    if value is None:
                        return None
                    text = str(value)
            elif token.kind.name == "LITERAL":
                text = text.rstrip("uUlL")
            words.append(text)
        return _arithmetic(" ".join(words))

    def _constant(self, reference) -> int | None:
        if reference is None or reference.referenced is None:
            return None
        return self.evaluate(reference.referenced, {}) if reference.referenced.kind.name == "VAR_DECL" else None

    # ------------------------------------------------------------------ the nest

    def nest(self) -> dict:
        """The NEST.json tree of the top function."""
        function = self.functions.get(self.top)
        if function is None:
            names = ", ".join(sorted(self.functions)) or "none"
            raise SourceError(f"{self.path}: no function {self.top!r} is defined (defined: {names})")
        return self._function(function, {}, self.top)

    def _function(self, function, env: dict[str, int], name: str) -> dict:
        body = next((child for child in function.get_children() if child.kind.name == "COMPOUND_STMT"), None)
        if body is None:
            self._fail(function, f"function {name} has no body")
        context = _Context(name, dict(env))
        pragmas = self.scope_pragmas(body) + self.directives.get(name, [])
        self._apply_arrays(pragmas, context)
        # array arguments are block-RAM ports (ap_memory) and pointers m_axi ports, as Vitis
        # HLS defaults them, unless an INTERFACE pragma says otherwise
        modes = {
            pragma.options.get("port", ""): (pragma.options.get("mode") or next(iter(pragma.options), "")).lower()
            for pragma in pragmas
            if pragma.name == "INTERFACE"
        }
        for parameter in function.get_children():
            if parameter.kind.name != "PARM_DECL":
                continue
            array = parameter.type.kind.name in ("CONSTANTARRAY", "INCOMPLETEARRAY")
            mode = modes.get(parameter.spelling, "ap_memory" if array else "m_axi")
            if mode in ("ap_memory", "bram"):
                context.arrays.add(parameter.spelling)
        for pragma in pragmas:
            if pragma.name == "INTERFACE" and "latency" in pragma.options:
                self.axi_latency = int(pragma.options["latency"])
        nodes = self._statements(list(body.get_children()), context)
        kind = "dataflow" if any(p.name == "DATAFLOW" for p in pragmas) else "sequential"
        return {"region": name, "kind": kind, "body": nodes}

    def _apply_arrays(self, pragmas: list[Pragma], context: _Context) -> None:
        for pragma in pragmas:
            if pragma.name in ("ARRAY_PARTITION", "ARRAY_RESHAPE") and "variable" in pragma.options:
                variable = pragma.options["variable"]
                if pragma.options.get("type", "complete" if "complete" in pragma.options else "") == "complete" or (
                    "complete" in pragma.options
                ):
                    context.partitioned.add(variable)
                elif "factor" in pragma.options:
                    context.factors[variable] = int(_arithmetic(pragma.options["factor"]) or 1)

    def _statements(self, statements, context: _Context) -> list[dict]:
        nodes: list[dict] = []
        block = hls_ops.BlockSchedule()
        first_line = [0]

        def flush() -> None:
            if block.latency:
                nodes.append({"op": f"block@{first_line[0]}", "latency": block.latency})
            block.ready.clear()
            block.latency = 0
            first_line[0] = 0

        for statement in statements:
            kind = statement.kind.name
            label = None
            if kind == "LABEL_STMT":
                label, statement = statement.spelling, next(statement.get_children())
                kind = statement.kind.name
            if kind in LOOPS:
                flush()
                nodes.append(self._loop(statement, label, context))
            elif kind == "COMPOUND_STMT":
                flush()
                nodes += self._statements(list(statement.get_children()), context)
            elif kind in ("NULL_STMT", "BREAK_STMT", "CONTINUE_STMT") or kind.endswith("_DECL") and kind != "VAR_DECL":
                continue
            elif self._has_loops(statement, context):
                flush()
                nodes += self._calls_with_loops(statement, context)
            else:
                info = self._statement(statement, context)
                first_line[0] = first_line[0] or statement.location.line
                block.statement(info.reads, info.writes, info.latency)
        flush()
        return nodes

    def _has_loops(self, statement, context: _Context) -> bool:
        for cursor in statement.walk_preorder():
            if cursor.kind.name in LOOPS:
                return True
            if cursor.kind.name == "CALL_EXPR" and self._callee(cursor) is not None:
                callee = self._callee(cursor)
                if any(inner.kind.name in LOOPS for inner in callee.walk_preorder()):
                    return True
        return False

    def _callee(self, call):
        reference = call.referenced
        if reference is None:
            return None
        return self.functions.get(reference.spelling) if reference.spelling != self.top else None

    def _calls_with_loops(self, statement, context: _Context) -> list[dict]:
        kind = statement.kind.name
        if kind == "IF_STMT":
            children = list(statement.get_children())
            branches = [self._statements([child], context) for child in children[1:]]
            longest = max(branches, key=lambda nodes: _rough_latency(nodes))
            return longest
        calls = [c for c in statement.walk_preorder() if c.kind.name == "CALL_EXPR" and self._callee(c) is not None]
        if kind not in ("CALL_EXPR", "UNEXPOSED_EXPR") or not calls:
            self._fail(statement, f"a loop inside a {kind.lower().replace('_', ' ')} is not supported")
        call = calls[0]
        callee = self._callee(call)
        return [self._function(callee, self._template_env(call, callee, context), call.referenced.spelling)]

    def _template_env(self, call, callee, context: _Context) -> dict[str, int]:
        if callee.kind.name != "FUNCTION_TEMPLATE":
            return {}
        names = [c.spelling for c in callee.get_children() if c.kind.name == "TEMPLATE_NON_TYPE_PARAMETER"]
        tokens = [t.spelling for t in call.get_tokens()]
        if "<" not in tokens:
            return {}
        depth, args, current = 0, [], []  # type: tuple[int, list[str], list[str]]
        for token in tokens[tokens.index("<") + 1 :]:
            if token == "<":
                depth += 1
            elif token == ">" and depth == 0:
                args.append(" ".join(current))
                break
            elif token == ">":
                depth -= 1
            if token == "," and depth == 0:
                args.append(" ".join(current))
                current = []
            elif not (token == ">" and depth == 0):
                current.append(str(context.env.get(token, token)))
        values = [_arithmetic(arg) for arg in args]
        return {name: value for name, value in zip(names, values) if value is not None}

    # ------------------------------------------------------------------ loops

    def _loop(self, loop, label: str | None, context: _Context) -> dict:
        children = list(loop.get_children())
        body = children[-1] if loop.kind.name != "DO_STMT" else children[0]
        if label is None:
            context.unlabelled += 1
            label = f"VITIS_LOOP_{loop.location.line}_{context.unlabelled}"
        pragmas = self.scope_pragmas(body) if body.kind.name == "COMPOUND_STMT" else []
        pragmas += self.directives.get(f"{context.function}/{label}", [])
        by_name = {pragma.name: pragma for pragma in pragmas}
        trips = self._trip_count(loop, children, by_name.get("LOOP_TRIPCOUNT"), context)
        inner = list(body.get_children()) if body.kind.name == "COMPOUND_STMT" else [body]
        self._apply_arrays(pragmas, context)
        nodes = self._statements(inner, context)
        innermost = not any(cursor.kind.name in LOOPS for cursor in body.walk_preorder() if cursor != body)
        pipeline = by_name.get("PIPELINE")
        unroll = by_name.get("UNROLL")
        if unroll is not None:
            factor = unroll.options.get("factor")
            if factor is None:  # complete: every iteration in parallel
                return {"op": f"{label} (unrolled x{trips})", "latency": _rough_latency(nodes)}
            trips = math.ceil(trips / max(1, _arithmetic(factor) or 1))
        pipelined = (pipeline is not None and "off" not in pipeline.options) or (pipeline is None and innermost)
        ii = None
        if pipelined:
            target = int(_arithmetic(pipeline.options.get("ii", "1")) or 1) if pipeline is not None else 1
            ii = max(target, self._ii_bound(body, context))
        return {
            "loop": label,
            "trip_count": trips,
            "pipeline_ii": ii,
            "iteration_latency": None,
            "body": nodes or [{"op": "empty", "latency": 0}],
        }

    def _trip_count(self, loop, children, tripcount: Pragma | None, context: _Context) -> int:
        if tripcount is not None:
            key = "min" if self.use_min else "max"
            value = tripcount.options.get(key) or tripcount.options.get("avg") or tripcount.options.get("max")
            number = _arithmetic(value or "")
            if number is None:
                self._fail(loop, f"LOOP_TRIPCOUNT {key}={value!r} is not a number")
            return number
        trips = self._for_trips(loop, children, context) if loop.kind.name == "FOR_STMT" else None
        if trips is None:
            self._fail(loop, "loop bound is not a constant; add #pragma HLS LOOP_TRIPCOUNT min=.. max=..")
        return trips

    def _for_trips(self, loop, children, context: _Context) -> int | None:
        if len(children) != 4:
            return None
        init, condition, increment, _ = children
        variable, start = None, None
        if init.kind.name == "DECL_STMT":
            declaration = next(init.get_children())
            variable = declaration.spelling
            value = _initializer(declaration)
            start = self.evaluate(value, context.env) if value is not None else None
        elif init.kind.name == "BINARY_OPERATOR":
            left, right = init.get_children()
            variable, start = left.spelling, self.evaluate(right, context.env)
        if variable is None or start is None or condition.kind.name != "BINARY_OPERATOR":
            return None
        left, right = condition.get_children()
        operator = _operator(condition, left)
        if left.spelling != variable:
            return None
        bound = self.evaluate(right, context.env)
        step = self._step(increment, variable, context)
        if bound is None or step in (None, 0):
            return None
        assert step is not None
        if operator in ("<", "!=") and step > 0:
            return max(0, -(-(bound - start) // step))
        if operator == "<=" and step > 0:
            return max(0, (bound - start) // step + 1)
        if operator in (">", "!=") and step < 0:
            return max(0, -(-(start - bound) // -step))
        if operator == ">=" and step < 0:
            return max(0, (start - bound) // -step + 1)
        return None

    def _step(self, increment, variable: str, context: _Context) -> int | None:
        tokens = [t.spelling for t in increment.get_tokens()]
        if tokens in (["++", variable], [variable, "++"]):
            return 1
        if tokens in (["--", variable], [variable, "--"]):
            return -1
        if len(tokens) >= 3 and tokens[0] == variable and tokens[1] in ("+=", "-="):
            value = _arithmetic(" ".join(str(context.env.get(t, t)) for t in tokens[2:]))
            if value is None:
                value = self.evaluate(list(increment.get_children())[-1], context.env)
            return None if value is None else (value if tokens[1] == "+=" else -value)
        return None

    def _ii_bound(self, body, context: _Context) -> int:
        info = self._statement(body, context)
        bound = max(1, info.recurrence)
        per_array: Counter = Counter()
        for (name, _), count in info.accesses.items():
            if name in context.arrays and name not in context.partitioned:
                per_array[name] += count  # a BRAM's reads and writes share its ports
        for name, count in per_array.items():
            bound = max(bound, math.ceil(count / (hls_ops.BRAM_PORTS * context.factors.get(name, 1))))
        for (name, _), count in info.accesses.items():
            if name not in context.arrays:  # an m_axi port or a stream: one beat per cycle per direction
                bound = max(bound, count)
        return bound

    # ------------------------------------------------------------------ expressions

    def _statement(self, cursor, context: _Context) -> _Expr:
        kind = cursor.kind.name
        if kind in LOOPS:
            return _Expr()
        if kind == "DECL_STMT":
            total = _Expr()
            for declaration in cursor.get_children():
                if declaration.kind.name != "VAR_DECL":
                    continue
                if declaration.type.kind.name in ("CONSTANTARRAY", "INCOMPLETEARRAY"):
                    context.arrays.add(declaration.spelling)
                value = _initializer(declaration)
                info = self._expr(value, context) if value is not None else _Expr()
                info.writes.add(declaration.spelling)
                total = _merge(total, info, sequential=False)
            return total
        if kind in ("COMPOUND_STMT", "IF_STMT", "RETURN_STMT", "SWITCH_STMT", "CASE_STMT", "DEFAULT_STMT"):
            parts = [self._statement(child, context) for child in cursor.get_children()]
            total = _Expr()
            for part in parts:
                total = _merge(total, part, sequential=kind != "COMPOUND_STMT")
            if kind == "IF_STMT":
                total.latency += hls_ops.ADD  # the select
            return total
        if kind in ("NULL_STMT", "BREAK_STMT", "CONTINUE_STMT") or kind.endswith("_DECL"):
            return _Expr()
        if kind == "LABEL_STMT":
            return self._statement(next(cursor.get_children()), context)
        return self._expr(cursor, context)

    def _expr(self, cursor, context: _Context) -> _Expr:
        kind = cursor.kind.name
        children = list(cursor.get_children())
        if kind == "DECL_REF_EXPR":
            return _Expr(reads={cursor.spelling})
        if kind == "MEMBER_REF_EXPR":
            return _merge_all([self._expr(child, context) for child in children])
        if kind in CASTS or kind.endswith("_LITERAL"):
            return _merge_all([self._expr(child, context) for child in children])
        if kind == "ARRAY_SUBSCRIPT_EXPR":
            base, index = children
            name = _base_name(base)
            info = _merge(self._expr(index, context), _Expr(reads={name}), sequential=False)
            info.latency += self._read_latency(name, context)
            info.accesses[(name, "r")] += 1
            return info
        if kind in ("BINARY_OPERATOR", "COMPOUND_ASSIGNMENT_OPERATOR"):
            left, right = children
            operator = _operator(cursor, left)
            value = self._expr(right, context)
            if operator == "=":
                return self._store(left, value, context)
            target = self._expr(left, context)
            combined = _merge(target, value, sequential=False)
            step = self._op_latency(operator.rstrip("=") if kind.startswith("COMPOUND") else operator, cursor, right)
            combined.latency += step
            if kind.startswith("COMPOUND"):
                stored = self._store(left, combined, context)
                stored.recurrence = max(stored.recurrence, step)
                return stored
            return combined
        if kind == "UNARY_OPERATOR":
            tokens = [t.spelling for t in cursor.get_tokens()]
            info = _merge_all([self._expr(child, context) for child in children])
            if "++" in tokens or "--" in tokens:
                info.latency += hls_ops.ADD
                info.writes |= info.reads
                info.recurrence = max(info.recurrence, hls_ops.ADD)
            elif tokens and tokens[0] == "*":
                name = _base_name(children[0])
                info.latency += self._read_latency(name, context)
                info.accesses[(name, "r")] += 1
            elif tokens and tokens[0] in ("-", "~", "!"):
                info.latency += hls_ops.ADD
            return info
        if kind == "CONDITIONAL_OPERATOR":
            info = _merge_all([self._expr(child, context) for child in children])
            info.latency += hls_ops.ADD
            return info
        if kind == "CALL_EXPR":
            return self._call(cursor, children, context)
        self._fail(cursor, f"expression {kind.lower().replace('_', ' ')} is not supported")
        raise AssertionError  # unreachable: _fail raises

    def _call(self, call, children, context: _Context) -> _Expr:
        name = call.spelling
        arguments = _merge_all([self._expr(child, context) for child in children])
        if name.startswith("operator"):
            symbol = name[len("operator") :]
            if symbol == "=" and children:
                return self._store(children[0], _merge_all([self._expr(c, context) for c in children[1:]]), context)
            arguments.latency += self._op_latency(symbol.rstrip("=") if symbol not in ONE_CYCLE else symbol, call, None)
            return arguments
        base = children[0] if children else None
        if name in ("read", "write", "read_nb", "write_nb", "empty", "full") and base is not None:
            stream = _base_name(base)
            arguments.latency += hls_ops.STREAM
            arguments.reads.add(stream)
            arguments.writes.add(stream)
            arguments.accesses[(stream, "r" if name.startswith("read") else "w")] += 1
            return arguments
        callee = self._callee(call)
        if callee is not None:
            inner = self._function_block(callee, context)
            arguments.latency += inner
            return arguments
        arguments.latency += 0 if name in ("range", "length", "to_int", "to_uint") or not name else hls_ops.ADD
        return arguments

    def _function_block(self, callee, context: _Context) -> int:
        body = next((child for child in callee.get_children() if child.kind.name == "COMPOUND_STMT"), None)
        if body is None:
            return 0
        inner = _Context(callee.spelling, dict(context.env))
        block = hls_ops.BlockSchedule()
        for statement in body.get_children():
            info = self._statement(statement, inner)
            block.statement(info.reads, info.writes, info.latency)
        return block.latency

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
            index = self._expr(children[1], context) if len(children) > 1 else _Expr()
            info = _merge(value, index, sequential=False)
            info.latency += 0 if name in context.partitioned else hls_ops.BRAM_WRITE
            info.writes.add(name)
            info.accesses[(name, "w")] += 1
            return info
        info = _merge(value, self._expr(target, context), sequential=False) if kind == "MEMBER_REF_EXPR" else value
        info.writes.add(_base_name(target))
        return info

    def _read_latency(self, name: str, context: _Context) -> int:
        if name in context.partitioned:
            return 0
        if name in context.arrays:
            return hls_ops.BRAM_READ
        return self.axi_latency + hls_ops.AXI_EXTRA  # a pointer or array argument: an m_axi port

    def _op_latency(self, operator: str, cursor, right) -> int:
        floating = cursor.type.kind.name in ("FLOAT", "DOUBLE", "HALF")
        if operator == "*":
            if floating:
                return hls_ops.FLOAT_MUL
            constant = None if right is None else self.evaluate(right, {})
            if constant is not None:  # by a constant: shifts and adds
                return 0 if constant > 0 and constant & (constant - 1) == 0 else hls_ops.ADD
            bits = [max(1, 8 * child.type.get_size()) for child in cursor.get_children()] or [32, 32]
            return hls_ops.multiply_latency(*(bits + bits)[:2])
        if operator in ("/", "%"):
            value = None if right is None else self.evaluate(right, {})
            if value is not None and value > 0 and value & (value - 1) == 0:
                return 0
            return max(1, 8 * cursor.type.get_size()) + hls_ops.DIV_EXTRA
        if operator in ("+", "-") and floating:
            return hls_ops.FLOAT_ADD
        return hls_ops.ADD if operator in ONE_CYCLE or operator in ("+", "-") else 0


def _compiler_headers() -> list[str]:
    """The compiler's own header folder (stddef.h, stdarg.h), which the libclang wheel lacks:
    g++'s, when g++ is installed (the sw_emu flow needs it anyway)."""
    import shutil
    import subprocess

    if shutil.which("g++") is None:
        return []
    found = subprocess.run(["g++", "-print-file-name=include"], capture_output=True, text=True, check=False)
    folder = found.stdout.strip()
    return [folder] if found.returncode == 0 and Path(folder).is_dir() else []


def _initializer(declaration):
    """The last child of a variable declaration that is not a type reference (its value), or None."""
    values = [c for c in declaration.get_children() if c.kind.name not in ("TYPE_REF", "NAMESPACE_REF", "TEMPLATE_REF")]
    return values[-1] if values else None


def _operator(cursor, left) -> str:
    """The operator token of a binary expression: the first token after its left operand."""
    end = left.extent.end.offset
    for token in cursor.get_tokens():
        if token.extent.start.offset >= end:
            return token.spelling
    return ""


def _base_name(cursor) -> str:
    for inner in cursor.walk_preorder():
        if inner.kind.name in ("DECL_REF_EXPR", "MEMBER_REF_EXPR") and inner.spelling:
            return inner.spelling
    return cursor.spelling or "?"


def _merge(a: _Expr, b: _Expr, sequential: bool) -> _Expr:
    accesses = a.accesses + b.accesses
    latency = a.latency + b.latency if sequential else max(a.latency, b.latency)
    return _Expr(latency, a.reads | b.reads, a.writes | b.writes, accesses, max(a.recurrence, b.recurrence))


def _merge_all(parts: list[_Expr]) -> _Expr:
    total = _Expr()
    for part in parts:
        total = _merge(total, part, sequential=False)
    return total


def _rough_latency(nodes: list[dict]) -> int:
    """Latency of a node list by the nest model (for choosing a branch or an unrolled body)."""
    from simulator.schedule import estimate_nest

    if not nodes:
        return 0
    return estimate_nest({"region": "body", "kind": "sequential", "body": nodes}).latency_cycles


def _arithmetic(text: str) -> int | None:
    """An integer arithmetic expression of literals (C semantics for / and %), or None."""
    text = text.strip()
    if not text:
        return None
    try:
        tree = ast.parse(text.replace("/", "//").replace("////", "//"), mode="eval")
    except SyntaxError:
        return None

    def value(node) -> int:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Invert)):
            inner = value(node.operand)
            return {ast.USub: -inner, ast.UAdd: inner, ast.Invert: ~inner}[type(node.op)]
        if isinstance(node, ast.BinOp):
            a, b = value(node.left), value(node.right)
            operations = {
                ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                ast.FloorDiv: lambda: int(a / b), ast.Mod: lambda: a - int(a / b) * b,
                ast.LShift: lambda: a << b, ast.RShift: lambda: a >> b, ast.BitAnd: lambda: a & b,
                ast.BitOr: lambda: a | b, ast.BitXor: lambda: a ^ b,
            }  # fmt: skip
            if type(node.op) in operations:
                return operations[type(node.op)]()
        raise ValueError("not an integer expression")

    try:
        return value(tree.body)
    except (ValueError, ZeroDivisionError):
        return None


def read_source(path, top: str, defines=(), includes=(), directives=None) -> tuple[dict, dict | None, list[str]]:
    """(nest with the largest trip counts, nest with the smallest or None when every bound is
    fixed, warnings) of ``top`` in ``path``, with the Tcl ``directives`` file if given."""
    reader = SourceReader(path, top, defines, includes, directives)
    nest = reader.nest()
    reader.use_min = True
    smallest = reader.nest()
    return nest, (None if smallest == nest else smallest), reader.warnings


__all__ = ["HEADERS", "Pragma", "SourceError", "SourceReader", "read_directives", "read_source"]
