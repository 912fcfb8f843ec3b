"""Where Vitis HLS infers a burst, and where a bank or port conflict raises a loop's II.

The source reader (``simulator.hls.hls_source``) times loops; this module reads the accesses of one
loop body (libclang cursors) the way Vitis HLS's burst inference and memory scheduling do, and
says, as its log would, what it finds:

- burst inference (UG1399 "Optimizing Burst Transfers", "Preconditions and Limitations of
  Burst Transfer"): an m_axi access in a loop becomes a burst when its addresses are
  sequential across the loop's iterations (stride one element, counting the copies of the
  loops unrolled into it), it is not under a condition, its address is not read from memory
  as the loop moves (a value read once per run is part of the base) or derived from a value
  the loop changes. Otherwise each access is its own transaction. A read and a write of one
  port in one loop still burst (tests/data/hls_bursts/tof_phase); the copies of a loop
  unrolled completely burst together when they cover consecutive words. Folded branches,
  bundles and widening are ``hls_source.loop_verdicts``';
- banks of a partitioned array (UG1399 "Array Partitioning", "Arrays: partitioning and
  parallel access"): the unrolled copies of an access reach distinct banks only when the
  bank of each copy (index mod factor for cyclic) is a compile-time function of the copy; an
  index at a run-time offset may reach any bank, so every bank is assumed reachable and the
  copies share the array's ports as if it were not partitioned.

Index expressions are evaluated, not pattern-matched: the index text is computed for the
loop variable at two consecutive values and for each unrolled copy, with every other name
given two independent random values; a difference that depends on those values is not a
compile-time stride.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass

from simulator.hls.clang_eval import index_tokens
from simulator.hls.hls_ops import DEFAULT_AXI_LATENCY

MAX_OUTSTANDING = 16  # UG1399 "pragma HLS interface": num_read_outstanding / num_write_outstanding default
LOOP_KINDS = ("FOR_STMT", "WHILE_STMT", "DO_STMT")
BRANCHES = ("IF_STMT", "CONDITIONAL_OPERATOR", "SWITCH_STMT")
ASSIGN = {"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="}
C_TYPES = {"int", "unsigned", "signed", "long", "short", "char", "size_t", "const", "bool", "uint32_t", "int32_t",
           "uint64_t", "int64_t", "uint16_t", "int16_t", "uint8_t", "int8_t", "static_cast", "<", ">"}  # fmt: skip


@dataclass(frozen=True)
class Burst:
    """One m_axi access site's verdict, as Vitis HLS's log gives it."""

    port: str
    direction: str  # "read" | "write"
    loop: str | None
    inferred: bool
    length: int | None
    reason: str | None
    file: str
    line: int
    # a burst inferred in this inner loop that ``loop`` around it cannot widen (lift) to span
    # its iterations: the access still bursts in ``within`` (214-229, 214-232 at the outer loop)
    within: str | None = None

    def to_json(self) -> dict:
        return asdict(self)

    def log_line(self) -> str:
        where = f"({self.file}:{self.line})"
        kind = "read" if self.direction == "read" else "write"
        if self.within is not None:
            return (f"INFO: burst {kind} on port '{self.port}' stays in loop '{self.within}', not widened to "
                    f"loop '{self.loop}': {self.reason} {where}")  # fmt: skip
        if self.inferred:
            length = self.length if self.length is not None else "variable"
            return f"INFO: burst {kind} of length {length} inferred on port '{self.port}' in loop '{self.loop}' {where}"
        return f"WARNING: no burst {kind} on port '{self.port}' in loop '{self.loop}': {self.reason} {where}"


@dataclass(frozen=True)
class Conflict:
    """A loop whose II rises above its target, and why."""

    array: str
    loop: str
    ii: int
    reason: str
    file: str
    line: int

    def to_json(self) -> dict:
        return asdict(self)

    def log_line(self) -> str:
        return f"WARNING: loop '{self.loop}' II {self.ii} ('{self.array}'): {self.reason} ({self.file}:{self.line})"


@dataclass(frozen=True)
class Site:
    """An access ``array[index]`` in a loop body."""

    array: str
    direction: str
    conditional: bool
    tokens: tuple[str, ...]  # the index's tokens
    file: str
    line: int
    column: int
    dims: tuple[tuple[str, ...], ...] = ()  # each dimension's index tokens, outermost first
    extents: tuple[int | None, ...] = ()  # each dimension's size where the type gives it


@dataclass(frozen=True)
class _Scope:
    """Inside a called function: its array parameters and an object's members by the caller's
    names (``rename``), its scalar parameters by the caller's argument (``subst``)."""

    rename: dict[str, str]
    subst: dict[str, tuple[str, ...]]
    depth: int = 0


def _call_scope(call, definition, scope: _Scope) -> _Scope:
    """The scope of ``definition`` called by ``call`` from ``scope``."""
    rename: dict[str, str] = {}
    subst: dict[str, tuple[str, ...]] = {}
    parameters = [child for child in definition.get_children() if child.kind.name == "PARM_DECL"]
    for parameter, argument in zip(parameters, call.get_arguments()):
        name = _base(argument)
        tokens = tuple(token.spelling for token in argument.get_tokens())
        storage = parameter.type.get_canonical().kind.name in ("CONSTANTARRAY", "INCOMPLETEARRAY", "POINTER")
        if name and storage:  # an array passed on: the callee's name for the caller's array
            rename[parameter.spelling] = scope.rename.get(name, name)
        else:
            subst[parameter.spelling] = ("(", *expand(tokens, scope.subst, 1), ")")
    receiver = next(call.get_children(), None)  # obj.method(...): the object's members by its name
    if receiver is not None and receiver.kind.name == "MEMBER_REF_EXPR":
        owner = next(receiver.get_children(), None)
        owner_name = _base(owner) if owner is not None else ""
        owner_name = scope.rename.get(owner_name, owner_name)
        for field in definition.semantic_parent.get_children() if owner_name else ():
            if field.kind.name == "FIELD_DECL":
                rename[field.spelling] = f"{owner_name}.{field.spelling}"
    return _Scope(rename, subst, scope.depth + 1)


def sites(body, arrays: set[str], enter_loops: bool, decide=None) -> list[Site]:
    """The accesses to ``arrays`` in ``body``, not inside nested loops unless ``enter_loops``
    (a pipelined loop unrolls the loops it holds), followed into the functions and methods it
    calls (their parameters and members by the caller's names). ``decide(condition)`` gives a
    branch's condition when the compiler knows it (True, False; else None): the branch not
    taken holds no access, the one taken is not conditional."""
    found: list[Site] = []

    def visit(cursor, conditional: bool, written: bool, read_too: bool, scope: _Scope = _Scope({}, {})) -> None:
        kind = cursor.kind.name
        if kind in LOOP_KINDS and not enter_loops:
            return
        if kind == "ARRAY_SUBSCRIPT_EXPR":
            name, tokens, indices, extents = _element(cursor)
            name, tokens = scope.rename.get(name, name), expand(tokens, scope.subst, 1)
            dims = tuple(expand(tuple(index_tokens(index)), scope.subst, 1) for index in reversed(indices))
            if name in arrays:
                location = cursor.location
                where = (location.file.name if location.file else "", location.line, location.column)
                if written:
                    found.append(Site(name, "write", conditional, tokens, *where, dims, extents))
                if read_too or not written:
                    found.append(Site(name, "read", conditional, tokens, *where, dims, extents))
            for index in indices:  # accesses inside the address (a[b[i]]) are sites of their own
                visit(index, conditional, False, False, scope)
            return
        children = list(cursor.get_children())
        callee = cursor.referenced if kind == "CALL_EXPR" else None
        definition = callee.get_definition() if callee is not None else None
        if definition is not None and scope.depth < 3 and not cursor.spelling.startswith("operator"):
            inner = _call_scope(cursor, definition, scope)
            for child in definition.get_children():
                if child.kind.name == "COMPOUND_STMT":
                    visit(child, conditional, False, False, inner)
        overloaded = (
            cursor.spelling[len("operator") :] if kind == "CALL_EXPR" and cursor.spelling.startswith("operator") else ""
        )
        if overloaded in ASSIGN and children:  # a class type's assignment: operator=(lhs, rhs)
            visit(children[0], conditional, True, overloaded != "=", scope)
            for child in children[1:]:
                visit(child, conditional, False, False, scope)
            return
        if kind in ("BINARY_OPERATOR", "COMPOUND_ASSIGNMENT_OPERATOR") and len(children) == 2:
            operator = operator_token(cursor, children[0])
            if operator in ASSIGN:
                visit(children[0], conditional, True, operator != "=", scope)
                visit(children[1], conditional, False, False, scope)
                return
        if kind in BRANCHES:
            visit(children[0], conditional, False, False, scope)
            decision = decide(children[0]) if decide is not None and kind != "SWITCH_STMT" else None
            if decision is None:
                for child in children[1:]:
                    visit(child, True, False, False, scope)
            elif len(children) > (1 if decision else 2):  # the branch taken, when there is one
                visit(children[1 if decision else 2], conditional, False, False, scope)
            return
        for child in children:
            visit(child, conditional, written and kind in ("UNEXPOSED_EXPR", "PAREN_EXPR"), read_too, scope)

    if body.kind.name == "COMPOUND_STMT" or body.kind.name in LOOP_KINDS:
        for child in body.get_children():
            visit(child, False, False, False)
    else:  # a loop body of one statement, without braces: the statement itself
        visit(body, False, False, False)
    return found


def changed_names(body) -> set[str]:
    """Names assigned or incremented in ``body``: values the loop changes."""
    tokens = [token.spelling for token in body.get_tokens()]
    names = set()
    for index, token in enumerate(tokens):
        if token in ASSIGN | {"++", "--"} and index:
            names.add(tokens[index - 1])
        if token in ("++", "--") and index + 1 < len(tokens):
            names.add(tokens[index + 1])
    return {name for name in names if re.fullmatch(r"[A-Za-z_]\w*", name)}


def burst_verdicts(
    loop_sites: list[Site], loop: str, variable: str | None, step: int, trips: int | None,
    inner: dict[str, int], changed: set[str], unrolled_from: int | None = None,
) -> list[Burst]:  # fmt: skip
    """The burst verdict of every m_axi site of one loop (module docstring). ``inner`` maps
    the variables of loops unrolled into this one to their trip counts; ``changed`` the names
    the loop body assigns. A loop unrolled completely (its variable's first value
    ``unrolled_from``) is straight-line code: the accesses of all its copies to one port in one
    direction burst together when they reach consecutive addresses, each once (nms_scatter's
    four coordinates of 100 boxes, ``coords[4 * n + k]``: one read burst of length 400, 214-115)."""
    verdicts = []
    together: dict[Site, int] = {}  # a site of a group that bursts together -> the group's length
    if unrolled_from is not None and variable is not None and trips:
        for array, direction in {(site.array, site.direction) for site in loop_sites}:
            group = [site for site in loop_sites if (site.array, site.direction) == (array, direction)]
            if _consecutive(group, variable, [unrolled_from + k * step for k in range(trips)]):
                together |= dict.fromkeys(group, trips * len(group))
    for site in loop_sites:
        if site in together:
            verdicts.append(Burst(site.array, site.direction, loop, True, together[site], None, site.file, site.line))
            continue
        used = {name: count for name, count in inner.items() if name in site.tokens}  # its unrolled copies
        copies = 1
        for count in used.values():
            copies *= count
        reason = _burst_failure(site, variable, step, used, changed, copies)
        length = trips * copies if reason is None and trips is not None else None
        verdicts.append(Burst(site.array, site.direction, loop, reason is None, length, reason, site.file, site.line))
    return verdicts


def _consecutive(group: list[Site], variable: str, values: list[int]) -> bool:
    """Whether the accesses of ``group``, at each value of ``variable``, reach consecutive
    addresses, each once, whatever the other names hold (two random draws)."""
    if any(site.conditional or "[" in site.tokens for site in group):
        return False
    names = set().union(*(_names(site.tokens) for site in group)) - {variable}
    for seed in (1, 2):
        rng = random.Random(seed)
        env = {name: rng.randrange(1, 1 << 16) for name in names}
        addresses = [_evaluate(site.tokens, env | {variable: value}) for value in values for site in group]
        known = [address for address in addresses if address is not None]
        if len(known) != len(addresses) or sorted(known) != list(range(min(known), min(known) + len(known))):
            return False
    return True


def single_transaction_ii(latency: int = DEFAULT_AXI_LATENCY, outstanding: int = MAX_OUTSTANDING) -> int:
    """Cycles an access takes on average when every access is its own AXI transaction: at most
    ``outstanding`` requests in flight over the round trip ``latency``."""
    return max(1, -(-latency // max(1, outstanding)))


def definitions(body) -> dict[str, tuple[str, ...]]:
    """The locals ``body`` declares with an initializer and never changes (not a loop's
    variable), by name: their initializers' tokens."""
    tokens = [token.spelling for token in body.get_tokens()]
    stores = [tokens[index - 1] for index, token in enumerate(tokens) if token in ASSIGN and index]
    changed = {name for name in stores if stores.count(name) > 1}  # its declaration is one store
    changed |= {tokens[index + 1] for index, token in enumerate(tokens[:-1]) if token in ("++", "--")}
    changed |= {tokens[index - 1] for index, token in enumerate(tokens) if token in ("++", "--") and index}
    changed |= {tokens[index - 1] for index, token in enumerate(tokens) if token in ASSIGN - {"="} and index}
    found = {}
    for cursor in body.walk_preorder():
        if cursor.kind.name == "VAR_DECL":
            values = [c for c in cursor.get_children() if c.kind.name not in ("TYPE_REF", "NAMESPACE_REF")]
            if values and cursor.spelling not in changed:
                found[cursor.spelling] = tuple(token.spelling for token in values[-1].get_tokens())
    return found


def expand(tokens: tuple[str, ...], found: dict[str, tuple[str, ...]], depth: int = 3) -> tuple[str, ...]:
    """``tokens`` with each local replaced by its parenthesized definition, ``depth`` times."""
    for _ in range(depth):
        if not set(tokens) & set(found):
            break
        tokens = tuple(word for token in tokens for word in (("(", *found[token], ")") if token in found else (token,)))
    return tokens


def _burst_failure(site: Site, variable, step, inner, changed, copies) -> str | None:
    if site.conditional:
        return "the access is in a conditional branch"
    loaded = _loaded(site.tokens, {variable, *inner, *changed})
    if loaded is None:
        return "the address is read from memory (an indirect access)"
    tokens = _members(loaded)
    names = _names(tokens)
    derived = sorted(names & changed - set(inner) - {variable})
    if derived:
        return f"the address depends on '{derived[0]}', which the loop changes"
    if variable is None:
        return "the loop has no induction variable to analyse"
    strides = []
    for seed in (1, 2):
        rng = random.Random(seed)
        env = {name: rng.randrange(1, 1 << 16) for name in names}
        env |= {name: 0 for name in inner}
        env[variable] = 7 * step
        first = _evaluate(tokens, env)
        env[variable] += step
        second = _evaluate(tokens, env)
        if first is None or second is None:
            return "the address pattern cannot be analysed"
        strides.append(second - first)
        for name, count in inner.items():  # the copies must tile the stride contiguously
            env[variable] -= step
            env[name] = 1
            if count > 1 and _evaluate(tokens, env) not in (first + 1, first + (copies // count)):
                return f"the unrolled copies over '{name}' are not consecutive"
            env[name] = 0
    if strides[0] != strides[1]:
        return "the stride depends on a run-time value"
    if abs(strides[0]) != copies:
        return f"the stride is {strides[0]} elements, not sequential"
    return None


def _loaded(tokens: tuple[str, ...], moving: set) -> tuple[str, ...] | None:
    """An index's tokens with each value it reads from memory (``grp [ g ] . c``) one name: a
    read whose array and index no name in ``moving`` reaches is the same in every iteration,
    part of the base address (csr_row_gather: ``dB [ grp [ g ] . c * len + j ]`` over j bursts,
    214-115). None when a read moves with the loop: the address is read from memory."""
    out: list[str] = []
    index = 0
    while index < len(tokens):
        if tokens[index] == "[" and out and re.fullmatch(r"[A-Za-z_]\w*", out[-1]):
            depth, end = 1, index + 1
            while end < len(tokens) and depth:
                depth += {"[": 1, "]": -1}.get(tokens[end], 0)
                end += 1
            if out[-1] in moving or _names(tokens[index + 1 : end - 1]) & moving:
                return None
            out[-1] = f"{out[-1]}__read{len(out)}"  # a run-time value read once
            index = end
            continue
        out.append(tokens[index])
        index += 1
    return tuple(out)


def _members(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """``tokens`` with each member access (``steps . tk``, ``p -> n``) one name: a run-time value."""
    joined: list[str] = []
    for token in tokens:
        if joined and len(joined) >= 2 and joined[-1] in (".", "->") and re.fullmatch(r"[A-Za-z_]\w*", token):
            joined[-2:] = [f"{joined[-2]}__{token}"]
        else:
            joined.append(token)
    return tuple(joined)


def _names(tokens: tuple[str, ...]) -> set[str]:
    return {t for t in tokens if re.fullmatch(r"[A-Za-z_]\w*", t) and t not in C_TYPES}


def _evaluate(tokens: tuple[str, ...], env: dict[str, int]) -> int | None:
    """The integer value of a C index expression's tokens, or None when it is not arithmetic."""
    words = []
    for token in tokens:
        if token in C_TYPES:
            continue
        if re.fullmatch(r"[A-Za-z_]\w*", token):
            if token not in env:
                return None
            words.append(str(env[token]))
        elif re.fullmatch(r"\d+[uUlL]*", token):
            words.append(token.rstrip("uUlL"))
        elif token in ("+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^", "(", ")"):
            words.append("//" if token == "/" else token)
        else:
            return None
    text = " ".join(words).replace("( )", "")
    try:
        value = eval(text, {"__builtins__": {}}, {})  # noqa: S307 - digits and operators only, checked above
    except (SyntaxError, ZeroDivisionError, TypeError, ValueError):
        return None
    return value if isinstance(value, int) else None


def _base(cursor) -> str:
    while cursor.kind.name in ("UNEXPOSED_EXPR", "PAREN_EXPR", "IMPLICIT_CAST_EXPR") and list(cursor.get_children()):
        cursor = next(cursor.get_children())
    if cursor.kind.name == "MEMBER_REF_EXPR":
        return cursor.spelling
    return cursor.spelling if cursor.kind.name == "DECL_REF_EXPR" else ""


def _element(cursor) -> tuple[str, tuple[str, ...], list, tuple[int | None, ...]]:
    """(array, linear index tokens, index cursors, dimensions' sizes outermost first) of a
    subscript chain ``a[i][j][k]``: the element's offset ((i * J) + j) * K + k with J and K
    the dimensions the type gives."""
    indices = []
    counts = []
    while cursor.kind.name == "ARRAY_SUBSCRIPT_EXPR":
        base, index = list(cursor.get_children())
        indices.append(index)
        stripped = base
        while stripped.kind.name in ("UNEXPOSED_EXPR", "PAREN_EXPR") and list(stripped.get_children()):
            stripped = next(stripped.get_children())
        typed = base if base.type.kind.name == "CONSTANTARRAY" else stripped  # a row decays to a pointer
        counts.append(typed.type.element_count if typed.type.kind.name == "CONSTANTARRAY" else None)
        cursor = stripped
    name = _base(cursor)
    tokens: tuple[str, ...] = ()
    for index, count in zip(reversed(indices), [None, *reversed(counts[:-1])]):  # outermost dimension first
        inner = ("(", *index_tokens(index), ")")
        tokens = inner if not tokens else ("(", *tokens, ")", "*", str(count or 0), "+", *inner)
    return name, tokens, indices, tuple(reversed(counts))


def _is_outer(base) -> bool:
    """Whether ``base`` names the array itself (``a[i]``), not a row of it (``a[i][j]`` is read
    once, at its outer subscript)."""
    while base.kind.name in ("UNEXPOSED_EXPR", "PAREN_EXPR") and list(base.get_children()):
        base = next(base.get_children())
    return base.kind.name != "ARRAY_SUBSCRIPT_EXPR"


def operator_token(cursor, left) -> str:
    """The operator token of a binary expression: the first token after its left operand."""
    end = left.extent.end.offset
    for token in cursor.get_tokens():
        if token.extent.start.offset >= end:
            return token.spelling
    return ""
