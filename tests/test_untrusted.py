"""Rule content and scan inputs are untrusted (issue 9): each hostile case gives its exact error or findings, in
bounded time and memory (a subprocess with RLIMIT_AS where the case was about memory), never a traceback."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rulebase.cli import main
from rulebase.export import CSV_COLUMNS
from rulebase.escaping import csv_cell, markdown_text, printable
from rulebase.readers import read_text
from rulebase.readers.yaml_reader import read_yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
CATALOGS = FIXTURES / "catalogs"
GOOD = str(FIXTURES / "good.yaml")


def bounded(code: str, *args: str, memory_mb: int = 600, timeout: int = 60, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run Python code in a child limited to `memory_mb` of address space and `timeout` seconds."""
    limit = f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({memory_mb << 20}, {memory_mb << 20}))\n"
    return subprocess.run([sys.executable, "-c", limit + code, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


RULEBASE = "import sys; from rulebase.cli import main; sys.exit(main(sys.argv[1:]))"


# --- the catalog: alias bombs, nesting, hl_lines, huge examples -------------------------------------------------

@pytest.mark.parametrize("case", ["front-matter-alias-bomb", "front-matter-deep", "hl-lines-huge"])
def test_hostile_rule_file_is_one_error_in_bounded_memory(case: str) -> None:
    done = bounded(RULEBASE, "list", "--rules", "rules", cwd=CATALOGS / case, memory_mb=400, timeout=30)
    assert done.stderr == (CATALOGS / case / "expected.txt").read_text(encoding="utf-8")
    assert done.returncode == 2


def test_ten_megabyte_example_is_refused_before_any_tool_reads_it(tmp_path: Path) -> None:
    shutil.copytree(CATALOGS / "hl-lines-huge" / "rules", tmp_path / "rules")
    en = tmp_path / "rules" / "demo-a" / "en.md"
    big = '{"SecurityGroups": []' + " " * 10_000_000 + "}"
    en.write_text(en.read_text(encoding="utf-8").replace('{"SecurityGroups": []}', big, 1), encoding="utf-8")
    done = bounded(RULEBASE, "verify", "rules", cwd=tmp_path, memory_mb=800, timeout=60)
    assert "rules/demo-a/en.md:33: example is 10,000,023 bytes, over the limit of 65,536\n" in done.stdout
    assert "Traceback" not in done.stderr and done.returncode == 1


# --- scan inputs ------------------------------------------------------------------------------------------------

def test_two_megabyte_json_key_reads_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "key.json"
    path.write_text('{"' + "a" * 1_990_000 + '": 1, "Resources": {}}', encoding="utf-8")
    done = bounded("import sys; from rulebase.readers import read_path; print(read_path(sys.argv[1]).kind)",
                   str(path), memory_mb=150)
    assert (done.stdout, done.returncode) == ("template\n", 0), done.stderr


def test_sarif_of_five_two_megabyte_files_is_written_in_bounded_memory(tmp_path: Path) -> None:
    entry = '{"IpProtocol":-1}'
    body = ",\n".join([entry] * 105_000)
    for n in range(5):
        (tmp_path / f"many-{n}.json").write_text(
            '{"Resources":{"Sg":{"Type":"AWS::EC2::SecurityGroup","Properties":{"GroupDescription":"x",'
            '"SecurityGroupEgress":[\n' + body + "\n]}}}}\n", encoding="utf-8")
    out = tmp_path / "out.sarif"
    done = bounded(RULEBASE, "scan", str(tmp_path), "--format", "sarif", "--output", str(out),
                   "--jobs", "1", memory_mb=1500, timeout=300)
    assert done.returncode == 1, done.stderr
    with out.open(encoding="utf-8") as stream:
        assert sum(1 for line in stream if line.startswith('        {"ruleId"')) == 5 * 105_000


def test_non_utf8_file_name_is_reported_in_every_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = os.fsencode(tmp_path)
    name = os.path.join(folder, b"bad-\xff.yaml")
    shutil.copy(GOOD, name)
    path = os.fsdecode(name)
    assert main(["scan", path]) == 1
    assert capsys.readouterr().out.startswith(f"{printable(path)}:9: medium ")
    assert main(["scan", path, "--format", "sarif", "--output", str(tmp_path / "out.sarif")]) == 1
    assert f'"uri": "file://{os.fsdecode(folder)}/bad-%FF.yaml"' in (tmp_path / "out.sarif").read_text(encoding="utf-8")
    assert main(["scan", path, "--format", "json", "--output", str(tmp_path / "out.json")]) == 1
    assert '"file": "' + str(tmp_path) + '/bad-\\udcff.yaml"' in (tmp_path / "out.json").read_text(encoding="utf-8")


def test_file_names_cannot_inject_lines_or_escape_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x\n\x1b[2Jy.yaml"
    shutil.copy(GOOD, path)
    assert main(["scan", str(path)]) == 1
    assert capsys.readouterr().out.splitlines()[0].startswith(f"{tmp_path}/x\\n\\x1b[2Jy.yaml:9: medium ")


def test_a_folder_nested_1100_levels_is_scanned(tmp_path: Path) -> None:
    deep = tmp_path
    for _ in range(1_100):
        deep = deep / "d"
        os.mkdir(deep)
    shutil.copy(GOOD, deep / "good.yaml")
    from rulebase.scanner import scan

    try:
        result = scan([str(tmp_path)])
        assert [(f.location.path, f.location.line) for f in result.findings] == [(str(deep / "good.yaml"), 9)]
    finally:  # shutil.rmtree, as pytest cleans up, recurses too
        (deep / "good.yaml").unlink()
        while deep != tmp_path:
            deep.rmdir()
            deep = deep.parent


def test_max_bytes_is_bounded(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["scan", GOOD, "--max-bytes", "9223372036854775807"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "rulebase scan: error: argument --max-bytes: must be at most 1000000000: 9223372036854775807")
    from rulebase.scanner import scan

    assert len(scan([GOOD], max_bytes=sys.maxsize).findings) == 1  # the library takes any limit


def test_output_equal_to_an_input_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "t.yaml"
    shutil.copy(GOOD, template)
    before = template.read_bytes()
    assert main(["scan", str(template), "--output", str(template)]) == 2
    assert capsys.readouterr().err == f"rulebase: --output {template} is one of the inputs: the report would overwrite it\n"
    assert main(["scan", str(tmp_path), "--output", str(template)]) == 2
    assert template.read_bytes() == before


# --- readers ----------------------------------------------------------------------------------------------------

def test_json_duplicate_keys_below_resources_name_both_lines() -> None:
    text = ('{"Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {\n'
            '  "SecurityGroupEgress": [{"IpProtocol": "tcp",\n'
            '    "IpProtocol": "-1"}]}}}}\n')
    problem = read_text(text, "t.json", "json")
    assert problem.format() == "t.json:3: duplicate key 'IpProtocol' (first on line 2)"


def test_json_with_cr_only_line_ends_gives_the_right_line() -> None:
    text = '{"Resources": {\r"Sg": {"Type": "AWS::EC2::SecurityGroup",\r"Properties": {}}}}'
    document = read_text(text, "t.json", "json")
    assert document.lines.line(("Resources", "Sg")) == 2
    assert read_text(text.replace('"Properties"', '"Type": "x",\r"Properties"'), "t.json", "json").format() == (
        "t.json:3: duplicate key 'Type' (first on line 2)")


def test_yaml_keys_1_and_1_0_are_two_keys() -> None:
    data, _ = read_yaml("Mappings:\n  M:\n    1: a\n    1.0: b\n")
    assert data == {"Mappings": {"M": {"1": "a", "1.0": "b"}}}
    assert read_text("a:\n  1: x\n  '1': y\n", "t.yaml", "yaml").format() == "t.yaml:3: duplicate key '1' (first on line 2)"


# --- catalog commands -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("rule_id", "message"), [
    ("a\n", "rulebase: rule id must be kebab-case (lowercase letters, digits, dashes): 'a\\n'\n"),
    ("a" * 300, "rulebase: rule id has 300 characters, over the limit of 100\n"),
])
def test_new_refuses_a_bad_id_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], rule_id: str,
                                          message: str) -> None:
    assert main(["new", rule_id, "--rules", str(tmp_path)]) == 2
    assert capsys.readouterr().err == message
    assert list(tmp_path.iterdir()) == []


def test_csv_cells_never_start_a_formula() -> None:
    assert [csv_cell(v) for v in ("=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "ok", None, 3)] == [
        "'=1+2", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "ok", "", "3"]
    import dataclasses

    from rulebase.catalog import read_catalog
    from rulebase.export import export_csv

    rules = [dataclasses.replace(rule, legacy_ids=("-1+1",), aliases=("@SUM(A1)",)) for rule in read_catalog(CATALOGS / "duplicate-alias" / "rules")]
    rows = list(csv.reader(io.StringIO(export_csv(rules))))
    assert rows[1][CSV_COLUMNS.index("legacy_ids")] == "'-1+1"
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_text_at_format_boundaries() -> None:
    assert printable("a\nb\x1b[0m\u202e.yaml") == "a\\nb\\x1b[0m\\u202e.yaml"
    assert markdown_text("<script>*x*</script>") == r"\<script\>\*x\*\</script\>"
