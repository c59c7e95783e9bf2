"""Validating the CloudFormation examples with cfn-lint, in parallel, with verdicts cached by the example's digest."""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Sequence

from rulebase.model import Example, Rule

# cfn-lint rules that a rule's non-compliant examples break on purpose, and why. Nothing else is ignored
# (informational I-rules aside), and a match on a line the example names in hl_lines is its point too.
POINT_OF_EXAMPLE = {
    "cloudformation-aws-security-group-egress-with-port-range": {
        "E3687": "cfn-lint requires both ports for tcp/udp; a missing port is what the example shows",
    },
    "cloudformation-aws-security-group-egress-with-all-protocols": {
        "W3687": "cfn-lint warns that ports are ignored with protocol -1, which is what the example shows",
    },
}
LintMatch = tuple[str, int, str]  # cfn-lint rule id, line, message


def cache_dir() -> Path:
    """Return where verdicts are kept: $RULEBASE_CACHE_DIR, or .cache/rulebase/cfn-lint below the working directory."""
    return Path(os.environ.get("RULEBASE_CACHE_DIR") or ".cache/rulebase") / "cfn-lint"


def lint_examples(pairs: Sequence[tuple[Rule, Example]]) -> dict[int, tuple[str, ...]]:
    """Return, by `id(example)`, why cfn-lint rejects each example (examples it accepts are absent)."""
    version = _cfn_lint_version()
    folder = cache_dir()
    keys = {id(example): _key(version, example.code) for _, example in pairs}
    matches: dict[str, list[LintMatch]] = {}
    todo: dict[str, str] = {}
    for _, example in pairs:
        key = keys[id(example)]
        cached = _read_cache(folder / f"{key}.json")
        if cached is not None:
            matches[key] = cached
        else:
            todo[key] = example.code
    if todo:
        for key, found in zip(todo, _run(list(todo.values()))):
            matches[key] = found
            _write_cache(folder / f"{key}.json", found)
    failures: dict[int, tuple[str, ...]] = {}
    for rule, example in pairs:
        problems = tuple(
            f"is not a valid template for cfn-lint: {rule_id} on line {line}: {message}"
            for rule_id, line, message in matches[keys[id(example)]]
            if not _expected(rule_id, line, rule, example)
        )
        if problems:
            failures[id(example)] = problems
    return failures


def _expected(rule_id: str, line: int, rule: Rule, example: Example) -> bool:
    """A match is expected when it is informational, or the point of a non-compliant example."""
    if rule_id.startswith("I"):
        return True
    return example.kind == "non-compliant" and (
        rule_id in POINT_OF_EXAMPLE.get(rule.id, {}) or line in example.expected_lines)


def _run(templates: list[str]) -> list[list[LintMatch]]:
    workers = min(os.cpu_count() or 1, len(templates))
    if workers <= 1:
        return [lint_template(t) for t in templates]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lint_template, templates, chunksize=max(1, len(templates) // (workers * 4))))


def lint_template(text: str) -> list[LintMatch]:
    """Return cfn-lint's matches on one template, in us-east-1."""
    from cfnlint.api import ManualArgs, lint

    found = lint(text, config=ManualArgs(regions=["us-east-1"]))
    return sorted({(m.rule.id, int(m.linenumber), m.message) for m in found})


def _cfn_lint_version() -> str:
    from importlib.metadata import version

    return version("cfn-lint")


def _key(version: str, code: str) -> str:
    return hashlib.sha256(f"cfn-lint {version}\0{code}".encode("utf-8")).hexdigest()[:32]


def _read_cache(path: Path) -> list[LintMatch] | None:
    try:
        return [tuple(m) for m in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        return None


def _write_cache(path: Path, found: list[LintMatch]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(found), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only checkout still verifies; it just lints again next time
