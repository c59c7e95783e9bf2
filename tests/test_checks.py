"""The four checks on real fixture files: the exact (file, line, rule id) of every finding, and nothing else.

Fixtures live in tests/fixtures/checks/ and are discovered: a YAML fixture marks each line that must be
reported with a trailing `# expect: <rule id>`; a JSON fixture has a sidecar `<name>.json.expect` with one
`<line> <rule id>` per expected finding.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rulebase.catalog import load_catalog
from rulebase.checks import REGISTRY
from rulebase.checks import egress_all_protocols, egress_port_range
from rulebase.model import Location
from rulebase.network import (
    MISSING, UNKNOWN, Destination, EgressEntry, Source, Template, cidr, port_number, protocol_number,
)
from rulebase.scanner import scan, scan_source

FIXTURES = Path(__file__).parent / "fixtures" / "checks"
MARKER = re.compile(r"#\s*expect:\s*([a-z0-9-]+)\s*$")
FIXTURE_FILES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
ALL_PROTOCOLS = "cloudformation-aws-security-group-egress-with-all-protocols"
PORT_RANGE = "cloudformation-aws-security-group-egress-with-port-range"
ALL_PORTS = "aws-ec2-security-group-egress-all-ports"
DEFAULT_GROUP = "aws-ec2-default-security-group-restricts-all-traffic"


def expected_findings(path: Path) -> list[tuple[str, int, str]]:
    """Return what the fixture says must be reported: its markers, or its sidecar .expect file."""
    if path.suffix == ".json":
        sidecar = path.with_name(path.name + ".expect")
        rows = [line.split() for line in sidecar.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
        return sorted((path.name, int(line), rule_id) for line, rule_id in rows)
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            found.append((path.name, number, match.group(1)))
    return sorted(found)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[p.name for p in FIXTURE_FILES])
def test_fixture_reports_exactly_its_expected_lines(path: Path) -> None:
    result = scan([str(path)])
    assert result.problems == ()
    assert result.scanned == (str(path),)
    reported = sorted((Path(f.location.path).name, f.location.line, f.rule_id) for f in result.findings)
    assert reported == expected_findings(path)


def test_every_fixture_names_known_rules() -> None:
    named = {rule_id for path in FIXTURE_FILES for _, _, rule_id in expected_findings(path)}
    assert named == set(REGISTRY)


# --- the registry ------------------------------------------------------------------------------------

def test_every_rule_has_one_check_of_its_kind_and_every_check_a_rule() -> None:
    catalog = load_catalog(validate=False)
    assert sorted(REGISTRY) == sorted(catalog.ids)
    for rule in catalog:
        assert REGISTRY[rule.id].kind == rule.kind, rule.id
        assert REGISTRY[rule.id].rule_id == rule.id


def test_check_modules_declare_distinct_rule_ids() -> None:
    from rulebase.checks import _MODULES

    assert len({module.RULE_ID for module in _MODULES}) == len(_MODULES) == len(REGISTRY)


# --- findings: resource, severity, message ---------------------------------------------------------

def test_findings_name_the_logical_id_and_take_severity_and_title_from_the_catalog() -> None:
    result = scan([str(FIXTURES / "port-range.yaml")], rules=[PORT_RANGE])
    first = result.findings[0]
    catalog = load_catalog(validate=False)
    assert (first.location.line, first.resource, first.severity) == (31, "Ranges", catalog[PORT_RANGE].severity)
    assert first.message == f"{catalog[PORT_RANGE].title('en')} (FromPort 1024 / ToPort 65535)"
    assert {f.rule_id for f in result.findings} == {PORT_RANGE}


def test_account_findings_name_the_group_id() -> None:
    result = scan([str(FIXTURES / "account.json")])
    assert [(f.location.line, f.rule_id, f.resource) for f in result.findings[:2]] == [
        (3, DEFAULT_GROUP, "sg-0aaaaaaaaaaaaaaa1"),
        (18, ALL_PORTS, "sg-0aaaaaaaaaaaaaaa1"),
    ]
    assert result.findings[0].message.endswith("(IpPermissions 1, IpPermissionsEgress 1)")
    assert result.findings[1].message.endswith("(IpProtocol -1 to 0.0.0.0/0, ::/0)")


@pytest.mark.parametrize("lang", ["en", "fr", "ja"])
def test_messages_use_the_title_in_the_requested_language(lang: str) -> None:
    catalog = load_catalog(validate=False)
    result = scan([str(FIXTURES / "minified.json")], lang=lang)
    assert [f.message for f in result.findings] == [
        f"{catalog[ALL_PROTOCOLS].title(lang)} (IpProtocol -1)",
        f"{catalog[PORT_RANGE].title(lang)} (FromPort 0 / ToPort 65535)",
    ]


def test_earlier_ids_select_the_same_rule() -> None:
    legacy = load_catalog(validate=False)[ALL_PROTOCOLS].legacy_ids[0]
    result = scan([str(FIXTURES / "minified.json")], rules=[legacy])
    assert [f.rule_id for f in result.findings] == [ALL_PROTOCOLS]


def test_one_finding_per_entry_whatever_its_branches() -> None:
    template = """\
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      SecurityGroupEgress:
        - IpProtocol: !If [A, -1, "-1"]
          FromPort: !If [B, 1, 2]
          ToPort: 3
          CidrIp: !If [A, 0.0.0.0/0, 10.0.0.0/8]
"""
    result = scan_source(template, "t.yaml", "yaml")
    assert [(f.location.line, f.rule_id) for f in result.findings] == [(6, ALL_PROTOCOLS)]
    result = scan_source(template.replace("!If [A, -1, \"-1\"]", "tcp"), "t.yaml", "yaml")
    assert [(f.location.line, f.rule_id) for f in result.findings] == [(7, PORT_RANGE)]


def test_too_many_conditions_in_one_entry_leave_it_unresolved() -> None:
    branches = "tcp"
    for number in range(10):
        branches = f"!If [C{number}, {branches}, tcp]"
    template = f"Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n" \
               f"      SecurityGroupEgress:\n        - {{IpProtocol: {branches.replace('tcp, tcp]', '-1, tcp]', 1)}, CidrIp: 0.0.0.0/0}}\n"
    assert scan_source(template, "t.yaml", "yaml").findings == ()


# --- the checks are pure functions over the model ---------------------------------------------------

class FixedLines:
    """A line index that knows one line per node, to build model objects by hand."""

    def __init__(self, lines: dict[tuple, int]) -> None:
        self.lines = lines

    def line(self, node, key=None) -> int:
        return self.lines.get((tuple(node), key), self.lines.get((tuple(node), None), 0))


def entry(protocol, low=MISSING, high=MISSING, *destinations: tuple[str, str]) -> EgressEntry:
    source = Source("model.yaml", FixedLines({(("E",), None): 10, (("E",), "IpProtocol"): 11, (("E",), "FromPort"): 12}))
    return EgressEntry("Sg", source, ("E",), protocol, low, high,
                       tuple(Destination(kind, value) for kind, value in destinations))


@pytest.mark.parametrize(("made", "expected"), [
    (entry(-1, MISSING, MISSING, ("CidrIp", "0.0.0.0/0")), [("IpProtocol -1", 11)]),
    (entry(-1, MISSING, MISSING, ("CidrIp", "127.0.0.1/32")), []),
    (entry(-1, MISSING, MISSING, ("CidrIpv6", "::1/128")), []),
    (entry(-1, MISSING, MISSING, ("CidrIp", UNKNOWN)), []),
    (entry(-1, MISSING, MISSING, ("CidrIp", "127.0.0.1/32"), ("CidrIpv6", UNKNOWN)), []),
    (entry(-1, MISSING, MISSING, ("DestinationSecurityGroupId", UNKNOWN)), [("IpProtocol -1", 11)]),
    (entry(-1), [("IpProtocol -1", 11)]),
    (entry(6, 0, 65535, ("CidrIp", "0.0.0.0/0")), []),
    (entry(UNKNOWN, MISSING, MISSING, ("CidrIp", "0.0.0.0/0")), []),
])
def test_all_protocols_check(made: EgressEntry, expected: list[tuple[str, int]]) -> None:
    found = [(v.detail, v.location.line) for v in egress_all_protocols.check(Template((made,)))]
    assert found == expected
    assert all(v.location == Location("model.yaml", 11) and v.resource == "Sg"
               for v in egress_all_protocols.check(Template((made,))))


@pytest.mark.parametrize(("made", "expected"), [
    (entry(6, 80, 80), []),
    (entry(6, 80, 81), [("FromPort 80 / ToPort 81", 12)]),
    (entry(17, 0, 65535), [("FromPort 0 / ToPort 65535", 12)]),
    (entry(6, MISSING, 443), [("IpProtocol tcp, FromPort missing", 10)]),
    (entry(17, MISSING, MISSING), [("IpProtocol udp, FromPort and ToPort missing", 10)]),
    (entry(6, UNKNOWN, 443), []),
    (entry(6, MISSING, UNKNOWN), [("IpProtocol tcp, FromPort missing", 10)]),
    (entry(1, 8, 0), []),
    (entry(58, MISSING, MISSING), []),
    (entry(-1, 0, 65535), []),
    (entry(50, MISSING, MISSING), []),
])
def test_port_range_check(made: EgressEntry, expected: list[tuple[str, int]]) -> None:
    assert [(v.detail, v.location.line) for v in egress_port_range.check(Template((made,)))] == expected


# --- normalisation --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "number"), [
    (-1, -1), ("-1", -1), (" -1 ", -1), (-1.0, -1), ("tcp", 6), ("TCP", 6), ("Tcp", 6), ("6", 6), (6, 6),
    ("udp", 17), ("17", 17), ("icmp", 1), ("ICMPv6", 58), ("58", 58), ("50", 50), (47, 47),
    ("all", UNKNOWN), ("", UNKNOWN), (True, UNKNOWN), (None, UNKNOWN), (256, UNKNOWN), (-2, UNKNOWN),
    ("６", UNKNOWN), ([6], UNKNOWN), (6.5, UNKNOWN), (MISSING, MISSING),
])
def test_protocol_number(value: object, number: object) -> None:
    assert protocol_number(value) == number


@pytest.mark.parametrize(("value", "number"), [
    (443, 443), ("443", 443), (" 443 ", 443), (443.0, 443), ("+443", 443), (-1, -1), (0, 0), (65535, 65535),
    (65536, UNKNOWN), (-2, UNKNOWN), ("4_43", UNKNOWN), ("0x1bb", UNKNOWN), (False, UNKNOWN), ("", UNKNOWN),
    ("99999999999999999999", UNKNOWN), (MISSING, MISSING),
])
def test_port_number(value: object, number: object) -> None:
    assert port_number(value) == number


@pytest.mark.parametrize(("value", "text"), [
    ("0.0.0.0/0", "0.0.0.0/0"), (" 0.0.0.0/0 ", "0.0.0.0/0"), ("::/0", "::/0"), ("::0/0", "::/0"),
    ("0:0:0:0:0:0:0:0/0", "::/0"), ("::1/128", "::1/128"), ("0:0::1/128", "::1/128"), ("FD00::/8", "fd00::/8"),
    ("127.0.0.1/32", "127.0.0.1/32"), ("not:a:cidr", "not:a:cidr"), (5, UNKNOWN), (MISSING, MISSING),
])
def test_cidr(value: object, text: object) -> None:
    assert cidr(value) == text
