"""`rulebase scan` end to end on real files: the exact text, JSON and SARIF it prints, and its exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import rulebase
from rulebase.catalog import load_catalog
from rulebase.cli import main
from rulebase.report import SARIF_LEVEL, SECURITY_SEVERITY, render
from rulebase.scanner import PARALLEL_MIN_FILES, scan

ROOT = Path(__file__).resolve().parent.parent
SCAN = "tests/fixtures/scan"
ALL_PROTOCOLS = "cloudformation-aws-security-group-egress-with-all-protocols"
PORT_RANGE = "cloudformation-aws-security-group-egress-with-port-range"


@pytest.fixture(autouse=True)
def at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root, so paths in the output are the relative ones given."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("NO_COLOR", raising=False)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["scan", *args])
    out, err = capsys.readouterr()
    return code, out, err


# --- text ---------------------------------------------------------------------------------------------------

def test_text_report_of_a_folder(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, SCAN)
    assert out == (
        f"{SCAN}/stack.template:8: medium {PORT_RANGE} QueueSg: "
        "Security group egress with port range (FromPort 5671 / ToPort 5672)\n"
        "\n"
        f"{SCAN}/web.yml:9: medium {ALL_PROTOCOLS} WebSg: Security group egress with all protocols (IpProtocol -1)\n"
        "\n"
        "2 findings (2 medium) in 2 of 3 files scanned; 2 files skipped (not a template or account data).\n"
    )
    assert (code, err) == (1, "")


def test_text_report_with_an_unreadable_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "tests/fixtures/hostile/syntax-error.yaml", f"{SCAN}/web.yml", "missing.json")
    assert out == (
        "missing.json: error: no such file or directory\n"
        "\n"
        "tests/fixtures/hostile/syntax-error.yaml:4: error: YAML syntax error: did not find expected key "
        "(while parsing a block mapping that starts on line 2)\n"
        "\n"
        f"{SCAN}/web.yml:9: medium {ALL_PROTOCOLS} WebSg: Security group egress with all protocols (IpProtocol -1)\n"
        "\n"
        "1 finding (1 medium) in 1 of 1 file scanned; 2 files could not be read.\n"
    )
    assert code == 2


def test_no_findings_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, f"{SCAN}/compliant.yaml", f"{SCAN}/package.json")
    assert out == "No findings in 1 file scanned; 1 file skipped (not a template or account data).\n"
    assert code == 0


def test_titles_in_the_chosen_language(capsys: pytest.CaptureFixture[str]) -> None:
    title = load_catalog(validate=False)[ALL_PROTOCOLS].title("ja")
    _, out, _ = run(capsys, f"{SCAN}/web.yml", "--lang", "ja")
    assert out.splitlines()[0] == f"{SCAN}/web.yml:9: 中 {ALL_PROTOCOLS} WebSg: {title} (IpProtocol -1)"


def test_rule_option_selects_rules_by_id_or_earlier_id(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, SCAN, "--rule", "ee464fc2-54a6-4e22-b10a-c6dcd2474d0c", "--format", "json")
    assert [f["rule_id"] for f in json.loads(out)["findings"]] == [ALL_PROTOCOLS]
    code, out, err = run(capsys, SCAN, "--rule", "no-such-rule")
    assert (code, out) == (2, "")
    assert err == "rulebase: unknown rule id: no-such-rule (see `rulebase list`)\n"


def test_colour_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    result = scan([f"{SCAN}/web.yml"])
    coloured = render(result, "text", color=True)
    assert "\033[33mmedium\033[0m" in coloured
    assert re.sub(r"\033\[[0-9;]*m", "", coloured) == render(result, "text")
    _, out, _ = run(capsys, f"{SCAN}/web.yml")  # captured output is not a terminal
    assert "\033[" not in out


# --- json ---------------------------------------------------------------------------------------------------

def test_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, f"{SCAN}/web.yml", "tests/fixtures/hostile/latin1.yaml", "tests/fixtures/empty/empty.yaml",
                       "--format", "json")
    assert json.loads(out) == {
        "findings": [{"rule_id": ALL_PROTOCOLS, "severity": "medium", "file": f"{SCAN}/web.yml", "line": 9,
                      "resource": "WebSg", "message": "Security group egress with all protocols (IpProtocol -1)"}],
        "errors": [  # the empty file is skipped, not an error
            {"file": "tests/fixtures/hostile/latin1.yaml", "line": 2,
             "message": "not UTF-8 text (byte 0xf4); save the file as UTF-8"},
        ],
        "notes": [],
    }
    assert code == 2


def test_library_scan_returns_what_the_cli_reports(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "examples", SCAN, "--format", "json")
    result = rulebase.scan(["examples", SCAN])
    assert [f.to_dict() for f in result.findings] == json.loads(out)["findings"]


def test_output_option_writes_the_report_to_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run(capsys, f"{SCAN}/web.yml", "--format", "json", "--output", str(target))
    assert (code, out) == (1, "")
    assert json.loads(target.read_text(encoding="utf-8"))["findings"][0]["line"] == 9


# --- sarif --------------------------------------------------------------------------------------------------

def github_problems(log: dict) -> list[str]:
    """Return what GitHub code scanning would refuse or misread in a SARIF log (its documented requirements)."""
    problems = []
    if log.get("version") != "2.1.0" or not str(log.get("$schema", "")).endswith("sarif-2.1.0.json"):
        problems.append("version and $schema must name SARIF 2.1.0")
    for run_ in log.get("runs", []):
        driver = run_["tool"]["driver"]
        if not driver.get("name"):
            problems.append("tool.driver.name is required")
        rules = driver.get("rules", [])
        ids = [rule["id"] for rule in rules]
        if len(set(ids)) != len(ids):
            problems.append("rule ids must be unique")
        for rule in rules:
            for field in ("shortDescription", "fullDescription", "help"):
                if not rule.get(field, {}).get("text"):
                    problems.append(f"{rule['id']}: {field}.text is empty")
            if rule.get("defaultConfiguration", {}).get("level") not in ("none", "note", "warning", "error"):
                problems.append(f"{rule['id']}: defaultConfiguration.level is not a SARIF level")
            severity = rule.get("properties", {}).get("security-severity")
            if severity is not None and not 0.0 < float(severity) <= 10.0:
                problems.append(f"{rule['id']}: security-severity must be a number in (0, 10]")
            if "security" not in rule.get("properties", {}).get("tags", []):
                problems.append(f"{rule['id']}: the `security` tag makes GitHub show security severities")
        fingerprints = set()
        for result in run_.get("results", []):
            if not result.get("message", {}).get("text"):
                problems.append("result.message.text is required")
            if "ruleIndex" in result and ids[result["ruleIndex"]] != result["ruleId"]:
                problems.append("ruleIndex must point at ruleId")
            locations = result.get("locations", [])
            if not 1 <= len(locations) <= 10:
                problems.append("a result needs 1 to 10 locations")
            for location in locations:
                physical = location["physicalLocation"]
                uri = physical["artifactLocation"]["uri"]
                if uri.startswith(("/", "./")) or "\\" in uri:
                    problems.append(f"{uri}: use a relative URI with forward slashes")
                if physical.get("region", {}).get("startLine", 0) < 1:
                    problems.append(f"{uri}: region.startLine must be 1 or more")
            fingerprint = json.dumps(result.get("partialFingerprints"), sort_keys=True)
            if fingerprint in fingerprints:
                problems.append("partialFingerprints must differ between results")
            fingerprints.add(fingerprint)
    return problems


def test_sarif_report_is_what_github_code_scanning_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "examples", SCAN, "tests/fixtures/hostile/latin1.yaml", "--format", "sarif")
    log = json.loads(out)
    assert github_problems(log) == []
    assert code == 2
    run_ = log["runs"][0]
    catalog = load_catalog(validate=False)
    assert [rule["id"] for rule in run_["tool"]["driver"]["rules"]] == list(catalog.ids)
    assert len(run_["results"]) == len(rulebase.scan(["examples", SCAN]).findings)
    assert run_["invocations"][0]["toolExecutionNotifications"][0] == {
        "level": "error", "message": {"text": "not UTF-8 text (byte 0xf4); save the file as UTF-8"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "tests/fixtures/hostile/latin1.yaml", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 2, "endLine": 2}}}],
    }
    first = next(r for r in run_["results"] if r["ruleId"] == ALL_PROTOCOLS)
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "examples/web-app-stack.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 78, "endLine": 78}}
    assert first["level"] == "warning"


@pytest.mark.parametrize("lang", ["en", "fr", "ja"])
def test_sarif_rules_describe_each_rule_and_link_its_page(capsys: pytest.CaptureFixture[str], lang: str) -> None:
    _, out, _ = run(capsys, f"{SCAN}/compliant.yaml", "--format", "sarif", "--lang", lang)
    catalog = load_catalog(validate=False)
    for descriptor in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]:
        rule = catalog[descriptor["id"]]
        assert descriptor["helpUri"] == f"https://rulebase.dev/{lang}/rules/{rule.id}/"
        assert descriptor["shortDescription"]["text"] == rule.title(lang)
        assert descriptor["fullDescription"]["text"] == rule.summary(lang)
        assert descriptor["defaultConfiguration"]["level"] == SARIF_LEVEL[rule.severity]
        assert descriptor["properties"].get("security-severity") == SECURITY_SEVERITY.get(rule.severity)
        assert descriptor.get("deprecatedIds", []) == list(rule.legacy_ids)
        assert "](../" not in descriptor["help"]["markdown"]  # links between rule pages are made absolute


# --- folders, processes ---------------------------------------------------------------------------------

def test_folders_skip_hidden_folders_and_unknown_suffixes() -> None:
    result = scan([SCAN])
    assert sorted(result.scanned) == [f"{SCAN}/compliant.yaml", f"{SCAN}/stack.template", f"{SCAN}/web.yml"]
    assert sorted(result.skipped) == [f"{SCAN}/deploy/k8s.yaml", f"{SCAN}/package.json"]


def test_many_files_are_scanned_in_worker_processes_with_the_same_result(tmp_path: Path) -> None:
    template = (ROOT / SCAN / "web.yml").read_text(encoding="utf-8")
    for number in range(PARALLEL_MIN_FILES + 6):
        (tmp_path / f"stack-{number:03d}.yaml").write_text(template, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("Resources: [\n", encoding="utf-8")
    serial = scan([str(tmp_path)], jobs=1)
    parallel = scan([str(tmp_path)], jobs=2)
    assert parallel == serial
    assert len(serial.findings) == PARALLEL_MIN_FILES + 6 and len(serial.problems) == 1


def test_the_command_in_a_fresh_process(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "rulebase.cli", "scan", f"{SCAN}/web.yml", "tests/fixtures/hostile"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 2
    assert done.stderr == ""
    assert "Traceback" not in done.stdout and "\033[" not in done.stdout
    hostile = len(list((ROOT / "tests" / "fixtures" / "hostile").iterdir()))  # each one unreadable
    assert done.stdout.splitlines()[-1] == f"1 finding (1 medium) in 1 of 1 file scanned; {hostile} files could not be read."
