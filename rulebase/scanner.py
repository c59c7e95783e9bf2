"""The reference checker: files and directories in, findings and problems out.

    result = scan(["templates/"])              # what `rulebase scan` reports
    result.findings, result.problems, result.exit_code

    scan_text(text, "en.md", "yaml")           # one document in memory (the verify harness's examples)
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping, NamedTuple, Sequence

from rulebase.messages import Message, message
from rulebase.model import LANGUAGES, SEVERITIES, Finding, Location, Problem, Severity
from rulebase.readers import DEFAULT_MAX_BYTES, Document, read_path, read_text

if TYPE_CHECKING:
    from rulebase.catalog import Catalog
    from rulebase.discovery import Check

SUFFIXES = (".yaml", ".yml", ".json", ".template")  # what a directory scan reads
PARALLEL_MIN_FILES = 64  # below this, starting worker processes costs more than it saves
NOT_RECOGNISED = message("scan.not_recognised")


@dataclass(frozen=True)
class ScanResult:
    """What a scan found: findings, inputs that could not be read, notes, and which files were scanned or skipped."""

    findings: tuple[Finding, ...]
    problems: tuple[Problem, ...]
    scanned: tuple[str, ...] = ()  # read as a template or as account data
    skipped: tuple[str, ...] = ()  # neither: not scanned, not an error
    notes: tuple[Problem, ...] = ()  # rules not evaluated on a snapshot (an operation's output is missing)

    @property
    def exit_code(self) -> int:
        """Return 2 if an input could not be read, else 1 if there are findings, else 0."""
        return self.exit_status()

    def exit_status(self, fail_on: str | None = None) -> int:
        """Return 2 if an input could not be read, else 1 if a finding is at or above `fail_on` (default: any
        finding), else 0."""
        if self.problems:
            return 2
        if fail_on is None:
            return 1 if self.findings else 0
        if fail_on not in SEVERITIES:
            raise ValueError(f"unknown severity {fail_on!r}: one of {', '.join(SEVERITIES)}")
        lowest = SEVERITIES.index(fail_on)
        # fail closed: a severity the catalog does not know counts as the highest
        return 1 if any(f.severity not in SEVERITIES or SEVERITIES.index(f.severity) >= lowest
                        for f in self.findings) else 0


class Plan(NamedTuple):
    """The checks to run and what the findings need from the catalog (severity, title in the chosen language)."""

    checks: tuple[Check, ...]
    texts: Mapping[str, tuple[Severity, str]]  # rule id -> (severity, title)
    max_bytes: int = DEFAULT_MAX_BYTES


class FileResult(NamedTuple):
    """One file read: its template findings, the problems met, what it is, and its account data."""

    path: str
    findings: list[Finding]
    problems: list[Problem]
    kind: str | None  # "template", "account", or None: neither (skipped) or unreadable
    posture: Document | None  # account data waits for the other documents of its folder


def scan(
    paths: Iterable[str | os.PathLike[str]],
    *,
    rules: Sequence[str] | None = None,
    lang: str = "en",
    max_bytes: int = DEFAULT_MAX_BYTES,
    jobs: int | None = None,
    catalog: Catalog | None = None,
) -> ScanResult:
    """Return the findings and problems of the files and directories in `paths`, as `rulebase scan` reports them.

    The account data found in one folder forms one snapshot: the posture checks run once per folder.
    """
    plan = make_plan(catalog, rules, lang, max_bytes)
    files, problems = collect_files(paths)
    findings: list[Finding] = []
    notes: list[Problem] = []
    scanned: list[str] = []
    skipped: list[str] = []
    folders: dict[str, list[Document]] = {}
    # Account data stays in memory until its folder is checked: the collector stays paused as long (see
    # `_no_cycle_collection`), and each folder's documents are freed before it resumes.
    with _no_cycle_collection():
        for path, file_findings, file_problems, kind, posture in _scan_files(files, plan, jobs):
            findings += file_findings
            problems += file_problems
            if posture is not None:
                folders.setdefault(os.path.dirname(path) or ".", []).append(posture)
            if file_problems and kind is None:
                continue
            (scanned if kind is not None else skipped).append(path)
        posture = None  # `folders` alone holds the account data now
        for folder in list(folders):
            documents = folders.pop(folder)
            try:
                snapshot_findings, snapshot_problems, snapshot_notes = check_snapshot(folder, documents, plan)
            except Exception as error:  # a bug must not hide the other folders' results
                problems.append(Problem.of(Location(folder), _internal_error(error)))
                continue
            finally:
                del documents
            findings += snapshot_findings
            problems += snapshot_problems
            notes += snapshot_notes
    return ScanResult(_sorted(findings), tuple(sorted(problems)), tuple(scanned), tuple(skipped), tuple(sorted(notes)))


def scan_text(
    text: str,
    path: str,
    syntax: str | None = None,
    rules: Sequence[str] | None = None,
    *,
    lang: str = "en",
    catalog: Catalog | None = None,
    plan: Plan | None = None,
) -> ScanResult:
    """Return the findings of one in-memory document (`syntax` "yaml", "json" or None); lines count from its start.

    Unlike `scan`, text that is neither a template nor account data is a problem: an example must be one. Account
    data is a snapshot of its own. A `plan` made once (see `make_plan`) saves re-selecting the checks each time.
    """
    plan = plan if plan is not None else make_plan(catalog, rules, lang, DEFAULT_MAX_BYTES)
    document = read_text(text, path, syntax)
    if isinstance(document, Problem):  # an empty example too: it must hold a document
        return ScanResult((), (replace(document, level="error"),))
    if document.kind is None:
        return ScanResult((), (Problem.of(Location(path), NOT_RECOGNISED),))
    if document.kind == "account":
        findings, problems, notes = check_snapshot(path, [document], plan)
    else:
        findings, problems = check_template(document, plan)
        notes = []
    return ScanResult(_sorted(findings), tuple(sorted(problems)), (path,), (), tuple(notes))


def check_template(document: Document, plan: Plan) -> tuple[list[Finding], list[Problem]]:
    """Return the findings of the plan's iac checks on a template, and the problems of values it cannot judge."""
    from rulebase.template import template_model

    model = template_model(document.data, document.path, document.lines)
    return _run(model, [check for check in plan.checks if check.kind == "iac"], plan)


def check_snapshot(folder: str, documents: Sequence[Document], plan: Plan
                   ) -> tuple[list[Finding], list[Problem], list[Problem]]:
    """Return the findings of the plan's posture checks on the snapshot of one folder's account data, the
    problems met, and one note per rule not evaluated because an operation's output is missing."""
    from rulebase.snapshot import account_and_region, snapshot_model

    snapshot = snapshot_model(folder, [(d.data, d.path, d.lines) for d in documents])
    checks, notes = [], []
    for check in plan.checks:
        if check.kind != "posture":
            continue
        missing = snapshot.missing(check.requires)
        if missing:
            notes.append(Problem.of(Location(folder), message("scan.not_evaluated", rule=check.rule_id,
                                                              operations=tuple(missing), count=len(missing)), "note"))
        else:
            checks.append(check)
    findings, problems = _run(snapshot, checks, plan)
    account, region = account_and_region(folder)
    if account:  # a folder of `rulebase collect`: the report says which account and Region each finding is in
        findings = [replace(finding, account=account, region=region) for finding in findings]
    return findings, problems, notes


def _run(model: object, checks: Sequence[Check], plan: Plan) -> tuple[list[Finding], list[Problem]]:
    from rulebase.template import LimitExceeded

    findings: list[Finding] = []
    problems: list[Problem] = []
    for check in checks:
        severity, title = plan.texts[check.rule_id]
        try:
            for violation in check.run(model):
                findings.append(Finding(check.rule_id, severity, violation.location, violation.resource,
                                        f"{title} ({violation.detail})", detail=violation.detail))
        except LimitExceeded as error:  # fail closed: a value the evaluator cannot enumerate is an error, not a pass
            problem = Problem.of(error.location, message("scan.limit_not_evaluated", problem=error.msg,
                                                         rule=check.rule_id))
            if problem not in problems:
                problems.append(problem)
    return findings, problems


def scan_file(path: str, plan: Plan, keep_posture: bool = True) -> FileResult:
    """Return a file's template findings and problems, whether it was recognised, and its account data."""
    try:
        with _no_cycle_collection():
            document = read_path(path, max_bytes=plan.max_bytes)
            if isinstance(document, Problem):
                if document.level == "note":  # an empty file: skipped, not an error
                    return FileResult(path, [], [], None, None)
                return FileResult(path, [], [document], None, None)
            if document.kind != "template":
                posture = document if document.kind == "account" and keep_posture else None
                return FileResult(path, [], [], document.kind, posture)
            findings, problems = check_template(document, plan)
            # Freed here, by reference counting, the tree is not there for the collector to walk when it resumes.
            del document
            return FileResult(path, findings, problems, "template", None)
    except Exception as error:  # a bug must not hide the other files' results
        problem = Problem.of(Location(path), _internal_error(error))
        return FileResult(path, [], [problem], None, None)


def _internal_error(error: Exception) -> Message:
    return message("scan.internal_error", error=f"{type(error).__name__}: {error}")


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector: the trees and models built here have no cycles, and on a large
    file the collector would otherwise walk them again and again (a 1 MB template scans several times faster)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- plan -------------------------------------------------------------------------------------------

def make_plan(catalog: Catalog | None, rules: Sequence[str] | None, lang: str, max_bytes: int) -> Plan:
    """Return the checks of `rules` (ids or earlier ids; all by default) with their severities and titles.

    Raise CatalogError when a selected check cannot be imported.
    """
    from rulebase.catalog import CatalogError
    from rulebase.discovery import CheckError

    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")
    catalog = catalog if catalog is not None else default_catalog()
    if rules is None:
        selected = [rule.id for rule in catalog if rule.id in catalog.checks]
    else:
        unknown = [rule_id for rule_id in rules if rule_id not in catalog]
        if unknown:
            raise ValueError(f"unknown rule id: {', '.join(unknown)}")
        selected = list(dict.fromkeys(catalog[rule_id].id for rule_id in rules if catalog[rule_id].id in catalog.checks))
    checks = tuple(catalog.checks[rule_id] for rule_id in selected)
    errors = []
    for check in checks:
        try:
            check.load()
        except CheckError as error:
            errors.append(error.problem)
    if errors:
        raise CatalogError(tuple(errors))
    texts = {rule_id: (catalog[rule_id].severity, catalog[rule_id].title(lang)) for rule_id in selected}
    return Plan(checks, texts, max_bytes)


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """Return the shipped catalog, loaded once (front-matter only: what a scan needs)."""
    from rulebase.catalog import load_catalog

    return load_catalog(validate=False)


# --- files ------------------------------------------------------------------------------------------

def collect_files(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[Problem]]:
    """Return the files to scan (named ones, and those with a known suffix under directories) and missing paths."""
    files: dict[str, None] = {}
    problems: list[Problem] = []
    for given in paths:
        path = os.path.normpath(os.fspath(given))
        if os.path.isdir(path):
            for found in _walk(path, problems):
                files.setdefault(found)
        elif os.path.lexists(path):
            files.setdefault(path)  # named explicitly: scanned whatever its suffix
        else:
            problems.append(Problem.of(Location(path), message("read.no_such_file")))
    return list(files), problems


def _walk(root: str, problems: list[Problem]) -> Iterable[str]:
    """Yield the files to scan under `root`, in sorted order, with a stack (os.walk recurses: 1,000 levels fail)."""
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            problems.append(Problem.of(Location(error.filename or folder),
                                       message("scan.cannot_list", reason=error.strerror or type(error).__name__)))
            continue
        subfolders = []
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith("."):  # .git, .venv, ...
                    subfolders.append(entry.path)
            elif entry.name.lower().endswith(SUFFIXES) and entry.is_file():
                yield entry.path
        folders.extend(reversed(subfolders))


def _scan_files(files: list[str], plan: Plan, jobs: int | None) -> Iterable[FileResult]:
    workers = min(jobs or os.cpu_count() or 1, len(files) // (PARALLEL_MIN_FILES // 2) or 1)
    if workers > 1 and len(files) >= PARALLEL_MIN_FILES:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        try:
            with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(plan,)) as pool:
                results = list(pool.map(_scan_in_worker, files, chunksize=max(1, len(files) // (workers * 8))))
            # Account data is not sent back between processes: it is read again here, where its folder gathers.
            return [scan_file(r.path, plan) if r.kind == "account" else r for r in results]
        except (OSError, BrokenProcessPool):  # no processes allowed here: do it in this one
            pass
    return [scan_file(path, plan) for path in files]


_worker_plan: Plan | None = None


def _start_worker(plan: Plan) -> None:
    global _worker_plan
    _worker_plan = plan


def _scan_in_worker(path: str) -> FileResult:
    assert _worker_plan is not None
    return scan_file(path, _worker_plan, keep_posture=False)


# The location's fields, not the Location: comparing dataclasses runs Python code for each comparison.
_FINDING_ORDER = attrgetter("location.path", "location.line", "location.column", "rule_id", "resource", "message")


def _sorted(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=_FINDING_ORDER))
