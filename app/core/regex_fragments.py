"""The literal pieces every match of a regular expression must contain.

``thresher find --regex`` looks these up in the trigram index to choose which documents
to run the expression on. The reading is conservative: anything not understood (a
group, a class, an escape that stands for a character, an alternative at the top) ends
a piece and is skipped, so every returned fragment really is in every match, and an
expression with none is simply run on every document.
"""

from __future__ import annotations

import re

# Escapes followed by a fixed number of further characters (all skipped, never literal).
_ESCAPE_LENGTHS = {"x": 2, "u": 4, "U": 8}
_SPECIAL = ".^$"


def required_fragments(compiled: re.Pattern[str]) -> list[str]:
    """Literal substrings (non-empty) that every match of ``compiled`` contains.

    Case-insensitive and verbose expressions give none: their literals do not stand
    for themselves.
    """
    if compiled.flags & (re.IGNORECASE | re.VERBOSE):
        return []
    return _Reader(compiled.pattern).fragments()


class _Reader:
    """One pass over the pattern's top level, gathering runs of plain characters."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.position = 0
        self.run: list[str] = []
        self.found: list[str] = []

    def fragments(self) -> list[str]:
        while self.position < len(self.pattern):
            if self.pattern[self.position] == "|":
                return []  # an alternative at the top: no literal is required
            self._step()
        self._end_run()
        return self.found

    def _step(self) -> None:
        char = self.pattern[self.position]
        if char == "\\":
            self._escape()
        elif char == "[":
            self._end_run()
            self.position = _class_end(self.pattern, self.position)
        elif char == "(":
            self._end_run()
            self.position = _group_end(self.pattern, self.position)
        elif char in "*?{":
            # The atom before may occur zero times (a "{" that is not a quantifier is
            # dropped too: dropping a character never makes a fragment wrong).
            if self.run:
                self.run.pop()
            self._end_run()
            self.position = _quantifier_end(self.pattern, self.position)
        elif char == "+":
            self._end_run()  # the atom before stays (it occurs), but may repeat
            self.position += 1
        elif char in _SPECIAL:
            self._end_run()
            self.position += 1
        else:
            self.run.append(char)
            self.position += 1

    def _escape(self) -> None:
        following = self.pattern[self.position + 1 : self.position + 2]
        if following and not following.isalnum():
            self.run.append(following)
            self.position += 2
            return
        self._end_run()
        self.position += 2 + _ESCAPE_LENGTHS.get(following, 0)
        if following == "N":
            closing = self.pattern.find("}", self.position)
            self.position = len(self.pattern) if closing < 0 else closing + 1
        elif following.isdigit():
            while self.position < len(self.pattern) and self.pattern[self.position].isdigit():
                self.position += 1

    def _end_run(self) -> None:
        if self.run:
            self.found.append("".join(self.run))
        self.run = []


def _class_end(pattern: str, position: int) -> int:
    """The index after the character class opening at ``position``."""
    index = position + 1
    if pattern[index : index + 1] == "^":
        index += 1
    if pattern[index : index + 1] == "]":
        index += 1  # a "]" first in a class is a plain character
    while index < len(pattern):
        if pattern[index] == "\\":
            index += 2
            continue
        if pattern[index] == "]":
            return index + 1
        index += 1
    return len(pattern)


def _group_end(pattern: str, position: int) -> int:
    """The index after the group opening at ``position`` (classes and escapes skipped)."""
    depth, index = 0, position
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return len(pattern)


def _quantifier_end(pattern: str, position: int) -> int:
    """The index after the quantifier at ``position`` (``*``, ``?`` or ``{m,n}``)."""
    if pattern[position] != "{":
        return position + 1
    closing = pattern.find("}", position)
    if closing > 0 and re.fullmatch(r"\{\d*(,\d*)?\}", pattern[position : closing + 1]):
        return closing + 1
    return position + 1
