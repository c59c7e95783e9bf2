"""The docs are the test suite: one test per example of every page, as `make verify-examples` runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from rulebase.awscli import check_command, find_commands
from rulebase.catalog import load_catalog
from rulebase.model import Example, Rule
from rulebase.pages import code_blocks
from rulebase.templatelint import lint_examples
from rulebase.verify import ExampleScanner, agreement, run_example

ROOT = Path(__file__).resolve().parent.parent
CATALOG = load_catalog(ROOT / "rules", strict=True)
EXAMPLES = [(rule, example) for rule in CATALOG for lang in rule.languages for example in rule.examples(lang)]
PAGES = [(rule, page) for rule in CATALOG for page in rule.pages.values()]
GUIDES = sorted((ROOT / "docs").rglob("*.md"))
SCANNER = ExampleScanner(CATALOG)


@pytest.fixture(scope="session")
def cfn_lint_failures() -> dict[int, tuple[str, ...]]:
    """cfn-lint's verdicts on every CloudFormation example, linted once, in parallel, cached by digest."""
    return lint_examples([(rule, example) for rule, example in EXAMPLES if rule.kind == "iac"])


def english_counterpart(rule: Rule, example: Example) -> Example | None:
    return next((e for e in rule.examples("en") if (e.kind, e.index) == (example.kind, example.index)), None)


@pytest.mark.parametrize(("rule", "example"), EXAMPLES, ids=[f"{r.id}[{e.name}]" for r, e in EXAMPLES])
def test_example(rule: Rule, example: Example, cfn_lint_failures: dict[int, tuple[str, ...]]) -> None:
    result = run_example(rule, example, SCANNER)
    english = english_counterpart(rule, example)
    if example.language != "en":
        assert english is not None, f"{example.location}: en.md has no {example.kind} example {example.index}"
        result = agreement(result, run_example(rule, english, SCANNER))
    failures = [p.format() for p in result.problems()]
    failures += [f"{result.fence}: {result.label} {reason}" for reason in cfn_lint_failures.get(id(example), ())]
    assert failures == []
    if example.kind == "non-compliant":
        assert result.reported == example.expected_lines


@pytest.mark.parametrize(("rule", "page"), PAGES, ids=[f"{r.id}[{p.language}-cli]" for r, p in PAGES])
def test_page_cli_commands(rule: Rule, page) -> None:
    problems = [p.format() for c in find_commands(page.code_blocks) for p in check_command(c)]
    assert problems == []


@pytest.mark.parametrize("guide", GUIDES, ids=[str(p.relative_to(ROOT)) for p in GUIDES])
def test_guide_cli_commands(guide: Path) -> None:
    blocks = code_blocks(guide.read_text(encoding="utf-8"), str(guide.relative_to(ROOT)))
    problems = [p.format() for c in find_commands(blocks) for p in check_command(c)]
    assert problems == []


def test_every_rule_has_a_check_of_its_kind() -> None:
    assert sorted(CATALOG.checks) == sorted(CATALOG.ids)
    assert all(CATALOG.checks[rule.id].kind == rule.kind for rule in CATALOG)


@pytest.mark.parametrize(("words", "problems"), [
    (("delete-network-acl-entry", "--network-acl-id", "acl-1", "--ingress", "--rule-number", "100"), ()),
    (("delete-network-acl-entry", "--network-acl-id", "acl-1", "--egress", "--rule-number", "100"), ()),
    (("delete-network-acl-entry", "--network-acl-id", "acl-1", "--rule-number", "100"),
     ('`aws ec2 delete-network-acl-entry`: Missing required parameter in input: "Egress"',)),
])
def test_the_cli_ingress_flag_stands_for_egress_false(words: tuple[str, ...], problems: tuple[str, ...]) -> None:
    from rulebase.awscli import _check_words

    assert _check_words(words) == problems
