"""CloudFormation JSON and describe-security-groups output: plain values, lines found on demand.

The standard library's C parser gives no positions, and a parser in Python that records every node's line is
several times slower. So the top two levels (a template's sections and resources, or the list of security
groups) are walked here, with their offsets kept, and everything below them is parsed by the C scanner. The
line of a deeper node is found only when asked for, by walking the text of its resource or group again: a
scan pays for the lines of its findings, not for the lines of the whole file.
"""

from __future__ import annotations

import json
import re
from json.decoder import JSONDecoder, scanstring
from typing import Any, Sequence

from rulebase.readers.text import ReadError

Key = str | int
INDEXED_DEPTH = 2  # containers at depth 0 and 1 are walked here; their children's offsets are known

_scan_once = JSONDecoder().scan_once
_WS = re.compile(r"[ \t\n\r]*")
_STRING = r'"([^"\\\x00-\x1f]*+(?:\\.[^"\\\x00-\x1f]*+)*+)"'  # possessive: no backtracking stack per character
_KEY = re.compile(r'[ \t\n\r]*' + _STRING + r'[ \t\n\r]*:[ \t\n\r]*', re.DOTALL)
_NEXT = re.compile(r"[ \t\n\r]*([,\]}])")
_NEXT_KEY = re.compile(r'[ \t\n\r]*,[ \t\n\r]*' + _STRING + r'[ \t\n\r]*:[ \t\n\r]*', re.DOTALL)
_NEXT_ITEM = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")
_EMPTY = {"{": re.compile(r"[ \t\n\r]*}"), "[": re.compile(r"[ \t\n\r]*]")}
_CLOSER = {"{": "}", "[": "]"}
_BLOCK_BITS = 12  # newlines are counted per 4 KiB block, once


class _Malformed(Exception):
    """The fast walk met something it does not expect; the standard parser then names the error."""


class _Repeated(Exception):
    """A mapping below the top levels repeats a key; `_repeated_key` then finds where."""


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _Repeated
    return mapping


# The C scanner with a pairs hook: a repeated key anywhere is seen, for the cost of one call per mapping.
_scan_unique = JSONDecoder(object_pairs_hook=_unique).scan_once


class _Container:
    """The children found so far in the container that starts at an offset: (key offset, value offset) each."""

    __slots__ = ("children", "resume", "pending")

    def __init__(self, children: dict[str, tuple[int, int]] | list[tuple[int, int]], resume: int, pending: bool) -> None:
        self.children = children
        self.resume = resume  # where to continue reading children; -1 once the container is complete
        self.pending = pending  # whether a value starts at `resume` and must be skipped first


class JsonLines:
    """The 1-based lines of a JSON text's nodes and keys, found by path and computed only when asked for."""

    def __init__(self, text: str, root: int, containers: dict[int, _Container]) -> None:
        self._text = text
        self._root = root
        self._containers = containers
        self._newlines = [0]  # newlines before each block

    def line(self, node: Sequence[Key], key: Key | None = None) -> int:
        """Return the line where the node at `node` starts (of its `key` when given); 0 if unknown."""
        offset = self._root
        try:
            for step in node:
                child = self._child(offset, step)
                if child is None:
                    return self._line(offset)
                offset = child[1]
            if key is not None:
                child = self._child(offset, key)
                if child is not None:
                    return self._line(child[0])
        except (ValueError, StopIteration, RecursionError):  # the text changed under us: not our text
            return 0
        return self._line(offset)

    def _child(self, offset: int, step: Key) -> tuple[int, int] | None:
        text = self._text
        state = self._containers.get(offset)
        if state is None:
            opener = text[offset:offset + 1]
            if opener not in _CLOSER:
                return None
            state = _Container({} if opener == "{" else [], offset + 1, False)
            if _EMPTY[opener].match(text, offset + 1):
                state.resume = -1
            self._containers[offset] = state
        children = state.children
        if isinstance(children, dict):
            if not isinstance(step, str):
                return None
            if step in children or state.resume < 0:
                return children.get(step)
        else:
            if not isinstance(step, int) or step < 0:
                return None
            if step < len(children) or state.resume < 0:
                return children[step] if step < len(children) else None
        return self._read_on(state, step)

    def _read_on(self, state: _Container, step: Key) -> tuple[int, int] | None:
        """Read further children of a container until `step` is found or the container ends."""
        text, pos, children = self._text, state.resume, state.children
        is_mapping = isinstance(children, dict)
        while True:
            if state.pending:  # skip the value of the last child read, then expect a comma
                pos = _scan_once(text, pos)[1]
                match = (_NEXT_KEY if is_mapping else _NEXT_ITEM).match(text, pos)
            else:  # the first child
                match = _KEY.match(text, pos) if is_mapping else _WS.match(text, pos)
            if match is None:
                state.resume = -1
                return None
            if is_mapping:
                name = match.group(1)
                if "\\" in name:
                    name = scanstring(text, match.start(1))[0]
                found = (match.start(1) - 1, match.end())
                children.setdefault(name, found)  # type: ignore[union-attr]
                hit = name == step
            else:
                found = (match.end(), match.end())
                children.append(found)  # type: ignore[union-attr]
                hit = len(children) > step  # type: ignore[operator]
            state.resume, state.pending = found[1], True
            pos = found[1]
            if hit:
                return found

    def _line(self, offset: int) -> int:
        text, newlines = self._text, self._newlines
        block = offset >> _BLOCK_BITS
        while len(newlines) <= block:
            start = (len(newlines) - 1) << _BLOCK_BITS
            newlines.append(newlines[-1] + text.count("\n", start, start + (1 << _BLOCK_BITS)))
        return newlines[block] + text.count("\n", block << _BLOCK_BITS, offset) + 1


def read_json(text: str) -> tuple[Any, JsonLines]:
    """Return the JSON text's value and its lines."""
    if "\r" in text:  # CR-only and CRLF line ends count as one line each; in JSON, a CR is only whitespace
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    containers: dict[int, _Container] = {}
    root = _WS.match(text).end()
    try:
        value, end = _walk(text, root, 0, containers)
        if _WS.match(text, end).end() != len(text):
            raise _Malformed
    except (_Malformed, ValueError, StopIteration):
        value = _standard(text)  # raises the precise error, with its line
        containers = {}
    except RecursionError:
        raise ReadError("nesting too deep") from None
    return value, JsonLines(text, root, containers)


def _walk(text: str, pos: int, depth: int, containers: dict[int, _Container]) -> tuple[Any, int]:
    """Return the value at `pos` and where it ends, recording the children of the top containers."""
    opener = text[pos:pos + 1]
    if depth >= INDEXED_DEPTH or opener not in _CLOSER:
        return _scan_value(text, pos)
    deeper = depth + 1 < INDEXED_DEPTH  # whether the children's own children are recorded too
    empty = _EMPTY[opener].match(text, pos + 1)
    if opener == "{":
        mapping: dict[str, Any] = {}
        children: dict[str, tuple[int, int]] = {}
        containers[pos] = _Container(children, -1, False)
        if empty:
            return mapping, empty.end()
        match = _KEY.match(text, pos + 1)
        while True:
            if match is None:
                raise _Malformed
            name = match.group(1)
            if "\\" in name:
                name = scanstring(text, match.start(1))[0]
            start = match.end()
            if name in children:  # a template's sections and resources: CloudFormation rejects a repeated one
                first, here = (text.count("\n", 0, offset) + 1 for offset in (children[name][0], match.start(1)))
                raise ReadError(f"duplicate key {name!r} (first on line {first})", here)
            children[name] = (match.start(1) - 1, start)
            mapping[name], end = _walk(text, start, depth + 1, containers) if deeper else _scan_value(text, start)
            match = _NEXT_KEY.match(text, end)
            if match is None:
                return mapping, _close(text, end, "}")
    sequence: list[Any] = []
    items: list[tuple[int, int]] = []
    containers[pos] = _Container(items, -1, False)
    if empty:
        return sequence, empty.end()
    start = _WS.match(text, pos + 1).end()
    while True:
        items.append((start, start))
        item, end = _walk(text, start, depth + 1, containers)
        sequence.append(item)
        match = _NEXT_ITEM.match(text, end)
        if match is None:
            return sequence, _close(text, end, "]")
        start = match.end()


def _scan_value(text: str, pos: int) -> tuple[Any, int]:
    """Return the value at `pos` and where it ends; a repeated key in it is a ReadError naming both lines."""
    try:
        return _scan_unique(text, pos)
    except _Repeated:
        name, first, second = _repeated_key(text, pos) or ("?", pos, pos)
        first_line, line = (text.count("\n", 0, offset) + 1 for offset in (first, second))
        raise ReadError(f"duplicate key {name!r} (first on line {first_line})", line) from None


def _repeated_key(text: str, pos: int) -> tuple[str, int, int] | None:
    """Return the first repeated key in the value at `pos` and the offsets of both; only run once one is known."""
    opener = text[pos:pos + 1]
    if opener not in _CLOSER or _EMPTY[opener].match(text, pos + 1):
        return None
    if opener == "{":
        seen: dict[str, int] = {}
        match = _KEY.match(text, pos + 1)
        while match is not None:
            name = scanstring(text, match.start(1))[0] if "\\" in match.group(1) else match.group(1)
            if name in seen:
                return name, seen[name], match.start(1)
            seen[name] = match.start(1)
            found = _repeated_key(text, match.end())
            if found:
                return found
            match = _NEXT_KEY.match(text, _scan_once(text, match.end())[1])
        return None
    start = _WS.match(text, pos + 1).end()
    while True:
        found = _repeated_key(text, start)
        if found:
            return found
        match = _NEXT_ITEM.match(text, _scan_once(text, start)[1])
        if match is None:
            return None
        start = match.end()


def _close(text: str, pos: int, closer: str) -> int:
    """Return the offset after `closer`, which must come next."""
    match = _NEXT.match(text, pos)
    if match is None or match.group(1) != closer:
        raise _Malformed
    return match.end()


def _standard(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ReadError(f"JSON syntax error: {error.msg} (column {error.colno})", error.lineno) from None
    except RecursionError:
        raise ReadError("nesting too deep") from None
    except ValueError as error:  # an integer with more digits than Python converts by default
        raise ReadError(f"JSON: {str(error).split(';')[0]}") from None
