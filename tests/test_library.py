"""The library as a tool builder uses it: rule URLs, selecting rules, the schemas, the version."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

import rulebase
from rulebase.cli import main
from rulebase.model import LANGUAGES, SEVERITIES, SITE_URL

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SG = "aws-ec2-default-security-group-restricts-all-traffic"


class _MkDocsLoader(yaml.SafeLoader):
    """mkdocs.yml's `!ENV [NAME, default]` read as its default."""


_MkDocsLoader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])
_MkDocsLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def test_the_site_url_is_the_one_of_mkdocs_yml() -> None:
    """mkdocs.yml is where the site's address is set; the package keeps a copy (it ships without mkdocs.yml), and
    the build passes it back per language (generator/build.py: RULEBASE_SITE_URL)."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_MkDocsLoader)
    assert config["site_url"] == f"{SITE_URL}/en/"


def test_rule_url_in_each_language_and_in_the_export(capsys: pytest.CaptureFixture[str]) -> None:
    catalog = rulebase.load_catalog()
    rule = catalog[DEFAULT_SG]
    assert rule.url("fr") == f"{SITE_URL}/fr/rules/{DEFAULT_SG}/"
    with pytest.raises(ValueError):
        rule.url("de")
    assert main(["export", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    Draft202012Validator(rulebase.schema("catalog")).validate(document)
    exported = {r["id"]: r["url"] for r in document["rules"]}
    assert exported == {r.id: {lang: r.url(lang) for lang in LANGUAGES} for r in catalog}


def test_select_by_minimum_severity_kind_framework_and_control() -> None:
    catalog = rulebase.load_catalog()
    high = catalog.select(severity="high")
    assert [r.id for r in high] == [r.id for r in catalog if SEVERITIES.index(r.severity) >= SEVERITIES.index("high")]
    assert high and all(r.severity in ("high", "critical") for r in high)
    assert [r.id for r in catalog.select(kind="posture")] == [r.id for r in catalog if r.kind == "posture"]
    assert DEFAULT_SG in [r.id for r in catalog.select(framework="aws-security-hub", control="EC2.2")]
    assert [r.id for r in catalog.select(control="EC2.2")] == [
        r.id for r in catalog if any("EC2.2" in ids for ids in r.frameworks.values())]
    assert catalog.select(framework="aws-security-hub", control="no-such-control") == []
    assert catalog.select(kind="iac", severity="critical") == [
        r for r in catalog if r.kind == "iac" and r.severity == "critical"]
    with pytest.raises(ValueError):
        catalog.select(severity="severe")


def test_schemas_are_reachable_by_name() -> None:
    rule_schema = rulebase.schema("rule")
    assert rule_schema["$id"].endswith("/rule.schema.json")
    rule_schema["title"] = "changed"  # a copy: the loader's own schema is untouched
    assert rulebase.schema("rule")["title"] != "changed"
    assert {name: rulebase.schema(name)["$id"].rsplit("/", 1)[1] for name in ("rule", "translation", "catalog")} == {
        "rule": "rule.schema.json", "translation": "translation.schema.json", "catalog": "catalog.schema.json"}
    with pytest.raises(ValueError):
        rulebase.schema("../pyproject")


def test_the_version_is_the_newest_release_of_the_changelog(capsys: pytest.CaptureFixture[str]) -> None:
    releases = re.findall(r"^## (\d+\.\d+\.\d+\S*)$", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.MULTILINE)
    assert releases and releases[0] == rulebase.__version__
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert (exit_.value.code, capsys.readouterr().out) == (0, f"rulebase {releases[0]}\n")


def test_scan_text_is_public() -> None:
    template = (ROOT / "tests" / "fixtures" / "good.yaml").read_text(encoding="utf-8")
    result = rulebase.scan_text(template, "template.yaml")
    assert [(f.location.path, f.location.line) for f in result.findings] == [("template.yaml", 9)]
    assert "scan_text" in rulebase.__all__ and "schema" in rulebase.__all__
