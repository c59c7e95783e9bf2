"""`rulebase verify`: every example of every page runs through the checker, so the docs are the test suite."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from rulebase.model import LANGUAGES, Example, Finding, Location, Problem, Rule

if TYPE_CHECKING:
    import argparse

    from rulebase.catalog import Catalog


@dataclass(frozen=True)
class ExampleResult:
    """The verdict on one example: the lines its rule was reported on, and what is wrong."""

    rule: Rule
    example: Example
    reported: tuple[int, ...]
    others: tuple[Finding, ...] = ()
    failures: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def fence(self) -> Location:
        """Return the location of the example's opening fence, where a reader looks first."""
        return Location(self.example.location.path, self.example.location.line - 1)

    def problems(self) -> list[Problem]:
        """Return each failure as a problem at the example's fence."""
        return [Problem(self.fence, f"{self.label} {failure}") for failure in self.failures]

    @property
    def label(self) -> str:
        return f"{self.example.kind} example {self.example.index}"


@dataclass
class Report:
    """Everything `verify` found: per-example results and the problems not tied to one example."""

    results: list[ExampleResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rules: int = 0
    languages: int = 0

    @property
    def failures(self) -> list[Problem]:
        found = [p for r in self.results for p in r.problems()]
        found += [p for p in self.problems if p.level == "error"]
        return sorted(found)

    @property
    def warnings(self) -> list[Problem]:
        return sorted(p for p in self.problems if p.level == "warning")

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        passed = sum(r.passed for r in self.results)
        line = (f"{len(self.results)} examples in {self.rules} rules × {self.languages} languages: "
                f"{passed} passed, {len(self.results) - passed} failed")
        others = len(self.failures) - sum(len(r.failures) for r in self.results)
        if others:
            line += f"; {others} other problem{'s' if others != 1 else ''}"
        if self.warnings:
            line += f"; {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}"
        return line


# --- one example ----------------------------------------------------------------------------------

def run_example(rule: Rule, example: Example, scanner: ExampleScanner | None = None) -> ExampleResult:
    """Return the verdict on one example, scanned alone as the file type its fence names."""
    findings, problems, notes = (scanner or ExampleScanner()).scan(example)
    if problems:
        reasons = "; ".join(f"line {p.location.line}: {p.message}" if p.location.line else p.message for p in problems)
        return ExampleResult(rule, example, (), (), (f"cannot be scanned as {example.syntax}: {reasons}",))
    skipped = [note.message for note in notes if note.message.startswith(rule.id + " ")]
    if skipped:
        return ExampleResult(rule, example, (), (), (f"cannot be judged: {skipped[0]}",))
    mine = tuple(sorted({f.location.line for f in findings if f.rule_id == rule.id}))
    others = tuple(Finding(f.rule_id, f.severity, example.file_location(f.location.line), f.resource, f.message)
                   for f in findings if f.rule_id != rule.id)
    return ExampleResult(rule, example, mine, others, tuple(_verdict(example, mine)))


class ExampleScanner:
    """Scans examples with every check of a catalog, once per distinct code (translations repeat the English code)."""

    def __init__(self, catalog: Catalog | None = None) -> None:
        from rulebase.catalog import load_catalog
        from rulebase.discovery import CheckError
        from rulebase.scanner import Plan

        catalog = catalog if catalog is not None else load_catalog(validate=False)
        # A rule without a working check is reported by the catalog; its examples then fail, the others still run.
        self.problems: list[Problem] = []
        checks = []
        for check in catalog.checks.values():
            try:
                check.load()
                checks.append(check)
            except CheckError as error:
                self.problems.append(error.problem)
        self.plan = Plan(tuple(checks), {c.rule_id: (catalog[c.rule_id].severity, catalog[c.rule_id].title())
                                         for c in checks})
        self._seen: dict[tuple[str, str], tuple[tuple[Finding, ...], tuple[Problem, ...], tuple[Problem, ...]]] = {}

    def scan(self, example: Example) -> tuple[tuple[Finding, ...], tuple[Problem, ...], tuple[Problem, ...]]:
        """Return the findings, problems and notes of one example, its lines counted from the example's first line."""
        from rulebase.scanner import scan_text

        key = (example.syntax, example.code)
        if key not in self._seen:
            result = scan_text(example.code, example.location.path, example.syntax, plan=self.plan)
            self._seen[key] = (result.findings, result.problems, result.notes)
        return self._seen[key]


def _verdict(example: Example, reported: tuple[int, ...]) -> Iterable[str]:
    expected = set(example.expected_lines)
    for line in reported:
        if line not in expected:
            if example.kind == "compliant":
                yield f"reports a finding on line {line} (a compliant example must report none)"
            else:
                yield f"reports a finding on line {line}, not named by hl_lines"
    for line in sorted(expected - set(reported)):
        yield f"reports no finding on line {line} (expected by hl_lines)"


def agreement(result: ExampleResult, english: ExampleResult | None) -> ExampleResult:
    """Return `result` with a failure added when it disagrees with the English example in the same position."""
    if english is None or result.example.language == "en" or not english.passed or not result.passed:
        return result
    if result.reported != english.reported:
        failure = (f"reports lines {list(result.reported)} where en.md's {english.label} reports "
                   f"{list(english.reported)}")
        return ExampleResult(result.rule, result.example, result.reported, result.others, result.failures + (failure,))
    return result


# --- the whole catalog -------------------------------------------------------------------------

def verify_catalog(
    catalog: Catalog,
    *,
    cfn_lint: bool = True,
    docs: Path | None = None,
    progress: Callable[[Iterable[Example], int], Iterable[Example]] | None = None,
) -> Report:
    """Return the report on the catalog: its examples, its translations, its CLI commands and its checks."""
    from rulebase.awscli import check_command, find_commands
    from rulebase.pages import code_blocks

    report = Report(problems=list(catalog.problems), rules=len(catalog))
    report.languages = len({lang for rule in catalog for lang in rule.languages})
    work = [(rule, example) for rule in catalog for lang in LANGUAGES for example in rule.examples(lang)]
    by_example = {id(example): rule for rule, example in work}
    examples: Iterable[Example] = [example for _, example in work]
    if progress is not None:
        examples = progress(examples, len(work))
    english: dict[tuple[str, str, int], ExampleResult] = {}
    results = []
    scanner = ExampleScanner(catalog)
    report.problems += scanner.problems
    for example in examples:
        result = run_example(by_example[id(example)], example, scanner)
        if example.language == "en":
            english[(result.rule.id, example.kind, example.index)] = result
        results.append(result)
    results = [agreement(r, english.get((r.rule.id, r.example.kind, r.example.index))) for r in results]
    if cfn_lint:
        from rulebase.templatelint import lint_examples

        lint_failures = lint_examples([(r.rule, r.example) for r in results if r.rule.kind == "iac"])
        results = [_with_failures(r, lint_failures.get(id(r.example), ())) for r in results]
    report.results = results
    blocks = [block for rule in catalog for page in rule.pages.values() for block in page.code_blocks]
    if docs is not None:
        blocks += [b for p in sorted(docs.rglob("*.md")) for b in code_blocks(p.read_text(encoding="utf-8"), _relative(p))]
    for command in find_commands(blocks):
        report.problems += check_command(command)
    report.problems += glossary_problems(catalog, docs)
    return report


def glossary_problems(catalog: Catalog, docs: Path | None = None) -> list[Problem]:
    """Return the glossary problems of the catalog's translated pages and of `docs/<lang>/`, by the glossaries
    beside the catalog's rules (none there: nothing is checked)."""
    from rulebase.glossary import check_text, language_of, read_glossaries

    glossaries, problems = read_glossaries(catalog.root, _relative)
    if not glossaries:
        return problems
    pages: list[tuple[Path, str, str | None]] = [
        (Path(page.path), page.path, lang) for rule in catalog for lang, page in rule.pages.items()]
    if docs is not None:
        pages += [(p, _relative(p), language_of(p.relative_to(docs))) for p in sorted(docs.rglob("*.md"))]
    for path, shown, lang in pages:
        glossary = glossaries.get(lang or "")
        if glossary is None:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(Location(shown), f"cannot read for the glossary check: {error}"))
            continue
        problems += check_text(text, shown, glossary)
    return problems


def _with_failures(result: ExampleResult, failures: tuple[str, ...]) -> ExampleResult:
    if not failures:
        return result
    return ExampleResult(result.rule, result.example, result.reported, result.others, result.failures + failures)


def _relative(path: Path) -> str:
    from rulebase.catalog import display_path

    return display_path(path)


# --- output ----------------------------------------------------------------------------------------

def format_text(report: Report, *, strict: bool = False, color: bool = False) -> str:
    """Return the report as compiler-style lines, a summary last."""
    red, yellow, dim, reset = ("\033[31m", "\033[33m", "\033[2m", "\033[0m") if color else ("", "", "", "")
    lines = [f"{red}{p.format()}{reset}" for p in report.failures]
    for warning in report.warnings:
        lines.append(f"{(red if strict else yellow)}{warning.format()}{reset}")
    for result in report.results:
        for finding in result.others:
            lines.append(f"{dim}{result.fence}: info: {result.label} also reports {finding.rule_id} "
                         f"on line {finding.location.line}{reset}")
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


def format_json(report: Report) -> str:
    """Return the report as one JSON object for tools."""
    def problem(p: Problem) -> dict[str, object]:
        return {"file": p.location.path, "line": p.location.line, "message": p.message}

    document = {
        "summary": {
            "examples": len(report.results), "rules": report.rules, "languages": report.languages,
            "passed": sum(r.passed for r in report.results), "failed": sum(not r.passed for r in report.results),
        },
        "failures": [problem(p) for p in report.failures],
        "warnings": [problem(p) for p in report.warnings],
        "examples": [
            {"rule_id": r.rule.id, "language": r.example.language, "kind": r.example.kind,
             "index": r.example.index, "file": r.example.location.path, "line": r.fence.line,
             "expected": list(r.example.expected_lines), "reported": list(r.reported), "passed": r.passed,
             "failures": list(r.failures),
             "other_findings": [f.to_dict() for f in r.others]}
            for r in report.results
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def main(args: argparse.Namespace) -> int:
    """Run `rulebase verify` and return its exit code: 0 when everything passes, 1 otherwise."""
    from rulebase.catalog import read_catalog

    catalog = read_catalog(args.rules_dir, jobs=os.cpu_count() or 1)
    docs = Path(args.docs) if args.docs else None
    progress = _progress_bar if sys.stderr.isatty() and args.format == "text" else None
    report = verify_catalog(catalog, cfn_lint=not args.no_cfn_lint, docs=docs, progress=progress)
    if args.strict:
        report.problems = [Problem(p.location, p.message, "error") for p in report.problems]
    if args.format == "json":
        sys.stdout.write(format_json(report))
    else:
        sys.stdout.write(format_text(report, strict=args.strict, color=sys.stdout.isatty()))
    return 0 if report.ok else 1


def _progress_bar(examples: Iterable[Example], total: int) -> Iterable[Example]:
    from tqdm import tqdm

    return tqdm(examples, total=total, desc="examples", unit="ex", leave=False, file=sys.stderr)
