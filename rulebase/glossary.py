"""The catalog's glossaries: per language, the preferred terms and the variants a page must not use.

They live beside the vocabulary, `rules/glossary.<lang>.yaml` (one file per language, `fr` and `ja` today).
`rulebase verify` checks every translated rule page and every `docs/<lang>/` page against the glossary of its
language, outside code (fenced blocks, inline code, link targets and bare URLs are not prose).

A catalog folder without a glossary file for a language is not checked in that language: a glossary is an
editorial choice of the catalog's authors, and the shipped one would otherwise impose this project's wording on a
team's own pages (and break their CI on an upgrade). A team opts in by copying the shipped files into its folder.

File format::

    terms:
      - use: gravité                 # the preferred term, shown in the message
        not: [sévérité, sévérités]   # plain strings: whole words, case-insensitive (Japanese: any occurrence)
        regex: ['(?<=[a-zé] )Région'] # Python regular expressions, as written (the match is what the message quotes)
        note: AWS's French console and documentation write « gravité » for severity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from rulebase.model import Location, Problem

GLOSSARY_FILE = "glossary.{lang}.yaml"
GLOSSARY_LANGUAGES: tuple[str, ...] = ("fr", "ja")
MAX_BYTES = 256 * 1024
MAX_PATTERN = 400  # a glossary pattern names a term; a longer one is a mistake (or an attempt at a slow regex)
# How a term is quoted in a message, per language.
QUOTES = {"fr": ("« ", " »"), "ja": ("「", "」")}
# Words are letters, digits and the apostrophe-free joiners of French: a term matches only as a whole word.
_WORD = r"[\w-]"
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_URL = re.compile(r"<?https?://[^\s>)]+>?")


@dataclass(frozen=True)
class Term:
    """A preferred term and the patterns of the variants that should be replaced by it."""

    use: str
    patterns: tuple[re.Pattern[str], ...]
    note: str = ""


@dataclass(frozen=True)
class Glossary:
    """The terms of one language."""

    language: str
    terms: tuple[Term, ...]
    path: str = ""


def glossary_path(root: Path, lang: str) -> Path:
    """Return where the glossary of `lang` lives in the rules folder `root`."""
    return root / GLOSSARY_FILE.format(lang=lang)


def read_glossaries(
    root: Path, shown: Callable[[Path], str] | None = None
) -> tuple[dict[str, Glossary], list[Problem]]:
    """Return the glossaries found in the rules folder `root`, by language, and the problems reading them."""
    glossaries: dict[str, Glossary] = {}
    problems: list[Problem] = []
    for lang in GLOSSARY_LANGUAGES:
        path = glossary_path(root, lang)
        if not path.is_file():
            continue
        glossary, found = read_glossary(path, lang, shown(path) if shown else str(path))
        problems += found
        if glossary.terms:
            glossaries[lang] = glossary
    return glossaries, problems



def read_glossary(path: Path, lang: str, shown: str) -> tuple[Glossary, list[Problem]]:
    """Return the glossary in `path` (language `lang`) and the problems found in it, never raising."""
    import yaml

    empty = Glossary(lang, (), shown)
    try:
        data = path.read_bytes()
        if len(data) > MAX_BYTES:
            return empty, [Problem(Location(shown), f"larger than {MAX_BYTES:,} bytes")]
        loaded: Any = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as error:
        return empty, [Problem(Location(shown), f"cannot read glossary: {error}")]
    return parse_glossary(loaded, lang, shown)


def parse_glossary(loaded: Any, lang: str, shown: str = "") -> tuple[Glossary, list[Problem]]:
    """Return the glossary described by the loaded YAML document `loaded`, and what is wrong with it."""
    entries = loaded.get("terms") if isinstance(loaded, dict) else None
    if not isinstance(entries, list):
        return Glossary(lang, (), shown), [Problem(Location(shown), "glossary must have a `terms` list")]
    terms: list[Term] = []
    problems: list[Problem] = []
    for index, entry in enumerate(entries, 1):
        use = entry.get("use") if isinstance(entry, dict) else None
        if not isinstance(use, str) or not use.strip():
            problems.append(Problem(Location(shown), f"term {index}: `use` must be the preferred term"))
            continue
        patterns: list[re.Pattern[str]] = []
        for plain in _strings(entry.get("not")):
            patterns.append(re.compile(_plain_pattern(plain, lang), re.IGNORECASE))
        for source in _strings(entry.get("regex")):
            if len(source) > MAX_PATTERN:
                problems.append(Problem(Location(shown), f"term {use!r}: pattern longer than {MAX_PATTERN} characters"))
                continue
            try:
                patterns.append(re.compile(source))
            except re.error as error:
                problems.append(Problem(Location(shown), f"term {use!r}: bad regular expression {source!r}: {error}"))
        if not patterns:
            problems.append(Problem(Location(shown), f"term {use!r}: no forbidden variant (`not` or `regex`)"))
            continue
        note = entry.get("note")
        terms.append(Term(use.strip(), tuple(patterns), note.strip() if isinstance(note, str) else ""))
    return Glossary(lang, tuple(terms), shown), problems


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def _plain_pattern(text: str, lang: str) -> str:
    """Return the pattern of a plain variant: a whole word in French (spaces match any run of blanks)."""
    body = r"\s+".join(re.escape(part) for part in text.split())
    if lang == "ja":  # Japanese has no spaces between words: any occurrence counts
        return body
    return rf"(?<!{_WORD}){body}(?!{_WORD})"


def prose_lines(markdown: str) -> list[str]:
    """Return the lines of `markdown` with everything that is not prose blanked out (same line count)."""
    lines = markdown.split("\n")
    for start, end in _code_block_lines(markdown):
        for i in range(start, min(end, len(lines))):
            lines[i] = ""
    return [_URL.sub(_blank, _LINK_TARGET.sub(_blank, _INLINE_CODE.sub(_blank, line))) for line in lines]


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def _code_block_lines(markdown: str) -> Iterable[tuple[int, int]]:
    """Yield the 0-based [start, end) line ranges of the fenced and indented code blocks."""
    from markdown_it import MarkdownIt

    for token in MarkdownIt("commonmark").disable("inline").parse(markdown):
        if token.type in ("fence", "code_block") and token.map:
            yield token.map[0], token.map[1]


def check_text(markdown: str, path: str, glossary: Glossary, first_line: int = 1) -> list[Problem]:
    """Return one problem per forbidden variant found in the prose of `markdown`, the file line of whose first
    line is `first_line`, naming the preferred term."""
    opening, closing = QUOTES.get(glossary.language, ('"', '"'))
    problems: list[Problem] = []
    for offset, line in enumerate(prose_lines(markdown)):
        if not line.strip():
            continue
        found: list[tuple[int, str, str]] = []
        for term in glossary.terms:
            for pattern in term.patterns:
                found += [(m.start(), m.group(0), term.use) for m in pattern.finditer(line) if m.group(0)]
        for column, text, use in sorted(set(found)):
            message = f"use {opening}{use}{closing}, not {opening}{text}{closing}"
            problems.append(Problem(Location(path, first_line + offset, column + 1), message))
    return problems


def language_of(path: Path) -> str | None:
    """Return the language of a page by its name (`fr.md`) or its folder (`docs/fr/...`), or None."""
    if path.stem in GLOSSARY_LANGUAGES and path.suffix == ".md":
        return path.stem
    return next((part for part in path.parts[:-1] if part in GLOSSARY_LANGUAGES), None)
