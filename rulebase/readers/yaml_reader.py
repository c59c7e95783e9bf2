"""CloudFormation YAML: plain values from libyaml's event parser, with the line of every mapping, sequence and key.

Why events and not `yaml.load`: the C event parser is several times faster than the full loader (whose
constructor and resolver run in Python), and building the tree ourselves lets us keep each node's line, turn
the short intrinsic tags into their long form, refuse alias bombs and deep nesting while parsing, and read
plain scalars with the YAML 1.2 core schema, so `2010-09-09`, `on` and `22:22` stay strings.

Aliases share the anchored value (the tree is a DAG, never a cycle). Merge keys (`<<`) are ordinary keys, as in
YAML 1.2; CloudFormation does not support them either.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Sequence

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from rulebase.messages import Message, message
from rulebase.readers.text import ReadError

_CParser: Any
try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml: same events, slower
    _CParser = None

MAX_DEPTH = 500  # CloudFormation templates nest a few dozen levels; libyaml slows down quadratically on deep flow nesting
MAX_ALIAS_NODES = 250_000  # the nodes aliases may add to the tree, as cfn-lint allows
# Mappings and sequences allowed per character of text: templates and account dumps have one per 30 to 60
# characters; a 2 MB file of nested brackets would otherwise cost seconds and hundreds of megabytes.
CONTAINERS_PER_CHAR = 1 / 20
MIN_CONTAINERS = 50_000

Key = str | int
_NO_KEY: Any = object()
_SCALAR_KEYS = (str, int, float, bool, type(None))

# YAML 1.2 core schema for plain scalars
_CONSTANTS: dict[str, Any] = {
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
    ".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
    "+.inf": float("inf"), "+.Inf": float("inf"), "+.INF": float("inf"),
    "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
    ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan"),
}
_NUMBER_START = frozenset("-+0123456789.")
_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_OTHER_INT = re.compile(r"0o[0-7]+\Z|0x[0-9a-fA-F]+\Z")
_SHORT_FORM = re.compile(r"![A-Za-z][A-Za-z0-9]*\Z")  # !Ref, !GetAtt, !Sub, !If, ... and future ones
_CORE_TAG = "tag:yaml.org,2002:"


class YamlLines:
    """The 1-based lines of a YAML tree's mappings, sequences and mapping keys, found by path."""

    def __init__(self, root: Any, spans: dict[int, tuple[int, dict[Any, int] | None]]) -> None:
        self._root = root
        self._spans = spans  # id(container) -> (first line, {key: line} for mappings)

    def line(self, node: Sequence[Key], key: Key | None = None) -> int:
        """Return the line where the node at `node` starts (of its `key` when given); 0 if unknown."""
        value, line = self._root, 0
        spans = self._spans
        try:
            for step in node:
                span = spans.get(id(value))
                if span is not None:
                    line = span[0]
                value = value[step]
        except (KeyError, IndexError, TypeError):
            return line
        span = spans.get(id(value))
        if span is None:
            return line
        if key is not None and span[1] is not None:
            return span[1].get(key, span[0])
        return span[0]


class MoreDocuments(ReadError):
    """The stream holds a second document; the first one's tree comes along, to tell what the file is."""

    def __init__(self, first: Any, lines: YamlLines, line: int) -> None:
        super().__init__(message("yaml.more_documents"), line)
        self.first = first
        self.lines = lines


def read_yaml(text: str) -> tuple[Any, YamlLines]:
    """Return the document's tree and its lines; a stream of more than one document raises MoreDocuments."""
    try:
        return _build(_parser(text), text)
    except yaml.MarkedYAMLError as error:
        raise ReadError(_syntax_message(error), _line(error.problem_mark or error.context_mark)) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1 if isinstance(error.position, int) else 0
        raise ReadError(message("yaml.character", character=error.character, reason=error.reason), line) from None
    except yaml.YAMLError as error:
        raise ReadError(message("yaml.error", error=str(error))) from None


def _parser(text: str) -> Callable[[], Any]:
    if _CParser is not None:
        get_event: Callable[[], Any] = _CParser(text).get_event
        return get_event
    return yaml.SafeLoader(text).get_event


def _build(get_event: Callable[[], Any], text: str) -> tuple[Any, YamlLines]:
    spans: dict[int, tuple[int, dict[Any, int] | None]] = {}
    anchors: dict[str, Any] = {}
    unfinished: set[str] = set()
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, Any, Any, Any, Any, int]] = []
    container: Any = None  # the mapping or sequence being filled; None at document level
    keys: dict[Any, int] | None = None  # its key lines, when it is a mapping
    key: Any = _NO_KEY  # the key waiting for its value
    root: Any = _NO_KEY
    max_containers = max(MIN_CONTAINERS, int(len(text) * CONTAINERS_PER_CHAR))
    expanded = 0
    documents = 0

    while True:
        event = get_event()
        kind = type(event)
        if kind is ScalarEvent:
            value = event.value
            if event.tag is None:
                if event.implicit[0]:
                    constant = _CONSTANTS.get(value, _NO_KEY)
                    if constant is not _NO_KEY:
                        value = constant
                    elif value[0] in _NUMBER_START:
                        value = _number(value)
            else:
                value = _tagged(event.tag, value, event.start_mark.line + 1, spans)
            if event.anchor is not None:
                anchors[event.anchor] = value
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if len(stack) >= MAX_DEPTH:
                raise ReadError(message("yaml.too_deep", depth=MAX_DEPTH), event.start_mark.line + 1)
            if len(spans) >= max_containers:
                raise ReadError(message("yaml.too_many_containers", containers=max_containers, characters=len(text)),
                                event.start_mark.line + 1)
            line = event.start_mark.line + 1
            stack.append((container, keys, key, event.tag, event.anchor, line))
            if event.anchor is not None:
                unfinished.add(event.anchor)
            if kind is MappingStartEvent:
                container, keys = {}, {}
            else:
                container, keys = [], None
            spans[id(container)] = (line, keys)
            key = _NO_KEY
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = container
            container, keys, key, tag, anchor, line = stack.pop()
            if tag is not None:
                value = _tagged(tag, value, line, spans)
            if anchor is not None:
                anchors[anchor] = value
                unfinished.discard(anchor)
        elif kind is AliasEvent:
            name = event.anchor
            if name in unfinished:
                raise ReadError(message("yaml.alias_recursive", name=name), event.start_mark.line + 1)
            if name not in anchors:
                raise ReadError(message("yaml.alias_unknown", name=name), event.start_mark.line + 1)
            value = anchors[name]
            expanded += _size(value, sizes)
            if expanded > MAX_ALIAS_NODES:
                raise ReadError(message("yaml.alias_bomb", nodes=MAX_ALIAS_NODES),
                                event.start_mark.line + 1)
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:  # CloudFormation reads one document; which one a tool judges would be a guess
                raise MoreDocuments(root, YamlLines(root, spans), event.start_mark.line + 1)
            continue
        elif kind is StreamEndEvent:
            if root is _NO_KEY:
                raise ReadError(message("yaml.empty"), empty=True)
            return root, YamlLines(root, spans)
        else:  # stream start, document end
            continue

        if keys is not None:
            if key is _NO_KEY:
                if kind is ScalarEvent and event.tag is None:
                    value = event.value  # keys are text, as in CloudFormation's JSON: `1` and `1.0` are two keys
                if not isinstance(value, _SCALAR_KEYS):
                    raise ReadError(message("yaml.key_not_scalar"), event.start_mark.line + 1)
                line = event.start_mark.line + 1
                if value in keys:  # CloudFormation rejects it; which value a tool reads would be a guess
                    raise ReadError(message("read.duplicate_key", key=value, first=keys[value]), line)
                key = value
                keys[value] = line
            else:
                container[key] = value
                key = _NO_KEY
        elif container is not None:
            container.append(value)
        else:
            root = value


def _number(text: str) -> Any:
    if _INT.match(text):
        try:
            return int(text)
        except ValueError:  # more digits than Python converts by default
            return text
    if _FLOAT.match(text):
        return float(text)
    if _OTHER_INT.match(text):
        return int(text, 0)
    return text


def _tagged(tag: str, value: Any, line: int, spans: dict[int, tuple[int, dict[Any, int] | None]]) -> Any:
    """Return the value a tag gives: the long form of a CloudFormation short form, or a core-schema value."""
    if _SHORT_FORM.match(tag):
        name = tag[1:]
        if name == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)  # `!GetAtt A.B.C` is ["A", "B.C"], as CloudFormation reads it
        long = {"Ref" if name == "Ref" else "Condition" if name == "Condition" else "Fn::" + name: value}
        spans[id(long)] = (line, {next(iter(long)): line})
        return long
    if tag.startswith(_CORE_TAG) and isinstance(value, str):
        kind = tag[len(_CORE_TAG):]
        if kind == "null":
            return None
        if kind == "bool":
            return _CONSTANTS.get(value, value) if value.lower() in ("true", "false") else value
        if kind in ("int", "float"):
            number = _CONSTANTS.get(value, value) if kind == "float" else value
            number = _number(number.replace("_", "")) if isinstance(number, str) else number
            return float(number) if kind == "float" and isinstance(number, int) else number
    return value  # !!str, `!`, !!map, !!seq and tags we do not know keep the value as written


def _size(value: Any, sizes: dict[int, int]) -> int:
    """Return how many nodes `value` stands for once its shared parts are expanded (memoised, no recursion)."""
    if not isinstance(value, (dict, list)):
        return 1
    known = sizes.get(id(value))
    if known is not None:
        return known
    todo: list[tuple[Any, bool]] = [(value, False)]
    while todo:
        node, ready = todo.pop()
        if id(node) in sizes:
            continue
        children = list(node.values()) if isinstance(node, dict) else node
        if ready:
            total = 1 + len(node) if isinstance(node, dict) else 1  # a mapping also counts its keys
            for child in children:
                total += sizes.get(id(child), 1) if isinstance(child, (dict, list)) else 1
            sizes[id(node)] = min(total, MAX_ALIAS_NODES + 1)
            continue
        todo.append((node, True))
        todo.extend((child, False) for child in children
                    if isinstance(child, (dict, list)) and id(child) not in sizes)
    return sizes[id(value)]


def _syntax_message(error: yaml.MarkedYAMLError) -> Message:
    """Return PyYAML's own words (English) for the problem and its context, framed in a translated message."""
    if not (error.problem and error.context):
        return message("yaml.syntax", problem=str(error.problem or error.context))
    context_line = _line(error.context_mark)
    if context_line and context_line != _line(error.problem_mark):
        return message("yaml.syntax_context_line", problem=error.problem, context=error.context, line=context_line)
    return message("yaml.syntax_context", problem=error.problem, context=error.context)


def _line(mark: Any) -> int:
    return mark.line + 1 if mark is not None else 0
