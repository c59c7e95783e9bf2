"""An open catalog: a rule is one folder, and a team's own rules folder works like the shipped one.

Two real cases: a copy of a shipped rule under a new id, added to a copy of the catalog with no other edit, and
a team's catalog kept outside `rules/` (tests/fixtures/team-catalog/) with its own rule and check.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import rulebase
from rulebase.cli import main
from tests.site_support import ROOT, RULES, run_build

TEAM = ROOT / "tests" / "fixtures" / "team-catalog"
TEAM_RULES = TEAM / "acme-rules"
TEAM_RULE = "acme-security-group-without-description"
SOURCE_RULE = "cloudformation-aws-security-group-egress-with-all-protocols"
COPY = "cloudformation-aws-security-group-egress-with-all-protocols-copy"


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a copy of the shipped catalog with one rule folder copied under a new id, and nothing else edited."""
    rules = tmp_path_factory.mktemp("grown") / "rules"
    shutil.copytree(RULES, rules, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(rules / SOURCE_RULE, rules / COPY)
    en = rules / COPY / "en.md"
    text = en.read_text(encoding="utf-8").replace(f"id: {SOURCE_RULE}\n", f"id: {COPY}\n", 1)
    text = re.sub(r"^legacy_ids:.*$", "legacy_ids: []", text, count=1, flags=re.M)
    en.write_text(re.sub(r"^aliases:.*$", "aliases: []", text, count=1, flags=re.M), encoding="utf-8")
    for lang in ("fr", "ja"):
        assert main(["translations", "--rules", str(rules), "--stamp", f"{COPY}/{lang}"]) == 0
    return rules


def test_a_copied_rule_folder_is_a_rule_with_its_check(grown: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shipped = rulebase.load_catalog()
    catalog = rulebase.load_catalog(grown)
    assert sorted(catalog.ids) == sorted([*shipped.ids, COPY])
    assert catalog.checks[COPY].path == str(grown / COPY / "check.py")
    capsys.readouterr()
    assert main(["verify", str(grown), "--no-cfn-lint"]) == 0
    summary = capsys.readouterr().out.splitlines()[-1]
    examples = sum(len(rule.examples(lang)) for rule in catalog for lang in rule.languages)
    assert summary == f"{examples} examples in {len(catalog)} rules × 3 languages: {examples} passed, 0 failed"
    assert main(["list", "--rules", str(grown)]) == 0
    assert COPY in capsys.readouterr().out
    template = ROOT / "tests" / "fixtures" / "checks" / "minified.json"
    assert main(["scan", "--rules", str(grown), "--format", "json", str(template)]) == 1
    found = sorted(f["rule_id"] for f in json.loads(capsys.readouterr().out)["findings"]
                   if f["rule_id"] in (SOURCE_RULE, COPY))
    assert found == [SOURCE_RULE, COPY]


def test_a_copied_rule_gets_its_page(grown: Path, tmp_path: Path) -> None:
    build = run_build(tmp_path / "site", "--rules-dir", str(grown), "--lang", "en")
    assert build.returncode == 0, build.stderr
    page = (tmp_path / "site" / "en" / "rules" / COPY / "index.html").read_text(encoding="utf-8")
    assert rulebase.load_catalog(grown)[COPY].title() in page


def test_a_team_catalog_outside_the_package_verifies_scans_exports_and_builds(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalog = rulebase.load_catalog(TEAM_RULES)
    assert catalog.ids == (TEAM_RULE,)
    assert main(["verify", str(TEAM_RULES)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 examples in 1 rules × 1 languages: 2 passed, 0 failed"
    template = TEAM / "templates" / "web.yaml"
    assert main(["scan", "--rules", str(TEAM_RULES), "--format", "json", str(template)]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule_id"], f["line"], f["resource"]) for f in findings] == [(TEAM_RULE, 6, "WebSecurityGroup")]
    assert main(["export", "--rules", str(TEAM_RULES), "--format", "json"]) == 0
    assert [rule["id"] for rule in json.loads(capsys.readouterr().out)["rules"]] == [TEAM_RULE]
    build = run_build(tmp_path / "site", "--rules-dir", str(TEAM_RULES), "--lang", "en")
    assert build.returncode == 0, build.stderr
    assert (tmp_path / "site" / "en" / "rules" / TEAM_RULE / "index.html").is_file()
