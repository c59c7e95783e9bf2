"""The catalog loader: the shipped rules, the API, and real broken rule files with their exact problems."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

import rulebase
from rulebase.catalog import Catalog, CatalogError, load_catalog, load_schema, read_catalog
from rulebase.model import LANGUAGES, SECTIONS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "catalogs"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.txt").exists())
RULE_IDS = {folder.name for folder in (ROOT / "rules").iterdir() if (folder / "en.md").is_file()}  # one folder a rule


@pytest.fixture(scope="module")
def catalog() -> rulebase.Catalog:
    return load_catalog(strict=True)


@pytest.mark.parametrize("case", CASES)
def test_broken_catalog_reports_exact_problems(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each fixture folder holds a real rules tree and the problems, file:line: message, it must give."""
    monkeypatch.chdir(FIXTURES / case)
    problems = [p.format() for p in read_catalog("rules").problems]
    expected = (FIXTURES / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert problems == expected


def test_broken_catalog_raises_with_every_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "unknown-severity")
    with pytest.raises(CatalogError) as raised:
        load_catalog("rules")
    assert [p.location.line for p in raised.value.problems] == [10]


def test_stale_translation_is_a_warning_unless_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "stale-translation")
    catalog = load_catalog("rules")
    assert catalog["demo-open-egress"].translation_status("fr") == "stale"
    with pytest.raises(CatalogError):
        load_catalog("rules", strict=True)


def test_shipped_catalog_has_every_rule_folder_in_three_languages(catalog: rulebase.Catalog) -> None:
    assert set(catalog.ids) == RULE_IDS
    for rule in catalog:
        assert rule.languages == LANGUAGES
        assert {rule.translation_status(lang) for lang in LANGUAGES} == {"ok"}
        for lang in LANGUAGES:
            page = rule.pages[lang]
            assert [s.anchor for s in page.sections if s.anchor != "impact"] == list(SECTIONS)
            kinds = [e.kind for e in rule.examples(lang)]
            assert kinds.count("compliant") >= 2 and kinds.count("non-compliant") >= 2, (rule.id, lang)


def test_rule_api(catalog: rulebase.Catalog) -> None:
    rule = catalog["aws-ec2-default-security-group-restricts-all-traffic"]
    assert rule.severity == "high" and rule.kind == "posture" and rule.platform == "aws"
    assert rule.frameworks["aws-security-hub"] == ("EC2.2",)
    assert rule.frameworks["cis-aws-foundations-v3.0.0"] == ("5.4",)
    assert "デフォルト" in rule.title("ja")
    assert rule.title("fr") != rule.title("en")
    assert catalog["rx9-tkr-e6b"] is rule
    assert "cfd-f0b-f05" in catalog and catalog["cfd-f0b-f05"].id == "aws-ec2-security-group-egress-all-ports"
    assert catalog.get("no-such-rule") is None
    with pytest.raises(KeyError):
        catalog["no-such-rule"]


def test_examples_carry_their_file_lines(catalog: rulebase.Catalog) -> None:
    """An example's location is the line of its first code line in the Markdown file."""
    for rule in catalog:
        for lang in LANGUAGES:
            lines = Path(rule.pages[lang].path).read_text(encoding="utf-8").splitlines()
            for example in rule.examples(lang):
                fence = lines[example.location.line - 2]
                assert fence.startswith("```" + example.syntax), (example.name, fence)
                assert lines[example.location.line - 1] == example.code.splitlines()[0]
                if example.kind == "non-compliant":
                    assert 'hl_lines="' in fence and example.expected_lines


def test_editing_english_makes_translations_stale(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    en = tmp_path / "rules" / "aws-ec2-security-group-egress-all-ports" / "en.md"
    text = en.read_text(encoding="utf-8")
    marker = "## Rationale {#rationale}\n\n"
    en.write_text(text.replace(marker, marker + "One more sentence. "), encoding="utf-8")
    rule = load_catalog(tmp_path / "rules")["aws-ec2-security-group-egress-all-ports"]
    assert [rule.translation_status(lang) for lang in LANGUAGES] == ["ok", "stale", "stale"]


def test_front_matter_of_shipped_rules_validates_against_the_schema(catalog: rulebase.Catalog) -> None:
    from rulebase.catalog import read_page

    validator = Draft202012Validator(load_schema("rule.schema.json"))
    for rule in catalog:
        page, problems = read_page(Path(rule.pages["en"].path))
        assert page is not None and not problems
        assert list(validator.iter_errors(json.loads(json.dumps(page.metadata)))) == []


def test_schemas_are_valid_json_schemas() -> None:
    for name in ("rule.schema.json", "translation.schema.json", "catalog.schema.json"):
        Draft202012Validator.check_schema(load_schema(name))


def test_import_is_light() -> None:
    """`import rulebase` must not pull in the parsers: they load on first use."""
    code = "import sys, rulebase; print(sorted(m for m in ('yaml', 'markdown_it', 'jsonschema', 'frontmatter') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert out.stdout.strip() == "[]"


def test_wheel_ships_the_whole_catalog(tmp_path: Path) -> None:
    """A non-editable install, imported from another directory, has every rule file."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(wheels), str(ROOT)], check=True, capture_output=True)
    target = tmp_path / "site"
    wheel = next(wheels.glob("rulebase-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import rulebase;"
        "c = rulebase.load_catalog(strict=True);"
        "print(rulebase.__file__.startswith(sys.argv[1]), len(c), sum(len(r.languages) for r in c),"
        " c['rx9-tkr-e6b'].title('ja'))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    expected_title = load_catalog()["rx9-tkr-e6b"].title("ja")
    shipped = load_catalog()
    languages = sum(len(rule.languages) for rule in shipped)
    assert out.stdout.strip() == f"True {len(shipped)} {languages} {expected_title}"
    _assert_wheel_contents(wheel, shipped)


def _assert_wheel_contents(wheel: Path, shipped: Catalog) -> None:
    """The wheel's metadata names every extra of pyproject.toml with its pins, and every file a tool needs ships."""
    import tomllib
    import zipfile
    from email.parser import Parser

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(metadata_name).decode("utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert metadata["Version"] == rulebase.__version__
    assert sorted(metadata.get_all("Provides-Extra")) == sorted(project["optional-dependencies"])
    requires = [r.replace(" ", "") for r in metadata.get_all("Requires-Dist")]
    for extra, pins in project["optional-dependencies"].items():
        for pin in pins:
            assert f'{pin};extra=="{extra}"'.replace(" ", "") in requires, (extra, pin)
    for pin in project["dependencies"]:
        assert pin.replace(" ", "") in requires
    rules_root = shipped.root
    checks = {f"rulebase/_rules/{Path(check.path).resolve().relative_to(rules_root.resolve()).as_posix()}"
              for check in shipped.checks.values()}
    assert len(checks) == len(shipped) and checks <= names, sorted(checks - names)
    pages = {f"rulebase/_rules/{Path(page.path).resolve().relative_to(rules_root.resolve()).as_posix()}"
             for rule in shipped for page in rule.pages.values()}
    assert pages <= names, sorted(pages - names)
    assert {"rulebase/_rules/vocabulary.yaml", "rulebase/py.typed", "rulebase/schema/rule.schema.json",
            "rulebase/schema/translation.schema.json", "rulebase/schema/catalog.schema.json",
            *(f"rulebase/locale/{lang}.yaml" for lang in ("en", "fr", "ja"))} <= names


@pytest.mark.parametrize("case", [None, "duplicate-alias", "duplicate-id", "orphan-check"])
def test_catalog_read_in_parallel_is_the_catalog_read_in_one_process(
        case: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """`jobs` > 1 (the site build's load) gives the same rules, parsed pages and problems, in the same order."""
    import rulebase.catalog

    monkeypatch.chdir(FIXTURES / case if case else ROOT)
    monkeypatch.setattr(rulebase.catalog, "PARALLEL_MIN_FOLDERS", 2)  # these catalogs are below the real bound
    one, parallel = read_catalog("rules"), read_catalog("rules", jobs=2)
    assert list(parallel) == list(one) and parallel.problems == one.problems
    assert bool(one.problems) == bool(case)
    assert sorted(parallel.checks) == sorted(one.checks)
    for rule in parallel:
        for lang, page in rule.pages.items():
            assert "_parsed" in page.__dict__  # parsed in a worker, not again here
            assert page.__dict__["_parsed"] == one[rule.id].pages[lang]._parsed
