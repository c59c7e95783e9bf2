"""`rulebase verify` on real rule files broken one way at a time: each break gives one exact line naming the file."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from rulebase.catalog import load_catalog
from rulebase.cli import main

ROOT = Path(__file__).resolve().parent.parent
PORT_RANGE = "cloudformation-aws-security-group-egress-with-port-range"
DEFAULT_SG = "aws-ec2-default-security-group-restricts-all-traffic"
FLOW_LOGS = "aws-ec2-vpc-flow-logs-disabled"


@pytest.fixture()
def rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the real catalog, with the working directory set so paths print as rules/<id>/<lang>.md."""
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    monkeypatch.chdir(tmp_path)
    return Path("rules")


def verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["verify", "rules", "--no-cfn-lint", *args])
    return code, capsys.readouterr().out.splitlines()


def fences(path: Path, kind: str) -> list[int]:
    """Return the file lines of the example fences of one section (`compliant` or `non-compliant`)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("## ") and l.rstrip().endswith("{#" + kind + "}"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    found, inside = [], False
    for i in range(start, end):
        if lines[i].startswith("```"):
            if not inside and re.match(r"```(yaml|json)", lines[i]):
                found.append(i + 1)
            inside = not inside
    return found


def failures(lines: list[str]) -> list[str]:
    return [l for l in lines if ": warning: " not in l and ": info: " not in l and " examples in " not in l]


def test_real_catalog_passes(rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = verify(capsys, "--strict")
    assert failures(lines) == []
    count = len(load_catalog(rules))
    assert re.fullmatch(rf"(\d+) examples in {count} rules × 3 languages: \1 passed, 0 failed", lines[-1])
    assert code == 0


def test_compliant_example_made_non_compliant(rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = rules / DEFAULT_SG / "fr.md"
    fence = fences(page, "compliant")[0]
    text = page.read_text(encoding="utf-8").splitlines()
    # The first compliant example is a default group with no rules: give it an outbound rule.
    empty = next(i for i in range(fence, len(text)) if '"IpPermissionsEgress": []' in text[i])
    text[empty] = text[empty].replace('"IpPermissionsEgress": []', '"IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]')
    page.write_text("\n".join(text) + "\n", encoding="utf-8")
    code, lines = verify(capsys)
    assert code == 1
    assert failures(lines) == [f"rules/{DEFAULT_SG}/fr.md:{fence}: compliant example 1 reports a finding on line 3 "
                               "(a compliant example must report none)"]
    assert lines[-1].endswith(" failed") and ", 1 failed" in lines[-1]


def test_wrong_hl_lines(rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = rules / PORT_RANGE / "ja.md"
    fence = fences(page, "non-compliant")[1]
    lines = page.read_text(encoding="utf-8").splitlines()
    expected = re.search(r'hl_lines="([^"]+)"', lines[fence - 1])[1]
    lines[fence - 1] = lines[fence - 1].replace(f'hl_lines="{expected}"', 'hl_lines="2"')
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = verify(capsys)
    assert code == 1
    reported = [f"rules/{PORT_RANGE}/ja.md:{fence}: non-compliant example 2 reports a finding on line {n}, not named by hl_lines"
                for n in expected.split()]
    assert failures(out) == sorted(reported + [
        f"rules/{PORT_RANGE}/ja.md:{fence}: non-compliant example 2 reports no finding on line 2 (expected by hl_lines)"])


def test_translation_missing_an_example(rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = rules / PORT_RANGE / "fr.md"
    fence = fences(page, "compliant")[-1]
    lines = page.read_text(encoding="utf-8").splitlines()
    close = next(i for i in range(fence, len(lines)) if lines[i] == "```")
    del lines[fence - 1 : close + 1]
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    heading = next(i + 1 for i, l in enumerate(lines) if l.endswith("{#compliant}"))
    code, out = verify(capsys)
    assert code == 1
    en_count = len(fences(rules / PORT_RANGE / "en.md", "compliant"))
    assert failures(out) == [f"rules/{PORT_RANGE}/fr.md:{heading}: {en_count - 1} compliant examples where en.md has {en_count}"]


def test_misspelled_cli_parameter(rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = rules / DEFAULT_SG / "ja.md"
    text = page.read_text(encoding="utf-8")
    line = text[: text.index("--group-id")].count("\n") + 1
    page.write_text(text.replace("--group-id", "--group-idd", 1), encoding="utf-8")
    code, out = verify(capsys)
    assert code == 1
    [failure] = failures(out)
    assert failure.startswith(f"rules/{DEFAULT_SG}/ja.md:")
    assert failure.endswith(": unknown parameter --group-idd")
    assert int(failure.split(":")[1]) <= line


def test_stale_translation_warns_and_fails_when_strict(rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    en = rules / DEFAULT_SG / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("## Rationale {#rationale}\n", "## Rationale {#rationale}\n\nNew.\n"), encoding="utf-8")
    code, out = verify(capsys)
    warnings = [l for l in out if ": warning: stale translation" in l]
    assert code == 0 and [w.split(":")[0] for w in warnings] == [f"rules/{DEFAULT_SG}/fr.md", f"rules/{DEFAULT_SG}/ja.md"]
    code, out = verify(capsys, "--strict")
    assert code == 1 and len([l for l in out if "stale translation" in l]) == 2


def test_json_report(rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["verify", "rules", "--no-cfn-lint", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["failures"] == []
    assert report["summary"]["examples"] == report["summary"]["passed"] == len(report["examples"])
    first = next(e for e in report["examples"] if e["rule_id"] == PORT_RANGE and e["kind"] == "non-compliant")
    assert first["reported"] == first["expected"] and first["passed"]


def test_invalid_template_fails_cfn_lint(rules: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RULEBASE_CACHE_DIR", str(ROOT / ".cache" / "rulebase"))  # warm for the untouched examples
    page = rules / PORT_RANGE / "en.md"
    fence = fences(page, "compliant")[0]
    lines = page.read_text(encoding="utf-8").splitlines()
    at = next(i for i in range(fence, len(lines)) if lines[i].strip().startswith("GroupDescription:"))
    lines[at] = lines[at].replace("GroupDescription:", "GroupDescriptin:")
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["verify", "rules"])
    out = failures(capsys.readouterr().out.splitlines())
    assert code == 1 and out
    assert all(l.startswith(f"rules/{PORT_RANGE}/en.md:{fence}: compliant example 1 is not a valid template for cfn-lint: E") for l in out)
    assert any("GroupDescriptin" in l for l in out)


def test_example_that_is_not_an_input_fails(rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = rules / DEFAULT_SG / "en.md"
    fence = fences(page, "compliant")[1]
    lines = page.read_text(encoding="utf-8").splitlines()
    close = next(i for i in range(fence, len(lines)) if lines[i] == "```")
    lines[fence:close] = ['{"Items": []}']
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = verify(capsys)
    assert code == 1
    [failure] = failures(out)
    assert failure.startswith(f"rules/{DEFAULT_SG}/en.md:{fence}: compliant example 2 cannot be scanned as json: ")
    assert "neither a CloudFormation template" in failure


def test_rule_without_check_and_check_without_rule(rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (rules / "aws-ec2-retired-check").mkdir()
    (rules / DEFAULT_SG / "check.py").rename(rules / "aws-ec2-retired-check" / "check.py")
    code, out = verify(capsys)
    assert code == 1
    assert f"rules/{DEFAULT_SG}/en.md: rule {DEFAULT_SG} has no check: add rules/{DEFAULT_SG}/check.py" in out
    assert "rules/aws-ec2-retired-check/check.py: check without a rule: rules/aws-ec2-retired-check has no en.md" in out


def test_missing_folder_is_one_line(rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "no-such-rules"]) == 2
    assert capsys.readouterr().err == "rulebase: no such folder: no-such-rules\n"


def test_a_posture_example_missing_an_output_its_rule_needs_cannot_be_judged(
        rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = rules / FLOW_LOGS / "en.md"
    fence = fences(page, "compliant")[0]
    lines = page.read_text(encoding="utf-8").splitlines()
    close = next(i for i in range(fence, len(lines)) if lines[i] == "```")
    lines[fence:close] = ['{"Vpcs": [{"VpcId": "vpc-0123456789abcdef0", "State": "available"}]}']
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = verify(capsys)
    assert code == 1
    assert f"rules/{FLOW_LOGS}/en.md:{fence}: compliant example 1 cannot be judged: {FLOW_LOGS} not evaluated: " \
           "no describe-flow-logs output" in failures(out)


def test_findings_of_other_rules_carry_the_markdown_file_line(rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "rules", "--no-cfn-lint", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    page = rules / DEFAULT_SG / "en.md"
    text = page.read_text(encoding="utf-8").splitlines()
    others = [(example, finding) for example in report["examples"] for finding in example["other_findings"]
              if example["file"] == str(page)]
    assert others
    for example, finding in others:
        assert finding["file"] == str(page) and finding["line"] > example["line"]
        assert text[finding["line"] - 1].strip()  # a line of the example's code, not of the front-matter
