"""Readers: from a file (or an example's text) to a `Document`, a tree of plain values whose lines are known.

    doc = read_path("template.yaml")            # a Document, or a Problem saying why it cannot be read
    doc.kind                                    # "template", "account" or None (anything else: skipped)
    doc.lines.line(("Resources", "WebSg"))      # 1-based line where that node starts

YAML short intrinsic tags arrive in their long form (`!GetAtt A.B` is `{"Fn::GetAtt": ["A", "B"]}`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Literal

from rulebase.messages import message
from rulebase.model import Location, Problem
from rulebase.readers.json_reader import JsonLines, read_json
from rulebase.readers.text import DEFAULT_MAX_BYTES, ReadError, decode, read_bytes
from rulebase.readers.yaml_reader import MoreDocuments, YamlLines, read_yaml

__all__ = ["DEFAULT_MAX_BYTES", "Document", "read_path", "read_text", "kind_of"]

Syntax = Literal["yaml", "json"]
Kind = Literal["template", "account"]

_SYNTAX_BY_SUFFIX: dict[str, Syntax] = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


@dataclass(frozen=True)
class Document:
    """One parsed input: its values, their lines, and what it is."""

    path: str
    syntax: Syntax
    data: Any
    lines: YamlLines | JsonLines
    kind: Kind | None  # None: neither a CloudFormation template nor account data (describe-* output)


def read_path(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document | Problem:
    """Return the file at `path` as a Document, or the Problem that stops it from being read."""
    try:
        text = decode(read_bytes(path, max_bytes))
    except ReadError as error:
        return _problem(error, path)
    return read_text(text, path, _SYNTAX_BY_SUFFIX.get(_suffix(path)))


def read_text(text: str, path: str, syntax: str | None = None) -> Document | Problem:
    """Return `text` parsed as `syntax` ("yaml", "json", or None to tell from the text), or its Problem.

    Empty text (blank, or YAML comments only) is a Problem of level "note": nothing to read, which a scan skips.
    """
    if syntax not in (None, "yaml", "json"):
        raise ValueError(f"syntax must be 'yaml', 'json' or None, not {syntax!r}")
    if not text or text.isspace():
        return Problem.of(Location(path), message("read.empty"), "note")
    try:
        if syntax == "json":
            return _json(text, path)
        if syntax == "yaml":
            return _yaml(text, path)
        if text.lstrip()[:1] in ("{", "["):
            try:
                return _json(text, path)
            except ReadError as json_error:  # flow-style YAML looks like JSON at first sight
                try:
                    return _yaml(text, path)
                except ReadError:
                    raise json_error from None
        return _yaml(text, path)
    except ReadError as error:
        return _problem(error, path)


def _problem(error: ReadError, path: str) -> Problem:
    return Problem.of(Location(path, error.line), error.msg, "note" if error.empty else "error")


def kind_of(data: Any) -> Kind | None:
    """Return what the data is, judged by its shape: a template, account data, or neither."""
    if isinstance(data, dict) and (isinstance(data.get("Resources"), dict) or "AWSTemplateFormatVersion" in data):
        return "template"
    from rulebase.snapshot import posture_keys

    return "account" if posture_keys(data) else None


def _json(text: str, path: str) -> Document:
    data, lines = read_json(text)
    return Document(path, "json", data, lines, kind_of(data))


def _yaml(text: str, path: str) -> Document:
    try:
        data, lines = read_yaml(text)
    except MoreDocuments as more:
        if kind_of(more.first) is not None:
            raise  # a template or account data followed by more: which document counts would be a guess
        return Document(path, "yaml", more.first, more.lines, None)  # Kubernetes manifests and the like: skipped
    return Document(path, "yaml", data, lines, kind_of(data))


def _suffix(path: str) -> str:
    return os.path.splitext(path)[1].lower()
