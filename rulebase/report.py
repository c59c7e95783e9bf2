"""The scan report in the three formats `rulebase scan` prints: text, JSON and SARIF 2.1.0."""

from __future__ import annotations

import io
import json
import os
import re
from collections import Counter
from typing import TYPE_CHECKING, Any, Iterable, TextIO

from rulebase.escaping import markdown_text, printable
from rulebase.messages import Message, message, translate
from rulebase.model import SEVERITIES, SITE_URL, Finding, Problem, rule_url

if TYPE_CHECKING:
    from rulebase.catalog import Catalog
    from rulebase.model import Rule
    from rulebase.scanner import ScanResult

FORMATS = ("text", "json", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"  # the base every relative artifact URI is resolved against (`--base-dir`)

# GitHub code scanning reads `level` for non-security alerts and `security-severity` (0.1-10) for security ones:
# over 9.0 is critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SARIF_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}

_RULE_LINK = re.compile(r"\]\(\.\./([a-z0-9][a-z0-9-]*)/?\)")  # `[title](../<rule-id>/)` between rule pages
_COLORS = {
    "critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[36m", "info": "\033[2m",
    "error": "\033[1;31m", "path": "\033[1m", "rule": "\033[2m", "reset": "\033[0m",
}


def render(result: ScanResult, fmt: str = "text", *, catalog: Catalog | None = None, lang: str = "en",
           color: bool = False, base_dir: str | None = None, fail_on: str | None = None) -> str:
    """Return the report of a scan in `fmt` (text, json or sarif); SARIF needs the catalog for its rules."""
    out = io.StringIO()
    write_report(out, result, fmt, catalog=catalog, lang=lang, color=color, base_dir=base_dir, fail_on=fail_on)
    return out.getvalue()


def write_report(stream: TextIO, result: ScanResult, fmt: str = "text", *, catalog: Catalog | None = None,
                 lang: str = "en", color: bool = False, base_dir: str | None = None,
                 fail_on: str | None = None) -> None:
    """Write the report of a scan in `fmt` to `stream`; SARIF a result at a time, in bounded memory.

    SARIF only: `base_dir` is what artifact URIs are relative to (default: `default_base_dir()`), `fail_on` the
    lowest severity that makes the recorded exit code 1 (default: any finding)."""
    if fmt == "text":
        stream.write(format_text(result, color=color, lang=lang))
    elif fmt == "json":
        stream.write(format_json(result, lang))
    elif fmt == "sarif":
        if catalog is None:
            from rulebase.scanner import default_catalog

            catalog = default_catalog()
        write_sarif(stream, result, catalog, lang, base_dir=base_dir, fail_on=fail_on)
    else:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")


# --- text -------------------------------------------------------------------------------------------

def format_text(result: ScanResult, *, color: bool = False, lang: str = "en") -> str:
    """Return linter-style lines `file:line: severity rule-id resource: message`, grouped by file, then a summary.

    The words follow `lang`; the line's frame (`file:line:`, the `: ` before the message) is the same in every
    language, so that editors and CI matchers read it."""
    paint = _painter(color)
    error, note_word = translate("level.error", lang), translate("level.note", lang)
    by_file: dict[str, list[tuple[int, int, str]]] = {}
    for problem in result.problems:
        by_file.setdefault(problem.location.path, []).append(
            (problem.location.line, 0, f"{_where(problem.location.path, problem.location.line, paint)}: "
                                       f"{paint('error', error)}: {printable(problem.text(lang))}"))
    for note in result.notes:
        by_file.setdefault(note.location.path, []).append(
            (note.location.line, 2, f"{_where(note.location.path, note.location.line, paint)}: {note_word}: "
                                    f"{printable(note.text(lang))}"))
    for finding in result.findings:
        by_file.setdefault(finding.location.path, []).append(
            (finding.location.line, 1, f"{_where(finding.location.path, finding.location.line, paint)}: "
                                       f"{paint(finding.severity, severity_name(finding.severity, lang))} "
                                       f"{paint('rule', finding.rule_id)} {printable(finding.resource)}{_place(finding)}: "
                                       f"{printable(finding.message)}"))
    blocks = ["\n".join(text for _, _, text in sorted(lines, key=lambda item: item[:2]))
              for _, lines in sorted(by_file.items())]
    blocks.append(paint("path", summary(result, lang)))
    return "\n\n".join(blocks) + "\n"


def summary(result: ScanResult, lang: str = "en") -> str:
    """Return the one-line summary in `lang`: findings by severity, files scanned, skipped and unreadable."""
    scanned, skipped, failed = len(result.scanned), len(result.skipped), len({p.location.path for p in result.problems})
    parts: list[Message] = []
    if result.findings:
        counts = Counter(f.severity for f in result.findings)
        by_severity = tuple(message(f"summary.severity.{s}", count=counts[s]) for s in reversed(SEVERITIES) if counts[s])
        parts.append(message("summary.findings_in_files", findings=message("summary.findings", count=len(result.findings)),
                             by_severity=by_severity, files=len({f.location.path for f in result.findings}),
                             scanned=scanned))
    else:
        parts.append(message("summary.no_findings", scanned=scanned))
    if skipped:
        parts.append(message("summary.skipped", count=skipped))
    if failed:
        parts.append(message("summary.unreadable", count=failed))
    return translate("summary.separator", lang).join(part.text(lang) for part in parts) + translate("summary.end", lang)


def severity_name(severity: str, lang: str = "en") -> str:
    """Return a severity's word in `lang` (a severity the catalog does not know stays as it is)."""
    return translate(f"severity.{severity}", lang) if severity in SEVERITIES else severity


def _place(finding: Finding) -> str:
    """Return ` [account region]` for a finding of collected account data, else nothing."""
    place = " ".join(printable(part) for part in (finding.account, finding.region) if part)
    return f" [{place}]" if place else ""


def _where(path: str, line: int, paint: Any) -> str:
    where: str = paint("path", f"{printable(path)}:{line}" if line else printable(path))
    return where


def _painter(color: bool) -> Any:
    if not color:
        return lambda _style, text: text
    return lambda style, text: f"{_COLORS[style]}{text}{_COLORS['reset']}"


# --- json -------------------------------------------------------------------------------------------

def format_json(result: ScanResult, lang: str = "en") -> str:
    """Return the JSON object `{"findings": [...], "errors": [...], "notes": [...]}`: messages in `lang`, keys,
    rule ids and severities as they are."""
    document = {
        "findings": [finding.to_dict() for finding in result.findings],
        "errors": [{"file": p.location.path, "line": p.location.line or None, "message": p.text(lang)}
                   for p in result.problems],
        "notes": [{"folder": p.location.path, "message": p.text(lang)} for p in result.notes],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- sarif ------------------------------------------------------------------------------------------

def format_sarif(result: ScanResult, catalog: Catalog, lang: str = "en", *, base_dir: str | None = None,
                 fail_on: str | None = None) -> str:
    """Return a SARIF 2.1.0 log that GitHub code scanning accepts."""
    out = io.StringIO()
    write_sarif(out, result, catalog, lang, base_dir=base_dir, fail_on=fail_on)
    return out.getvalue()


def write_sarif(stream: TextIO, result: ScanResult, catalog: Catalog, lang: str = "en", *,
                base_dir: str | None = None, fail_on: str | None = None) -> None:
    """Write the SARIF log with its results one at a time: the findings never become one big tree or string."""
    base = os.path.abspath(base_dir) if base_dir is not None else default_base_dir()
    index = {rule.id: position for position, rule in enumerate(catalog)}
    head, tail = json.dumps(sarif_log(result, catalog, lang, with_results=False, base_dir=base, fail_on=fail_on),
                            indent=2, ensure_ascii=False).split('"results": []', 1)
    stream.write(head + '"results": [')
    written = False
    for item in _sarif_results(result.findings, index, base):
        stream.write(("," if written else "") + "\n        " + json.dumps(item, ensure_ascii=False))
        written = True
    stream.write(("\n      ]" if written else "]") + tail + "\n")


def sarif_log(result: ScanResult, catalog: Catalog, lang: str = "en", *, with_results: bool = True,
              base_dir: str | None = None, fail_on: str | None = None) -> dict[str, Any]:
    """Return the SARIF 2.1.0 log of a scan as a dict: one run, every catalog rule, one result per finding.

    Artifact URIs inside `base_dir` (default: `default_base_dir()`) are relative to it, through `%SRCROOT%`.
    """
    from rulebase import __version__

    base = os.path.abspath(base_dir) if base_dir is not None else default_base_dir()
    rules = list(catalog)
    index = {rule.id: position for position, rule in enumerate(rules)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rulebase",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": f"{SITE_URL}/{lang}/",
                "language": lang,
                "rules": [_sarif_rule(rule, lang) for rule in rules],
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": _file_uri(base, folder=True)}},
            "language": lang,
            "results": list(_sarif_results(result.findings, index, base)) if with_results else [],
            "invocations": [{
                "exitCode": result.exit_status(fail_on),
                "executionSuccessful": not result.problems,
                "toolExecutionNotifications": [_sarif_notification(p, base, lang)
                                               for p in (*result.problems, *result.notes)],
            }],
        }],
    }


def default_base_dir(cwd: str | None = None) -> str:
    """Return the root of the git repository enclosing `cwd` (default: the working directory), else `cwd` itself.

    A `.git` file counts too (worktrees, submodules); no `git` command is run.
    """
    start = os.path.abspath(cwd if cwd is not None else os.getcwd())
    folder = start
    while not os.path.exists(os.path.join(folder, ".git")):
        parent = os.path.dirname(folder)
        if parent == folder:
            return start
        folder = parent
    return folder


def _sarif_rule(rule: Rule, lang: str) -> dict[str, Any]:
    title, summary_text = rule.title(lang), rule.summary(lang)
    url = rule_url(rule.id, lang)
    description = _description(rule, lang)
    tags = ["security", rule.category, rule.kind, rule.platform]
    if rule.cwe:
        tags.append(f"external/cwe/cwe-{rule.cwe}")
    properties: dict[str, Any] = {"tags": tags, "precision": "very-high", "problem.severity": _problem_severity(rule)}
    if rule.severity in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": title},
        "fullDescription": {"text": summary_text or title},
        "help": {"text": f"{summary_text or title}\n\n{url}",
                 "markdown": f"{description or markdown_text(summary_text)}\n\n[{markdown_text(title)}]({url})"},
        "helpUri": url,
        "defaultConfiguration": {"level": SARIF_LEVEL.get(rule.severity, "warning")},
        "properties": properties,
    }
    if rule.legacy_ids:
        descriptor["deprecatedIds"] = list(rule.legacy_ids)
    return descriptor


def _description(rule: Rule, lang: str) -> str:
    """Return the Description section's Markdown, its links to other rule pages made absolute."""
    try:
        section = rule.page(lang).section("description")
    except Exception:  # a page body that does not parse still has its summary
        return ""
    if section is None:
        return ""
    return _RULE_LINK.sub(lambda m: f"]({rule_url(m.group(1), lang)})", section.markdown.strip())


def _problem_severity(rule: Rule) -> str:
    return {"error": "error", "warning": "warning"}.get(SARIF_LEVEL.get(rule.severity, ""), "recommendation")


def _sarif_results(findings: Iterable[Finding], index: dict[str, int], base: str) -> Iterable[dict[str, Any]]:
    import hashlib

    occurrences: Counter[str] = Counter()
    for finding in findings:
        artifact = artifact_location(finding.location.path, base)
        # What the alert is, in no particular language and from no particular directory: the rule, the file as
        # code scanning knows it, the resource and the check's own detail (never the translated title).
        identity = "\0".join((finding.rule_id, artifact["uri"], finding.resource, finding.detail or finding.message))
        digest = hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()[:32]  # any file name
        occurrences[digest] += 1
        result: dict[str, Any] = {
            "ruleId": finding.rule_id,
            "level": SARIF_LEVEL.get(finding.severity, "warning"),
            "message": {"text": f"{finding.resource}: {finding.message}"},
            "locations": [{
                "physicalLocation": _physical(artifact, finding.location.line or 1, finding.location.column),
                "logicalLocations": [{"name": finding.resource, "kind": "resource"}],
            }],
            # stable when lines move: the same rule, file, resource and detail, numbered in file order
            "partialFingerprints": {"rulebaseFinding/v1": f"{digest}:{occurrences[digest]}"},
        }
        if finding.rule_id in index:
            result["ruleIndex"] = index[finding.rule_id]
        place = {key: value for key, value in (("account", finding.account), ("region", finding.region)) if value}
        if place:
            result["properties"] = place
        yield result


def _sarif_notification(problem: Problem, base: str, lang: str) -> dict[str, Any]:
    location = problem.location
    return {
        "level": problem.level,
        "message": {"text": problem.text(lang)},
        "locations": [{"physicalLocation": _physical(artifact_location(location.path, base), location.line,
                                                     location.column)}],
    }


def _physical(artifact: dict[str, str], line: int, column: int = 0) -> dict[str, Any]:
    """Return a physicalLocation: the artifact, and a region of one line (and column, where the reader knows it)."""
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if line:
        region = {"startLine": line, "endLine": line}
        if column:
            region["startColumn"] = column
        physical["region"] = region
    return physical


def artifact_location(path: str, base: str) -> dict[str, str]:
    """Return a SARIF artifactLocation: `path` relative to `base` under `%SRCROOT%`, or an absolute `file://` URI
    for a file outside `base`."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # another drive
        relative = os.pardir
    if relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
        return {"uri": _file_uri(absolute)}
    return {"uri": artifact_uri(relative), "uriBaseId": SRCROOT}


def artifact_uri(path: str) -> str:
    """Return a file path as a SARIF artifact URI: relative paths stay relative, absolute ones become `file://`."""
    from pathlib import PurePath

    pure = PurePath(path)
    if pure.is_absolute():
        return _file_uri(str(pure))
    return _quote(pure.as_posix().replace(os.sep, "/"))


def _file_uri(path: str, *, folder: bool = False) -> str:
    """Return the `file://` URI of an absolute path (a folder's ends with `/`, as originalUriBaseIds requires)."""
    from pathlib import PurePath

    posix = PurePath(path).as_posix()
    if not posix.startswith("/"):  # C:/x is file:///C:/x
        posix = "/" + posix
    if folder and not posix.endswith("/"):
        posix += "/"
    return "file://" + _quote(posix)


def _quote(text: str) -> str:
    """Percent-encode a path for a URI; a name that is not UTF-8 keeps its bytes (`%FF`)."""
    from urllib.parse import quote

    return quote(os.fsencode(text), safe="/")
