"""Parsing a rule page's Markdown body into sections and examples, with their lines in the file."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, TYPE_CHECKING

from rulebase.model import CodeBlock, Example, Location, Problem, Section

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

EXAMPLE_SECTIONS = ("compliant", "non-compliant")  # the anchors whose yaml/json fences are examples, by kind
EXAMPLE_SYNTAXES = ("yaml", "json")
_ANCHORED = re.compile(r"^(?P<text>.*?)\s*\{#(?P<anchor>[A-Za-z0-9_-]+)\}\s*$")
MAX_EXAMPLE_BYTES = 65_536  # an example shows one point; CloudFormation takes 51,200 bytes of inline template
_HL_LINES = re.compile(r"""hl_lines\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # Only the block structure matters here (headings, fences); inline parsing would double the cost.
    return MarkdownIt("commonmark").disable("inline")


def file_line(body_line: int, offset: int) -> int:
    """Return the 1-based line in the file of the body's 0-based line `offset` (the one place that converts)."""
    return body_line + offset


def parse_hl_lines(spec: str, limit: int | None = None) -> tuple[int, ...] | None:
    """Return the lines named by a Material `hl_lines` value ("3 5-7"), or None if it is malformed.

    A range that goes past line `limit` keeps only its last line, which the caller reports: it is never expanded.
    """
    lines: list[int] = []
    for part in spec.split():
        first, sep, last = part.partition("-")
        if not first.isdigit() or (sep and not last.isdigit()):
            return None
        start, end = int(first), int(last) if sep else int(first)
        if start < 1 or end < start:
            return None
        lines.extend(range(start, end + 1) if limit is None or end <= limit else (end,))
    return tuple(sorted(set(lines)))


def code_blocks(markdown: str, path: str, first_line: int = 1) -> tuple[CodeBlock, ...]:
    """Return the fenced code blocks of any Markdown text (a guide, say) whose first line is `first_line`."""
    return _code_blocks(_markdown().parse(markdown), path, first_line)


def _code_blocks(tokens: list[Any], path: str, body_line: int) -> tuple[CodeBlock, ...]:
    return tuple(
        CodeBlock(t.info.strip().split(" ")[0].lower(), t.content, Location(path, file_line(body_line, t.map[0]) + 1))
        for t in tokens if t.type == "fence" and t.map
    )


def parse_body(
    body: str, body_line: int, path: str, rule_id: str, language: str
) -> tuple[tuple[Section, ...], tuple[Example, ...], tuple[Problem, ...], tuple[CodeBlock, ...]]:
    """Return the sections, examples, format problems and code blocks of a rule page's Markdown body.

    `body_line` is the file line of the body's first line, so every location is a file line.
    """
    tokens = _markdown().parse(body)
    source_lines = body.splitlines()
    sections: list[Section] = []
    examples: list[Example] = []
    problems: list[Problem] = []
    headings: list[tuple[str, str, int, int]] = []  # anchor, text, body line of heading, token index
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and token.map:
            inline = tokens[i + 1].content
            match = _ANCHORED.match(inline)
            line = file_line(body_line, token.map[0])
            if not match:
                problems.append(Problem(Location(path, line), f"section heading {inline!r} has no {{#anchor}}"))
                continue
            headings.append((match["anchor"], match["text"], token.map[0], i))

    for n, (anchor, text, start, _) in enumerate(headings):
        end = headings[n + 1][2] if n + 1 < len(headings) else len(source_lines)
        markdown = "\n".join(source_lines[start + 1 : end]).strip("\n")
        sections.append(Section(anchor, text, file_line(body_line, start), markdown))

    counters = {"compliant": 0, "non-compliant": 0}
    current: str | None = None
    heading_index = 0
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            current = None
            if heading_index < len(headings) and headings[heading_index][3] == i:
                current = headings[heading_index][0]
                heading_index += 1
            continue
        if token.type != "fence" or current not in EXAMPLE_SECTIONS or not token.map:
            continue
        info = token.info.strip()
        syntax, _, attrs = info.partition(" ")
        syntax = syntax.lower()
        if syntax not in EXAMPLE_SYNTAXES:
            continue
        kind = current
        fence_line = file_line(body_line, token.map[0])
        location = Location(path, fence_line + 1)
        if token.level != 0:
            problems.append(Problem(Location(path, fence_line), "example fence must sit at the top level of its section"))
            continue
        code = token.content
        size = len(code.encode("utf-8"))
        if size > MAX_EXAMPLE_BYTES:
            problems.append(Problem(Location(path, fence_line),
                                    f"example is {size:,} bytes, over the limit of {MAX_EXAMPLE_BYTES:,}"))
            continue
        code_lines = code.count("\n") + (0 if code.endswith("\n") or not code else 1)
        hl_match = _HL_LINES.search(attrs)
        expected: tuple[int, ...] = ()
        if hl_match:
            parsed = parse_hl_lines(hl_match[1] if hl_match[1] is not None else hl_match[2], code_lines)
            if parsed is None:
                problems.append(Problem(Location(path, fence_line), f"malformed hl_lines in {info!r}"))
                continue
            expected = parsed
        if kind == "non-compliant" and not expected:
            problems.append(Problem(Location(path, fence_line), "non-compliant example has no hl_lines (the lines the checker reports)"))
        elif kind == "compliant" and expected:
            problems.append(Problem(Location(path, fence_line), "compliant example has hl_lines: a compliant example reports nothing"))
        elif expected and expected[-1] > code_lines:
            problems.append(Problem(Location(path, fence_line), f"hl_lines names line {expected[-1]} but the example has {code_lines} lines"))
        counters[kind] += 1
        examples.append(Example(rule_id, language, kind, counters[kind], syntax, code, location, expected))  # type: ignore[arg-type]
    return tuple(sections), tuple(examples), tuple(problems), _code_blocks(tokens, path, body_line)
