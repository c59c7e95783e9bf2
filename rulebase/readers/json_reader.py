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
from json.decoder import JSONDecoder, scanstring  # type: ignore[attr-defined]  # public, not in the stubs
from typing import Any, Sequence

from rulebase.readers.text import ReadError
from rulebase.messages import message

Key = str | int
INDEXED_DEPTH = 2  # containers at depth 0 and 1 are walked here; their children's offsets are known

_scan_once = JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner; not in the stubs
_WS = re.compile(r"[ \t\n\r]*")
_STRING = r'"([^"\\\x00-\x1f]*+(?:\\.[^"\\\x00-\x1f]*+)*+)"'  # possessive: no backtracking stack per character
_KEY = re.compile(r'[ \t\n\r]*' + _STRING + r'[ \t\n\r]*:[ \t\n\r]*', re.DOTALL)
_NEXT = re.compile(r"[ \t\n\r]*([,\]}])")
_NEXT_KEY = re.compile(r'[ \t\n\r]*,[ \t\n\r]*' + _STRING + r'[ \t\n\r]*:[ \t\n\r]*', re.DOTALL)
_NEXT_ITEM = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")
_FIRST_ITEM = re.compile(r"[ \t\n\r]*+(?=[^\]])")
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
_scan_unique = JSONDecoder(object_pairs_hook=_unique).scan_once  # type: ignore[attr-defined]


class _Container:
    """The children found so far in the container that starts at an offset: (key offset, value offset) each."""

    __slots__ = ("children", "resume")

    def __init__(self, children: dict[str, tuple[int, int]] | list[tuple[int, int]], resume: int) -> None:
        self.children = children
        # Where reading goes on: the value of the last child found (skipped first), or the first child's place
        # when none is found yet; -1 once the container is complete.
        self.resume = resume


class JsonLines:
    """The 1-based lines of a JSON text's nodes and keys, found by path and computed only when asked for."""

    def __init__(self, text: str, root: int, containers: dict[int, _Container]) -> None:
        self._text = text
        self._root = root
        self._containers = containers
        self._newlines = [0]  # newlines before each block
        self._found: dict[tuple[tuple[Key, ...], Key | None], int] = {}  # rules often point at the same node

    def line(self, node: Sequence[Key], key: Key | None = None) -> int:
        """Return the line where the node at `node` starts (of its `key` when given); 0 if unknown."""
        path = (tuple(node), key)
        line = self._found.get(path)
        if line is None:
            line = self._found[path] = self._find(node, key)
        return line

    def _find(self, node: Sequence[Key], key: Key | None) -> int:
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
        state = self._containers.get(offset)
        if state is None:
            opener = self._text[offset:offset + 1]
            if opener not in _CLOSER:
                return None
            state = self._containers[offset] = _Container({} if opener == "{" else [], offset + 1)
        children = state.children
        if isinstance(children, dict):
            if type(step) is not str:
                return None
            found = children.get(step)
            return found if found is not None or state.resume < 0 else self._read_mapping(state, children, step)
        if type(step) is not int or step < 0:
            return None
        if step < len(children):
            return children[step]
        return None if state.resume < 0 else self._read_list(state, children, step)

    # Reading children is the cost of a lookup: one regular expression and one C scanner call a child.
    def _read_mapping(self, state: _Container, children: dict[str, tuple[int, int]], step: str
                      ) -> tuple[int, int] | None:
        """Read further keys of a mapping until `step` is found or the mapping ends."""
        text = self._text
        resume = state.resume
        match = _NEXT_KEY.match(text, _scan_once(text, resume)[1]) if children else _KEY.match(text, resume)
        while match is not None:
            name = match.group(1)
            if "\\" in name:
                name = scanstring(text, match.start(1))[0]
            start = match.end()
            found = children.setdefault(name, (match.start(1) - 1, start))
            if name == step:
                state.resume = start
                return found
            match = _NEXT_KEY.match(text, _scan_once(text, start)[1])
        state.resume = -1
        return None

    def _read_list(self, state: _Container, children: list[tuple[int, int]], step: int) -> tuple[int, int] | None:
        """Read further items of a list until item `step` is found or the list ends."""
        text = self._text
        resume = state.resume
        match = _NEXT_ITEM.match(text, _scan_once(text, resume)[1]) if children else _FIRST_ITEM.match(text, resume)
        while match is not None:
            start = match.end()
            children.append((start, start))
            if len(children) > step:
                state.resume = start
                return children[step]
            match = _NEXT_ITEM.match(text, _scan_once(text, start)[1])
        state.resume = -1
        return None

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
    root = _spaces_end(text, 0)
    try:
        value, end = _walk(text, root, 0, containers)
        if _spaces_end(text, end) != len(text):
            raise _Malformed
    except (_Malformed, ValueError, StopIteration):
        value = _standard(text)  # raises the precise error, with its line
        containers = {}
    except RecursionError:
        raise ReadError(message("json.too_deep")) from None
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
        containers[pos] = _Container(children, -1)
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
                raise ReadError(message("read.duplicate_key", key=name, first=first), here)
            children[name] = (match.start(1) - 1, start)
            mapping[name], end = _walk(text, start, depth + 1, containers) if deeper else _scan_value(text, start)
            match = _NEXT_KEY.match(text, end)
            if match is None:
                return mapping, _close(text, end, "}")
    sequence: list[Any] = []
    items: list[tuple[int, int]] = []
    containers[pos] = _Container(items, -1)
    if empty:
        return sequence, empty.end()
    start = _spaces_end(text, pos + 1)
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
        found: tuple[Any, int] = _scan_unique(text, pos)
        return found
    except _Repeated:
        name, first, second = _repeated_key(text, pos) or ("?", pos, pos)
        first_line, line = (text.count("\n", 0, offset) + 1 for offset in (first, second))
        raise ReadError(message("read.duplicate_key", key=name, first=first_line), line) from None


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
    start = _spaces_end(text, pos + 1)
    while True:
        found = _repeated_key(text, start)
        if found:
            return found
        match = _NEXT_ITEM.match(text, _scan_once(text, start)[1])
        if match is None:
            return None
        start = match.end()


def _spaces_end(text: str, pos: int) -> int:
    """Return the offset after the whitespace at `pos`."""
    match = _WS.match(text, pos)
    return match.end() if match else pos


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
        raise ReadError(message("json.syntax", problem=error.msg, column=error.colno), error.lineno) from None
    except RecursionError:
        raise ReadError(message("json.too_deep")) from None
    except ValueError as error:  # an integer with more digits than Python converts by default
        raise ReadError(message("json.error", error=str(error).split(";")[0])) from None
