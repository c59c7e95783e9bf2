"""SARIF for GitHub code scanning: the fields it reads, the OASIS 2.1.0 schema, and the same alert (URI,
fingerprint, region) wherever the scan ran from and whatever the language."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from rulebase.catalog import load_catalog
from rulebase.cli import main
from rulebase.report import SECURITY_SEVERITY, default_base_dir
from rulebase.scanner import scan

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
SRCROOT = {"%SRCROOT%": {"uri": ROOT.as_uri() + "/"}}


def sarif(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, cwd: Path, *args: str
          ) -> tuple[int, dict[str, Any]]:
    """Return the exit code and the SARIF log of `rulebase scan ARGS --format sarif` run in `cwd`."""
    monkeypatch.chdir(cwd)
    code = main(["scan", *args, "--format", "sarif"])
    return code, json.loads(capsys.readouterr().out)


def alerts(log: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any], str]]:
    """Return what identifies each alert in code scanning: rule, URI, base, region, fingerprint."""
    found = []
    for result in log["runs"][0]["results"]:
        physical = result["locations"][0]["physicalLocation"]
        found.append((result["ruleId"], physical["artifactLocation"]["uri"],
                      physical["artifactLocation"].get("uriBaseId", ""), physical["region"],
                      result["partialFingerprints"]["rulebaseFinding/v1"]))
    return found


def test_the_schema_is_the_sarif_2_1_0_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"


@pytest.mark.parametrize("where", ["root", "subdirectory", "absolute paths", "absolute paths from a subdirectory",
                                   "outside the repository with --base-dir"])
def test_sarif_places_every_alert_on_the_same_file_wherever_the_scan_ran(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, where: str) -> None:
    examples = ROOT / "examples"
    cwd, args = {
        "root": (ROOT, ["examples"]),
        "subdirectory": (examples, ["."]),
        "absolute paths": (ROOT, [str(examples)]),
        "absolute paths from a subdirectory": (ROOT / "tests", [str(examples)]),
        "outside the repository with --base-dir": (tmp_path, [str(examples), "--base-dir", str(ROOT)]),
    }[where]
    _, reference = sarif(capsys, monkeypatch, ROOT, "examples")
    code, log = sarif(capsys, monkeypatch, cwd, *args)
    assert code == 1
    assert list(Draft202012Validator(SCHEMA).iter_errors(log)) == []
    assert log["runs"][0]["originalUriBaseIds"] == SRCROOT
    assert alerts(log) == alerts(reference)
    assert log["runs"][0]["invocations"] == reference["runs"][0]["invocations"]


def test_sarif_has_every_field_github_code_scanning_reads(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, log = sarif(capsys, monkeypatch, ROOT, "examples/three-tier-stack.yaml", "--lang", "fr")
    assert list(Draft202012Validator(SCHEMA).iter_errors(log)) == []
    assert (log["version"], code) == ("2.1.0", 1)
    run_ = log["runs"][0]
    catalog = load_catalog(validate=False)
    rules = {rule["id"]: rule for rule in run_["tool"]["driver"]["rules"]}
    assert list(rules) == list(catalog.ids)
    for rule_id, descriptor in rules.items():
        rule = catalog[rule_id]
        assert descriptor["helpUri"] == rule.url("fr")
        assert descriptor["help"]["text"] and descriptor["help"]["markdown"].endswith(f"({rule.url('fr')})")
        assert descriptor["properties"]["security-severity"] == SECURITY_SEVERITY[rule.severity]
    result = next(r for r in run_["results"] if r["ruleId"] == "cloudformation-aws-launch-template-imdsv2-not-required")
    assert result["ruleIndex"] == list(rules).index(result["ruleId"])
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "examples/three-tier-stack.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 356, "endLine": 356},
    }
    assert list(result["partialFingerprints"]) == ["rulebaseFinding/v1"]
    assert run_["invocations"] == [{"exitCode": 1, "executionSuccessful": True, "toolExecutionNotifications": []}]


def test_fingerprints_and_uris_do_not_change_with_the_language(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    logs = {lang: sarif(capsys, monkeypatch, ROOT, "examples", "--lang", lang)[1] for lang in ("en", "fr", "ja")}
    assert alerts(logs["fr"]) == alerts(logs["en"]) == alerts(logs["ja"])
    messages = {lang: logs[lang]["runs"][0]["results"][0]["message"]["text"] for lang in logs}
    assert len(set(messages.values())) == 3  # the messages are translated, the fingerprints are not


def test_a_file_outside_the_base_dir_keeps_an_absolute_uri(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    template = tmp_path / "web app.yml"
    template.write_text((ROOT / "tests/fixtures/scan/web.yml").read_text(encoding="utf-8"), encoding="utf-8")
    _, log = sarif(capsys, monkeypatch, ROOT, str(template))
    assert list(Draft202012Validator(SCHEMA).iter_errors(log)) == []
    physical = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": template.as_uri()}
    assert physical["artifactLocation"]["uri"].endswith("/web%20app.yml")


def test_invocations_record_the_exit_code_unreadable_files_and_rules_not_evaluated(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, log = sarif(capsys, monkeypatch, ROOT, "examples/account-partial", "tests/fixtures/hostile/syntax-error.yaml")
    assert list(Draft202012Validator(SCHEMA).iter_errors(log)) == []
    invocation = log["runs"][0]["invocations"][0]
    assert (invocation["exitCode"], invocation["executionSuccessful"], code) == (2, False, 2)
    notifications = [(n["level"], n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                      n["locations"][0]["physicalLocation"].get("region"), n["message"]["text"])
                     for n in invocation["toolExecutionNotifications"]]
    result = scan(["examples/account-partial"])
    assert notifications == [
        ("error", "tests/fixtures/hostile/syntax-error.yaml", {"startLine": 4, "endLine": 4},
         "YAML syntax error: did not find expected key (while parsing a block mapping that starts on line 2)"),
        *[("note", "examples/account-partial", None, note.message) for note in result.notes],
    ]
    assert all(note.level == "note" for note in result.notes) and result.notes


@pytest.mark.parametrize(("fail_on", "code"), [(None, 1), ("info", 1), ("medium", 1), ("high", 1), ("critical", 0)])
def test_fail_on_sets_the_exit_code_and_the_recorded_one(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fail_on: str | None, code: int) -> None:
    option = ["--fail-on", fail_on] if fail_on else []
    assert sarif(capsys, monkeypatch, ROOT, "examples", *option)[1]["runs"][0]["invocations"][0]["exitCode"] == code
    assert main(["scan", "examples", *option]) == code


def test_fail_on_high_ignores_medium_findings_and_an_unreadable_input_still_exits_2(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    medium_only = "examples/web-app-stack.yaml"
    assert {f.severity for f in scan([medium_only]).findings} == {"medium"}
    assert main(["scan", medium_only, "--fail-on", "high"]) == 0
    assert main(["scan", medium_only, "--fail-on", "medium"]) == 1
    assert main(["scan", medium_only, "tests/fixtures/hostile/latin1.yaml", "--fail-on", "critical"]) == 2
    assert main(["scan", "tests/fixtures/empty", "--fail-on", "info"]) == 0
    capsys.readouterr()


def test_default_base_dir_is_the_enclosing_repository_else_the_directory(tmp_path: Path) -> None:
    assert default_base_dir(str(ROOT / "examples" / "account")) == str(ROOT)
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "a" / "b").mkdir(parents=True)
    (tmp_path / "plain").mkdir()
    assert default_base_dir(str(tmp_path / "repo" / "a" / "b")) == str(tmp_path / "repo")
    if not any((parent / ".git").exists() for parent in tmp_path.parents):
        assert default_base_dir(str(tmp_path / "plain")) == str(tmp_path / "plain")
