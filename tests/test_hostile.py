"""Bad and hostile inputs: each becomes one clean error with its file (and line), fast, and the rest is scanned."""

from __future__ import annotations

import errno
import os
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rulebase.readers.text as text_module
from rulebase.model import Problem
from rulebase.readers import Document, read_path, read_text
from rulebase.scanner import ScanResult, scan, scan_text

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = FIXTURES / "hostile"
GOOD = str(FIXTURES / "good.yaml")  # one finding, on line 9

EXPECTED = {  # file -> (line, message); line 0 when the error has no line
    "alias-bomb.yaml": (7, "aliases expand to more than 250,000 nodes (an alias bomb?)"),
    "binary.yaml": (3, "binary data (NUL byte), not a text file"),
    "complex-key.yaml": (2, "a mapping key must be a scalar"),
    "control-character.yaml": (4, "YAML: character #x0007 is not allowed (control characters are not allowed)"),
    "deep-block.yaml": (3, "nesting deeper than 500 levels"),
    "deep-flow.yaml": (1, "nesting deeper than 500 levels"),
    "deep.json": (0, "nesting too deep"),
    "duplicate-key.yaml": (11, "duplicate key 'IpProtocol' (first on line 8)"),
    "duplicate-resource.json": (8, "duplicate key 'WebSecurityGroup' (first on line 4)"),
    "huge-integer.json": (0, "JSON: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits"),
    "latin1.yaml": (2, "not UTF-8 text (byte 0xf4); save the file as UTF-8"),
    "recursive-alias.yaml": (2, "alias *r refers to a node that contains it"),
    "syntax-error.json": (3, "JSON syntax error: Expecting property name enclosed in double quotes (column 46)"),
    "syntax-error.yaml": (4, "YAML syntax error: did not find expected key (while parsing a block mapping that starts on line 2)"),
    "truncated.json": (4, "JSON syntax error: Expecting ',' delimiter (column 1)"),
    "unclosed.yaml": (4, "YAML syntax error: did not find expected node content (while parsing a flow node)"),
    "unknown-alias.yaml": (2, "alias *nowhere has no anchor &nowhere before it"),
    "utf16-no-bom.yaml": (1, "binary data (NUL byte), not a text file"),
}


def test_every_hostile_fixture_is_listed() -> None:
    assert sorted(p.name for p in HOSTILE.iterdir()) == sorted(EXPECTED)


EMPTY = FIXTURES / "empty"  # blank, whitespace only, YAML comments only


def test_an_empty_file_is_skipped_not_an_error() -> None:
    files = sorted(str(p) for p in EMPTY.iterdir())
    assert [Path(f).name for f in files] == ["blank.json", "comments-only.yaml", "empty.yaml"]
    result = scan([*files, GOOD])
    assert result.problems == ()
    assert sorted(result.skipped) == files
    assert [(f.location.path, f.location.line) for f in result.findings] == [(GOOD, 9)]
    assert scan(files).exit_code == 0


@pytest.mark.parametrize(("text", "message"), [("", "empty file"), ("  \n", "empty file"),
                                               ("# nothing\n", "empty file (no YAML document)")])
def test_an_empty_example_is_still_an_error(text: str, message: str) -> None:
    """`rulebase verify` runs examples through scan_text: an example must hold a document."""
    result = scan_text(text, "rules/x/en.md", "yaml")
    assert [(p.location.path, p.message, p.level) for p in result.problems] == [("rules/x/en.md", message, "error")]
    assert result.exit_code == 2


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_is_one_clean_error_and_the_rest_is_scanned(name: str) -> None:
    path = str(HOSTILE / name)
    started = time.perf_counter()
    result = scan([path, GOOD])
    elapsed = time.perf_counter() - started
    line, message = EXPECTED[name]
    assert [(p.location.path, p.location.line, p.message) for p in result.problems] == [(path, line, message)]
    assert [(f.location.path, f.location.line) for f in result.findings] == [(GOOD, 9)]
    assert result.exit_code == 2
    assert elapsed < 5, f"{name} took {elapsed:.1f} s"


@pytest.mark.parametrize("name", ["alias-bomb.yaml", "deep-flow.yaml", "deep-block.yaml", "deep.json"])
def test_hostile_file_is_refused_in_bounded_memory(name: str) -> None:
    tracemalloc.start()
    try:
        result = read_path(str(HOSTILE / name))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(result, Problem)
    assert peak < 50_000_000, f"{name} peaked at {peak / 1e6:.0f} MB"


@pytest.mark.parametrize("unit", ["[" * 99 + "]" * 99, "{a: " * 99 + "1" + "}" * 99])
def test_two_megabytes_of_nested_brackets_end_quickly_in_bounded_memory(tmp_path: Path, unit: str) -> None:
    path = tmp_path / "brackets.yaml"  # generated: too big to keep in the repository
    path.write_text("[" + ",".join([unit] * (1_990_000 // (len(unit) + 1))) + "]\n", encoding="utf-8")
    tracemalloc.start()
    started = time.process_time()  # CPU time: a busy machine does not fail the test, an unbounded parse does
    try:
        result = scan([str(path)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    limit = f"{len(path.read_text(encoding='utf-8')) // 20:,}"
    assert [p.format() for p in result.problems] == [
        f"{path}:1: more than {limit} mappings and sequences for {path.stat().st_size:,} characters"]
    assert time.process_time() - started < 20  # about 0.5 s without tracing
    assert peak < 150_000_000, f"peaked at {peak / 1e6:.0f} MB"


def test_a_folder_of_hostile_files_gives_one_error_each() -> None:
    result = scan([str(HOSTILE)])
    assert sorted(Path(p.location.path).name for p in result.problems) == sorted(EXPECTED)
    assert result.findings == () and result.exit_code == 2


# --- size, file kinds, the disk ------------------------------------------------------------------------------

def test_files_over_the_size_limit_are_refused_without_being_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as stream:
        stream.truncate(3_000_000)  # sparse: no 3 MB written, none read
    result = scan([str(huge), GOOD])
    assert [p.format() for p in result.problems] == [
        f"{huge}: file is 3,000,000 bytes, over the limit of 2,000,000 (--max-bytes)"]
    assert len(result.findings) == 1


def test_the_size_limit_is_configurable() -> None:
    size = os.path.getsize(GOOD)
    result = scan([GOOD], max_bytes=100)
    assert [p.message for p in result.problems] == [f"file is {size} bytes, over the limit of 100 (--max-bytes)"]
    assert scan([GOOD], max_bytes=size).findings


def test_missing_paths_and_broken_links_are_errors(tmp_path: Path) -> None:
    link = tmp_path / "gone.yaml"
    link.symlink_to(tmp_path / "nowhere.yaml")
    result = scan([str(tmp_path / "missing.yaml"), str(link), GOOD])
    assert [(Path(p.location.path).name, p.message) for p in result.problems] == [
        ("gone.yaml", "no such file or directory"), ("missing.yaml", "no such file or directory")]
    assert len(result.findings) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_never_opened(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    assert [p.message for p in scan([str(pipe)]).problems] == ["not a regular file"]
    assert scan([str(tmp_path)]).problems == ()  # found in a folder: not a file to scan


def test_a_failing_disk_is_one_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_open(*args: object, **kwargs: object) -> object:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(text_module, "open", failing_open, raising=False)
    result = scan([GOOD])
    assert [p.format() for p in result.problems] == [f"{GOOD}: input/output error"]


def test_a_bug_in_a_check_is_one_error_for_that_file(monkeypatch: pytest.MonkeyPatch) -> None:
    import rulebase.snapshot

    def broken(*args: object) -> object:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(rulebase.snapshot, "snapshot_model", broken)
    account = FIXTURES / "checks" / "account.json"
    result = scan([str(account), GOOD], rules=["aws-ec2-default-security-group-restricts-all-traffic",
                                               "cloudformation-aws-security-group-egress-with-all-protocols"])
    assert [p.format() for p in result.problems] == [
        f"{account.parent}: internal error while scanning: ZeroDivisionError: division by zero"]
    assert len(result.findings) == 1


# --- properties: whatever comes in, a document or a clean error comes out ------------------------------------

YAML_PIECES = ["{", "}", "[", "]", ": ", ":", "- ", "-", ", ", "&a ", "*a", "&b ", "*b", "!Ref ", "!GetAtt ", "!If ",
               "!!str ", "! ", "\n", "  ", "    ", "'", '"', "# c", "? ", "---\n", "...\n", "%YAML 1.1\n", "|\n",
               ">\n", "Resources", "SecurityGroupEgress", "IpProtocol", "-1", "443", "tcp", "Type",
               "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupEgress", "Properties", "SecurityGroups",
               "IpPermissionsEgress", "GroupName", "default", "0.0.0.0/0", "\t", "\x00", "\ufeff", "é", "<<: "]
JSON_PIECES = ["{", "}", "[", "]", ":", ",", '"', '"Resources"', '"Type"', '"AWS::EC2::SecurityGroup"',
               '"Properties"', '"SecurityGroupEgress"', '"IpProtocol"', '"-1"', "-1", "1e400", "true", "null",
               "NaN", "\n", " ", "\\", '"\\u00e9"', '"\\ud800"', '"SecurityGroups"', '"IpPermissionsEgress"',
               '"FromPort"', "65536", "0.5", '"Fn::If"', '"Ref"']


def _assert_clean(result: ScanResult) -> None:
    assert isinstance(result, ScanResult)
    for problem in result.problems:
        assert problem.message and "Traceback" not in problem.message
        assert not problem.message.startswith("internal error"), problem.message
    for finding in result.findings:
        assert finding.location.line >= 1


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.sampled_from(YAML_PIECES), max_size=60), syntax=st.sampled_from(["yaml", None]))
def test_generated_yaml_gives_a_document_or_a_clean_error(pieces: list[str], syntax: str | None) -> None:
    text = "".join(pieces)
    document = read_text(text, "x.yaml", syntax)
    assert isinstance(document, (Document, Problem))
    _assert_clean(scan_text(text, "x.yaml", syntax))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.sampled_from(JSON_PIECES), max_size=60), syntax=st.sampled_from(["json", None]))
def test_generated_json_gives_a_document_or_a_clean_error(pieces: list[str], syntax: str | None) -> None:
    text = "".join(pieces)
    document = read_text(text, "x.json", syntax)
    assert isinstance(document, (Document, Problem))
    _assert_clean(scan_text(text, "x.json", syntax))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=200), syntax=st.sampled_from(["yaml", "json", None]))
def test_any_text_gives_a_document_or_a_clean_error(text: str, syntax: str | None) -> None:
    _assert_clean(scan_text(text, "x", syntax))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200), suffix=st.sampled_from([".yaml", ".json", ".template"]))
def test_any_bytes_give_a_document_or_a_clean_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    assert isinstance(read_path(str(path)), (Document, Problem))
    _assert_clean(scan([str(path)]))
