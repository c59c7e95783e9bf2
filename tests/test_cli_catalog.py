"""The catalog commands end to end: list, show, export, new, translations."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from rulebase.catalog import load_catalog, load_schema
from rulebase.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--lang", "fr")
    lines = out.splitlines()
    assert code == 0
    catalog = load_catalog()
    assert lines[-1] == f"{len(catalog)} règles"
    severities = {"info": "info", "low": "faible", "medium": "moyenne", "high": "élevée", "critical": "critique"}
    for rule in catalog:
        assert any(line.startswith(rule.id) and line.endswith(rule.title("fr")) and f" {severities[rule.severity]} " in line
                   for line in lines)


def test_show_by_legacy_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "cfd-f0b-f05", "--lang", "ja")
    rule = load_catalog()["aws-ec2-security-group-egress-all-ports"]
    assert code == 0
    assert out.splitlines()[0] == rule.title("ja")
    assert "ID:               aws-ec2-security-group-egress-all-ports" in out
    assert rule.page("ja").section("description").markdown.splitlines()[0] in out


def test_show_unknown_rule_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "no-such-rule")
    assert (code, out) == (2, "")
    assert err == "rulebase: unknown rule id: no-such-rule (see `rulebase list`)\n"


def test_export_json_validates_and_has_every_title(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "export", "--format", "json")
    document = json.loads(out)
    assert code == 0
    Draft202012Validator(load_schema("catalog.schema.json")).validate(document)
    catalog = load_catalog()
    assert [r["id"] for r in document["rules"]] == list(catalog.ids)
    for entry in document["rules"]:
        rule = catalog[entry["id"]]
        assert entry["title"] == {lang: rule.title(lang) for lang in ("en", "fr", "ja")}
        assert entry["legacy_ids"] == list(rule.legacy_ids)


def test_export_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "rules.csv"
    code, out, _ = run(capsys, "export", "--format", "csv", "--output", str(target))
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert (code, out) == (0, "")
    default = next(r for r in rows if r["id"] == "aws-ec2-default-security-group-restricts-all-traffic")
    assert default["severity"] == "high"
    assert "aws-security-hub:EC2.2" in default["frameworks"].split(";")
    assert default["title_ja"] == load_catalog()[default["id"]].title("ja")


def test_translations_matrix(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "translations", "--check")
    assert code == 0
    rules = len(load_catalog())
    assert out.splitlines()[-1] == f"{rules} rules × 3 languages: {rules * 3} ok, 0 missing, 0 stale"


def test_edit_then_stamp(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    en = rules / "aws-ec2-default-security-group-restricts-all-traffic" / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("## Rationale {#rationale}\n", "## Rationale {#rationale}\n\nNew.\n"), encoding="utf-8")
    code, out, _ = run(capsys, "translations", "--rules", str(rules), "--check")
    assert code == 1
    assert ["aws-ec2-default-security-group-restricts-all-traffic", "ok", "stale", "stale"] in [l.split() for l in out.splitlines()]
    code, out, _ = run(capsys, "translations", "--rules", str(rules), "--stamp",
                       "aws-ec2-default-security-group-restricts-all-traffic/fr")
    assert code == 0 and out.count("stamped ") == 1
    code, out, _ = run(capsys, "translations", "--rules", str(rules))
    count = len(load_catalog(rules))
    assert out.splitlines()[-1] == f"{count} rules × 3 languages: {count * 3 - 1} ok, 0 missing, 1 stale"


def test_new_scaffolds_a_loadable_rule_and_never_overwrites(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    code, out, _ = run(capsys, "new", "aws-ec2-example-check", "--kind", "posture", "--rules", str(rules))
    assert code == 0 and out.count("created ") == 4  # three pages and the check
    rule = load_catalog(rules)["aws-ec2-example-check"]
    assert rule.languages == ("en", "fr", "ja") and rule.kind == "posture"
    assert [e.kind for e in rule.examples("ja")] == ["compliant", "non-compliant"]
    assert rule.translation_status("fr") == "stale"
    before = (rules / "aws-ec2-example-check" / "en.md").read_text(encoding="utf-8")
    code, _, err = run(capsys, "new", "aws-ec2-example-check", "--rules", str(rules))
    assert code == 2 and "already exists; nothing was written" in err
    assert (rules / "aws-ec2-example-check" / "en.md").read_text(encoding="utf-8") == before


def test_new_rejects_a_bad_id(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "new", "Bad_ID", "--rules", str(tmp_path))
    assert code == 2
    assert err == "rulebase: rule id must be kebab-case (lowercase letters, digits, dashes): 'Bad_ID'\n"


def test_broken_catalog_gives_file_and_line(capsys: pytest.CaptureFixture[str]) -> None:
    rules = ROOT / "tests" / "fixtures" / "catalogs" / "unknown-severity" / "rules"
    code, out, err = run(capsys, "list", "--rules", str(rules))
    assert (code, out) == (2, "")
    assert err.strip().endswith("en.md:10: severity: 'urgent' is not one of info, low, medium, high, critical")
