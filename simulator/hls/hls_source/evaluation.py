"""The integer value of an expression, or None when the source does not fix it.

Asked of a cursor: clang's own constant evaluation (``clang_Cursor_Evaluate``, bound through
ctypes), else the syntax tree (literals, names in the environment, constants, C arithmetic,
comparisons, ``?:``, casts, calls of one-``return`` helpers), else the tokens as C arithmetic;
``_bound_range`` takes an expression's (min, max) over the ranges of the enclosing loop
variables (``loop_range`` gives a loop's), and ``_decider`` whether those ranges settle a branch
condition. ``_arithmetic`` reads a text of literals (pragma and directive values) the same way.
"""

from __future__ import annotations

import ast
import codecs
import re
from typing import TYPE_CHECKING, Any

from simulator.hls.clang_eval import constant_value, library
from simulator.hls.hls_source.context import _Context
from simulator.hls.hls_source.cursors import CASTS, FUNCTION_KINDS, _operator, _source_type, _width


def _library():
    return library()


class Evaluation:
    """The ``SourceReader`` methods that compute integer values. Expects on ``self``: ``lib``
    (libclang's functions, ``_library``), ``_evaluating`` (the variables whose value is being
    computed, against cycles) and ``_callee`` (``calls.Calls``)."""

    lib: Any
    _evaluating: set[int]
    _token_cursors: dict
    read_only: set[str]  # the global tables nothing writes
    _decided: dict[tuple, bool]  # branch conditions the loop ranges decide, by place (``_decider``)

    if TYPE_CHECKING:

        def _callee(self, call): ...

        def _array_written(self, declaration) -> bool: ...

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
                    value = self._token_constant(token)
                    if value is None:
                        return None
                    text = str(value)
            elif token.kind.name == "LITERAL":
                text = text.rstrip("uUlL")
            words.append(text)
        return _arithmetic(" ".join(words))

    def _decider(self, context: _Context, own: dict[str, tuple[int, int]]):
        """``decide(condition)`` for ``hls_verdicts.sites``: a branch condition whose every
        comparison the ranges of the enclosing loop variables (and ``own``, this loop's) settle
        is known to the compiler, which drops the branch never taken (LLVM's range analysis: a
        padding test ``y < 0`` in a loop from 0 folds away, and the load in its else branch is
        unconditional: Ritarka's 1x1 convolution bursts its plane read, 214-115). A decision
        holds for the loops around it (they see the condition inside a callee's loop)."""
        ranges = context.ranges | own

        def decide(condition) -> bool | None:
            where = (condition.location.file.name if condition.location.file else "", condition.location.line,
                     condition.location.column)  # fmt: skip
            if where not in self._decided:
                value = self._truth(condition, ranges, context.env)
                if value is None:
                    return None
                self._decided[where] = value
            return self._decided[where]

        return decide

    def _truth(self, condition, ranges: dict[str, tuple[int, int]], env: dict[str, int]) -> bool | None:
        """A condition's value over the loop ranges: ``&&``, ``||`` and ``!`` of comparisons of
        sums of names and constants (linear: their extremes are at the ranges' corners)."""
        while condition.kind.name in ("PAREN_EXPR", "UNEXPOSED_EXPR") and len(list(condition.get_children())) == 1:
            condition = next(condition.get_children())
        children = list(condition.get_children())
        if condition.kind.name == "UNARY_OPERATOR" and len(children) == 1:
            inner = self._truth(children[0], ranges, env)
            first = next(condition.get_tokens(), None)
            return None if inner is None or first is None or first.spelling != "!" else not inner
        if condition.kind.name != "BINARY_OPERATOR" or len(children) != 2:
            return None
        operator = _operator(condition, children[0])
        if operator in ("&&", "||"):
            left, right = (self._truth(child, ranges, env) for child in children)
            if operator == "&&":
                return False if False in (left, right) else True if left and right else None
            return True if True in (left, right) else False if left is False and right is False else None
        tokens = {token.spelling for token in condition.get_tokens()}
        if operator not in ("<", "<=", ">", ">=", "==", "!=") or tokens & NONLINEAR:
            return None
        free = [name for name in tokens & set(ranges) if name not in env]
        values = set()
        for corner in range(1 << len(free)):
            point = dict(env) | {name: ranges[name][(corner >> bit) & 1] for bit, name in enumerate(free)}
            value = self.evaluate(condition, point)
            if value is None:
                return None
            values.add(bool(value))
        return values.pop() if len(values) == 1 else None

    def _token_constant(self, token) -> int | None:
        """The value of the constant an identifier token names, or None."""
        start = token.extent.start
        key = (start.file.name if start.file else "", start.offset)
        if key not in self._token_cursors:
            cursor = token.cursor
            self._token_cursors[key] = cursor if cursor.kind.name == "DECL_REF_EXPR" else None
        return self._constant(self._token_cursors[key])

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
        if kind == "ARRAY_SUBSCRIPT_EXPR":
            return self._table_value(cursor, env, depth)
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

    def _table_value(self, subscript, env: dict[str, int], depth: int) -> int | None:
        """The element at a known index of a one-dimensional integer table that nothing writes
        (``const``, or a local or global with an initializer never stored to): LLVM folds the
        load to the initializer's value (hanyax's FIR: ``x * h[0]`` of its never-written local
        coefficients is a multiply by a constant). None for anything else."""
        base, index = list(subscript.get_children())
        while base.kind.name in CASTS and list(base.get_children()):
            base = next(base.get_children())
        declaration = base.referenced if base.kind.name == "DECL_REF_EXPR" else None
        if declaration is None or declaration.kind.name != "VAR_DECL" or declaration.type.kind.name != "CONSTANTARRAY":
            return None
        table = next((c for c in declaration.get_children() if c.kind.name == "INIT_LIST_EXPR"), None)
        text = next((c for c in declaration.walk_preorder() if c.kind.name == "STRING_LITERAL"), None)
        fixed = declaration.type.element_type.is_const_qualified() or (
            declaration.spelling in self.read_only
            if declaration.semantic_parent.kind.name == "TRANSLATION_UNIT"
            else not self._array_written(declaration)
        )
        known = table is not None or text is not None
        position = self._tree_value(index, env, depth + 1) if known and fixed else None
        if position is None or not 0 <= position < declaration.type.element_count:
            return None
        if table is None and text is not None:  # a string: its characters, then zeros
            characters = _characters(text.spelling)
            return characters[position] if characters is not None and position < len(characters) else 0
        values = list(table.get_children()) if table is not None else []
        return self._tree_value(values[position], env, depth + 1) if position < len(values) else 0

    def _clang_value(self, cursor) -> int | None:
        """The value clang computes for a constant integer expression, or None."""
        return constant_value(cursor)

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


def loop_range(start: int, step: int, trips: int) -> tuple[int, int]:
    """(min, max) of a loop variable over its trips from ``start`` by ``step`` (down or up)."""
    last = start + step * (trips - 1)
    return min(start, last), max(start, last)


NONLINEAR = {"*", "/", "%", "<<", ">>", "&", "|", "^", "[", "?"}  # in a comparison ``_truth`` does not settle


def _characters(literal: str) -> list[int] | None:
    """The character codes of a plain C string literal's text (``"Hi!\\n"``), escapes
    decoded; None for a prefixed (wide, UTF) literal."""
    if not (literal.startswith('"') and literal.endswith('"')):
        return None
    try:
        return list(codecs.escape_decode(literal[1:-1].encode("latin-1"))[0])
    except (ValueError, UnicodeEncodeError):
        return None


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


def object_macros(text: str, defines: list[str]) -> dict[str, tuple[str, ...]]:
    """The object-like macros of a source whose values are integer expressions (``#define
    TOTAL (CHANS * PER_CHAN)``) and the ``-D NAME=VALUE`` flags, by name, as tokens: an index
    that names one (``n % CHANS``) is arithmetic the copies of an unrolled loop are told apart by."""
    found = {
        match[1]: tuple(re.findall(r"\w+|[^\s\w]", match[2]))
        for match in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+([\w \t()+\-*/%<>]+?)[ \t]*$", text, re.M)
    }
    return found | {name: (value,) for name, _, value in (define.partition("=") for define in defines) if value}
