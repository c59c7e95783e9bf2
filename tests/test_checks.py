"""The checks on real fixture files: the exact (file, line, rule id, resource) of every finding, and nothing else.

Template fixtures live in tests/fixtures/checks/ and are discovered: a YAML fixture marks each line that must be
reported with a trailing `# expect: <rule id>`; a JSON fixture has a sidecar `<name>.json.expect` with one
`<line> <rule id>` per expected finding. A fixture judges the rules its `rules:` line names.

Snapshot fixtures are folders under tests/fixtures/snapshots/: the account data of one folder is one snapshot,
and its `expected.txt` lists `rules: ...`, then `<file> <line> <rule id> <resource>` per finding and
`note <rule id>` per rule the snapshot cannot evaluate.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rulebase.catalog import load_catalog
from rulebase.scanner import scan, scan_text
from rulebase.template import MAX_CONDITIONS, MAX_VARIANTS

FIXTURES = Path(__file__).parent / "fixtures" / "checks"
SNAPSHOTS = Path(__file__).parent / "fixtures" / "snapshots"
MARKER = re.compile(r"#\s*expect:\s*([a-z0-9-]+)\s*$")
RULES = re.compile(r"^#?\s*rules:\s*(.+)$")
FIXTURE_FILES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
SNAPSHOT_FOLDERS = sorted(p for p in SNAPSHOTS.iterdir() if p.is_dir())
CATALOG = load_catalog(validate=False)
ALL_PROTOCOLS = "cloudformation-aws-security-group-egress-with-all-protocols"
PORT_RANGE = "cloudformation-aws-security-group-egress-with-port-range"
ALL_PORTS = "aws-ec2-security-group-egress-all-ports"
DEFAULT_GROUP = "aws-ec2-default-security-group-restricts-all-traffic"


def fixture_rules(lines: list[str]) -> list[str] | None:
    """Return the rule ids a fixture's `rules:` line names, or None (every rule)."""
    for line in lines:
        match = RULES.match(line.strip())
        if match:
            return match.group(1).replace(",", " ").split()
    return None


def expected_findings(path: Path) -> tuple[list[str] | None, list[tuple[str, int, str]]]:
    """Return the rules a fixture judges and what must be reported: its markers, or its sidecar .expect file."""
    if path.suffix == ".json":
        sidecar = path.with_name(path.name + ".expect").read_text(encoding="utf-8").splitlines()
        rows = [line.split() for line in sidecar if line.strip() and not line.startswith(("#", "rules:"))]
        return fixture_rules(sidecar), sorted((path.name, int(line), rule_id) for line, rule_id in rows)
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [(path.name, number, match.group(1))
             for number, line in enumerate(lines, start=1) if (match := MARKER.search(line))]
    return fixture_rules(lines), sorted(found)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[p.name for p in FIXTURE_FILES])
def test_fixture_reports_exactly_its_expected_lines(path: Path) -> None:
    rules, expected = expected_findings(path)
    result = scan([str(path)], rules=rules)
    assert result.problems == ()
    assert result.scanned == (str(path),)
    assert sorted((Path(f.location.path).name, f.location.line, f.rule_id) for f in result.findings) == expected


@pytest.mark.parametrize("folder", SNAPSHOT_FOLDERS, ids=[p.name for p in SNAPSHOT_FOLDERS])
def test_snapshot_reports_exactly_its_expected_findings_and_notes(folder: Path) -> None:
    lines = (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
    rows = [line.split() for line in lines if line.strip() and not line.startswith(("#", "rules:"))]
    result = scan([str(folder)], rules=fixture_rules(lines))
    assert result.problems == ()
    found = sorted((Path(f.location.path).name, f.location.line, f.rule_id, f.resource) for f in result.findings)
    assert found == sorted((row[0], int(row[1]), row[2], row[3]) for row in rows if row[0] != "note")
    assert sorted(note.message.split()[0] for note in result.notes) == sorted(row[1] for row in rows if row[0] == "note")


def test_every_rule_has_a_fixture() -> None:
    named = {rule_id for path in FIXTURE_FILES for _, _, rule_id in expected_findings(path)[1]}
    for folder in SNAPSHOT_FOLDERS:
        named |= {row.split()[2] for row in (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
                  if row.strip() and not row.startswith(("#", "rules:", "note"))}
    assert named == set(CATALOG.ids)


# --- findings: resource, severity, message ---------------------------------------------------------

def test_findings_name_the_logical_id_and_take_severity_and_title_from_the_catalog() -> None:
    result = scan([str(FIXTURES / "port-range.yaml")], rules=[PORT_RANGE])
    first = result.findings[0]
    assert (first.location.line, first.resource, first.severity) == (32, "Ranges", CATALOG[PORT_RANGE].severity)
    assert first.message == f"{CATALOG[PORT_RANGE].title('en')} (FromPort 1024 / ToPort 65535)"
    assert {f.rule_id for f in result.findings} == {PORT_RANGE}


def test_account_findings_name_the_group_id() -> None:
    result = scan([str(FIXTURES / "account.json")], rules=[DEFAULT_GROUP, ALL_PORTS])
    assert [(f.location.line, f.rule_id, f.resource) for f in result.findings[:2]] == [
        (3, DEFAULT_GROUP, "sg-0aaaaaaaaaaaaaaa1"),
        (18, ALL_PORTS, "sg-0aaaaaaaaaaaaaaa1"),
    ]
    assert result.findings[0].message.endswith("(IpPermissions 1, IpPermissionsEgress 1)")
    assert result.findings[1].message.endswith("(IpProtocol -1 → 0.0.0.0/0, ::/0)")


@pytest.mark.parametrize("lang", ["en", "fr", "ja"])
def test_messages_use_the_title_in_the_requested_language(lang: str) -> None:
    result = scan([str(FIXTURES / "minified.json")], lang=lang, rules=[ALL_PROTOCOLS, PORT_RANGE])
    assert [f.message for f in result.findings] == [
        f"{CATALOG[ALL_PROTOCOLS].title(lang)} (IpProtocol -1)",
        f"{CATALOG[PORT_RANGE].title(lang)} (FromPort 0 / ToPort 65535)",
    ]


def test_earlier_ids_select_the_same_rule() -> None:
    legacy = CATALOG[ALL_PROTOCOLS].legacy_ids[0]
    result = scan([str(FIXTURES / "minified.json")], rules=[legacy])
    assert [f.rule_id for f in result.findings] == [ALL_PROTOCOLS]


# --- how values resolve ------------------------------------------------------------------------------

def findings(template: str, *rules: str) -> list[tuple[int, str, str]]:
    result = scan_text(template, "t.yaml", "yaml", rules=list(rules) or [ALL_PROTOCOLS, PORT_RANGE])
    assert result.problems == ()
    return [(f.location.line, f.rule_id, f.resource) for f in result.findings]


def egress(entry: str) -> str:
    return ("Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
            f"      GroupDescription: x\n      SecurityGroupEgress:\n{entry}")


def test_one_finding_per_entry_whatever_its_branches() -> None:
    template = egress("        - IpProtocol: !If [A, -1, \"-1\"]\n          FromPort: !If [B, 1, 2]\n"
                      "          ToPort: 3\n          CidrIp: !If [A, 0.0.0.0/0, 10.0.0.0/8]\n")
    assert findings(template) == [(7, ALL_PROTOCOLS, "Sg")]
    assert findings(template.replace("!If [A, -1, \"-1\"]", "tcp")) == [(8, PORT_RANGE, "Sg")]


def test_branches_of_one_condition_agree() -> None:
    # -1 only ever goes to loopback: under condition A both values are chosen together
    template = egress("        - IpProtocol: !If [A, -1, tcp]\n          FromPort: 443\n          ToPort: 443\n"
                      "          CidrIp: !If [A, 127.0.0.1/32, 0.0.0.0/0]\n")
    assert findings(template) == []


def test_past_the_condition_limit_each_branch_is_judged_on_its_own() -> None:
    branches = "tcp"
    for number in range(MAX_CONDITIONS + 4):
        branches = f"!If [C{number}, {branches}, tcp]"
    branches = branches.replace("tcp, tcp]", "-1, tcp]", 1)
    template = egress(f"        - {{IpProtocol: {branches}, CidrIp: 0.0.0.0/0}}\n")
    assert findings(template, ALL_PROTOCOLS) == [(7, ALL_PROTOCOLS, "Sg")]


def test_deeply_nested_if_is_judged_not_dropped() -> None:
    value = "-1"
    for _ in range(17):
        value = f"{{'Fn::If': [C, tcp, {value}]}}"
    template = egress(f"        - {{IpProtocol: {value}, CidrIp: 0.0.0.0/0}}\n")
    assert findings(template, ALL_PROTOCOLS) == [(7, ALL_PROTOCOLS, "Sg")]


def test_more_alternatives_than_the_evaluator_enumerates_is_an_error_not_a_pass() -> None:
    def tree(depth: int, first: int) -> str:  # 2**depth distinct ports, each Fn::If on its own condition
        if depth == 0:
            return str(first)
        half = 2 ** (depth - 1)
        return f"{{'Fn::If': [C{depth}x{first}, {tree(depth - 1, first)}, {tree(depth - 1, first + half)}]}}"

    template = egress(f"        - {{IpProtocol: tcp, FromPort: {tree(11, 1)}, ToPort: 65535, CidrIp: 0.0.0.0/0}}\n")
    result = scan_text(template, "t.yaml", "yaml", rules=[PORT_RANGE])
    assert (result.findings, [p.format() for p in result.problems]) == ((), [
        f"t.yaml:7: more than {MAX_VARIANTS:,} combinations of Fn::If branches: cannot be evaluated ({PORT_RANGE} not evaluated)"])
    assert result.exit_code == 2


def test_conditions_outside_the_values_a_check_reads_do_not_multiply_it() -> None:
    tags = ", ".join(f"{{Key: k{n}, Value: !If [K{n}, a, b]}}" for n in range(12))
    template = egress("        - IpProtocol: -1\n          CidrIp: 0.0.0.0/0\n").replace(
        "      GroupDescription: x\n", f"      GroupDescription: x\n      Tags: [{tags}]\n")
    assert findings(template, ALL_PROTOCOLS) == [(8, ALL_PROTOCOLS, "Sg")]


def test_all_protocols_with_an_unresolvable_destination_is_reported() -> None:
    template = egress("        - IpProtocol: -1\n          CidrIp: !ImportValue LoopbackCidr\n")
    assert findings(template, ALL_PROTOCOLS) == [(7, ALL_PROTOCOLS, "Sg")]
    template = egress("        - IpProtocol: -1\n          CidrIp: !Ref Loopback\n").replace(
        "Resources:", "Parameters:\n  Loopback:\n    Type: String\n    Default: 127.0.0.1/32\nResources:")
    assert findings(template, ALL_PROTOCOLS) == []


def test_a_single_mapping_where_a_list_belongs_is_a_list_of_one() -> None:
    template = egress("          IpProtocol: -1\n          CidrIp: 0.0.0.0/0\n")
    assert findings(template, ALL_PROTOCOLS) == [(7, ALL_PROTOCOLS, "Sg")]


def test_two_entries_on_one_line_are_two_findings() -> None:
    text = ('{"Resources":{"A":{"Type":"AWS::EC2::SecurityGroup","Properties":{"SecurityGroupEgress":['
            '{"IpProtocol":"udp","FromPort":5,"ToPort":9,"CidrIp":"10.0.0.0/8"},'
            '{"IpProtocol":"tcp","FromPort":1,"ToPort":2,"CidrIp":"10.0.0.0/8"}]}}}}')
    result = scan_text(text, "t.json", "json", rules=[PORT_RANGE])
    assert [f.message.rsplit("(", 1)[1] for f in result.findings] == ["FromPort 1 / ToPort 2)", "FromPort 5 / ToPort 9)"]


def test_a_second_yaml_document_is_an_error_naming_its_line() -> None:
    result = scan_text("Resources: {}\n---\nResources: {}\n", "t.yaml", "yaml")
    assert [p.format() for p in result.problems] == [
        "t.yaml:2: more than one YAML document: a template is one document"]
