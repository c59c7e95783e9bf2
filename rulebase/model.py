"""The public data types: small frozen dataclasses shared by the loader, the checker and the tools."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal, Mapping

from rulebase.escaping import printable

if TYPE_CHECKING:
    from rulebase.messages import Message

LANGUAGES: tuple[str, ...] = ("en", "fr", "ja")
Severity = Literal["info", "low", "medium", "high", "critical"]
SEVERITIES: tuple[Severity, ...] = ("info", "low", "medium", "high", "critical")
SECTIONS: tuple[str, ...] = ("description", "rationale", "remediation", "compliant", "non-compliant", "references")
# Every anchor a page may have, in page order: the required SECTIONS and the optional `impact` (what the fix may
# break and how to find out first), after the remediation.
SECTION_ORDER: tuple[str, ...] = ("description", "rationale", "remediation", "impact", "compliant", "non-compliant",
                                  "references")
SITE_URL = "https://rulebase.dev"  # the published site; a rule's page is SITE_URL/<lang>/rules/<id>/


def rule_url(rule_id: str, lang: str = "en") -> str:
    """Return the public address of a rule's page in `lang` (SARIF's helpUri, links in reports)."""
    return f"{SITE_URL}/{lang}/rules/{rule_id}/"


ExampleKind = Literal["compliant", "non-compliant"]
Kind = Literal["iac", "posture"]  # iac rules scan templates; posture rules scan account data
Level = Literal["error", "warning", "note"]  # a note: not evaluated, neither a finding nor an error


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file; line and column are 1-based, 0 when unknown."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        path = printable(self.path)  # a file name cannot start a new line or colour the terminal
        return f"{path}:{self.line}" if self.line else path


@dataclass(frozen=True, order=True)
class Problem:
    """An input that could not be read or a rule file that breaks the format."""

    location: Location
    message: str  # in English: what the library, JSON in English and the verify harness read
    level: Level = "error"
    # The same message as a value (id and parameters) for the formatters to translate; None for English-only text
    # (the verify harness's and the catalog loader's messages). Not compared: `message` is its English rendering.
    msg: Message | None = field(default=None, compare=False)

    @classmethod
    def of(cls, location: Location, msg: Message, level: Level = "error") -> Problem:
        """Return the problem whose message is `msg`, rendered in English for `message`."""
        return cls(location, msg.text("en"), level, msg)

    def text(self, lang: str = "en") -> str:
        """Return the message in `lang` (English for a problem made of English text only)."""
        return self.msg.text(lang) if self.msg is not None and lang != "en" else self.message

    def format(self) -> str:
        """Return the compiler-style line `file:line: message`."""
        prefix = "" if self.level == "error" else self.level + ": "
        return f"{self.location}: {prefix}{self.message}"


@dataclass(frozen=True)
class Section:
    """A level-2 section of a rule page, identified by its stable anchor."""

    anchor: str
    heading: str
    line: int
    markdown: str


@dataclass(frozen=True)
class Example:
    """A fenced example of a rule page; `expected_lines` are its `hl_lines`, counted inside the example."""

    rule_id: str
    language: str
    kind: ExampleKind
    index: int
    syntax: str
    code: str
    location: Location
    expected_lines: tuple[int, ...]

    def file_location(self, line: int) -> Location:
        """Return where line `line` of the example (1-based, as hl_lines count) is in its Markdown file."""
        return Location(self.location.path, self.location.line + line - 1 if line else 0)

    @property
    def name(self) -> str:
        """Return the example's short name, e.g. `ja-noncompliant-2`."""
        return f"{self.language}-{self.kind.replace('-', '')}-{self.index}"


@dataclass(frozen=True)
class CodeBlock:
    """A fenced code block of a page; `location` is its first code line."""

    syntax: str
    code: str
    location: Location


@dataclass(frozen=True)
class Page:
    """One language's file of a rule; its Markdown body is parsed on first use."""

    rule_id: str
    language: str
    path: str
    title: str
    summary: str
    source_digest: str
    body: str = field(repr=False)
    body_line: int = 1

    @cached_property
    def _parsed(self) -> tuple[tuple[Section, ...], tuple[Example, ...], tuple[Problem, ...], tuple[CodeBlock, ...]]:
        from rulebase.pages import parse_body

        return parse_body(self.body, self.body_line, self.path, self.rule_id, self.language)

    @property
    def sections(self) -> tuple[Section, ...]:
        """Return the level-2 sections, in page order."""
        return self._parsed[0]

    @property
    def examples(self) -> tuple[Example, ...]:
        """Return the compliant and non-compliant examples, in page order."""
        return self._parsed[1]

    @property
    def code_blocks(self) -> tuple[CodeBlock, ...]:
        """Return every fenced code block, examples included, in page order."""
        return self._parsed[3]

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Return what breaks the page format (missing anchors, hl_lines, fences)."""
        return self._parsed[2]

    def section(self, anchor: str) -> Section | None:
        """Return the section with this anchor, or None."""
        return next((s for s in self.sections if s.anchor == anchor), None)


@dataclass(frozen=True)
class Finding:
    """One place where a rule is broken."""

    rule_id: str
    severity: Severity
    location: Location
    resource: str
    message: str
    account: str = ""  # account data collected by `rulebase collect`: from the folder DIR/<account>/<region>/
    region: str = ""
    detail: str = ""  # the check's own words, in no language (`IpProtocol -1`): SARIF fingerprints use it

    def to_dict(self) -> dict[str, object]:
        """Return the finding as the JSON output's object (`account` and `region` only when known)."""
        found: dict[str, object] = {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "file": self.location.path,
            "line": self.location.line,
            "resource": self.resource,
            "message": self.message,
        }
        if self.account:
            found["account"] = self.account
        if self.region:
            found["region"] = self.region
        return found


TranslationStatus = Literal["ok", "missing", "stale"]


@dataclass(frozen=True)
class Rule:
    """A rule: its metadata (from `en.md`) and its pages, one per language."""

    id: str
    kind: Kind
    platform: str
    provider: str
    service: str
    resource_types: tuple[str, ...]
    severity: Severity
    category: str
    cwe: int | None
    frameworks: Mapping[str, tuple[str, ...]]
    legacy_ids: tuple[str, ...]
    aliases: tuple[str, ...]
    references: tuple[str, ...]
    path: str
    pages: Mapping[str, Page] = field(repr=False)
    digest: str = ""
    field_lines: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)  # en.md's key lines

    @property
    def languages(self) -> tuple[str, ...]:
        """Return the languages this rule has a page in, English first."""
        return tuple(lang for lang in LANGUAGES if lang in self.pages)

    def page(self, lang: str = "en") -> Page:
        """Return the page in `lang`, falling back to English."""
        return self.pages.get(lang) or self.pages["en"]

    def title(self, lang: str = "en") -> str:
        """Return the title in `lang`, falling back to English."""
        return self.page(lang).title

    def summary(self, lang: str = "en") -> str:
        """Return the one-sentence summary in `lang`, falling back to English."""
        return self.page(lang).summary or self.pages["en"].summary

    def examples(self, lang: str = "en") -> tuple[Example, ...]:
        """Return the examples of the page in `lang` (no fallback: an absent page has none)."""
        page = self.pages.get(lang)
        return page.examples if page else ()

    def translation_status(self, lang: str) -> TranslationStatus:
        """Return whether the page in `lang` exists and was translated from the current English text."""
        page = self.pages.get(lang)
        if page is None:
            return "missing"
        if lang == "en" or page.source_digest == self.digest:
            return "ok"
        return "stale"

    def url(self, lang: str = "en") -> str:
        """Return the address of this rule's page in `lang` on the published site (a missing translation's page
        is the English text with a notice, at the same address)."""
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")
        return rule_url(self.id, lang)

    def to_dict(self) -> dict[str, object]:
        """Return the rule's metadata as the JSON export's object."""
        return {
            "id": self.id,
            "title": {lang: self.pages[lang].title for lang in self.languages},
            "summary": {lang: self.pages[lang].summary for lang in self.languages if self.pages[lang].summary},
            "kind": self.kind,
            "platform": self.platform,
            "provider": self.provider,
            "service": self.service,
            "resource_types": list(self.resource_types),
            "severity": self.severity,
            "category": self.category,
            "cwe": self.cwe,
            "frameworks": {name: list(ids) for name, ids in self.frameworks.items()},
            "legacy_ids": list(self.legacy_ids),
            "aliases": list(self.aliases),
            "references": list(self.references),
            "languages": list(self.languages),
            "translations": {lang: self.translation_status(lang) for lang in LANGUAGES},
            "url": {lang: self.url(lang) for lang in LANGUAGES},  # every language has a page (a fallback at worst)
        }
