"""A small Tcl interpreter, far enough to read the run scripts HLS projects keep.

It runs ``set X value``, ``$X`` / ``${X}``, quoting and braces, backslashes, ``proc`` and its
calls, ``if`` / ``elseif`` / ``else`` on values it knows (comparisons of known words or numbers)
and the command substitutions ``[info script]`` and ``[file tail|dirname|normalize|join ...]``;
any other ``[...]`` is an ``Unknown`` value, which fails with file:line only where a command
that matters needs it. A reader of one kind of script (``simulator.hls.hls_project``) subclasses
``TclScript`` and takes the commands it knows in ``command_of``.
"""

from __future__ import annotations

import operator
import re
from pathlib import Path

from simulator.hls.hls_source import SourceError

CONDITION = re.compile(r"\s*\"?([^\s\"=!<>]+)\"?\s*(==|!=|<=|>=|<|>|eq|ne)\s*\"?([^\s\"=!<>]+)\"?\s*")
VARIABLE = re.compile(r"\$(?:\{([^}]*)\}|([A-Za-z0-9_:]+))")
COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


class Unknown(str):
    """A value the reader does not know: "file:line: why", raised when a project command needs it."""


Word = tuple[str, bool, int]  # text, braced (no substitution), line


class TclScript:
    """Runs a Tcl script: ``set``, ``proc`` and its calls, ``if``, substitutions (module docstring);
    every other command goes to ``command_of`` with its words substituted, which a reader of
    one kind of script overrides. ``stops`` end the run; ``significant`` matches the commands
    an undecidable ``if`` must not guard."""

    stops: tuple[str, ...] = ()
    significant: re.Pattern = re.compile(r"(?!)")

    def __init__(self, path: Path):
        self.path, self.done = path, False
        self.globals: dict[str, str] = {"argv": "", "argc": "0"}
        self.procs: dict[str, tuple[str, Word, Path]] = {}

    def run(self) -> None:
        self.script(self.path.read_text(errors="replace"), self.path, 1, self.globals)

    def script(self, text: str, path: Path, first: int, scope: dict[str, str]) -> None:
        for line, raw in commands(text, path, first):
            if self.done:
                return
            self.command(raw, path, line, scope)

    def command(self, raw: list[Word], path: Path, line: int, scope: dict[str, str]) -> None:
        where = f"{path}:{line}"
        words = [text if braced else self.substitute(text, f"{path}:{at}", scope) for text, braced, at in raw]
        name, args = words[0], words[1:]
        if name == "set" and len(args) == 2:
            scope[args[0]] = args[1]
        elif name == "proc" and len(args) == 3:
            self.procs[args[0]] = (args[1], raw[3], path)
        elif name in self.procs:
            params, body, body_path = self.procs[name]
            local: dict[str, str] = {}
            for index, param in enumerate(tcl_list(params, where)):
                spec = tcl_list(param, where) or [""]
                local[spec[0]] = args[index] if index < len(args) else (spec[1] if len(spec) > 1 else "")
            self.script(body[0], body_path, body[2], local)
        elif name == "if":
            self.branch(raw[1:], path, scope)
        elif name in self.stops:
            self.done = True
        elif self.significant.fullmatch(name):
            unknown = next((word for word in words if isinstance(word, Unknown)), None)
            if unknown is not None:
                raise SourceError(f"{unknown} (needed by {name} at line {line})")
            self.command_of(name, args, where)

    def command_of(self, name: str, args: list[str], where: str) -> None:
        """A command the script's reader knows, its words substituted (none here)."""
        del name, args, where

    def branch(self, raw: list[Word], path: Path, scope: dict[str, str]) -> None:
        """``if C B ?elseif C B? ?else B?``: the first branch whose condition holds; file:line when
        a condition the reader cannot decide guards project commands."""
        words = [word for word in raw if word[1] or word[0] not in ("then", "elseif", "else")]
        branches: list[tuple[Word | None, Word]] = [(words[k], words[k + 1]) for k in range(0, len(words) - 1, 2)]
        branches += [(None, words[-1])] if len(words) % 2 else []
        for condition, body in branches:
            value = True if condition is None else self.condition(condition, path, scope)
            if (
                value is None
                and condition is not None
                and any(self.significant.search(word[0]) for _, word in branches)
            ):
                where = f"{path}:{condition[2]}"
                raise SourceError(
                    f"{where}: cannot decide the Tcl condition {{{condition[0]}}} around project commands"
                )
            if value:
                self.script(body[0], path, body[2], scope)
            if value is not False:
                return

    def condition(self, word: Word, path: Path, scope: dict[str, str]) -> bool | None:
        """A comparison of two values the reader knows, or one number; None otherwise."""
        value = self.substitute(word[0], f"{path}:{word[2]}", scope)
        match = CONDITION.fullmatch(value)
        if isinstance(value, Unknown) or match is None:
            return None if isinstance(value, Unknown) or _number(value) is None else bool(_number(value))
        left, right, op = match[1], match[3], {"eq": "==", "ne": "!="}.get(match[2], match[2])
        a, b = _number(left), _number(right)
        return COMPARE[op](a, b) if a is not None and b is not None else COMPARE[op](left, right)

    def substitute(self, text: str, where: str, scope: dict[str, str]) -> str:
        """Backslash, ``$variable`` and ``[command]`` substitution of an unbraced word."""
        out: list[str] = []
        index = 0
        while index < len(text):
            char, match = text[index], VARIABLE.match(text, index)
            if char == "\\" and index + 1 < len(text):
                value, index = {"n": "\n", "t": "\t"}.get(text[index + 1], text[index + 1]), index + 2
            elif match is not None:
                name = match[1] if match[1] is not None else match[2]
                value, index = scope.get(name, Unknown(f"{where}: Tcl variable ${name} is not set")), match.end()
            elif char == "[":
                end = _matching(text, index, "[", "]", where)
                value, index = self.evaluate(text[index + 1 : end], where, scope), end + 1
            else:
                value, index = char, index + 1
            out.append(value)
        return next((value for value in out if isinstance(value, Unknown)), None) or "".join(out)

    def evaluate(self, text: str, where: str, scope: dict[str, str]) -> str:
        """A command substitution: ``info script``, ``file tail|dirname|normalize|join`` or unknown."""
        found = list(commands(text, self.path, 1))
        raw = found[0][1] if found else []
        words = [word if braced else self.substitute(word, where, scope) for word, braced, _ in raw]
        unknown = next((word for word in words if isinstance(word, Unknown)), None)
        if unknown is not None:
            return unknown
        if len(found) == 1 and words == ["info", "script"]:
            return str(self.path)
        if len(found) == 1 and words[:1] == ["file"] and len(words) >= 3:
            path = Path(words[2])
            known = {"tail": path.name, "dirname": str(path.parent), "join": str(Path(*words[2:]))}
            known["normalize"] = str((self.path.parent / path).resolve())
            if words[1] in known:
                return known[words[1]]
        return Unknown(f"{where}: cannot evaluate the Tcl command substitution [{text.strip()}]")


def commands(text: str, path: Path, first: int):
    """(line, [(word, braced, line)]) of each command of a Tcl script, comments skipped."""
    index, line, start = 0, first, first
    words: list[Word] = []
    while index < len(text):
        char = text[index]
        if char == "\\" and text.startswith("\n", index + 1):
            index, line = index + 2, line + 1
        elif char in " \t\r":
            index += 1
        elif char in "\n;":
            if words:
                yield start, words
            words = []
            line += char == "\n"
            index += 1
        elif char == "#" and not words:
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
        else:
            start = line if not words else start
            where = f"{path}:{line}"
            if char == "{":
                end = _matching(text, index, "{", "}", where)
                words.append((text[index + 1 : end], True, line))
            else:
                quoted = char == '"'
                end = index + quoted
                while end < len(text) and (text[end] != '"' if quoted else text[end] not in " \t\r\n;"):
                    if text[end] == "[":
                        end = _matching(text, end, "[", "]", where)
                    end += 1 + (text[end] == "\\")
                if quoted and end >= len(text):
                    raise SourceError(f"{where}: unbalanced quote in Tcl")
                words.append((text[index + quoted : end], False, line))
                end -= not quoted
            line += text.count("\n", index, end + 1)
            index = end + 1
    if words:
        yield start, words


def _matching(text: str, index: int, opening: str, closing: str, where: str) -> int:
    """The index of the bracket closing the one at ``index``."""
    depth, position = 0, index
    while position < len(text):
        char = text[position]
        depth += (char == opening) - (char == closing)
        if depth == 0:
            return position
        position += 1 + (char == "\\")
    raise SourceError(f"{where}: unbalanced {opening}{closing} in Tcl")


def tcl_list(text: str, where: str) -> list[str]:
    """A Tcl list's elements (braced or blank-separated)."""
    return [word for _, words in commands(text.replace("\n", " "), Path(where), 1) for word, _, _ in words]


def _number(text: str) -> float | None:
    try:
        return float(text.strip())
    except ValueError:
        return None


__all__ = ["SourceError", "TclScript", "Unknown", "Word", "commands", "tcl_list"]
