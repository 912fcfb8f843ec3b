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
  bound (accesses per iteration to one array over its ports) and the recurrence of a value
  read and then written in one iteration (also under an ``if``, and through a helper);
- a block-RAM subscript ``a[i][j]`` is linearised to ``i * D + j`` before the access: free
  when the inner dimension D is a power of two (bit concatenation), else a shift-and-add and
  an add in the address path (enzobelline_mmul: 26.1 % -> 13.0 % off its csynth report).

Anything else is refused with one line naming file:line and the construct (``SourceError``).
"""

from __future__ import annotations

import ast
import ctypes
import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NoReturn

from simulator import hls_ops, hls_verdicts
from simulator.hls_tools import Tool, storage_ports

HEADERS = Path(__file__).with_name("hls_headers")
PRAGMA = re.compile(r"(?:#\s*pragma\s+HLS\s+(.*)$)|(?:PRAGMA\s*\(\s*\"?\s*HLS\s+(.*?)\"?\s*\)\s*;?\s*$)", re.IGNORECASE)
TIMED = {"PIPELINE", "UNROLL", "DATAFLOW", "LOOP_TRIPCOUNT", "ARRAY_PARTITION", "INTERFACE", "DEPENDENCE"}
READ_ONLY = {
    "INLINE", "LOOP_FLATTEN", "STREAM", "BIND_STORAGE", "BIND_OP", "LOOP_MERGE", "ARRAY_RESHAPE",
    "RESOURCE", "ALLOCATION", "AGGREGATE", "DISAGGREGATE", "EXPRESSION_BALANCE", "LATENCY", "OCCURRENCE",
    "PROTOCOL", "RESET", "STABLE", "SHARED", "TOP", "FUNCTION_INSTANTIATE", "ALIAS", "CACHE", "STABLE_CONTENT",
}  # fmt: skip
LOOPS = ("FOR_STMT", "WHILE_STMT", "DO_STMT")
DIRECTIVE_VALUES = {
    "ii", "factor", "min", "max", "avg", "type", "dim", "mode", "latency", "depth", "bundle", "offset",
    "variable", "port", "max_read_burst_length", "max_write_burst_length", "num_read_outstanding",
    "num_write_outstanding", "style", "impl", "op", "storage_type", "core",
}  # fmt: skip
NUMERIC_OPTIONS = {
    "ii", "factor", "latency", "depth", "min", "max", "avg", "dim", "max_read_burst_length",
    "max_write_burst_length", "num_read_outstanding", "num_write_outstanding",
}  # fmt: skip
CASTS = {
    "UNEXPOSED_EXPR", "PAREN_EXPR", "CSTYLE_CAST_EXPR", "CXX_STATIC_CAST_EXPR", "CXX_FUNCTIONAL_CAST_EXPR",
    "CXX_REINTERPRET_CAST_EXPR", "CXX_CONST_CAST_EXPR", "INIT_LIST_EXPR", "CXX_BOOL_LITERAL_EXPR",
    "INTEGER_LITERAL", "FLOATING_LITERAL", "CHARACTER_LITERAL", "STRING_LITERAL", "TYPE_REF", "TEMPLATE_REF",
    "NAMESPACE_REF", "CXX_NULL_PTR_LITERAL_EXPR", "UNARY_EXPR", "CXX_UNARY_EXPR", "SIZE_OF_PACK_EXPR", "CXX_THIS_EXPR",
}  # fmt: skip
PREPROCESSED = (".pp.0.cpp", ".pp.0.c", ".pp.cpp", ".pp.c")
LINE_MARKER = re.compile(r'^#\s*\d+\s+"[^"\n]*"[ \d]*$', re.MULTILINE)
SSDM_CALL = re.compile(r"(_ssdm\w*)\s*\(([^;]*?)\)\s*;")
ASSIGNMENTS = {"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "++", "--"}
WRITTEN = "="  # indices[WRITTEN + array]: the index texts an expression writes
OPERATORS = "*+-/%()<>"
ONE_CYCLE = {"+", "-", "<", ">", "<=", ">=", "==", "!=", "&", "|", "^", "<<", ">>", "&&", "||"}
SMALL_ARRAY = 16  # local arrays up to this many elements become registers (Vitis auto-partitions them)
SCALAR_KINDS = {"BOOL", "CHAR_S", "CHAR_U", "SCHAR", "UCHAR", "SHORT", "USHORT", "INT", "UINT", "LONG", "ULONG",
                "LONGLONG", "ULONGLONG", "INT128", "UINT128", "RECORD"}  # fmt: skip
ALIASING = {"POINTER", "LVALUEREFERENCE", "RVALUEREFERENCE", "INCOMPLETEARRAY"}
TEMPLATE_PARAMETERS = {"TEMPLATE_TYPE_PARAMETER", "TEMPLATE_NON_TYPE_PARAMETER", "TEMPLATE_TEMPLATE_PARAMETER"}
FUNCTION_KINDS = {"FUNCTION_DECL", "FUNCTION_TEMPLATE", "CXX_METHOD", "CONSTRUCTOR", "DESTRUCTOR", "LAMBDA_EXPR"}
MATH_CORES = {"exp": "fexp", "expf": "fexp", "log": "fexp", "logf": "fexp", "sqrt": "fsqrt", "sqrtf": "fsqrt"}


class SourceError(ValueError):
    """A construct the reader does not handle: ``file:line: what``."""


@dataclass(frozen=True)
class Pragma:
    line: int
    name: str
    options: dict[str, str]

    @classmethod
    def parse(cls, line: int, text: str) -> Pragma:
        words: list[str] = []
        for word in re.sub(r"\s*=\s*", "=", text.replace(",", " ")).split():  # "key = value" -> "key=value"
            if len(words) > 1 and (word[0] in OPERATORS or words[-1][-1] in OPERATORS):
                words[-1] += word  # an expression value spread over words: min = c_min * c_min
            else:
                words.append(word)
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
    ports: dict[str, int] = field(default_factory=dict)  # RAM ports of an array (default: dual-port)
    arrays: set[str] = field(default_factory=set)  # block-RAM arrays (local or ap_memory ports)
    streams: set[str] = field(default_factory=set)
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)  # enclosing loop variables
    aliases: dict[str, str] = field(default_factory=dict)  # parameter -> the caller's array
    axi: set[str] = field(default_factory=set)  # m_axi ports
    distances: dict[str, float] = field(default_factory=dict)  # DEPENDENCE inter: iterations apart (inf: none)


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


PROJECT_COMMANDS = {
    "open_project", "open_solution", "set_top", "add_files", "csim_design", "csynth_design", "cosim_design",
    "export_design", "close_project", "close_solution", "exit", "source", "set", "puts", "open_component",
}  # fmt: skip


def read_directives(path, settings: dict | None = None) -> dict[str, list[Pragma]]:
    """Tcl directives (``set_directive_<pragma> [-option value | -flag]... "function[/label]"
    [variable]``, as Vitis HLS projects keep them in directives.tcl or script.tcl) by location.

    The project settings that change timing go to ``settings``: ``create_clock -period P``
    ("clock_ns"), ``set_part PART`` ("part") and ``config_compile -pipeline_loops N``
    ("pipeline_loops"); the other project commands (open_project, add_files, config_*, ...)
    are skipped. Raises SourceError naming file:line for any other command.
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
            _project_setting(path, number, words, settings if settings is not None else {})
            continue
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


def _project_setting(path: Path, number: int, words: list[str], settings: dict) -> None:
    command = words[0]
    value = words[words.index("-period") + 1] if "-period" in words[:-1] else None
    if command == "create_clock" and value is not None:
        settings["clock_ns"] = float(_arithmetic(value) or value)
    elif command == "set_part" and len(words) > 1:
        settings["part"] = words[1].strip("{}")
    elif command == "config_compile" and "-pipeline_loops" in words[:-1]:
        settings["pipeline_loops"] = int(words[words.index("-pipeline_loops") + 1])
    elif command not in PROJECT_COMMANDS and not command.startswith("config_"):
        raise SourceError(f"{path}:{number}: {command!r} is not a set_directive_* or project command")


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
    """The loop nest of ``top`` in ``path`` (module docstring); ``nest()`` builds it.

    ``args`` binds scalar parameters of the top to values (a run-time shape such as a
    matrix's rows), as a call with those arguments would run; they reach the called
    functions and every expression computed from them. ``tripcounts`` maps
    "function/Label" to (min, max) trips, as ``set_directive_loop_tripcount`` does, for
    loops whose trip count depends on data.
    """

    def __init__(
        self,
        path,
        top: str,
        defines=(),
        includes=(),
        directives=None,
        clock_ns: float | None = None,
        part: str | None = None,
        pipeline_loops: int | None = None,
        args: dict[str, int] | None = None,
        tripcounts: dict[str, tuple[int, int]] | None = None,
        tool: str | None = None,
    ):
        self.tool = Tool.parse(tool)
        self.cindex, self.lib = _library()
        self.args = dict(args or {})
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
        self.top = top
        self.axi_latency = hls_ops.DEFAULT_AXI_LATENCY
        self.warnings: list[str] = []
        self.bursts: dict[tuple, hls_verdicts.Burst] = {}  # by site and direction: an outer loop's verdict wins
        self.conflicts: dict[tuple, hls_verdicts.Conflict] = {}
        self.outstanding = hls_verdicts.AXI_OUTSTANDING
        self._site: tuple[str, int] = (str(self.path), 0)  # the loop being read
        self._promoted: frozenset[str] = frozenset()  # subscripts held in a register in the loop being read
        self.use_min = False
        settings: dict = {}
        self.directives = read_directives(directives, settings) if directives is not None else {}
        for where, (low, high) in (tripcounts or {}).items():
            if not 0 <= low <= high:
                raise ValueError(f"tripcounts[{where!r}] = ({low}, {high}) is out of range; expected 0 <= min <= max")
            pragma = Pragma(0, "LOOP_TRIPCOUNT", {"min": str(low), "max": str(high)})
            self.directives.setdefault(where, []).append(pragma)
        self.target = hls_ops.Target.for_part(
            part if part is not None else settings.get("part"),
            clock_ns if clock_ns is not None else settings.get("clock_ns"),
        )
        if pipeline_loops is None:
            pipeline_loops = int(settings.get("pipeline_loops", self.tool.pipeline_loops))
        if pipeline_loops < 0:
            raise ValueError(f"pipeline_loops={pipeline_loops} is out of range; expected 0 (off) or more")
        self.pipeline_loops = pipeline_loops
        flags = ["-x", "c++", "-std=c++17", "-D__SYNTHESIS__", "-Wno-unknown-pragmas"]
        flags += [f"-D{define}" for define in defines] + [f"-I{folder}" for folder in includes]
        flags += ["-I", str(HEADERS)]  # last: the real Xilinx headers win when given with -I
        flags += [f"-isystem{folder}" for folder in _compiler_headers()]
        # pragma values named by macros (factor = WORD_BYTES) are probed: clang evaluates them
        # in declarations appended to the source, after its last line
        text = _without_line_markers(self.path.read_text(errors="replace"))
        if self.path.name.endswith(PREPROCESSED):  # the tool's own output: its headers are expanded, C++14 era
            flags[flags.index("-std=c++17")] = "-std=gnu++14"
        lines = len(text.splitlines())
        names = sorted(
            {
                value
                for _, pragma in _pragmas(text)
                for key, value in pragma.options.items()
                if key in NUMERIC_OPTIONS and re.search(r"[A-Za-z_]", value) and _arithmetic(value) is None
            }
        )
        probes = "".join(
            f"\nstatic constexpr long long cnnacc_probe_{k} = static_cast<long long>({name});"
            for k, name in enumerate(names)
        )
        index = self.cindex.Index.create()
        self.unit = index.parse(str(self.path), args=flags, unsaved_files=[(str(self.path), text + "\n" + probes)])
        for diagnostic in self.unit.diagnostics:
            where = diagnostic.location
            name = where.file.name if where.file else str(self.path)
            probe = name == str(self.path) and where.line > lines
            if diagnostic.severity >= self.cindex.Diagnostic.Error and not probe:
                raise SourceError(f"{name}:{where.line}: does not parse: {diagnostic.spelling}")
        self.macro_values = {
            names[int(cursor.spelling.removeprefix("cnnacc_probe_"))]: value
            for cursor in self.unit.cursor.get_children()
            if cursor.kind.name == "VAR_DECL"
            and cursor.spelling.startswith("cnnacc_probe_")
            and (value := self._clang_value(cursor)) is not None
        }
        self.pragmas: dict[str, dict[int, Pragma]] = {}
        definitions = [
            cursor
            for cursor in self.unit.cursor.walk_preorder()
            if cursor.kind.name in ("FUNCTION_DECL", "FUNCTION_TEMPLATE", "CXX_METHOD") and cursor.is_definition()
        ]
        self.functions = {cursor.spelling: cursor for cursor in definitions}  # the top is found by name
        self.defined_at = {_site(cursor): cursor for cursor in definitions}
        self._loopy: dict[tuple, bool] = {}
        self._evaluating: set[int] = set()  # variables whose value is being computed (against cycles)
        self.small_globals = {
            cursor.spelling
            for cursor in self.unit.cursor.get_children()
            if cursor.kind.name == "VAR_DECL" and 0 < _elements(cursor.type) <= SMALL_ARRAY
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
            for number, pragma in _pragmas(Path(name).read_text(errors="replace")):
                values = {key: str(self.macro_values.get(value, value)) for key, value in pragma.options.items()}
                found[number] = Pragma(number, pragma.name, values)
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
        """The value of an integer expression given the names in ``env``, or None."""
        value = self._clang_value(cursor)
        if value is None:
            value = self._tree_value(cursor, env, 0)
        if value is not None:
            return value
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

    def _tree_value(self, cursor, env: dict[str, int], depth: int) -> int | None:
        """The value of an integer expression from its syntax tree: literals, names in ``env``
        or constant, C arithmetic, comparisons and ``?:``, casts, and calls of functions whose
        body is one ``return`` (inline helpers such as a ceiling division); else None."""
        kind = cursor.kind.name
        if depth > 32:
            return None
        if kind in ("INTEGER_LITERAL", "CXX_BOOL_LITERAL_EXPR", "CHARACTER_LITERAL"):
            return self._clang_value(cursor)
        if kind == "DECL_REF_EXPR":
            return env[cursor.spelling] if cursor.spelling in env else self._constant(cursor)
        if kind == "CALL_EXPR":
            return self._call_value(cursor, env, depth)
        references = ("TYPE_REF", "NAMESPACE_REF", "TEMPLATE_REF")
        operands = [c for c in cursor.get_children() if c.kind.name not in references]
        if kind == "BINARY_OPERATOR" and len(operands) == 2:  # && and || stop at a deciding left side
            operator = _operator(cursor, operands[0])
            left = self._tree_value(operands[0], env, depth + 1)
            if left is not None and operator in ("&&", "||") and bool(left) == (operator == "||"):
                return int(bool(left))
            right = self._tree_value(operands[1], env, depth + 1)
            return None if left is None or right is None else _binary(operator, left, right)
        found = [self._tree_value(c, env, depth + 1) for c in operands]
        values = [value for value in found if value is not None]
        if len(values) != len(found) or not values:
            return None
        if kind == "UNARY_OPERATOR" and len(values) == 1:
            sign = next(iter(cursor.get_tokens())).spelling
            return {"-": -values[0], "+": values[0], "~": ~values[0], "!": int(not values[0])}.get(sign)
        if kind == "CONDITIONAL_OPERATOR" and len(values) == 3:
            return values[1] if values[0] else values[2]
        if len(values) == 1 and kind in CASTS:
            return values[0]
        return None

    def _clang_value(self, cursor) -> int | None:
        """The value clang computes for a constant integer expression, or None."""
        result = self.lib.clang_Cursor_Evaluate(cursor)
        if not result:
            return None
        try:
            kind = self.lib.clang_EvalResult_getKind(result)
            return int(self.lib.clang_EvalResult_getAsLongLong(result)) if kind == 1 else None  # CXEval_Int
        finally:
            self.lib.clang_EvalResult_dispose(result)

    def _call_value(self, call, env: dict[str, int], depth: int) -> int | None:
        callee = self._callee(call)
        if callee is None:
            return None
        body = [c for c in callee.get_children() if c.kind.name == "COMPOUND_STMT"]
        statements = list(body[0].get_children()) if body else []
        if len(statements) != 1 or statements[0].kind.name != "RETURN_STMT":
            return None
        parameters = [c.spelling for c in callee.get_children() if c.kind.name == "PARM_DECL"]
        found = [self._tree_value(a, env, depth + 1) for a in call.get_arguments()]
        arguments = [value for value in found if value is not None]
        if len(arguments) != len(found) or len(arguments) != len(parameters):
            return None
        returned = next(statements[0].get_children(), None)
        return None if returned is None else self._tree_value(returned, dict(zip(parameters, arguments)), depth + 1)

    def _constant(self, reference) -> int | None:
        """The value of the variable a name refers to: a const one, or one declared outside
        functions (a global the kernel does not change); None for any other."""
        declaration = None if reference is None else reference.referenced
        if declaration is None or declaration.kind.name != "VAR_DECL" or declaration.hash in self._evaluating:
            return None
        scope = declaration.semantic_parent
        if not declaration.type.is_const_qualified() and scope is not None and scope.kind.name in FUNCTION_KINDS:
            return None
        self._evaluating.add(declaration.hash)
        try:
            return self.evaluate(declaration, {})
        finally:
            self._evaluating.discard(declaration.hash)

    def _bound_range(self, cursor, context: _Context) -> tuple[int, int] | None:
        """(min, max) of an expression over the ranges of the enclosing loop variables it
        names, or the range of its type's width for any other variable, or None."""
        names = {token.spelling for token in cursor.get_tokens() if token.kind.name == "IDENTIFIER"} - set(context.env)
        free = [name for name in names if name in context.ranges]
        values = set()
        for corner in range(1 << len(free)):
            env = dict(context.env)
            for bit, name in enumerate(free):
                env[name] = context.ranges[name][(corner >> bit) & 1]
            value = self.evaluate(cursor, env)
            if value is None:
                break
            values.add(value)
        else:
            return min(values), max(values)
        bits = _width(_source_type(cursor))
        if bits is not None and bits <= 16:  # Vivado/Vitis HLS bound a variable trip count by its type
            return 0, (1 << bits) - 1
        return None

    # ------------------------------------------------------------------ the nest

    def nest(self) -> dict:
        """The NEST.json tree of the top function."""
        function = self.functions.get(self.top)
        if function is None:
            names = ", ".join(sorted(self.functions)) or "none"
            raise SourceError(f"{self.path}: no function {self.top!r} is defined (defined: {names})")
        scalars = [
            c.spelling
            for c in function.get_children()
            if c.kind.name == "PARM_DECL" and c.type.get_canonical().kind.name in SCALAR_KINDS
        ]
        for name in self.args:
            if name not in scalars:
                known = ", ".join(scalars) or "none"
                raise SourceError(f"{self.path}: {self.top} has no scalar parameter {name!r} (scalars: {known})")
        context = _Context(self.top, dict(self.args), partitioned=set(self.small_globals))
        return _public(self._function(function, context, self.top))

    def _function(self, function, caller: _Context, name: str, bindings: dict[str, str] | None = None) -> dict:
        body = next((child for child in function.get_children() if child.kind.name == "COMPOUND_STMT"), None)
        if body is None:
            self._fail(function, f"function {name} has no body")
        context = _Context(name, dict(caller.env), partitioned=set(self.small_globals))
        pragmas = self.scope_pragmas(body) + self.directives.get(name, [])
        self._apply_arrays(pragmas, context)
        # array arguments are block-RAM ports (ap_memory) and pointers m_axi ports in the Vitis
        # kernel flow, block RAM in the Vivado IP flow (the default here) unless an INTERFACE
        # pragma gives another mode; a called function's array parameters are its caller's arrays
        modes: dict[str, str] = {}
        for pragma in pragmas:  # an s_axilite line for an m_axi port carries its offset: the m_axi mode stands
            if pragma.name == "INTERFACE":
                mode = (pragma.options.get("mode") or next(iter(pragma.options), "")).lower()
                port = pragma.options.get("port", "")
                if not (mode == "s_axilite" and modes.get(port) in ("m_axi", "ap_memory", "bram")):
                    modes[port] = mode
        storages = {  # the storage type of an argument: INTERFACE storage_type, RESOURCE core, BIND_STORAGE type
            pragma.options.get("port" if pragma.name == "INTERFACE" else "variable", ""): value
            for pragma in pragmas
            if (value := pragma.options.get("storage_type") or pragma.options.get("core")
                or (pragma.options.get("type") if pragma.name == "BIND_STORAGE" else None))
        }  # fmt: skip
        for parameter in function.get_children():
            if parameter.kind.name != "PARM_DECL":
                continue
            spelling = parameter.spelling
            if "stream" in parameter.type.spelling:
                context.streams.add(spelling)
                continue
            if bindings is not None and spelling in bindings:
                outer = bindings[spelling]
                context.aliases[spelling] = outer
                for known in ("arrays", "partitioned", "streams", "axi"):
                    if outer in getattr(caller, known):
                        getattr(context, known).add(spelling)
                if outer in caller.factors:
                    context.factors[spelling] = caller.factors[outer]
                if outer in caller.ports:
                    context.ports[spelling] = caller.ports[outer]
                continue
            pointer = parameter.type.kind.name in ("CONSTANTARRAY", "INCOMPLETEARRAY", "POINTER")
            mode = modes.get(spelling, "ap_memory" if pointer else "scalar")
            if mode in ("ap_memory", "bram"):
                context.arrays.add(spelling)
                storage = storages.get(spelling)
                context.ports[spelling] = self.tool.argument_ports(mode, storage)
            elif mode == "m_axi":
                context.axi.add(spelling)
        for field_name in set(bindings or {}) - {p.spelling for p in function.get_children()}:  # members
            outer = bindings[field_name]  # type: ignore[index]
            context.aliases[field_name] = outer
            for known in ("arrays", "partitioned", "streams", "axi"):
                if outer in getattr(caller, known):
                    getattr(context, known).add(field_name)
            if outer in caller.factors:
                context.factors[field_name] = caller.factors[outer]
            if outer in caller.ports:
                context.ports[field_name] = caller.ports[outer]
        for pragma in pragmas:
            if pragma.name == "INTERFACE" and "latency" in pragma.options:
                self.axi_latency = int(_arithmetic(pragma.options["latency"]) or self.axi_latency)
            if pragma.name == "INTERFACE" and "num_read_outstanding" in pragma.options:
                self.outstanding = int(_arithmetic(pragma.options["num_read_outstanding"]) or self.outstanding)
        nodes = self._statements(list(body.get_children()), context)
        for node in _walk(nodes):  # the accesses count against the caller's arrays
            if node.get("_ports"):
                ports: Counter = Counter()
                for (array, way), count in node["_ports"].items():
                    ports[(context.aliases.get(array, array), way)] += count
                node["_ports"] = dict(ports)
        dataflow = any(p.name == "DATAFLOW" for p in pragmas)
        if dataflow:  # the processes overlap by the dataflow rule, not as independent modules
            nodes = [child for node in nodes for child in (node["body"] if node.get("kind") == "parallel" else [node])]
        region: dict = {"region": name, "kind": "dataflow" if dataflow else "sequential", "body": nodes}
        parameters = {child.spelling for child in function.get_children() if child.kind.name == "PARM_DECL"}
        region["_locals"] = self._declared(function) | parameters  # its arrays are in _arrays, by the caller's names
        if dataflow:
            region["channel"] = "fifo" if context.streams or _uses_streams(body) else "pipo"
        region["_arrays"] = {context.aliases.get(name, name) for name in _arrays_of(nodes)}  # the caller's names
        return region

    def _apply_arrays(self, pragmas: list[Pragma], context: _Context) -> None:
        for pragma in pragmas:
            options = pragma.options
            if pragma.name == "DEPENDENCE" and "variable" in options and "intra" not in options:
                member = options["variable"]
                if options.get("type", "inter") == "inter" and "false" in (options.get("dependent"), *options):
                    context.distances[member] = math.inf  # no dependence across iterations
                elif "distance" in options:
                    context.distances[member] = max(1, _arithmetic(options["distance"]) or 1)
            storage = options.get("core") or (options.get("type") if pragma.name == "BIND_STORAGE" else None)
            if pragma.name in ("RESOURCE", "BIND_STORAGE") and storage and "variable" in options:
                context.ports[options["variable"]] = storage_ports(storage)
            if pragma.name in ("ARRAY_PARTITION", "ARRAY_RESHAPE") and "variable" in pragma.options:
                variable = pragma.options["variable"]  # a name, or object.member
                if pragma.options.get("type", "complete" if "complete" in pragma.options else "") == "complete" or (
                    "complete" in pragma.options
                ):
                    context.partitioned.add(variable)
                elif "factor" in pragma.options:
                    context.factors[variable] = int(_arithmetic(pragma.options["factor"]) or 1)

    def _statements(self, statements, context: _Context) -> list[dict]:
        nodes: list[dict] = []
        block = hls_ops.BlockSchedule(distances=context.distances)
        first_line = [0]
        touched: Counter = Counter()

        def flush() -> None:
            if block.latency:
                node = {"op": f"block@{first_line[0]}", "latency": max(1, block.states())}
                node["_arrays"] = {name for name, _ in touched}
                node["_ports"] = dict(touched)
                node["_reads"] = set(block.first_read)  # values the block reads before writing them
                node["_writes"] = set(block.ready)
                node["_recurrence"] = block.recurrence
                node["_recurrences"] = dict(block.recurrences)
                nodes.append(node)
            block.ready.clear()
            block.first_read.clear()
            block.latency = 0.0
            block.recurrences.clear()
            touched.clear()
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
            elif self._has_loops(statement):
                if kind == "IF_STMT":  # the test joins the block before it
                    test = self._statement(next(statement.get_children()), context)
                    block.statement(test.paths, set(), test.latency, test.firsts)
                    touched.update(test.accesses)
                flush()
                nodes += self._calls_with_loops(statement, context)
            else:
                info = self._statement(statement, context)
                init = self._init_loops(statement, context)
                if init:  # the initialized arrays are written word by word before the statement's value
                    flush()
                    nodes += init
                first_line[0] = first_line[0] or statement.location.line
                block.statement(info.paths, info.writes, info.latency, info.firsts)
                block.recurrences.update(_longest(block.recurrences, info.recurrences))
                touched.update(info.accesses)
                self._note_constants(statement, context)
        flush()
        return _parallel(nodes)

    def _init_loops(self, statement, context: _Context) -> list[dict]:
        """A local block-RAM array declared with an initializer (``int acc[256] = {0};``) is
        written word by word each time its scope runs: a loop of one word a cycle per bank
        (UG1399 "Initializing and Resetting Arrays": an array that is not static is
        initialized on every call; a ``static`` or ``const`` one holds its values in the RAM's
        contents, without a loop, and so does one the function never writes: the tool makes it
        a ROM, as hanyax's FIR coefficients in tests/data/hls_reports/)."""
        if statement.kind.name != "DECL_STMT":
            return []
        nodes = []
        for declaration in statement.get_children():
            name = declaration.spelling
            if (
                declaration.kind.name != "VAR_DECL"
                or name not in context.arrays
                or name in context.partitioned
                or declaration.storage_class.name == "STATIC"
                or declaration.type.is_const_qualified()
                or declaration.type.element_type.is_const_qualified()
                or not any(child.kind.name == "INIT_LIST_EXPR" for child in declaration.get_children())
                or not self._array_written(declaration)
            ):
                continue
            words = math.ceil(_elements(declaration.type) / context.factors.get(name, 1))
            nodes.append({"loop": f"{name}_init", "trip_count": words, "pipeline_ii": 1, "iteration_latency": 1,
                          "body": [{"op": f"{name}_init", "latency": 1}], "_arrays": {name},
                          "_ports": {(name, "w"): 1}})  # fmt: skip
        return nodes

    def _note_constants(self, statement, context: _Context) -> None:
        """A local integer whose value is known joins the environment when it is ``const`` or
        never changed after its declaration (``int n = 256;`` passed on as a loop bound: the
        tool propagates the constant, as clang's own constant propagation does)."""
        if statement.kind.name != "DECL_STMT":
            return
        for declaration in statement.get_children():
            if declaration.kind.name != "VAR_DECL":
                continue
            if declaration.type.is_const_qualified() or (
                declaration.type.get_canonical().kind.name in SCALAR_KINDS - {"RECORD"}
                and declaration.storage_class.name != "STATIC"
                and not self._changed(declaration)
            ):
                value = _initializer(declaration)
                number = self.evaluate(value, context.env) if value is not None else None
                if number is not None:
                    context.env[declaration.spelling] = number

    def _array_written(self, declaration) -> bool:
        """Whether an array is stored to (``name[...] = ...``, ``+=``, ``++``) after its
        declaration, in the function that declares it or passed to a call (which may write it)."""
        function = declaration.semantic_parent
        if function is None or function.kind.name not in FUNCTION_KINDS:
            return True
        name, after = declaration.spelling, declaration.extent.end.offset
        tokens = [(token.spelling, token.extent.start.offset) for token in function.get_tokens()]
        for index, (token, offset) in enumerate(tokens):
            if token != name or offset <= after:
                continue
            following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
            if following in (",", ")"):
                return True  # an argument: the callee may write it
            depth, position = 0, index + 1
            while position < len(tokens) and (tokens[position][0] == "[" or depth):
                depth += {"[": 1, "]": -1}.get(tokens[position][0], 0)
                position += 1
            if position < len(tokens) and tokens[position][0] in ASSIGNMENTS:
                return True
            if index and tokens[index - 1][0] in ("++", "--"):
                return True
        return False

    def _changed(self, declaration) -> bool:
        """Whether a local variable is assigned, incremented or has its address taken after
        its declaration, within the function that declares it."""
        function = declaration.semantic_parent
        if function is None or function.kind.name not in FUNCTION_KINDS:
            return True
        name = declaration.spelling
        tokens = [token.spelling for token in function.get_tokens()]
        after = declaration.extent.end.offset
        offsets = [token.extent.start.offset for token in function.get_tokens()]
        for index, token in enumerate(tokens):
            if token != name or offsets[index] <= after:
                continue
            before = tokens[index - 1] if index else ""
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            if before in ("++", "--", "&") or following in ASSIGNMENTS:
                return True
        return False

    def _loopy_function(self, callee) -> bool:
        """Whether a function holds a loop, itself or through the functions it calls."""
        name = _site(callee)
        if name not in self._loopy:
            self._loopy[name] = False  # recursion: not a loop
            found = False
            for cursor in callee.walk_preorder():
                if cursor.kind.name in LOOPS:
                    found = True
                    break
                if cursor.kind.name == "CALL_EXPR":
                    inner = self._callee(cursor)
                    if inner is not None and inner != callee and self._loopy_function(inner):
                        found = True
                        break
            self._loopy[name] = found
        return self._loopy[name]

    def _declared(self, body, seen: frozenset = frozenset()) -> frozenset[str]:
        """Names declared in ``body`` or in the functions it calls (their locals and
        parameters): values that start again every time the body runs."""
        names = set()
        for cursor in body.walk_preorder():
            kind = cursor.type.get_canonical().kind.name
            if cursor.kind.name in ("VAR_DECL", "PARM_DECL") and not (
                kind in ALIASING or cursor.kind.name == "PARM_DECL" and kind == "CONSTANTARRAY"
            ):
                names.add(cursor.spelling)  # a pointer, array parameter or reference names outside storage
            elif cursor.kind.name == "CALL_EXPR":
                callee = self._callee(cursor)
                if callee is not None and _site(callee) not in seen:
                    names |= self._declared(callee, seen | {_site(callee)})
        return frozenset(names)

    def _has_loops(self, statement) -> bool:
        for cursor in statement.walk_preorder():
            if cursor.kind.name in LOOPS:
                return True
            if cursor.kind.name == "CALL_EXPR":
                callee = self._callee(cursor)
                if callee is not None and self._loopy_function(callee):
                    return True
        return False

    def _callee(self, call):
        """The definition of the function a call calls (the template, for an instance of one),
        or None: not defined in the sources, or the top."""
        reference = call.referenced
        if reference is None or reference.spelling == self.top:
            return None
        definition = reference.get_definition()
        if definition is None or definition.location.file is None:
            return None
        return self.defined_at.get(_site(definition), definition)

    def _calls_with_loops(self, statement, context: _Context) -> list[dict]:
        kind = statement.kind.name
        if kind == "IF_STMT":
            children = list(statement.get_children())
            test = self.evaluate(children[0], context.env)
            if test is not None:  # a test fixed by constants or bound arguments: its branch only
                taken = children[1] if test else (children[2] if len(children) > 2 else None)
                return self._statements([taken], context) if taken is not None else []
            branches = [self._statements([child], context) for child in children[1:]]
            if len(branches) == 1:
                branches.append([])
            pick = min if self.use_min else max
            chosen = pick(branches, key=_rough_latency)
            if not any("op" not in node for node in chosen) and any("op" not in n for b in branches for n in b):
                # the loops of the branch not taken still shape the hardware (the parent is no innermost loop)
                chosen = [*chosen, {"region": "not taken", "kind": "sequential", "body": []}]
            return chosen
        if kind in LOOPS or kind == "COMPOUND_STMT":
            return self._statements([statement], context)
        # calls (in the order they are evaluated: innermost arguments first), then the rest
        calls = [
            c
            for c in statement.walk_preorder()
            if c.kind.name == "CALL_EXPR" and self._callee(c) is not None and self._loopy_function(self._callee(c))
        ]
        if not calls:
            self._fail(statement, f"a loop inside a {kind.lower().replace('_', ' ')} is not supported")
        nodes = []
        for call in reversed(calls):
            callee = self._callee(call)
            bindings = self._bindings(call, callee, context)
            env = (
                dict(context.env)
                | self._template_env(call, callee, context)
                | self._argument_env(call, callee, context)
            )
            inner = _Context(context.function, env)
            for known in ("arrays", "partitioned", "streams", "factors", "ranges", "axi"):
                setattr(inner, known, getattr(context, known))
            nodes.append(self._function(callee, inner, call.referenced.spelling, bindings))
        rest = self._statement(statement, context, skip_calls=True)
        if rest.latency > 0 and kind not in ("CALL_EXPR", "UNEXPOSED_EXPR"):  # not a bare call
            result = f"@result{statement.location.line}"  # what the calls return to the rest of the statement
            for node in nodes:
                node["_results"] = {result}
            nodes.append({"op": f"after@{statement.location.line}", "latency": max(1, math.ceil(rest.latency)),
                          "_reads": set(rest.paths) | {result}, "_writes": set(rest.writes),
                          "_arrays": {array for array, _ in rest.accesses}})  # fmt: skip
        return nodes

    def _bindings(self, call, callee, context: _Context) -> dict[str, str]:
        """The callee's array parameters -> the caller's arrays passed to them."""
        parameters = [c.spelling for c in callee.get_children() if c.kind.name == "PARM_DECL"]
        arguments = list(call.get_arguments())
        found = {}
        known = context.arrays | context.partitioned | context.streams | context.axi | set(context.aliases)
        for parameter, argument in zip(parameters, arguments):
            name = _base_name(argument)
            if name in known:
                found[parameter] = name
        if callee.kind.name == "CXX_METHOD" and callee.semantic_parent is not None:  # the object's array members
            fields = {c.spelling for c in callee.semantic_parent.get_children() if c.kind.name == "FIELD_DECL"}
            owner = _owner(call_base) if (call_base := next(iter(call.get_children()), None)) is not None else None
            for name in fields - set(parameters):
                qualified = f"{owner}.{name}" if owner else name
                if qualified in known | set(context.factors):
                    found[name] = qualified
        return found

    def _argument_env(self, call, callee, context: _Context) -> dict[str, int]:
        """The callee's integer parameters whose arguments are known here."""
        parameters = [c.spelling for c in callee.get_children() if c.kind.name == "PARM_DECL"]
        found = {}
        for parameter, argument in zip(parameters, call.get_arguments()):
            value = self.evaluate(argument, context.env)
            if value is not None:
                found[parameter] = value
        return found

    def _template_env(self, call, callee, context: _Context) -> dict[str, int]:
        if callee.kind.name != "FUNCTION_TEMPLATE":
            return {}
        names = [c.spelling for c in callee.get_children() if c.kind.name == "TEMPLATE_NON_TYPE_PARAMETER"]
        specialization = call.referenced  # clang's values of the template arguments, when it knows them
        parameters = [c for c in callee.get_children() if c.kind.name in TEMPLATE_PARAMETERS]
        values: dict[str, int] = {}
        if specialization is not None and specialization.get_num_template_arguments() == len(parameters):
            for index, parameter in enumerate(parameters):
                if parameter.kind.name == "TEMPLATE_NON_TYPE_PARAMETER" and (
                    specialization.get_template_argument_kind(index).name == "INTEGRAL"
                ):
                    values[parameter.spelling] = specialization.get_template_argument_value(index)
        if len(values) == len(names):
            return values
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
        numbers = [_arithmetic(arg) for arg in args]
        return {name: value for name, value in zip(names, numbers) if value is not None}

    # ------------------------------------------------------------------ loops

    def _loop(self, loop, label: str | None, context: _Context) -> dict:
        if label is None:
            context.unlabelled += 1
            label = f"VITIS_LOOP_{loop.location.line}_{context.unlabelled}"
        saved, self._site = self._site, (loop.location.file.name if loop.location.file else str(self.path),
                                         loop.location.line)  # fmt: skip
        saved_promoted = self._promoted
        self._promoted = saved_promoted | self._promotions(loop, context)
        node = self._loop_node(loop, label, context)
        self._promoted = saved_promoted
        node["_locals"] = self._declared(loop)  # its variable and body's locals start again each run
        self._site = saved
        pipelined = node if node.get("pipeline_ii") is not None else None
        if node.get("region", "").endswith("(burst)"):
            pipelined = node["body"][1]
        return self._charge_verdicts(loop, label, node, pipelined, context)

    def _promotions(self, loop, context: _Context) -> frozenset[str]:
        """The subscripts of an innermost loop that the tool keeps in a register for the whole
        loop (LLVM's scalar promotion, which Vivado and Vitis HLS run): an element of a
        block-RAM array read and written at an address the loop does not change, the array
        accessed nowhere else in the loop. The Xilinx matrixmul tutorial's ``res[i][j] +=``
        over k is read once and written once (its report's res port has no read data)."""
        if any(inner.kind.name in LOOPS for inner in loop.walk_preorder() if inner != loop):
            return frozenset()
        changed = hls_verdicts.changed_names(loop)
        texts: dict[str, set[str]] = {}
        written: set[str] = set()
        stack = [(child, False) for child in loop.get_children()]
        while stack:
            cursor, inside = stack.pop()
            kind = cursor.kind.name
            if kind == "ARRAY_SUBSCRIPT_EXPR" and not inside:  # the outermost subscript: one element
                texts.setdefault(_base_name(cursor), set()).add(_text(cursor))
            children = list(cursor.get_children())
            symbol = _operator(cursor, children[0]) if kind.endswith("OPERATOR") and len(children) == 2 else ""
            if kind == "CALL_EXPR" and cursor.spelling.startswith("operator"):
                symbol = cursor.spelling[len("operator") :]
            if kind == "UNARY_OPERATOR":
                symbol = next((t.spelling for t in cursor.get_tokens() if t.spelling in ("++", "--")), "")
            if children and symbol in ASSIGNMENTS:
                target = children[0]
                while target.kind.name in CASTS and list(target.get_children()):
                    target = next(target.get_children())
                written.add(_text(target))
            stack += [(child, inside or kind == "ARRAY_SUBSCRIPT_EXPR") for child in children]
        promoted = set()
        for name, found in texts.items():
            if len(found) != 1 or name not in context.arrays or name in context.partitioned | context.axi:
                continue
            (text,) = found
            address = text[text.index("[") :]
            names = set(re.findall(r"[A-Za-z_]\w*", address))
            if text in written and not names & changed and address.count("[") == text.count("["):
                promoted.add(text)  # no subscript inside the address: not read from memory
        return frozenset(promoted)

    def _charge_verdicts(self, loop, label: str, node: dict, pipelined: dict | None, context: _Context) -> dict:
        """Burst verdicts of the loop's m_axi accesses and bank conflicts of its partitioned
        arrays (``hls_verdicts``), charged: in a pipelined loop an access that is its own
        transaction raises the II to the AXI round trip over the outstanding requests, an
        access whose bank is unknown shares the array's ports with every copy; in a loop that
        is not pipelined each such read waits the round trip."""
        children = list(loop.get_children())
        body = children[-1] if loop.kind.name != "DO_STMT" else children[0]
        variable = _loop_variable(children) if loop.kind.name == "FOR_STMT" else None
        step = (self._step(children[2], variable, context) if variable and len(children) == 4 else None) or 1
        inner: dict[str, int] = {}
        if pipelined is not None:
            for nested in body.walk_preorder():
                if nested.kind.name == "FOR_STMT" and nested != loop:
                    nested_children = list(nested.get_children())
                    name, trips = _loop_variable(nested_children), self._for_trips(nested, nested_children, context)
                    if name and trips:
                        inner[name] = trips[1]
        where = (loop.location.file.name if loop.location.file else str(self.path), loop.location.line)
        sites = hls_verdicts.sites(body, context.axi | set(context.factors), pipelined is not None)
        axi_sites = [site for site in sites if site.array in context.axi]
        trips = pipelined["trip_count"] if pipelined is not None else node.get("trip_count")
        verdicts = hls_verdicts.burst_verdicts(
            axi_sites, label, variable, step, trips, inner, hls_verdicts.changed_names(body) - {variable}
        )
        verdicts = [replace(verdict, port=context.aliases.get(verdict.port, verdict.port)) for verdict in verdicts]
        for site, verdict in zip(axi_sites, verdicts) if not self.use_min else ():
            self.bursts[(site.file, site.line, site.column, site.direction, verdict.port)] = verdict
        failed = [verdict for verdict in verdicts if not verdict.inferred]
        single = hls_verdicts.single_transaction_ii(self.axi_latency, self.outstanding)
        if pipelined is not None:
            target = pipelined["pipeline_ii"]
            raised: list[tuple[str, int, str]] = []
            per_port = Counter(verdict.port for verdict in failed)
            for port, count in per_port.items():
                reason = next(v.reason for v in failed if v.port == port)
                trip = f"{self.axi_latency}-cycle round trip / {self.outstanding} outstanding"
                why = f"{count} access(es) without a burst ({reason}), each a transaction: {trip}"
                raised.append((port, count * single, why))
            ports = pipelined.get("_ports", {})
            for name, factor in context.factors.items():
                unknown = [site for site in sites if site.array == name and
                           not hls_verdicts.banks_known(site, factor, variable, step, inner)]  # fmt: skip
                if factor > 1 and unknown and inner and name not in context.axi:
                    count = sum(c for (array, _), c in ports.items() if array == name)
                    ii = math.ceil(count / context.ports.get(name, hls_ops.BRAM_PORTS))
                    raised.append((name, ii, f"{count} accesses at a run-time offset into an array partitioned by "
                                   f"{factor}: their banks are not known, every bank is reachable"))  # fmt: skip
            for array, ii, reason in raised:
                if ii <= target:
                    continue
                pipelined["pipeline_ii"] = max(pipelined["pipeline_ii"], ii)
                if not self.use_min:
                    self.conflicts[(*where, array)] = hls_verdicts.Conflict(array, label, ii, reason, *where)
            if pipelined["pipeline_ii"] > target:
                return node
        reads = [verdict for verdict in failed if verdict.direction == "read"]
        if pipelined is None and reads and node.get("loop"):
            wait = {"op": "m_axi read (no burst)", "latency": self.axi_latency * len(reads)}
            node["body"] = [*node["body"], wait]
        return node

    def _loop_node(self, loop, label: str, context: _Context) -> dict:
        children = list(loop.get_children())
        body = children[-1] if loop.kind.name != "DO_STMT" else children[0]
        pragmas = self.scope_pragmas(body) if body.kind.name == "COMPOUND_STMT" else []
        pragmas += self.directives.get(f"{context.function}/{label}", [])
        by_name = {pragma.name: pragma for pragma in pragmas}
        trips, constant, variable = self._trip_count(loop, children, by_name.get("LOOP_TRIPCOUNT"), context)
        inner = list(body.get_children()) if body.kind.name == "COMPOUND_STMT" else [body]
        self._apply_arrays(pragmas, context)
        saved = dict(context.ranges)
        if variable is not None and trips > 0:
            start = self._loop_start(children, context)
            if start is not None:
                context.ranges[variable] = (min(start, start + trips - 1), max(start, start + trips - 1))
        nodes = self._statements(inner, context)
        context.ranges = saved
        nodes = nodes or [{"op": "empty", "latency": 0}]
        arrays = _arrays_of(nodes)
        pipeline = by_name.get("PIPELINE")
        unroll = by_name.get("UNROLL")
        if unroll is not None:
            factor = unroll.options.get("factor")
            if factor is None:  # complete: every iteration at once, chained through the recurrence
                return _unrolled(label, trips, nodes, arrays)
            factor_value = max(1, _arithmetic(factor) or 1)
            if constant and factor_value >= trips:  # a factor that covers every trip unrolls completely
                return _unrolled(label, trips, nodes, arrays)
            trips = math.ceil(trips / factor_value)
            nodes = [_unrolled(f"{label} x{factor_value}", factor_value, nodes, arrays)]
        loops = [node for node in nodes if "op" not in node]
        off = pipeline is not None and "off" in pipeline.options
        if pipeline is not None and not off:
            target = int(_arithmetic(pipeline.options.get("ii", "1")) or 1)
            return self._pipelined(label, trips, target, nodes, context, constant, local=self._declared(body))
        if off or self.pipeline_loops == 0:
            return _plain(label, trips, nodes, constant)
        flattened = self._flatten(label, trips, constant, nodes, by_name, context)
        if flattened is not None:
            return flattened
        if not loops:  # innermost: pipelined at II 1 by default
            return self._pipelined(label, trips, 1, nodes, context, constant, auto=True, local=self._declared(body))
        if (
            len(loops) == 1
            and loops[0].get("_auto")
            and loops[0].get("_constant")
            and loops[0]["trip_count"] <= self.pipeline_loops
            and "loop" in loops[0]
        ):  # a short innermost loop is unrolled into its parent, which is pipelined instead
            child = loops[0]
            merged = [node if node is not child else _unrolled(child["loop"], child["trip_count"], child["body"],
                                                            child["_arrays"]) for node in nodes]  # fmt: skip
            return self._pipelined(label, trips, 1, merged, context, constant, auto=True, local=self._declared(body))
        return _plain(label, trips, nodes, constant)

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
    ) -> dict:
        """A pipelined loop: II = max(target, memory ports, recurrence through values not
        declared in its body, ``local``); the iteration latency is the body's, every nested
        loop unrolled."""
        ports: Counter = Counter()
        recurrences: dict[str, float] = {}
        for node in _walk(nodes):
            ports.update(node.get("_ports", {}))
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
        for (name, _), count in ports.items():
            if name in context.partitioned:
                continue
            if name in context.axi or name in context.streams:  # one beat per cycle each way
                ii = max(ii, count)
            else:
                per_array[name] += count  # a block RAM's reads and writes share its ports
        for name, count in per_array.items():
            ports_of = context.ports.get(name, hls_ops.BRAM_PORTS)
            bound = math.ceil(count / (ports_of * context.factors.get(name, 1)))
            if bound > max(ii, target) and not self.use_min:
                banks = context.factors.get(name, 1)
                reason = f"{count} accesses an iteration on {ports_of} port(s) x {banks} bank(s)"
                self.conflicts[(*self._site, name)] = hls_verdicts.Conflict(name, label, bound, reason, *self._site)
            ii = max(ii, bound)
        iteration = max(1, _iteration_latency(nodes))
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
        if axi:  # an m_axi port in a pipelined loop: one burst, its latency paid once
            return {"region": f"{label} (burst)", "kind": "sequential", "_arrays": node["_arrays"],
                    "body": [{"op": "m_axi latency", "latency": self.axi_latency}, node]}  # fmt: skip
        return node

    def _flatten(self, label: str, trips: int, constant: bool, nodes: list[dict], by_name, context) -> dict | None:
        """Vitis flattens a nest whose only loop is pipelined, both of fixed trip count, into one
        pipelined loop (LOOP_FLATTEN is on by default); the statements around the inner loop
        become predicated, and an accumulator reset per outer iteration adds a select to the
        recurrence."""
        flatten = by_name.get("LOOP_FLATTEN")
        if flatten is not None and "off" in flatten.options:
            return None
        loops = [node for node in nodes if "op" not in node]
        if len(loops) != 1 or "loop" not in loops[0] or loops[0]["pipeline_ii"] is None or not constant:
            return None
        child = loops[0]
        if not child.get("_constant"):
            return None
        outside = [node for node in nodes if node is not child]
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
        }

    def _loop_start(self, children, context: _Context) -> int | None:
        if len(children) != 4 or children[0].kind.name != "DECL_STMT":
            return None
        declaration = next(children[0].get_children())
        value = _initializer(declaration)
        return self.evaluate(value, context.env) if value is not None else None

    def _trip_count(self, loop, children, tripcount: Pragma | None, context: _Context) -> tuple[int, bool, str | None]:
        """(trip count, fixed, loop variable): LOOP_TRIPCOUNT's max (min with ``use_min``) or
        the bounds' (range over the enclosing loops, as csynth reports a variable bound)."""
        variable = _loop_variable(children) if loop.kind.name == "FOR_STMT" else None
        if tripcount is not None:
            key = "min" if self.use_min else "max"
            value = tripcount.options.get(key) or tripcount.options.get("avg") or tripcount.options.get("max")
            number = _arithmetic(value or "")
            if number is None:
                self._fail(loop, f"LOOP_TRIPCOUNT {key}={value!r} is not a number")
            return number, False, variable
        trips = self._for_trips(loop, children, context) if loop.kind.name == "FOR_STMT" else None
        if trips is None and variable is not None:
            trips = self._extent_trips(loop, children, variable, context)
        if trips is None:
            self._fail(loop, "loop bound is not a constant; add #pragma HLS LOOP_TRIPCOUNT min=.. max=..")
        low, high, fixed = trips
        return (low if self.use_min else high), fixed, variable

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
        elif init.kind.name == "BINARY_OPERATOR":
            left, right = init.get_children()
            variable, start = left.spelling, self._bound_range(right, context)
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

    # ------------------------------------------------------------------ expressions

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
                elif 0 < _elements(declaration.type) <= SMALL_ARRAY and declaration.spelling not in context.factors:
                    context.partitioned.add(declaration.spelling)  # Vitis maps a small array to registers
                elif declaration.type.kind.name in ("CONSTANTARRAY", "INCOMPLETEARRAY"):
                    context.arrays.add(declaration.spelling)
                value = _initializer(declaration)
                info = self._expr(value, context, skip_calls) if value is not None else _Expr()
                info.writes.add(declaration.spelling)
                total = _merge(total, info)
            return total
        if kind == "SWITCH_STMT":  # its cases are exclusive branches, as an if's
            children = list(cursor.get_children())
            condition = self._statement(children[0], context, skip_calls)
            body = children[-1]
            cases: list[list] = []
            for child in body.get_children() if body.kind.name == "COMPOUND_STMT" else [body]:
                if child.kind.name in ("CASE_STMT", "DEFAULT_STMT") or not cases:
                    cases.append([])
                cases[-1].append(child)
            return self._branches(condition, [self._sequence(case, context, skip_calls) for case in cases], context)
        if kind == "IF_STMT":
            parts = [self._statement(child, context, skip_calls) for child in cursor.get_children()]
            return self._branches(parts[0], parts[1:], context)
        if kind in ("COMPOUND_STMT", "RETURN_STMT", "CASE_STMT", "DEFAULT_STMT"):
            return self._sequence(list(cursor.get_children()), context, skip_calls)
        if kind in ("NULL_STMT", "BREAK_STMT", "CONTINUE_STMT") or kind.endswith("_DECL"):
            return _Expr()
        if kind == "LABEL_STMT":
            return self._statement(next(cursor.get_children()), context, skip_calls)
        return self._expr(cursor, context, skip_calls)

    def _branches(self, condition: _Expr, branches: list[_Expr], context: _Context) -> _Expr:
        """Exclusive branches under ``condition``: all computed, one result selected; they
        share the ports (one branch's accesses happen)."""
        merged = _merge_all(branches)
        merged.accesses = Counter()
        for branch in branches:
            merged.accesses |= branch.accesses
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
            block.statement(part.paths, part.writes, part.latency, part.firsts)
            total = _merge(total, part)
        total.latency = max(total.latency, block.latency)
        total.recurrences = _longest(total.recurrences, block.recurrences)
        return total

    def _expr(self, cursor, context: _Context, skip_calls: bool = False) -> _Expr:
        kind = cursor.kind.name
        children = list(cursor.get_children())
        if kind == "DECL_REF_EXPR":
            if cursor.spelling in context.env:
                return _Expr()
            return _Expr(paths={cursor.spelling: 0.0})
        if kind == "MEMBER_REF_EXPR" or kind in CASTS or kind.endswith("_LITERAL"):
            return _merge_all([self._expr(child, context, skip_calls) for child in children])
        if kind == "ARRAY_SUBSCRIPT_EXPR" and _text(cursor) in self._promoted:  # a register for the loop
            return _Expr(paths={_base_name(children[0]): 0.0}).then(self.target.combinational("logic"))
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
            target = self._expr(left, context, skip_calls)
            symbol = operator.rstrip("=") if kind.startswith("COMPOUND") else operator
            combined = _merge(target, value).then(self._op(symbol, cursor, right, context))
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
        name = call.spelling
        if name.startswith(("_ssdm", "__xilinx")):  # a pragma in the tool's preprocessed form: no hardware
            return _Expr()
        arguments = _merge_all([self._expr(child, context, skip_calls) for child in children])
        if name.startswith("operator"):
            symbol = name[len("operator") :]
            if symbol == "=" and children:
                rest = _merge_all([self._expr(c, context, skip_calls) for c in children[1:]])
                return self._store(children[0], rest, context)
            return arguments.then(self._op(symbol.rstrip("=") if symbol not in ONE_CYCLE else symbol, call, None))
        base = children[0] if children else None
        if name in ("read", "write", "read_nb", "write_nb", "empty", "full") and base is not None:
            stream = (_owner(base) if base.kind.name == "MEMBER_REF_EXPR" else None) or _base_name(base)
            info = arguments.then(hls_ops.Op(1, 0.0) if name.startswith("read") else self.target.combinational("logic"))
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
            double = call.type.kind.name == "DOUBLE"
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
        inner.ranges = context.ranges
        block = hls_ops.BlockSchedule()
        total = _Expr()
        for statement in body.get_children():
            info = self._statement(statement, inner)
            block.statement(info.paths, info.writes, info.latency, info.firsts)
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
                info = info.then(
                    hls_ops.Op(0, 0.05) if name in context.axi | context.streams else self.target.bram_write()
                )
            written = _text(children[1]) if len(children) > 1 else ""
            read = info.indices.get(name, set())
            if name in info.paths and _independent(read, {written}, context):
                del info.paths[name]  # indices the tool analyses: no dependence across iterations
            info.indices.setdefault(WRITTEN + name, set()).add(written)
            info.writes.add(name)
            info.accesses[(name, "w")] += 1
            return info
        if kind == "MEMBER_REF_EXPR":
            info = _merge(value, self._expr(target, context))
        else:
            info = value
        info.writes.add(_base_name(target))
        return info

    def _read_op(self, name: str, context: _Context) -> hls_ops.Op:
        if name in context.partitioned:
            return self.target.combinational("logic")  # a multiplexer of registers
        if name in context.streams:
            return hls_ops.Op(1, 0.0)
        if name in context.axi:
            return hls_ops.Op(1, self.target.combinational("bram_out").delay)  # an m_axi word of a burst
        return self.target.bram_read()

    def _op(self, operator: str, cursor, right, context: _Context | None = None) -> hls_ops.Op:
        operands = [_source_type(child) for child in cursor.get_children() if not _is_operator_ref(child)]
        kinds = {type_.kind.name for type_ in operands} or {cursor.type.kind.name}
        fixed = any(
            "ap_" in type_.get_canonical().spelling for type_ in operands
        )  # ap_int / ap_fixed: integer hardware
        floating = not fixed and bool(kinds & {"FLOAT", "DOUBLE", "HALF"})
        prefix = "d" if "DOUBLE" in kinds else "f"
        typed = [type_ for type_ in operands if not fixed or "ap_" in type_.get_canonical().spelling]
        bits = [_width(type_) or 32 for type_ in typed] or [_width(cursor.type) or 32] * 2
        if operator == "*":
            if floating:
                return self.target.core(prefix + "mul")
            constant = None if right is None else self.evaluate(right, {})
            if constant is not None:  # by a constant: shifts and adds
                power = constant > 0 and constant & (constant - 1) == 0
                return hls_ops.Op(0, 0.0) if power else self.target.combinational("add")
            if context is not None:  # a loop variable is as wide as its range (Vitis narrows it)
                children = [child for child in cursor.get_children() if not _is_operator_ref(child)]
                for index, child in enumerate(children[: len(bits)]):
                    name = _base_name(child) if child.kind.name in CASTS | {"DECL_REF_EXPR"} else ""
                    if name in context.ranges and context.ranges[name][0] >= 0:
                        bits[index] = min(bits[index], max(1, context.ranges[name][1].bit_length()))
            return self.target.multiply(*(bits + bits)[:2])
        if operator in ("/", "%"):
            if floating:
                return self.target.core(prefix + "div")
            value = None if right is None else self.evaluate(right, {})
            if value is not None and value > 0 and value & (value - 1) == 0:
                return hls_ops.Op(0, 0.0)
            return self.target.divide(max(bits))
        if operator in ("+", "-") and floating:
            return self.target.core(prefix + "add")
        if floating and operator in ("<", ">", "<=", ">=", "==", "!="):
            return self.target.core("fcmp")
        if operator in ("+", "-", "<", ">", "<=", ">=", "==", "!="):
            return self.target.combinational("add", max(bits))
        if operator in ("<<", ">>"):
            constant = None if right is None else self.evaluate(right, {})
            return hls_ops.Op(0, 0.0) if constant is not None else self.target.combinational("shift")
        if operator in ONE_CYCLE:
            return self.target.combinational("logic")
        return hls_ops.Op(0, 0.0)


def _is_operator_ref(cursor) -> bool:
    return cursor.spelling.startswith("operator") and "(" in cursor.type.spelling  # a function, not a value


def _source_type(cursor):
    """The type of an operand before the stand-in headers' conversions (an ap_int / ap_fixed
    converted to long long or double for arithmetic keeps its own type and width); the
    element type of an ``hls::vector`` (its lanes are computed side by side)."""
    canonical = cursor.type.get_canonical()
    if "hls::vector<" in canonical.spelling and canonical.get_num_template_arguments() > 0:
        return canonical.get_template_argument_type(0)
    for inner in cursor.walk_preorder():
        spelling = inner.type.get_canonical().spelling
        if "ap_" in spelling and "(" not in spelling:
            return inner.type
        if inner.kind.name not in ("UNEXPOSED_EXPR", "CALL_EXPR", "MEMBER_REF_EXPR", "PAREN_EXPR") and not (
            inner.spelling.startswith("operator")
        ):
            break
    return cursor.type


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
    """The storage an expression names: a variable, ``object.member`` for a member of a named
    object (``acc.v`` and ``out.v`` are distinct arrays), or the bare member in a method."""
    for inner in cursor.walk_preorder():
        if inner.kind.name == "MEMBER_REF_EXPR" and inner.spelling:
            owner = _owner(inner)
            return f"{owner}.{inner.spelling}" if owner else inner.spelling
        if inner.kind.name == "DECL_REF_EXPR" and inner.spelling:
            return inner.spelling
    return cursor.spelling or "?"


def _owner(member) -> str | None:
    """The named object of a member reference, or None for ``this`` (a method's own member)."""
    base = next(iter(member.get_children()), None)
    while base is not None and base.kind.name in CASTS | {"PAREN_EXPR"}:
        base = next(iter(base.get_children()), None)
    if base is None or base.kind.name not in ("DECL_REF_EXPR", "MEMBER_REF_EXPR"):
        return None
    return _base_name(base)


def _text(cursor) -> str:
    return " ".join(token.spelling for token in cursor.get_tokens())


def _independent(read: set[str], written: set[str], context: _Context) -> bool:
    """Whether reads and writes of one array at these indices carry no dependence across
    iterations the tool would see: every index affine in the enclosing loop variables or a
    constant, and no constant index both read and written (``count[0] += 1`` is a recurrence)."""
    constants = {text.strip() for text in read | written if re.fullmatch(r"\s*\d+\s*", text)}
    shared = constants & {text.strip() for text in read} & {text.strip() for text in written}
    return not shared and all(_affine_in(text, context) for text in read | written)


def _affine_in(text: str, context: _Context) -> bool:
    """Whether an index is an expression of the enclosing loop variables without an array
    access, or a constant (an index the tool can analyse), not a value read from memory."""
    if re.fullmatch(r"\s*\d+\s*", text):
        return True
    return "[" not in text and any(re.search(rf"\b{re.escape(name)}\b", text) for name in context.ranges)


def _width(type_) -> int | None:
    """Bits of an integer type (ap_int<N> / ap_uint<N> / ap_fixed<W, I> read from the name)."""
    spelling = type_.get_canonical().spelling if type_ is not None else ""
    match = re.search(r"ap_u?(?:int|fixed)(?:_base)?<\s*(\d+)", spelling) or re.search(
        r"ap_u?(?:int|fixed)(?:_base)?<\s*(\d+)", type_.spelling
    )
    if match:
        return int(match.group(1))
    if type_.kind.name == "BOOL":
        return 1
    size = type_.get_size()
    return 8 * size if size and size > 0 else None


def _elements(type_) -> int:
    """Elements of a constant-size array type (0 for anything else)."""
    if type_.kind.name != "CONSTANTARRAY":
        return 0
    return type_.element_count * max(1, _elements(type_.element_type))


def _loop_variable(children) -> str | None:
    if len(children) != 4:
        return None
    init = children[0]
    if init.kind.name == "DECL_STMT":
        return next(init.get_children()).spelling
    if init.kind.name == "BINARY_OPERATOR":
        return next(init.get_children()).spelling
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


def _uses_streams(body) -> bool:
    return any(cursor.kind.name == "VAR_DECL" and "stream" in cursor.type.spelling for cursor in body.walk_preorder())


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


def _walk(nodes: list[dict]):
    for node in nodes:
        yield node
        yield from _walk(node.get("body", []))


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


def _plain(label: str, trips: int, nodes: list[dict], constant: bool) -> dict:
    return {
        "loop": label,
        "trip_count": trips,
        "pipeline_ii": None,
        "iteration_latency": None,
        "body": nodes,
        "_constant": constant,
        "_arrays": _arrays_of(nodes),
    }


def _unrolled(label: str, trips: int, nodes: list[dict], arrays: set[str]) -> dict:
    """A loop unrolled completely: the copies run at once, chained through the body's
    recurrence (an accumulator), and every copy's memory accesses count against the ports."""
    ports: Counter = Counter()
    recurrences: dict[str, float] = {}
    for node in _walk(nodes):
        ports.update(node.get("_ports", {}))
        for name, length in node.get("_recurrences", {}).items():
            recurrences[name] = max(recurrences.get(name, 0.0), length)
    recurrence = max(recurrences.values(), default=0.0)
    once = _rough_latency(nodes, unrolled=True)
    if 0.0 < recurrence < 1.0:
        # an integer accumulator (add, logic within a state): the tool balances the copies'
        # chain into a tree of ceil(log2(trips)) levels, in fractions of a state
        latency = once + math.ceil(math.ceil(math.log2(max(1, trips))) * recurrence - 1e-9)
    else:  # a multi-cycle core (floating point is not reassociated): one after the other
        latency = once + max(0, trips - 1) * math.ceil(recurrence - 1e-9)
    return {
        "op": f"{label} (unrolled x{trips})",
        "latency": latency,
        "_arrays": set(arrays),
        "_ports": {key: count * trips for key, count in ports.items()},
        "_recurrence": recurrence,
        "_recurrences": recurrences,
    }


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
    from simulator.schedule import _unrolled_latency, estimate_nest, parse_nest

    if not nodes:
        return 0
    region = _public({"region": "body", "kind": "sequential", "body": nodes})
    if unrolled:
        return _unrolled_latency(parse_nest(region))
    return estimate_nest(region).latency_cycles


def _site(cursor) -> tuple[str, int, str]:
    """(file, line, name) of a declaration: what tells two functions of one name apart."""
    location = cursor.location
    return (location.file.name if location.file else "", location.line, cursor.spelling)


def _without_line_markers(text: str) -> str:
    """The text with the preprocessor's line markers (``# 12 "file.cpp"``) blanked, so that
    locations in a preprocessed file (Vivado/Vitis HLS keep ``.autopilot/db/*.pp.0.cpp``) are
    its own lines, where its pragmas stand."""
    return LINE_MARKER.sub("", text)


def _ssdm_pragmas(line: str) -> list[str]:
    """The pragmas of the intrinsic calls that stand for them in the tool's preprocessed
    sources (``_ssdm_op_SpecPipeline(2, 1, 1, 0, "")`` is ``PIPELINE II=2``)."""
    found = []
    for name, text in SSDM_CALL.findall(line):
        arguments = [word.strip().strip('"').lstrip("&").strip() for word in re.split(r",(?![^(]*\))", text)]
        arguments += [""] * (5 - len(arguments))
        number = [a for a in arguments if re.fullmatch(r"-?\d+", a)]
        if name == "_ssdm_op_SpecPipeline":
            ii = int(arguments[0]) if re.fullmatch(r"-?\d+", arguments[0]) else -1
            found.append(f"PIPELINE II={ii}" if ii > 0 else "PIPELINE")
        elif name == "_ssdm_Unroll":
            factor = arguments[2] if re.fullmatch(r"\d+|[A-Za-z_]\w*", arguments[2]) else "0"
            found.append("UNROLL" if factor == "0" else f"UNROLL factor={factor}")
        elif name == "_ssdm_op_SpecLoopTripCount" and len(number) >= 2:
            found.append(f"LOOP_TRIPCOUNT min={number[0]} max={number[1]}")
        elif name in ("_ssdm_SpecArrayPartition", "_ssdm_SpecArrayReshape"):
            kind = "ARRAY_PARTITION" if name.endswith("Partition") else "ARRAY_RESHAPE"
            variable, dim, style, factor = arguments[:4]
            found.append(f"{kind} variable={variable} type={style.lower() or 'complete'} factor={factor} dim={dim}")
        elif name == "_ssdm_op_SpecDataflowPipeline":
            found.append("DATAFLOW")
        elif name == "_ssdm_op_SpecInterface" and arguments[1]:
            found.append(f"INTERFACE {arguments[1].lower()} port={arguments[0]}")
        elif name == "_ssdm_op_SpecResource":
            core = next((a for a in arguments[1:] if re.match(r"(?i)(RAM|ROM|FIFO|XPM|URAM)", a)), "")
            if core:
                found.append(f"RESOURCE variable={arguments[0]} core={core}")
    return found


def _pragmas(text: str) -> list[tuple[int, Pragma]]:
    """(line, pragma) of every HLS pragma of a source text, ``#pragma HLS``, a pragma macro
    (``PRAGMA(HLS ...)``), which may span lines, or the intrinsic call that stands for it in
    the tool's preprocessed form (``_ssdm_pragmas``)."""
    lines = text.splitlines()
    found = []
    number = 0
    while number < len(lines):
        line, first = lines[number], number
        for pragma in _ssdm_pragmas(line) if "_ssdm" in line else []:
            found.append((first + 1, Pragma.parse(first + 1, pragma)))
        call = re.search(r"PRAGMA\s*\(", line)
        if call is not None and "#" not in line[: call.start()]:
            while line[call.start() :].count("(") > line[call.start() :].count(")") and number + 1 < len(lines):
                number += 1
                line += " " + lines[number].strip()
        match = PRAGMA.search(line)
        if match:
            found.append((first + 1, Pragma.parse(first + 1, (match.group(1) or match.group(2)).strip())))
        number += 1
    return found


def _binary(operator: str, a: int, b: int) -> int | None:
    """``a operator b`` with C semantics for / and % (None for another operator or b = 0)."""
    if operator in ("/", "%") and b == 0:
        return None
    operations = {
        "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: int(a / b),
        "%": lambda: a - int(a / b) * b, "<<": lambda: a << b, ">>": lambda: a >> b, "&": lambda: a & b,
        "|": lambda: a | b, "^": lambda: a ^ b, "<": lambda: int(a < b), ">": lambda: int(a > b),
        "<=": lambda: int(a <= b), ">=": lambda: int(a >= b), "==": lambda: int(a == b),
        "!=": lambda: int(a != b), "&&": lambda: int(bool(a and b)), "||": lambda: int(bool(a or b)),
    }  # fmt: skip
    return operations[operator]() if operator in operations else None


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


@dataclass(frozen=True)
class SourceRead:
    """What the reader finds in a top function: its nest with the largest trip counts and
    longest branches, the same with the smallest (None when it is the same nest), warnings,
    and the verdicts Vitis HLS would log (burst per m_axi access site, II conflicts)."""

    nest: dict
    smallest: dict | None
    warnings: list[str]
    bursts: list[hls_verdicts.Burst]
    conflicts: list[hls_verdicts.Conflict]


def read_source_verdicts(path, top: str, **options) -> SourceRead:
    """``SourceRead`` of ``top`` in ``path``; ``options`` are ``SourceReader``'s (defines,
    includes, directives, clock_ns, part, pipeline_loops, args, tripcounts, tool)."""
    reader = SourceReader(path, top, **options)
    nest = reader.nest()
    bursts, conflicts = list(reader.bursts.values()), list(reader.conflicts.values())
    reader.use_min = True
    smallest = reader.nest()
    return SourceRead(nest, None if smallest == nest else smallest, reader.warnings, bursts, conflicts)


def read_source(path, top: str, **options) -> tuple[dict, dict | None, list[str]]:
    """(nest, smallest nest or None, warnings) of ``read_source_verdicts``."""
    found = read_source_verdicts(path, top, **options)
    return found.nest, found.smallest, found.warnings


def source_report(
    nest: dict, smallest: dict | None, warnings: list[str], bursts=(), conflicts=(), tool: str | None = None
) -> dict:
    """The nest model's JSON report of a nest read from source (``ScheduleReport.to_json``)
    with ``latency_cycles_min`` / ``latency_cycles_max``, the reader's warnings, its burst and
    conflict verdicts, the tool whose rules it follows and what the numbers are."""
    from simulator.schedule import estimate_nest

    report = estimate_nest(nest)
    low = report.latency_cycles if smallest is None else estimate_nest(smallest).latency_cycles
    return report.to_json() | {
        "latency_cycles_min": min(low, report.latency_cycles),
        "latency_cycles_max": max(low, report.latency_cycles),
        "estimate": "static schedule model of the source (simulator/hls_source.py), not a csynth report",
        "warnings": warnings,
        "tool": str(Tool.parse(tool)),
        "bursts": [burst.to_json() for burst in bursts],
        "conflicts": [conflict.to_json() for conflict in conflicts],
    }


def estimate_source(path, top: str, **options) -> dict:
    """``source_report`` of ``top`` in ``path``; ``options`` as for ``read_source``."""
    found = read_source_verdicts(path, top, **options)
    return source_report(found.nest, found.smallest, found.warnings, found.bursts, found.conflicts, options.get("tool"))


# Loops of the hls_src kernels whose trip count the source does not fix: it depends on data
# (the read rings' beats, the compute beats) or on the tile walk of a struct (edge tiles); a
# csynth run needs LOOP_TRIPCOUNT for them too. ``source_schedule`` takes them from the program.
DATA_DEPENDENT_LOOPS = {
    "matmul": {
        "ReadRows": "read_rows", "ComputeBeats": "compute", "RequantizeTiles": "requantize",
        "LoadBias": "requantize", "RequantizeRows": "requantize", "StoreTiles": "store",
        "GatherOut": "store", "WriteBand": "store",
    },
    "im2col": {},
}  # fmt: skip


def source_schedule(design, shape: tuple[int, ...]):
    """``estimate_nest`` of ``source_read(design, shape)``'s nest."""
    from simulator.schedule import estimate_nest

    return estimate_nest(source_read(design, shape).nest)


def source_read(design, shape: tuple[int, ...]) -> SourceRead:
    """The static schedule of the hls_src kernel of ``design`` read from its C++ source
    (``simulator.hls_source``: the kernel built with the design's -D flags, its clock and
    part, the shape bound to the top's arguments), an estimate to set beside
    ``kernel_schedule``: the same trip counts, II and loops, the iteration latencies of the
    source's operator chains. The trip counts of ``DATA_DEPENDENT_LOOPS`` come from the
    kernel's program (the runs of the compiled C++, checked against gcov counts)."""
    from simulator.designs import MatmulDesign
    from simulator.schedule import kernel_schedule
    from simulator.sw_emu_build import HLS_SRC
    from simulator.units.im2col_program import im2col_program
    from simulator.units.im2col_schedule import Im2colShape
    from simulator.units.matmul_program import matmul_program

    kernel_schedule(design, shape)  # checks the design and the shape
    if isinstance(design, MatmulDesign):
        u, v, w = shape
        kind, program = "matmul", matmul_program(design, u, v, w)
        args = {"u": u, "v": v, "w": w, "layout": 0, "has_bias": 0}
    else:
        src_c, src_m, src_n, km, kn = shape
        kind, program = "im2col", im2col_program(design, Im2colShape(*shape))
        args = {"src_c": src_c, "src_m": src_m, "src_n": src_n, "kernel_size_m": km, "kernel_size_n": kn}
    tripcounts: dict[str, tuple[int, int]] = {}
    for label, function in DATA_DEPENDENT_LOOPS[kind].items():
        trips = [run.trips for runs in program.processes.values() for run in runs if run.label == label]
        trips += [count for outer, count in program.outer.values() if outer == label]
        if trips:
            tripcounts[f"{function}/{label}"] = (min(trips), max(trips))
    return read_source_verdicts(
        HLS_SRC / kind / f"{kind}.cpp",
        f"{kind}_kernel",
        defines=[f"{name}={value}" for name, value in design.cpp_defines().items()],
        includes=[HLS_SRC / "common"],
        clock_ns=1000.0 / design.clock_mhz,
        part=design.part,
        args=args,
        tripcounts=tripcounts,
    )


__all__ = [
    "DATA_DEPENDENT_LOOPS",
    "HEADERS",
    "Pragma",
    "SourceError",
    "SourceReader",
    "estimate_source",
    "read_directives",
    "read_source",
    "source_report",
    "source_read",
    "source_schedule",
    "SourceRead",
    "read_source_verdicts",
]
