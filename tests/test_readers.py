"""The readers: YAML with CloudFormation's short tags, JSON with lines on demand, recognising inputs by shape."""

from __future__ import annotations

import json
import math
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rulebase.model import Location, Problem
from rulebase.readers import Document, kind_of, read_path, read_text
from rulebase.readers.json_reader import read_json
from rulebase.readers.yaml_reader import read_yaml

FIXTURES = Path(__file__).parent / "fixtures"


def data(text: str, syntax: str | None = "yaml") -> object:
    document = read_text(text, "t", syntax)
    assert isinstance(document, Document), document
    return document.data


# --- YAML: CloudFormation's short tags ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("!Ref Vpc", {"Ref": "Vpc"}),
    ("!Condition IsProd", {"Condition": "IsProd"}),
    ("!GetAtt Sg.GroupId", {"Fn::GetAtt": ["Sg", "GroupId"]}),
    ("!GetAtt Db.Endpoint.Address", {"Fn::GetAtt": ["Db", "Endpoint.Address"]}),
    ("!GetAtt [Sg, GroupId]", {"Fn::GetAtt": ["Sg", "GroupId"]}),
    ("!Sub '${AWS::StackName}-web'", {"Fn::Sub": "${AWS::StackName}-web"}),
    ("!Sub ['${A}', {A: !Ref B}]", {"Fn::Sub": ["${A}", {"A": {"Ref": "B"}}]}),
    ("!If [IsProd, tcp, -1]", {"Fn::If": ["IsProd", "tcp", -1]}),
    ("!Select [0, !GetAZs '']", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
    ("!Join ['', [a, b]]", {"Fn::Join": ["", ["a", "b"]]}),
    ("!Split [',', !ImportValue Subnets]", {"Fn::Split": [",", {"Fn::ImportValue": "Subnets"}]}),
    ("!Base64 text", {"Fn::Base64": "text"}),
    ("!Cidr [10.0.0.0/16, 4, 8]", {"Fn::Cidr": ["10.0.0.0/16", 4, 8]}),
    ("!FindInMap [Map, !Ref AWS::Region, Key]", {"Fn::FindInMap": ["Map", {"Ref": "AWS::Region"}, "Key"]}),
    ("!Equals [!Ref Stage, prod]", {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}),
    ("!And [!Condition A, !Not [!Condition B], !Or [!Condition C]]",
     {"Fn::And": [{"Condition": "A"}, {"Fn::Not": [{"Condition": "B"}]}, {"Fn::Or": [{"Condition": "C"}]}]}),
    ("!Transform {Name: AWS::Include}", {"Fn::Transform": {"Name": "AWS::Include"}}),
    ("!Length [a, b]", {"Fn::Length": ["a", "b"]}),
    ("!ToJsonString {a: 1}", {"Fn::ToJsonString": {"a": 1}}),
])
def test_short_tags_become_the_long_form(text: str, value: object) -> None:
    assert data(f"v: {text}\n") == {"v": value}


# --- YAML: plain scalars read with the YAML 1.2 core schema -----------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("2010-09-09", "2010-09-09"), ("on", "on"), ("yes", "yes"), ("Off", "Off"), ("22:22", "22:22"),
    ("1_000", "1_000"), ("0o17", 15), ("0x1F", 31), ("443", 443), ("-1", -1), ("+6", 6), ("0777", 777),
    ("1.5", 1.5), ("1e3", 1000.0), (".inf", math.inf), ("true", True), ("False", False), ("~", None),
    ("null", None), ("", None), ("'443'", "443"), ('"-1"', "-1"), ("! 443", "443"), ("!!str 443", "443"),
    ("!!int '443'", 443), ("!!float '1'", 1.0), ("!!bool 'true'", True), ("!!null ''", None),
    ("0.0.0.0/0", "0.0.0.0/0"), ("::/0", "::/0"), ("12345678901234567890", 12345678901234567890),
])
def test_plain_scalars_follow_yaml_1_2_so_version_1_1_surprises_stay_strings(text: str, value: object) -> None:
    assert data(f"v: {text}\n") == {"v": value}


def test_aliases_share_the_anchored_value() -> None:
    tree = data("base: &rule {IpProtocol: tcp, FromPort: 443}\nfirst: *rule\nsecond: *rule\n")
    assert tree == {"base": {"IpProtocol": "tcp", "FromPort": 443}, "first": {"IpProtocol": "tcp", "FromPort": 443},
                    "second": {"IpProtocol": "tcp", "FromPort": 443}}


def test_duplicate_keys_are_an_error_naming_both_lines() -> None:
    problem = read_text("a: 1\nb: 2\na: 3\n", "t", "yaml")
    assert problem == Problem(Location("t", 3), "duplicate key 'a' (first on line 1)")
    problem = read_text('{"Resources": {\n"A": {},\n"A": {}}}', "t.json", "json")
    assert problem == Problem(Location("t.json", 3), "duplicate key 'A' (first on line 2)")


def test_a_stream_of_several_documents_is_an_error_naming_the_second() -> None:
    document = read_text("Resources: {}\n---\nResources: {}\n", "t", "yaml")
    assert document == Problem(Location("t", 2), "more than one YAML document: a template is one document")


def test_a_stream_of_several_documents_that_is_not_a_template_is_skipped() -> None:
    document = read_text("apiVersion: v1\nkind: Service\n---\napiVersion: v1\nkind: Pod\n", "k8s.yaml", "yaml")
    assert isinstance(document, Document) and document.kind is None


# --- lines ------------------------------------------------------------------------------------------------

YAML_TEMPLATE = """\
# a comment first
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
        -
          IpProtocol: udp
        - &anchored
          IpProtocol: -1
        - {IpProtocol: icmp,
           FromPort: 8}
        - !If
          - Cond
          - IpProtocol: -1
          - !Ref AWS::NoValue
"""


@pytest.mark.parametrize(("node", "key", "line"), [
    ((), None, 2),
    ((), "Resources", 2),
    (("Resources",), None, 3),
    (("Resources", "Sg"), None, 4),
    (("Resources", "Sg", "Properties"), None, 6),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress"), None, 7),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 0), None, 7),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 0), "FromPort", 8),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 1), None, 10),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 2), None, 11),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 2), "IpProtocol", 12),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 3), None, 13),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 3), "FromPort", 14),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 4), None, 15),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 4, "Fn::If", 1), None, 17),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 0), "Missing", 7),
    (("Resources", "Nope"), None, 3),
])
def test_yaml_lines(node: tuple, key: str | None, line: int) -> None:
    document = read_text(YAML_TEMPLATE, "t.yaml", "yaml")
    assert isinstance(document, Document)
    assert document.lines.line(node, key) == line


JSON_TEMPLATE = """\
{
  "Resources": {
    "Sg": {"Type": "AWS::EC2::SecurityGroup",
      "Properties": {
        "GroupDescription": "a \\"tricky\\" {string} with ] and [",
        "SecurityGroupEgress": [
          {"IpProtocol": "tcp", "FromPort": 443},
          {
            "IpProtocol": "udp"
          },
          [], {}, "not an entry",
          {"Fn::If": ["Cond", {"IpProtocol": -1}, {"Ref": "AWS::NoValue"}]}
        ]
      }
    }
  }
}
"""


@pytest.mark.parametrize(("node", "key", "line"), [
    ((), None, 1),
    ((), "Resources", 2),
    (("Resources", "Sg"), None, 3),
    (("Resources", "Sg", "Properties"), None, 4),
    (("Resources", "Sg", "Properties"), "SecurityGroupEgress", 6),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 0), None, 7),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 0), "FromPort", 7),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 1), None, 8),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 1), "IpProtocol", 9),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 4), None, 11),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 5, "Fn::If", 1), None, 12),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 9), None, 6),
    (("Resources", "Sg", "Properties", "SecurityGroupEgress", 0), "Missing", 7),
])
def test_json_lines(node: tuple, key: str | None, line: int) -> None:
    document = read_text(JSON_TEMPLATE, "t.json", "json")
    assert isinstance(document, Document)
    assert document.lines.line(node, key) == line


def test_json_lines_asked_in_any_order_agree() -> None:
    forward = read_json(JSON_TEMPLATE)[1]
    backward = read_json(JSON_TEMPLATE)[1]
    nodes = [("Resources", "Sg", "Properties", "SecurityGroupEgress", index) for index in range(6)]
    assert [forward.line(n) for n in nodes] == [backward.line(n) for n in reversed(nodes)][::-1]


# --- recognising inputs -------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "kind"), [
    ({"Resources": {}}, "template"),
    ({"AWSTemplateFormatVersion": "2010-09-09"}, "template"),
    ({"Transform": "AWS::Serverless-2016-10-31", "Resources": {"F": {"Type": "AWS::Serverless::Function"}}}, "template"),
    ({"SecurityGroups": []}, "account"),
    ([{"GroupId": "sg-1", "IpPermissions": []}], "account"),
    ({"Resources": []}, None),
    ({"apiVersion": "v1", "kind": "ConfigMap"}, None),
    ({"name": "package", "version": "1.0.0"}, None),
    ([], None),
    ([{"GroupId": "sg-1"}, 3], None),
    ("text", None),
    (None, None),
])
def test_inputs_are_recognised_by_shape(value: object, kind: str | None) -> None:
    assert kind_of(value) == kind


def test_syntax_comes_from_the_suffix_then_from_the_text(tmp_path: Path) -> None:
    flow_yaml = tmp_path / "stack.template"
    flow_yaml.write_text("{Resources: {Sg: {Type: 'AWS::EC2::SecurityGroup'}}}\n", encoding="utf-8")
    json_template = tmp_path / "stack2.template"
    json_template.write_text('{"Resources": {}}', encoding="utf-8")
    yaml_named_json = tmp_path / "x.json"
    yaml_named_json.write_text("Resources: {}\n", encoding="utf-8")
    assert _syntax(read_path(str(flow_yaml))) == "yaml"
    assert _syntax(read_path(str(json_template))) == "json"
    problem = read_path(str(yaml_named_json))
    assert isinstance(problem, Problem) and problem.message.startswith("JSON syntax error")


def _syntax(document: Document | Problem) -> str:
    assert isinstance(document, Document), document
    return document.syntax


def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "groups.json"  # what PowerShell's `>` writes
    path.write_bytes('{"SecurityGroups": []}\r\n'.encode("utf-16"))
    document = read_path(str(path))
    assert isinstance(document, Document) and document.kind == "account"


def test_utf8_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(b"\xef\xbb\xbfResources: {}\n")
    document = read_path(str(path))
    assert isinstance(document, Document) and document.kind == "template"


# --- properties -----------------------------------------------------------------------------------------

def json_values(text: st.SearchStrategy[str]) -> st.SearchStrategy[object]:
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | text
    return st.recursive(
        scalars,
        lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
        max_leaves=25,
    )


# libyaml, the reference for lines, refuses control characters, noncharacters (U+FFFE) and escaped surrogate
# pairs, and counts U+2028 and U+2029 as line breaks: JSON does not
yaml_safe_text = st.text(st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs", "Cc", "Cn", "Zl", "Zp")),
                         max_size=10)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values(st.text(max_size=10)), indent=st.sampled_from([None, 0, 2]), ascii=st.booleans())
def test_json_reader_gives_what_json_loads_gives(value: object, indent: int | None, ascii: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii)
    assert read_json(text)[0] == json.loads(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values(yaml_safe_text), indent=st.sampled_from([None, 0, 1, 2, 4]), ascii=st.booleans())
def test_json_lines_are_the_lines_libyaml_sees(value: object, indent: int | None, ascii: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii)
    tree, lines = read_json(text)
    _, yaml_lines = read_yaml(text)  # JSON is YAML 1.2: libyaml's marks are the reference
    for node, key in _containers(tree):
        assert lines.line(node, key) == yaml_lines.line(node, key), (node, key, text)


def _containers(value: object, node: tuple = ()) -> list[tuple[tuple, object]]:
    found: list[tuple[tuple, object]] = [(node, None)] if isinstance(value, (dict, list)) else []
    if isinstance(value, dict):
        for key, child in value.items():
            found.append((node, key))
            found += _containers(child, node + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _containers(child, node + (index,))
    return found


plain_words = st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=10).filter(
    lambda s: s.strip() == s and s.lower() not in ("true", "false", "null", "yes", "no", "on", "off", "y", "n"))
yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | plain_words,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(plain_words, children, max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(value=yaml_values, flow=st.booleans())
def test_yaml_reader_reads_what_pyyaml_writes(value: object, flow: bool) -> None:
    text = yaml.safe_dump(value, default_flow_style=flow)
    tree, _ = read_yaml(text)
    assert tree == value
