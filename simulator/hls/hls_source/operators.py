"""The timing of one C operator on the target: its core or combinational delay, and of the
chains the tool rebuilds (an associative integer chain as a balanced tree, a multiply-add as
one DSP macro), written with C operators or with a class's overloaded ones.

An operator's operands give its kind: floating point (through typedefs) uses the part's
float cores, ap_int / ap_fixed and C integers are integer hardware of their width (a narrow
operand C promoted to int keeps its width); a multiply by a constant is shifts and adds, a
power-of-two divide a shift; an expression of constants is folded. In Vitis HLS a
multiply-add whose multiply fits one DSP is one ``mac_muladd`` macro (``Operators._mac``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.hls import hls_ops
from simulator.hls.hls_source.context import _Context, _lut
from simulator.hls.hls_source.cursors import (
    CASTS,
    INTEGERS,
    _base_name,
    _initializer,
    _is_operator_ref,
    _operator,
    _source_type,
    _width,
)
from simulator.hls.hls_source.expr_timing import _Expr, _merge, _merge_all
from simulator.hls.hls_tools import Tool

COMPARISONS = {"==", "!=", "<=", ">="}
ARITHMETIC = {"+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"}  # the binary operators a class overloads
BALANCED = {"+", "&", "|", "^", "&&", "||"}  # associative integer operators balanced as one tree (a
# multiply keeps its chain: its cost depends on its operands, a constant factor costs no DSP)
ONE_CYCLE = {"+", "-", "<", ">", "<=", ">=", "==", "!=", "&", "|", "^", "<<", ">>", "&&", "||"}


class Operators:
    """The ``SourceReader`` methods that time one operator. Expects on ``self``: ``target``
    (``hls_ops.Target``), ``tool`` and ``evaluate`` (``evaluation.Evaluation``)."""

    target: hls_ops.Target
    tool: Tool

    if TYPE_CHECKING:

        def evaluate(self, cursor, env: dict[str, int]) -> int | None: ...

        def _expr(self, cursor, context: _Context, skip_calls: bool = False) -> _Expr: ...

        def _changed(self, declaration) -> bool: ...

    def _read_op(self, name: str, context: _Context) -> hls_ops.Op:
        if name in context.partitioned:
            return self.target.combinational("logic")  # a multiplexer of registers
        if name in context.streams:  # a FIFO's data is there with its read (nctrung's axis loop: depth 1)
            return self.target.combinational("logic")
        if name in context.axi:
            return hls_ops.Op(1, self.target.combinational("bram_out").delay)  # an m_axi word of a burst
        if context.unrolling and self.tool.vivado and name in context.modified:
            return hls_ops.Op(1, 0.0)  # a read-modify-write chained in one state (``_store_op``)
        return self.target.bram_read(_lut(name, context))

    def _store_op(self, name: str, context: _Context) -> hls_ops.Op:
        if name in context.handshakes and not self.tool.vivado:
            return hls_ops.AXIS_WRITE
        if name in context.axi | context.streams:
            return hls_ops.Op(0, 0.05)
        if context.unrolling and self.tool.vivado:
            # Vivado HLS keeps a pipelined store in the state of the value it stores, over the clock
            # if need be (cpantel's matrix product, 2018.2: load, add and store in one 7.66 ns state
            # of a 5 ns clock; robertszafa's histogram, 2019.2: 7.11 ns of 4 ns)
            return hls_ops.Op(0, 0.0)
        return self.target.bram_write(_lut(name, context))

    def _mac(self, symbol: str, left, right, context: _Context) -> tuple[str, list] | None:
        """A multiply-add the tool binds to one DSP macro (``mac_muladd``): an integer multiply
        that fits one DSP (``hls_ops.Target.fits_one_dsp``) whose product is added to or
        subtracted from another value; ``tool.dsp_mac_states`` from the multiply's operands to
        the sum, the addend entering at the macro's last stage. Which operand is the product and
        the multiply's two factors; None for anything else."""
        if symbol not in ("+", "-") or not self.tool.dsp_mac_states:
            return None
        for side, operand in (("right", right), ("left", left)):
            product = _bare(operand)
            children = list(product.get_children())
            if product.kind.name != "BINARY_OPERATOR" or len(children) != 2 or _operator(product, children[0]) != "*":
                continue
            types = {_source_type(child).get_canonical().kind.name for child in children}
            widths = [self._narrow_width(child) or _width(_source_type(child)) or 32 for child in children]
            if types & {"FLOAT", "DOUBLE", "HALF"} or not self.target.fits_one_dsp(*widths):
                continue  # floating point has its own cores; a wide multiply takes several DSPs
            if self._op("*", product, children[1], context).cycles > 0:  # a DSP multiply (not shifts, not fabric)
                return side, children
        return None

    def _arithmetic(
        self, symbol: str, cursor, left, right, value: _Expr, context: _Context, skip_calls: bool, balance: bool = False
    ) -> _Expr:
        """``left symbol right`` (``value`` is the right operand's timing), written as a C
        operator or as a call of an overloaded one (``acc += a * b`` of ap_fixed values): a
        multiply-add bound to one DSP macro takes its factors through the macro's stages and its
        addend into the last one (``_mac``); with ``balance``, any other chain of the operator is a
        balanced tree (``_balanced``); anything else is its operator after both operands."""
        mac = self._mac(symbol, left, right, context)
        if mac is None and balance:
            return self._balanced(symbol, cursor, context, skip_calls)
        target = self._expr(left, context, skip_calls)
        if mac is None:
            return _merge(target, value).then(self._op(symbol, cursor, right, context))
        side, factors = mac
        addend = target if side == "right" else value
        product = _merge_all([self._expr(factor, context, skip_calls) for factor in factors])
        macro = hls_ops.Op(self.tool.dsp_mac_states, 0.0)
        return _merge(addend.then(self.target.combinational("add")), product.then(macro))

    def _balanced(self, symbol: str, cursor, context: _Context, skip_calls: bool) -> _Expr:
        """A chain of one associative integer operator (``a && b && c``, ``x + y + z``) as a
        balanced tree, ceil(log2(operands)) levels deep: Vitis HLS balances integer expressions
        by default (UG1399 "Expression Balancing"; floating point only with unsafe math)."""
        operands, pending = [], [cursor]
        while pending:
            node = pending.pop()
            parts = list(node.get_children())
            if node is cursor or (node.kind.name == "BINARY_OPERATOR" and _operator(node, parts[0]) == symbol):
                pending += reversed(parts)
            else:
                operands.append(node)
        level = [self._expr(operand, context, skip_calls) for operand in operands]
        op = self._op(symbol, cursor, list(cursor.get_children())[1], context)
        while len(level) > 1:
            level = [_merge(*level[i : i + 2]).then(op) if i + 1 < len(level) else level[i]
                     for i in range(0, len(level), 2)]  # fmt: skip
        return level[0]

    def _narrow_width(self, cursor) -> int | None:
        """Bits of an integer operand narrower than its C type: one C promoted (a char to int),
        or a local never changed after being declared from a narrower value (``int w =
        (int)basis[u][t]`` of 16-bit shorts): the tool's bit-width minimization sees through the
        sign extension (Vitis binds ``acc += vin[t] * w`` to a 16 x 16 ``mac_muladd``, as
        nightt5879's DCT report shows). None when the operand is as wide as its type."""
        promoted = _promoted_width(cursor)
        bare = _bare(cursor)
        if promoted or bare.kind.name != "DECL_REF_EXPR":
            return promoted
        declaration = bare.referenced
        if (
            declaration is None
            or declaration.kind.name != "VAR_DECL"
            or declaration.storage_class.name == "STATIC"
            or declaration.type.get_canonical().kind.name not in INTEGERS
            or self._changed(declaration)
        ):
            return None
        value = _initializer(declaration)
        while value is not None and value.kind.name in CASTS - {"INIT_LIST_EXPR"}:
            children = list(value.get_children())
            value = children[0] if len(children) == 1 else None
        if value is None or value.type.get_canonical().kind.name not in INTEGERS:
            return None
        inner, outer = value.type.get_canonical().get_size(), declaration.type.get_canonical().get_size()
        return 8 * inner if 0 < inner < outer else None

    def _op(self, operator: str, cursor, right, context: _Context | None = None) -> hls_ops.Op:
        if _constant_expression(cursor):  # folded by the compiler: no hardware
            return hls_ops.Op(0, 0.0)
        return self._operator_op(operator, cursor, right, context)

    def _operator_op(self, operator: str, cursor, right, context: _Context | None = None) -> hls_ops.Op:
        operands = [_source_type(child) for child in cursor.get_children() if not _is_operator_ref(child)]
        kinds = {type_.get_canonical().kind.name for type_ in operands} or {cursor.type.get_canonical().kind.name}
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
            # by a constant, on either side (``8 * b`` as ``b * 8``): shifts and adds (LLVM's
            # instcombine turns a multiply by a power of two into a shift before scheduling)
            left = next((child for child in cursor.get_children() if not _is_operator_ref(child)), None)
            constant = None if right is None else self.evaluate(right, {})
            if constant is None and left is not None:
                constant = self.evaluate(left, {})
            if constant is not None:  # signed digits of the constant: 0 or 1 a shift, 2 one add
                terms = bin(abs(constant) ^ 3 * abs(constant)).count("1")
                if terms <= 2:
                    return hls_ops.Op(0, 0.0) if terms <= 1 else self.target.combinational("add")
                return self.target.multiply(max(bits), abs(constant).bit_length() + 1)
            if context is not None:  # a loop variable is as wide as its range (Vitis narrows it)
                children = [child for child in cursor.get_children() if not _is_operator_ref(child)]
                for index, child in enumerate(children[: len(bits)]):
                    name = _base_name(child) if child.kind.name in CASTS | {"DECL_REF_EXPR"} else ""
                    if name in context.ranges and context.ranges[name][0] >= 0:
                        bits[index] = min(bits[index], max(1, context.ranges[name][1].bit_length()))
            declared = [self._narrow_width(child) for child in cursor.get_children() if not _is_operator_ref(child)]
            if len(declared) == 2 and all(declared) and min(bits) > 18:  # C promotes char * char to int:
                bits = [max(b or 0, hls_ops.SMALL_MULTIPLY_BITS + 1) for b in declared]  # one DSP multiply
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


def _constant_expression(cursor) -> bool:
    """Whether an expression reads only literals and ``const`` variables with initializers (a
    ``const ap_fixed HALF_TURN`` divided by 2): the compiler folds it to a constant."""
    found = False
    for inner in cursor.walk_preorder():
        kind = inner.kind.name
        if kind == "DECL_REF_EXPR" and inner.spelling.startswith("operator"):
            continue  # the operator being applied
        if kind == "DECL_REF_EXPR":
            declaration = inner.referenced
            if declaration is None or declaration.kind.name != "VAR_DECL" or not declaration.type.is_const_qualified():
                return False
            if _initializer(declaration) is None:
                return False
            found = True
        elif kind in ("CALL_EXPR", "ARRAY_SUBSCRIPT_EXPR", "MEMBER_REF_EXPR") and not inner.spelling.startswith(
            "operator"
        ):
            return False
        elif kind.endswith("LITERAL"):
            found = True
    return found


def _bare(cursor):
    """An operand without its implicit casts and parentheses."""
    while cursor.kind.name in ("UNEXPOSED_EXPR", "PAREN_EXPR") and len(list(cursor.get_children())) == 1:
        cursor = next(cursor.get_children())
    return cursor


WIDENING_CASTS = {"UNEXPOSED_EXPR", "CSTYLE_CAST_EXPR", "CXX_STATIC_CAST_EXPR", "CXX_FUNCTIONAL_CAST_EXPR"}


def _promoted_width(cursor) -> int | None:
    """Bits of an integer operand before it was widened: by C's integer promotion (a char
    promoted to int) or by a cast written out (``(int)basis[f][t]`` of a short). An extension
    adds no information, and the tool's bit-width minimization multiplies at the narrower
    width (LLVM's instcombine narrows a multiply of two sign-extended values; mmaltaf's
    ``x[t] * (int)basis[f][t]`` of shorts reports the 3-state iteration of a 16 x 16 multiply).
    None when it was not widened."""
    if cursor.kind.name not in WIDENING_CASTS:
        return None
    children = [child for child in cursor.get_children() if child.kind.name != "TYPE_REF"]
    if len(children) != 1:
        return None
    outer = cursor.type.get_canonical()
    inner = children[0].type.get_canonical()
    if outer.kind.name in INTEGERS and inner.kind.name in INTEGERS and 0 < inner.get_size() < outer.get_size():
        return 8 * inner.get_size()
    return _promoted_width(children[0]) if outer.kind.name in INTEGERS else None
