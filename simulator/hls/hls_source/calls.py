"""Calls to functions defined in the sources: which holds loops, and how one is entered.

A call's callee (the template for an instance of one), whether it holds a loop itself or
through its own calls, the statements whose calls hold loops (each callee read as a region of
its own, an ``if`` fixed by constants reduced to its branch, else its longest branch), and
what a call binds: the caller's arrays passed to the callee's parameters and members, and the
integer parameters and template arguments known at the call.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NoReturn

from simulator.hls.hls_source.context import _Context
from simulator.hls.hls_source.cursors import LOOPS, TEMPLATE_PARAMETERS, _base_name, _owner, _site
from simulator.hls.hls_source.evaluation import _arithmetic
from simulator.hls.hls_source.expr_timing import _Expr
from simulator.hls.hls_source.nest import _rough_latency

# what a call's arguments leave known to the callee's context: the caller's storage, loop ranges, ports
KNOWN = (
    "arrays",
    "local_arrays",
    "partitioned",
    "streams",
    "factors",
    "ranges",
    "axi",
    "axi_bits",
    "roots",
    "words",
    "kinds",
)


class Calls:
    """The ``SourceReader`` methods that follow calls. Expects on ``self``: ``top``,
    ``defined_at`` (the definitions by site), ``_loopy`` (which function holds a loop, by
    site), ``use_min``, ``evaluate`` (``evaluation.Evaluation``), ``_statement``
    (``expressions.Expressions``) and ``_fail``, ``_function`` and ``_statements``
    (``reader``)."""

    top: str
    defined_at: dict
    _loopy: dict[tuple, bool]
    use_min: bool
    ranged: bool

    if TYPE_CHECKING:

        def evaluate(self, cursor, env: dict[str, int]) -> int | None: ...

        def _statement(self, cursor, context: _Context, skip_calls: bool = False) -> _Expr: ...

        def _fail(self, cursor, what: str) -> NoReturn: ...

        def _function(self, function, caller: _Context, name: str, bindings: dict[str, str] | None = None) -> dict: ...

        def _statements(self, statements, context: _Context) -> list[dict]: ...

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
            self.ranged |= min(branches, key=_rough_latency) is not max(branches, key=_rough_latency)
            if not any("op" not in node for node in chosen) and any("op" not in n for b in branches for n in b):
                # the loops of the branch not taken still shape the hardware (the parent is no innermost loop)
                chosen = [*chosen, {"region": "not taken", "kind": "sequential", "body": []}]
            return [node | {"_branch": True} if "op" not in node else node for node in chosen]
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
            inner.unrolling = context.unrolling
            for known in KNOWN:
                setattr(inner, known, getattr(context, known))
            node = self._function(callee, inner, call.referenced.spelling, bindings)
            node["_arguments"] = {_base_name(argument) for argument in call.get_arguments()} - {None}
            nodes.append(node)
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
        """The callee's array parameters -> the caller's arrays passed to them (and the array
        members of an object passed by reference, ``param.member`` -> ``object.member``)."""
        parameters = [c.spelling for c in callee.get_children() if c.kind.name == "PARM_DECL"]
        arguments = list(call.get_arguments())
        found = {}
        known = context.arrays | context.partitioned | context.streams | context.axi | set(context.aliases)
        for parameter, argument in zip(parameters, arguments):
            name = _base_name(argument)
            if name in known:
                found[parameter] = name
            for member in known | set(context.factors):  # an object passed by reference: its members
                if member.startswith(f"{name}."):
                    found[parameter + member[len(name) :]] = member
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
