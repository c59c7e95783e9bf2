"""The reference checker: files and directories in, findings and problems out.

    result = scan(["templates/"])              # what `rulebase scan` reports
    result.findings, result.problems, result.exit_code

    scan_source(text, "en.md", "yaml")         # one document in memory (the verify harness's examples)
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping, NamedTuple, Sequence

from rulebase.model import LANGUAGES, Finding, Location, Problem
from rulebase.readers import DEFAULT_MAX_BYTES, Document, read_path, read_text

if TYPE_CHECKING:
    from rulebase.catalog import Catalog
    from rulebase.checks import Check, Violation

SUFFIXES = (".yaml", ".yml", ".json", ".template")  # what a directory scan reads
PARALLEL_MIN_FILES = 64  # below this, starting worker processes costs more than it saves
NOT_RECOGNISED = ("neither a CloudFormation template (no Resources mapping) "
                  "nor describe-security-groups output (no SecurityGroups list)")


@dataclass(frozen=True)
class ScanResult:
    """What a scan found: findings, inputs that could not be read, and which files were scanned or skipped."""

    findings: tuple[Finding, ...]
    problems: tuple[Problem, ...]
    scanned: tuple[str, ...] = ()  # read as a template or as account data
    skipped: tuple[str, ...] = ()  # neither: not scanned, not an error

    @property
    def exit_code(self) -> int:
        """Return 2 if an input could not be read, else 1 if there are findings, else 0."""
        return 2 if self.problems else 1 if self.findings else 0


class Plan(NamedTuple):
    """The checks to run and what the findings need from the catalog (severity, title in the chosen language)."""

    checks: tuple[Check, ...]
    texts: Mapping[str, tuple[str, str]]  # rule id -> (severity, title)
    max_bytes: int = DEFAULT_MAX_BYTES


def scan(
    paths: Iterable[str | os.PathLike[str]],
    *,
    rules: Sequence[str] | None = None,
    lang: str = "en",
    max_bytes: int = DEFAULT_MAX_BYTES,
    jobs: int | None = None,
    catalog: Catalog | None = None,
) -> ScanResult:
    """Return the findings and problems of the files and directories in `paths`, as `rulebase scan` reports them."""
    plan = make_plan(catalog, rules, lang, max_bytes)
    files, problems = collect_files(paths)
    findings: list[Finding] = []
    scanned: list[str] = []
    skipped: list[str] = []
    for path, file_findings, problem, recognised in _scan_files(files, plan, jobs):
        findings += file_findings
        if problem is not None:
            problems.append(problem)
        elif recognised:
            scanned.append(path)
        else:
            skipped.append(path)
    return ScanResult(_sorted(findings), tuple(sorted(problems)), tuple(scanned), tuple(skipped))


def scan_source(
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

    Unlike `scan`, text that is neither a template nor account data is a problem: an example must be one.
    A `plan` made once (see `make_plan`) saves re-selecting the checks for every document.
    """
    plan = plan if plan is not None else make_plan(catalog, rules, lang, DEFAULT_MAX_BYTES)
    # No pause of the cycle collector here, unlike scan_file: documents in memory are small, and re-enabling it
    # after each one would make the harness pay a collection over its whole catalog every example.
    document = read_text(text, path, syntax)
    if isinstance(document, Problem):
        return ScanResult((), (document,))
    if document.kind is None:
        return ScanResult((), (Problem(Location(path), NOT_RECOGNISED),))
    return ScanResult(_sorted(check_document(document, plan)), (), (path,))


def check_document(document: Document, plan: Plan) -> list[Finding]:
    """Return the findings of the plan's checks on a document recognised as a template or account data."""
    from rulebase.network import account_model, template_model

    if document.kind == "template":
        model, kind = template_model(document.data, document.path, document.lines), "iac"
    elif document.kind == "account":
        model, kind = account_model(document.data, document.path, document.lines), "posture"
    else:
        return []
    findings: list[Finding] = []
    seen: set[tuple[str, Location, str]] = set()
    ran: dict[object, list[Violation]] = {}  # rules that share a check function run it once per document
    for check in plan.checks:
        if check.kind != kind:
            continue
        severity, title = plan.texts[check.rule_id]
        violations = ran.get(check.run)
        if violations is None:
            violations = ran[check.run] = list(check.run(model))
        for violation in violations:
            key = (check.rule_id, violation.location, violation.resource)
            if key in seen:  # the same entry under another combination of its Fn::If branches
                continue
            seen.add(key)
            findings.append(Finding(check.rule_id, severity, violation.location, violation.resource,
                                    f"{title} ({violation.detail})"))
    return findings


def scan_file(path: str, plan: Plan) -> tuple[str, list[Finding], Problem | None, bool]:
    """Return a file's findings, the problem that stopped it being read, and whether it was recognised."""
    try:
        with _no_cycle_collection():
            document = read_path(path, max_bytes=plan.max_bytes)
            if isinstance(document, Problem):
                return path, [], document, False
            findings, recognised = check_document(document, plan), document.kind is not None
            # Freed here, by reference counting, the tree is not there for the collector to walk when it resumes.
            del document
            return path, findings, None, recognised
    except Exception as error:  # a bug must not hide the other files' results
        return path, [], Problem(Location(path), f"internal error while scanning: {type(error).__name__}: {error}"), False


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
    """Return the checks of `rules` (ids or earlier ids; all by default) with their severities and titles."""
    from rulebase.checks import REGISTRY

    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")
    catalog = catalog if catalog is not None else default_catalog()
    _check_registry(catalog, REGISTRY)
    if rules is None:
        selected = [rule.id for rule in catalog]
    else:
        unknown = [rule_id for rule_id in rules if rule_id not in catalog]
        if unknown:
            raise ValueError(f"unknown rule id: {', '.join(unknown)}")
        selected = list(dict.fromkeys(catalog[rule_id].id for rule_id in rules))
    texts = {rule_id: (catalog[rule_id].severity, catalog[rule_id].title(lang)) for rule_id in selected}
    return Plan(tuple(REGISTRY[rule_id] for rule_id in selected), texts, max_bytes)


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """Return the shipped catalog, loaded once (front-matter only: what a scan needs)."""
    from rulebase.catalog import load_catalog

    return load_catalog(validate=False)


def _check_registry(catalog: Catalog, registry: Mapping[str, Check]) -> None:
    from rulebase.catalog import CatalogError

    problems = [Problem(Location(rule.path), f"rule {rule.id} has no check in rulebase/checks/")
                for rule in catalog if rule.id not in registry]
    problems += [Problem(Location(rule.path), f"rule {rule.id} is {rule.kind} but its check reads {check.kind} input")
                 for rule in catalog if (check := registry.get(rule.id)) is not None and check.kind != rule.kind]
    problems += [Problem(Location(str(getattr(catalog, "root", "rules"))), f"check {rule_id} has no rule in the catalog")
                 for rule_id in sorted(set(registry) - {rule.id for rule in catalog})]
    if problems:
        raise CatalogError(tuple(problems))


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
            problems.append(Problem(Location(path), "no such file or directory"))
    return list(files), problems


def _walk(root: str, problems: list[Problem]) -> Iterable[str]:
    def unreadable(error: OSError) -> None:
        problems.append(Problem(Location(error.filename or root), f"cannot list directory: {error.strerror}"))

    for folder, subfolders, names in os.walk(root, onerror=unreadable):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))  # .git, .venv, ...
        for name in sorted(names):
            if name.lower().endswith(SUFFIXES):
                path = os.path.join(folder, name)
                if os.path.isfile(path):
                    yield path


def _scan_files(files: list[str], plan: Plan, jobs: int | None
                ) -> Iterable[tuple[str, list[Finding], Problem | None, bool]]:
    workers = min(jobs or os.cpu_count() or 1, len(files) // (PARALLEL_MIN_FILES // 2) or 1)
    if workers > 1 and len(files) >= PARALLEL_MIN_FILES:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        try:
            with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(plan,)) as pool:
                return list(pool.map(_scan_in_worker, files, chunksize=max(1, len(files) // (workers * 8))))
        except (OSError, BrokenProcessPool):  # no processes allowed here: do it in this one
            pass
    return [scan_file(path, plan) for path in files]


_worker_plan: Plan | None = None


def _start_worker(plan: Plan) -> None:
    global _worker_plan
    _worker_plan = plan


def _scan_in_worker(path: str) -> tuple[str, list[Finding], Problem | None, bool]:
    assert _worker_plan is not None
    return scan_file(path, _worker_plan)


def _sorted(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: (f.location, f.rule_id, f.resource, f.message)))
