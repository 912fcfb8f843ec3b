"""What a function's declarations mean for its timing.

An array's pragmas (DEPENDENCE, RESOURCE / BIND_STORAGE, ARRAY_PARTITION / ARRAY_RESHAPE) set
its ports and banks, or make it registers (``_apply_arrays``).

A local block-RAM array declared with an initializer is written word by word each time its
scope runs (a loop of its own, unless static, const or never written); a local array read and
written only at indices known at compile time (fully unrolled loops' variables, constants) is
registers, static or not (LLVM's scalar replacement of aggregates splits it into one value per
element before Vitis schedules; bojanfaletic's moving average keeps its static 34-sample
history in 493 flip-flops); a local integer of
known value that is const or never changed joins the environment; and the names declared in
a body or in the functions it calls start again every time the body runs (no recurrence
through them).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from simulator.hls.hls_source.context import _Context
from simulator.hls.hls_source.cursors import (
    ALIASING,
    ASSIGNMENTS,
    CASTS,
    FUNCTION_KINDS,
    SCALAR_KINDS,
    _elements,
    _initializer,
    _loop_variable,
    _operator,
    _site,
    _text,
    stored_names,
)
from simulator.hls.hls_source.evaluation import _arithmetic
from simulator.hls.hls_source.pragmas import Pragma
from simulator.hls.hls_tools import storage_kind, storage_ports


class Declarations:
    """The ``SourceReader`` methods that read declarations. Expects on ``self``: ``evaluate``
    (``evaluation.Evaluation``), ``_callee`` (``calls.Calls``) and the reader's caches of what
    it reads once (``_token_cache``, ``_changed_cache``, ``_declared_cache``)."""

    _token_cache: dict
    _changed_cache: dict
    _declared_cache: dict
    directives: dict
    functions: dict  # the definitions by name
    dim_banks: dict[str, dict[int, tuple[str, int]]]  # the partitions of each array, by dimension

    if TYPE_CHECKING:

        def evaluate(self, cursor, env: dict[str, int]) -> int | None: ...

        def _callee(self, call): ...

        def scope_pragmas(self, body) -> list: ...

    def _apply_arrays(self, pragmas: list[Pragma], context: _Context) -> None:
        """Record in ``context`` what ``pragmas`` say of the arrays: dependence distances, RAM
        ports, registers, and banks per partitioned dimension (``dim_banks``)."""
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
            if pragma.name in ("RESOURCE", "BIND_STORAGE") and "variable" in options:
                if kind := storage_kind(storage, options.get("impl")):
                    context.kinds[options["variable"]] = kind
            if pragma.name in ("ARRAY_PARTITION", "ARRAY_RESHAPE") and "variable" in pragma.options:
                variable = pragma.options["variable"]  # a name, or object.member
                flags = [kind for kind in ("complete", "block", "cyclic") if kind in pragma.options]
                style = pragma.options.get("type", flags[0] if flags else "")
                dim = int(_arithmetic(pragma.options.get("dim", "1")) or 0)
                factor = int(_arithmetic(pragma.options.get("factor", "1")) or 1)
                if style == "complete":
                    banks = self._complete_banks(variable, dim, context) if pragma.name == "ARRAY_PARTITION" else 0
                    if not banks:
                        context.partitioned.add(variable)
                        continue
                    style, factor = "cyclic", banks
                elif "factor" not in pragma.options:
                    continue
                # banks: the product of the factors of the dimensions
                self.dim_banks.setdefault(variable, {})[dim] = (style, factor)
                context.factors[variable] = math.prod(factor for _, factor in self.dim_banks[variable].values())

    def _complete_banks(self, variable: str, dim: int, context: _Context) -> int:
        """The banks of a complete partition of one dimension of a multi-dimensional array
        argument, each a memory of the other dimensions' elements on its own ap_memory port
        (UG1399 "Array Partitioning"; nehagour's UG871 matrixmul with both inputs partitioned
        on dim 2: the three reads of one column's bank take II 2 on its two ports). 0 for
        registers: all dimensions (``dim=0``), a one-dimensional array, a local (its banks are
        read as registers, as the calibration set's line buffers are), an array not found."""
        function = self.functions.get(context.function)
        found = [
            cursor
            for cursor in (function.walk_preorder() if function is not None else ())
            if cursor.kind.name in ("PARM_DECL", "VAR_DECL") and cursor.spelling == variable
        ]
        if dim < 1 or len(found) != 1 or found[0].kind.name != "PARM_DECL":
            return 0
        sizes, type_ = [], found[0].type
        while type_.kind.name == "CONSTANTARRAY":
            sizes.append(type_.element_count)
            type_ = type_.element_type
        if dim > len(sizes) or len(sizes) < 2:
            return 0
        return sizes[dim - 1] if math.prod(sizes) > sizes[dim - 1] else 0

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
        if statement.kind.name == "BINARY_OPERATOR":  # ch = n % 8; the one place ch is set
            self._note_assignment(statement, context)
            return
        if statement.kind.name != "DECL_STMT":
            return
        for declaration in statement.get_children():
            if declaration.kind.name != "VAR_DECL":
                continue
            initializer = _initializer(declaration)
            if initializer is not None and not self._changed(declaration):  # int y = ty * 4 + py;
                context.definitions[declaration.spelling] = _text(initializer)
            if declaration.type.is_const_qualified() or (
                declaration.type.get_canonical().kind.name in SCALAR_KINDS - {"RECORD"}
                and declaration.storage_class.name != "STATIC"
                and not self._changed(declaration)
            ):
                value = _initializer(declaration)
                number = self.evaluate(value, context.env) if value is not None else None
                if number is not None:
                    context.env[declaration.spelling] = number

    def _note_assignment(self, statement, context: _Context) -> None:
        """A local scalar declared without a value and set in this one statement only is
        defined by it: ``ch = n % 8`` indexes ``acc[ch]`` as ``acc[n % 8]`` (the tool's SSA form
        sees the expression, not the variable)."""
        children = list(statement.get_children())
        tokens = [t.spelling for t in statement.get_tokens()]
        if len(children) != 2 or children[0].kind.name != "DECL_REF_EXPR" or "=" not in tokens:
            return
        if tokens.index("=") != 1:  # a plain assignment to a name, not a compound or a comparison
            return
        declaration = children[0].referenced
        if (
            declaration is None
            or declaration.kind.name != "VAR_DECL"
            or declaration.storage_class.name == "STATIC"
            or _initializer(declaration) is not None
            or declaration.type.get_canonical().kind.name not in SCALAR_KINDS - {"RECORD"}
        ):
            return
        if self._sets(declaration) == 1:
            context.definitions[declaration.spelling] = _text(children[1])

    def _array_written(self, declaration) -> bool:
        """Whether an array is stored to (``name[...] = ...``, ``+=``, ``++``) after its
        declaration, in the function that declares it or passed to a call (which may write it)."""
        function = declaration.semantic_parent
        if function is None or function.kind.name not in FUNCTION_KINDS:
            return True
        name, after = declaration.spelling, declaration.extent.end.offset
        spellings, offsets = self._tokens(function)
        tokens = [token for token, offset in zip(spellings, offsets) if offset > after]
        passed = any(token == name and following in (",", ")") for token, following in zip(tokens, tokens[1:]))
        return passed or name in stored_names(tokens)  # an argument: the callee may write it

    def _constant_indexed(self, declaration) -> bool:
        """Whether a local array is only ever subscripted (never passed on or pointed to), at
        indices made of literals, constants and the variables of fully unrolled loops (UNROLL
        without a factor, or any loop of a pipelined function), so that every access names
        one element at compile time."""
        function = declaration.semantic_parent
        if function is None or function.kind.name not in FUNCTION_KINDS:
            return False
        body = next((child for child in function.get_children() if child.kind.name == "COMPOUND_STMT"), None)
        if body is None:
            return False
        pipelined = any(pragma.name == "PIPELINE" for pragma in self.scope_pragmas(body))
        unrolled: set[str] = set()
        partly: dict[str, int] = {}  # the variables of loops unrolled by a factor, and the factor
        labels = {
            child.hash: label.spelling
            for label in body.walk_preorder()
            if label.kind.name == "LABEL_STMT"
            for child in label.get_children()
        }
        for loop in body.walk_preorder():
            if loop.kind.name != "FOR_STMT":
                continue
            children = list(loop.get_children())
            pragmas = self.scope_pragmas(children[-1])
            pragmas += self.directives.get(f"{function.spelling}/{labels.get(loop.hash)}", [])
            full = any(p.name == "UNROLL" and "factor" not in p.options for p in pragmas)
            factor = max((int(_arithmetic(p.options["factor"]) or 1) for p in pragmas
                          if p.name == "UNROLL" and "factor" in p.options), default=1)  # fmt: skip
            variable = _loop_variable(children)
            if variable is not None and (pipelined or full):
                unrolled.add(variable)
            elif variable is not None and factor > 1:
                partly[variable] = factor
        references = subscripted = 0
        for cursor in body.walk_preorder():
            if cursor.kind.name == "DECL_REF_EXPR" and cursor.referenced == declaration:
                references += 1
            if cursor.kind.name != "ARRAY_SUBSCRIPT_EXPR":
                continue
            base, index = list(cursor.get_children())[:2]
            if not any(inner.kind.name == "DECL_REF_EXPR" and inner.referenced == declaration
                       for inner in base.walk_preorder()):  # fmt: skip
                continue
            subscripted += 1
            if self._copy_constant(index, partly):
                continue
            for inner in index.walk_preorder():
                if inner.kind.name != "DECL_REF_EXPR":
                    continue
                target = inner.referenced
                known = target is not None and (
                    target.kind.name == "ENUM_CONSTANT_DECL" or target.type.is_const_qualified()
                )
                if not known and inner.spelling not in unrolled:
                    return False
        return references > 0 and references == subscripted

    def _copy_constant(self, index, partly: dict[str, int]) -> bool:
        """Whether an index is ``v % K`` (or a local never changed that holds it) with ``v`` the
        variable of a loop unrolled by a factor that K divides: one constant in each copy of the
        body (UG1399 "unroll": copy c of a loop unrolled by F sees v = F m + c), so the access
        names one element, as Vivado HLS and Vitis HLS schedule it (the UG871 axi_interfaces lab:
        ``acc[i % 8]`` in a loop unrolled by 8 is eight registers in their reports)."""
        while index.kind.name in CASTS | {"PAREN_EXPR", "UNEXPOSED_EXPR"} and list(index.get_children()):
            index = next(index.get_children())
        if index.kind.name == "DECL_REF_EXPR":
            value = self._only_value(index.referenced)
            return value is not None and self._copy_constant(value, partly)
        children = list(index.get_children())
        if index.kind.name != "BINARY_OPERATOR" or len(children) != 2 or _operator(index, children[0]) != "%":
            return False
        operand = children[0]
        while operand.kind.name in CASTS and list(operand.get_children()):
            operand = next(operand.get_children())
        variable = operand.spelling if operand.kind.name == "DECL_REF_EXPR" else None
        modulus = self.evaluate(children[1], {})
        return variable in partly and modulus is not None and modulus > 0 and partly[variable] % modulus == 0

    def _only_value(self, declaration):
        """The one expression a local scalar holds: its initializer when nothing changes it, or
        the right side of the one assignment that sets it when it is declared without one
        (``int ch; ... ch = n % 8;``); None for any other."""
        if declaration is None or declaration.kind.name != "VAR_DECL":
            return None
        value = _initializer(declaration)
        if value is not None:
            return None if self._changed(declaration) else value
        if self._sets(declaration) != 1:
            return None
        for node in declaration.semantic_parent.walk_preorder():
            children = list(node.get_children())
            if (
                node.kind.name == "BINARY_OPERATOR"
                and len(children) == 2
                and _operator(node, children[0]) == "="
                and children[0].kind.name == "DECL_REF_EXPR"
                and children[0].referenced == declaration
            ):
                return children[1]
        return None

    def _tokens(self, function) -> tuple[list[str], list[int]]:
        """A function's token spellings and their offsets (read once per function)."""
        cache = self._token_cache
        if function.hash not in cache:
            tokens = list(function.get_tokens())
            cache[function.hash] = ([t.spelling for t in tokens], [t.extent.start.offset for t in tokens])
        return cache[function.hash]

    def _changed(self, declaration) -> bool:
        """Whether a local variable is assigned, incremented or has its address taken after
        its declaration, within the function that declares it."""
        cache = self._changed_cache
        if declaration.hash not in cache:
            cache[declaration.hash] = self._changed_uncached(declaration)
        return cache[declaration.hash]

    def _changed_uncached(self, declaration) -> bool:
        return self._sets(declaration) != 0

    def _sets(self, declaration) -> int | None:
        """How often a local is assigned, incremented or has its address taken after its
        declaration, in the function that declares it (None outside a function)."""
        function = declaration.semantic_parent
        if function is None or function.kind.name not in FUNCTION_KINDS:
            return None
        name = declaration.spelling
        tokens, offsets = self._tokens(function)
        after = declaration.extent.end.offset
        sets = 0
        for index, token in enumerate(tokens):
            if token != name or offsets[index] <= after:
                continue
            before = tokens[index - 1] if index else ""
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            sets += before in ("++", "--", "&") or following in ASSIGNMENTS
        return sets

    def _declared(self, body, seen: frozenset = frozenset()) -> frozenset[str]:
        """Names declared in ``body`` or in the functions it calls (their locals and
        parameters): values that start again every time the body runs."""
        cache = self._declared_cache
        key = (body.hash, body.extent.start.offset, seen)
        if key not in cache:
            cache[key] = self._declared_uncached(body, seen)
        return cache[key]

    def _declared_uncached(self, body, seen: frozenset) -> frozenset[str]:
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
