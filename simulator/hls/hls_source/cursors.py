"""libclang cursor helpers that every part of the reader shares.

The cursor kinds the reader groups (loops, casts and literals it looks through, scalar and
aliasing types, template parameters, function kinds, assignment tokens) and what it reads off
one cursor: its tokens' text, the storage it names (``object.member`` included), the operator
token of a binary expression, a declaration's initializer and site, an operand's type before
the stand-in headers' conversions and its bit width, an array type's element count, a ``for``
loop's variable, whether a body declares a stream, whether an expression computes in floating
point and whether the tool folds it to a constant.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from simulator.hls.hls_verdicts import operator_token

if TYPE_CHECKING:
    from simulator.hls.hls_source.context import _Context

_operator = operator_token  # the operator token of a binary expression: one definition, in the lower module
LOOPS = ("FOR_STMT", "WHILE_STMT", "DO_STMT")
CASTS = {
    "UNEXPOSED_EXPR", "PAREN_EXPR", "CSTYLE_CAST_EXPR", "CXX_STATIC_CAST_EXPR", "CXX_FUNCTIONAL_CAST_EXPR",
    "CXX_REINTERPRET_CAST_EXPR", "CXX_CONST_CAST_EXPR", "INIT_LIST_EXPR", "CXX_BOOL_LITERAL_EXPR",
    "INTEGER_LITERAL", "FLOATING_LITERAL", "CHARACTER_LITERAL", "STRING_LITERAL", "TYPE_REF", "TEMPLATE_REF",
    "NAMESPACE_REF", "CXX_NULL_PTR_LITERAL_EXPR", "UNARY_EXPR", "CXX_UNARY_EXPR", "SIZE_OF_PACK_EXPR", "CXX_THIS_EXPR",
}  # fmt: skip
ASSIGNMENTS = {"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "++", "--"}
SCALAR_KINDS = {"BOOL", "CHAR_S", "CHAR_U", "SCHAR", "UCHAR", "SHORT", "USHORT", "INT", "UINT", "LONG", "ULONG",
                "LONGLONG", "ULONGLONG", "INT128", "UINT128", "RECORD"}  # fmt: skip
INTEGERS = SCALAR_KINDS - {"RECORD"}
ALIASING = {"POINTER", "LVALUEREFERENCE", "RVALUEREFERENCE", "INCOMPLETEARRAY"}
TEMPLATE_PARAMETERS = {"TEMPLATE_TYPE_PARAMETER", "TEMPLATE_NON_TYPE_PARAMETER", "TEMPLATE_TEMPLATE_PARAMETER"}
FUNCTION_KINDS = {"FUNCTION_DECL", "FUNCTION_TEMPLATE", "CXX_METHOD", "CONSTRUCTOR", "DESTRUCTOR", "LAMBDA_EXPR"}


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


def _initializer(declaration):
    """The last child of a variable declaration that is not a type reference (its value), or None."""
    values = [c for c in declaration.get_children() if c.kind.name not in ("TYPE_REF", "NAMESPACE_REF", "TEMPLATE_REF")]
    return values[-1] if values else None


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
    """A ``for`` loop's variable: the one its init declares or assigns (of a comma's list,
    ``n = 0, tmp = 0``, the one its condition tests)."""
    if len(children) != 4:
        return None
    init = children[0]
    if init.kind.name == "DECL_STMT":
        return next(init.get_children()).spelling
    if init.kind.name == "BINARY_OPERATOR":
        targets = [part[0].spelling for part in _comma_parts(init) if part]
        tested = {token.spelling for token in children[1].get_tokens()}
        return next((name for name in targets if name in tested), targets[0] if targets else None)
    return None


def _comma_parts(expression) -> list[list]:
    """The (target, value) children of each assignment of ``a = x, b = y`` (or of ``a = x``)."""
    children = list(expression.get_children())
    if len(children) == 2 and _operator(expression, children[0]) == ",":
        return _comma_parts(children[0]) + _comma_parts(children[1])
    return [children]


def _site(cursor) -> tuple[str, int, str]:
    """(file, line, name) of a declaration: what tells two functions of one name apart."""
    location = cursor.location
    return (location.file.name if location.file else "", location.line, cursor.spelling)


def _uses_streams(body) -> bool:
    return any(cursor.kind.name == "VAR_DECL" and "stream" in cursor.type.spelling for cursor in body.walk_preorder())


def stored_names(tokens: list[str]) -> set[str]:
    """Names a token list stores to: ``name = ``, ``name[...] op= ``, ``name++``, ``++name``."""
    stored = set()
    for index, token in enumerate(tokens):
        if not re.fullmatch(r"[A-Za-z_]\w*", token):
            continue
        position, depth = index + 1, 0
        while position < len(tokens) and (tokens[position] == "[" or depth):
            depth += {"[": 1, "]": -1}.get(tokens[position], 0)
            position += 1
        following = tokens[position] if position < len(tokens) else ""
        if following in ASSIGNMENTS or index and tokens[index - 1] in ("++", "--"):
            stored.add(token)
    return stored


def _subscripted(body, name: str) -> bool:
    """Whether ``name`` is indexed (``name[i]``) or moved (``name + i``, ``name++``) in ``body``:
    a pointer the function only dereferences (``*name``) is a scalar port, not a memory."""
    tokens = [token.spelling for token in body.get_tokens()]
    for index, token in enumerate(tokens):
        if token != name:
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        before = tokens[index - 1] if index else ""
        if before == "*" and following != "[":
            continue  # dereferenced (``*name += v``): the value, not the pointer, is added to
        if following in ("[", "+", "-", "++", "--", "+=", "-=") or before in ("+", "-", "++", "--", "(", ","):
            return True  # an index, pointer arithmetic, or passed on to a callee that may index it
    return False


IP_CORES = {
    "fft": "hls::fft is the Fast Fourier Transform LogiCORE IP (PG109)",
    "FIR": "hls::FIR is the FIR Compiler LogiCORE IP (PG149)",
    "dsp58": "hls::dsp58 builtins instantiate DSP58 primitives (AM004)",
    "dsp48e2": "hls::dsp48e2 builtins instantiate DSP48E2 primitives (UG579)",
}


def _ip_core(call) -> str | None:
    """The IP core a call instantiates (hls::fft, hls::FIR::run, the DSP builtins), or None."""
    declaration = call.referenced
    names = []
    while declaration is not None and declaration.kind.name != "TRANSLATION_UNIT":
        names.append(declaration.spelling)
        declaration = declaration.semantic_parent
    if len(names) < 2 or names[-1] != "hls":
        return None
    return next((IP_CORES[name] for name in names if name in IP_CORES), None)


def _dependent_method(call) -> tuple[str, str]:
    """(object, method) of a call whose object's type depends on a template parameter
    (``in.read()`` with ``in`` a ``stream<bytes_t<N>>&``): clang leaves both names out of the
    cursors of the uninstantiated template, so they are read from the tokens; ("", "") else."""
    tokens = [token.spelling for token in call.get_tokens()]
    if len(tokens) >= 4 and tokens[1] in (".", "->") and tokens[3] == "(" and tokens[0].isidentifier():
        return tokens[0], tokens[2]
    return "", ""


def _floating(cursor) -> bool:
    """Whether an expression computes in floating point (not reassociated, not balanced)."""
    return cursor.type.get_canonical().kind.name in ("FLOAT", "DOUBLE", "HALF", "LONGDOUBLE")


FOLDABLE = {"BINARY_OPERATOR", "UNARY_OPERATOR", "PAREN_EXPR", "CONDITIONAL_OPERATOR"}


def _folded(cursor, context: _Context) -> bool:
    """Whether an expression is a constant, or one in each copy of the fully unrolled loops
    around it: it reads only known constants and those loops' variables, calls nothing and
    writes nothing (the tool substitutes each copy's value and folds the arithmetic)."""
    for node in cursor.walk_preorder():
        kind = node.kind.name
        if kind in ("ARRAY_SUBSCRIPT_EXPR", "CALL_EXPR", "MEMBER_REF_EXPR", "COMPOUND_ASSIGNMENT_OPERATOR"):
            return False
        if kind == "UNARY_OPERATOR" and any(t.spelling in ("++", "--", "*", "&") for t in node.get_tokens()):
            return False
        if kind == "BINARY_OPERATOR" and _operator(node, next(node.get_children())) == "=":
            return False
        if kind == "DECL_REF_EXPR":
            if node.spelling not in context.unrolled and node.spelling not in context.env:
                return False
    return True
