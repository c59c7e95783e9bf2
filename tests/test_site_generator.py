"""The site generator's plain functions, without MkDocs: rule pages, notices, the index, redirects, nav."""

from __future__ import annotations

import dataclasses
import datetime
import subprocess
import json
import re
from html import escape, unescape
import shutil
from pathlib import Path

import pytest

from generator.build import Options, build_environment
from generator.frameworks import control_anchor, controls, controls_order, framework_keys, framework_markdown
from generator.related import MAX_RELATED, link_rule_ids, related_rules, related_section
from generator.history import History, localized_date, read_history
from generator.search import extra_terms, with_extra_terms
from generator.groups import NAV_RULES_MAX, group_markdown, neighbours, rule_groups
from generator.i18n import LABELS, count_label, framework_name
from generator.index_page import fold, index_markdown
from generator.redirects import dest_path, redirect_map, redirect_problems
from generator.rule_page import escape_markdown, mark_text_language, rule_file_path, rule_markdown, translation_notice
from rulebase.model import rule_url
from generator.site import generated_pages, page_problems, root_redirect, site_nav, split_for_search
from rulebase.catalog import Catalog, load_catalog
from rulebase.model import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SG = "aws-ec2-default-security-group-restricts-all-traffic"
ALL_PORTS = "aws-ec2-security-group-egress-all-ports"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(ROOT / "rules")


@pytest.fixture(scope="module")
def partial(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """A catalog made from real rule files: one rule in English only, one whose English page changed."""
    root = tmp_path_factory.mktemp("rules")
    english_only = root / DEFAULT_SG
    english_only.mkdir()
    shutil.copy(ROOT / "rules" / DEFAULT_SG / "en.md", english_only / "en.md")
    shutil.copy(ROOT / "rules" / DEFAULT_SG / "check.py", english_only / "check.py")
    changed = root / ALL_PORTS
    shutil.copytree(ROOT / "rules" / ALL_PORTS, changed)
    (changed / "ja.md").unlink()
    en = changed / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("## Rationale {#rationale}",
                                                         "A sentence added later.\n\n## Rationale {#rationale}"),
                  encoding="utf-8")
    return load_catalog(root)


def page(catalog: Catalog, rule_id: str, lang: str) -> str:
    rule = catalog[rule_id]
    return rule_markdown(rule, lang, file_path=rule_file_path(rule, lang, catalog.root))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_rule_page_has_title_panel_sections_in_order_and_metadata(catalog: Catalog, lang: str) -> None:
    rule = catalog[DEFAULT_SG]
    markdown = page(catalog, DEFAULT_SG, lang)
    assert markdown.startswith("---\ntitle: ")
    assert f"\n# {escape_markdown(rule.title(lang))}\n" in markdown
    headings = re.findall(r"^## (.+)$", markdown, flags=re.MULTILINE)
    expected = [f"{s.heading} {{#{s.anchor}}}" for s in rule.page(lang).sections]
    assert headings == [*expected, f"{LABELS[lang]['run_heading']} {{#run}}",
                        f"{LABELS[lang]['metadata_heading']} {{#metadata}}"]
    assert '<span class="rb-badge rb-severity-high" data-severity="high">' in markdown
    assert f"https://github.com/rulebase/rulebase/blob/main/rules/{DEFAULT_SG}/{lang}.md" in markdown
    assert "<code>rx9-tkr-e6b</code>" in markdown
    assert (f'CIS AWS Foundations v3.0.0</a>{LABELS[lang]["colon"]}'
            '<a href="../../frameworks/cis-aws-foundations-v3.0.0/#control-5-4">'
            "<code>5.4</code></a>") in markdown
    assert "!!! warning" not in markdown


def test_rule_page_keeps_every_example_fence_with_its_hl_lines(catalog: Catalog) -> None:
    for rule in catalog:
        for lang in LANGUAGES:
            markdown = page(catalog, rule.id, lang)
            for example in rule.examples(lang):
                assert example.code in markdown
            hl_lines = re.findall(r'^```(?:yaml|json) hl_lines="([^"]+)"$', markdown, flags=re.MULTILINE)
            expected = [e for e in rule.examples(lang) if e.kind == "non-compliant"]
            assert len(hl_lines) == len(expected), (rule.id, lang)


def test_rule_page_metadata_block_is_the_rules_json(catalog: Catalog) -> None:
    rule = catalog[DEFAULT_SG]
    markdown = page(catalog, DEFAULT_SG, "fr")
    block = markdown.split('<details class="abstract rb-json" data-search-exclude="true"><summary>JSON</summary>', 1)[1]
    text = re.search(r'<pre class="rb-code"><code>(.*?)</code></pre>', block, flags=re.DOTALL).group(1)
    assert json.loads(unescape(text)) == rule.to_dict()


def test_posture_and_iac_pages_show_the_command_that_runs_only_this_rule(catalog: Catalog) -> None:
    posture = ('<pre class="rb-code"><code>aws ec2 describe-security-groups --output json &gt; security-groups.json\n'
               f"rulebase scan security-groups.json --rule {DEFAULT_SG} --lang ja</code></pre>")
    assert posture in page(catalog, DEFAULT_SG, "ja")
    iac = "cloudformation-aws-security-group-egress-with-port-range"
    assert f'<pre class="rb-code"><code>rulebase scan templates/ --rule {iac}</code></pre>' in page(catalog, iac, "en")


def test_missing_translation_shows_english_with_a_notice(partial: Catalog) -> None:
    rule = partial[DEFAULT_SG]
    assert rule.translation_status("fr") == "missing"
    markdown = page(partial, DEFAULT_SG, "fr")
    assert markdown.count("!!! warning") == 1
    assert f'!!! warning "{LABELS["fr"]["missing_title"]}"' in markdown
    assert "[Traduire cette règle](../contributing.md#translate)" in markdown
    assert "## Rationale {#rationale}" in markdown  # the English text
    assert f"blob/main/rules/{DEFAULT_SG}/en.md" in markdown  # the file shown is en.md
    assert "# VPC default security group does not restrict all traffic" in markdown


def test_stale_translation_keeps_its_text_with_a_notice_and_a_link_to_english(partial: Catalog) -> None:
    rule = partial[ALL_PORTS]
    assert (rule.translation_status("fr"), rule.translation_status("ja")) == ("stale", "missing")
    notice = translation_notice(rule, "fr")
    assert notice == (f'!!! warning "{LABELS["fr"]["stale_title"]}"\n\n    {LABELS["fr"]["stale"]} '
                      f"[Lire la page anglaise](../../../en/rules/{ALL_PORTS}/) · "
                      "[Mettre à jour la traduction](../contributing.md#translate)")
    markdown = page(partial, ALL_PORTS, "fr")
    assert notice in markdown and f"# {escape_markdown(rule.title('fr'))}" in markdown
    assert f"blob/main/rules/{ALL_PORTS}/fr.md" in markdown
    assert translation_notice(rule, "en") == ""
    assert LABELS["ja"]["missing"] in translation_notice(rule, "ja")


def test_rule_file_path_keeps_grouping_folders(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "rules" / DEFAULT_SG, tmp_path / "aws" / "ec2" / DEFAULT_SG)
    grouped = load_catalog(tmp_path)
    assert rule_file_path(grouped[DEFAULT_SG], "ja", grouped.root) == f"rules/aws/ec2/{DEFAULT_SG}/ja.md"


def test_titles_are_plain_text_in_markdown() -> None:
    assert escape_markdown("Use `*` and <b> & [x] {#y}") == r"Use \`\*\` and &lt;b&gt; &amp; \[x\] \{\#y\}"


def test_rule_url_is_what_sarif_help_uri_gives() -> None:
    assert rule_url(DEFAULT_SG, "fr") == f"https://rulebase.dev/fr/rules/{DEFAULT_SG}/"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_index_lists_every_rule_with_its_filter_values(catalog: Catalog, lang: str) -> None:
    markdown = index_markdown(catalog, lang)
    rows = re.findall(r'<tr data-rule="([^"]+)" data-severity="([^"]+)" data-kind="([^"]+)" '
                      r'data-platform="([^"]+)" data-category="([^"]+)" data-frameworks="([^"]*)"', markdown)
    assert sorted(rows) == sorted(
        (r.id, r.severity, r.kind, r.platform, r.category, escape(json.dumps(
            [v for k, ids in r.frameworks.items() for v in (k, *(f"{k}:{c}" for c in ids))], ensure_ascii=False)))
        for r in catalog
    )
    for rule in catalog:
        assert f'<a href="{rule.id}/">' in markdown
    assert '<a href="catalog.json" download>JSON</a>' in markdown
    assert '<a href="catalog.csv" download>CSV</a>' in markdown
    severities = [rule.severity for rule in catalog]
    for severity in set(severities):
        label = LABELS[lang][f"severity.{severity}"]
        assert f'<option value="{severity}">{label} ({severities.count(severity)})</option>' in markdown
    assert count_label(lang, "shown", shown=len(catalog), total=len(catalog)) in markdown


def test_index_free_text_is_folded_like_the_javascript_folds_queries() -> None:
    assert fold("Règle SÉCURITÉ") == "regle securite"
    assert fold("ＡＷＳ セキュリティグループ") == fold("aws セキュリティグループ")
    script = (ROOT / "generator" / "assets" / "rulebase.js").read_text(encoding="utf-8")
    assert 'normalize("NFKD").replace(/[\\u0300-\\u036f]/g, "").toLowerCase()' in script


def test_redirect_map_sends_earlier_ids_and_aliases_to_the_rule(catalog: Catalog) -> None:
    redirects = redirect_map(catalog)
    assert redirects["rules/rx9-tkr-e6b.md"] == f"rules/{DEFAULT_SG}.md"
    assert redirects["rx9-tkr-e6b.md"] == f"rules/{DEFAULT_SG}.md"
    assert redirects["security_monitoring/default_rules/cfd-f0b-f05.md"] == f"rules/{ALL_PORTS}.md"
    assert redirects["security_monitoring/default_rules/security_group_egress.md"] == f"rules/{ALL_PORTS}.md"
    assert redirects["rules/cfd-f0b-f05.md"] == f"rules/{ALL_PORTS}.md"
    expected = {f"rules/{legacy}.md" for rule in catalog for legacy in rule.legacy_ids}
    expected |= {f"{alias}.md" for rule in catalog for alias in rule.aliases}
    assert set(redirects) == expected


def test_redirect_outside_the_site_or_onto_a_page_is_refused_at_its_line(catalog: Catalog) -> None:
    """Whatever the schema lets through, no redirect file lands outside the language folder or onto a page."""
    assert dest_path("rules/x.md") == "rules/x/index.html"
    assert dest_path("rules/index.md") == "rules/index.html"
    assert dest_path("index.md") == "index.html"
    rule = dataclasses.replace(catalog[DEFAULT_SG], legacy_ids=("..", "index", "ok-id"), aliases=(
        "../../../../tmp/x", "../fr/rules/index", "a/./b", "rules", f"rules/{ALL_PORTS}", "old/page"))
    en = rule.pages["en"].path
    pages = ["index.html", "rules/index.html", f"rules/{ALL_PORTS}/index.html"]
    assert [p.format() for p in redirect_problems([rule], pages)] == [
        f"{en}:{rule.field_lines['legacy_ids']}: legacy_ids '..' would write 'rules/../index.html', outside the "
        "rule's place in the site (a path with /, . or .. segments)",
        f"{en}:{rule.field_lines['legacy_ids']}: legacy_ids 'index' would overwrite the page 'rules/index.html'",
        f"{en}:{rule.field_lines['aliases']}: aliases '../../../../tmp/x' would write '../../../../tmp/x/index.html', "
        "outside the rule's place in the site (a path with /, . or .. segments)",
        f"{en}:{rule.field_lines['aliases']}: aliases '../fr/rules/index' would write '../fr/rules/index.html', "
        "outside the rule's place in the site (a path with /, . or .. segments)",
        f"{en}:{rule.field_lines['aliases']}: aliases 'a/./b' would write 'a/./b/index.html', "
        "outside the rule's place in the site (a path with /, . or .. segments)",
        f"{en}:{rule.field_lines['aliases']}: aliases 'rules' would overwrite the page 'rules/index.html'",
        f"{en}:{rule.field_lines['aliases']}: aliases 'rules/{ALL_PORTS}' would overwrite the page "
        f"'rules/{ALL_PORTS}/index.html'",
    ]
    assert redirect_problems(catalog, pages) == []


def test_generated_pages_are_the_index_the_groups_and_one_page_per_rule(catalog: Catalog) -> None:
    pages = generated_pages(catalog, "ja")
    rules = [f"rules/{rule.id}.md" for rule in catalog]
    groups = sorted({f"catalog/{rule.platform}-{rule.kind}/index.md" for rule in catalog})
    assert sorted(p for p in pages if not p.startswith("frameworks/")) == sorted(["rules/index.md", *groups, *rules])


def test_groups_are_kind_and_platform_with_rules_by_title(catalog: Catalog) -> None:
    groups = rule_groups(catalog, "fr")
    assert [(g.key, g.title, g.uri) for g in groups] == [
        ("cloudformation-iac", "CloudFormation (IaC)", "catalog/cloudformation-iac/index.md"),
        ("aws-posture", "Compte AWS (posture)", "catalog/aws-posture/index.md"),
    ]
    assert sorted(r.id for g in groups for r in g.rules) == sorted(catalog.ids)
    for group in groups:
        assert {(r.kind, r.platform) for r in group.rules} == {(group.rules[0].kind, group.rules[0].platform)}
        titles = [fold(r.title("fr")) for r in group.rules]
        assert titles == sorted(titles)


def test_previous_and_next_stay_within_a_group(catalog: Catalog) -> None:
    groups = rule_groups(catalog, "en")
    around = neighbours(groups)
    assert len(around) == len(catalog)
    for group in groups:
        uris = [f"rules/{r.id}.md" for r in group.rules]
        assert around[uris[0]] == (group.uri, group.uri, uris[1])
        assert around[uris[-1]] == (group.uri, uris[-2], None)
        for before, uri, after in zip(uris, uris[1:], uris[2:]):
            assert around[uri] == (group.uri, before, after)


def test_group_page_lists_its_rules_in_order_with_escaped_titles(catalog: Catalog) -> None:
    group = rule_groups(catalog, "ja")[1]
    markdown = group_markdown(group, "ja")
    assert re.findall(r'<li><a href="../../rules/([^/]+)/">', markdown) == [r.id for r in group.rules]
    assert f"# {group.title}" in markdown
    hostile = rule_groups(load_catalog(ROOT / "tests" / "fixtures" / "hostile-catalog"), "en")[0]
    assert "<script>" not in group_markdown(hostile, "en") and "&lt;script&gt;" in group_markdown(hostile, "en")


def test_nav_is_localised_and_groups_the_rules(catalog: Catalog) -> None:
    groups = rule_groups(catalog, "fr")
    sections = [{g.title: [g.uri, *(f"rules/{r.id}.md" for r in g.rules)]} for g in groups]
    assert site_nav("fr", ["guides/b.md", "guides/a.md"], groups, with_rules=True) == [
        "index.md", {"Règles": ["rules/index.md", *sections]}, {"Guides": ["guides/a.md", "guides/b.md"]},
        "ci.md", "contributing.md", "performance.md",
    ]
    # a large catalog: the group pages only, each listing its rules (the nav's size stays small)
    assert site_nav("ja", [], rule_groups(catalog, "ja"), with_rules=False) == [
        "index.md", {"ルール": ["rules/index.md", *({g.title: [g.uri]} for g in rule_groups(catalog, "ja"))]},
        "ci.md", "contributing.md", "performance.md",
    ]
    assert len(catalog) <= NAV_RULES_MAX  # the real catalog has every rule in its nav


def test_search_reads_the_words_of_a_page_not_its_examples() -> None:
    html = ('<h2 id="a">A</h2>\n<p>Revoke it.</p>\n'
            '<div class="language-bash highlight"><pre><span></span><code><span id="__span-0-1">aws<span class="w"> '
            '</span>ec2 revoke-security-group-ingress &amp;&amp; done\n</span></code></pre></div>\n'
            '<div class="language-json highlight"><pre><span></span><code><span id="__span-1-1"><span class="hll">'
            '<span class="p">{}</span>\n</span></span></code></pre></div>\n'
            '<details class="abstract rb-json" data-search-exclude="true"><summary>JSON</summary>'
            "</details>")
    shown, searched = split_for_search(html)
    assert shown == html.replace(' data-search-exclude="true"', "")
    assert searched == ('<h2 id="a">A</h2>\n<p>Revoke it.</p>\n'
                        "<pre><code>aws ec2 revoke-security-group-ingress &amp;&amp; done\n</code></pre>\n\n"
                        '<details class="abstract rb-json" data-search-exclude="true"><summary>JSON</summary>'
                        "</details>")


def test_root_page_sends_visitors_to_english() -> None:
    html = root_redirect()
    assert '<meta http-equiv="refresh" content="0; url=en/">' in html
    assert '<link rel="canonical" href="en/">' in html


def test_each_build_gets_its_language_through_the_environment(tmp_path: Path) -> None:
    options = Options(tmp_path / "mkdocs.yml", tmp_path / "site", tmp_path / "docs", tmp_path / "rules", True, False)
    assert build_environment("ja", options) == {
        "RULEBASE_LANG": "ja",
        "RULEBASE_DOCS_DIR": str(tmp_path / "docs" / "ja"),
        "RULEBASE_SITE_DIR": str(tmp_path / "site" / "ja"),
        "RULEBASE_SITE_URL": "https://rulebase.dev/ja/",
        "RULEBASE_EDIT_URI": "edit/main/docs/ja/",
        "RULEBASE_RULES_DIR": str(tmp_path / "rules"),
    }


def test_framework_names() -> None:
    assert framework_name("cis-aws-foundations-v3.0.0") == "CIS AWS Foundations v3.0.0"
    assert framework_name("aws-security-hub") == "AWS Security Hub"
    assert framework_name("some-new-framework") == "some-new-framework"


def test_framework_controls_in_natural_order_with_their_rules(catalog: Catalog) -> None:
    rows = controls("aws-security-hub", catalog)
    expected = sorted({c for r in catalog for c in r.frameworks.get("aws-security-hub", ())}, key=controls_order)
    assert [c.id for c in rows] == expected
    assert controls_order("EC2.2") < controls_order("EC2.13") < controls_order("EC2.19")
    for control in rows:
        assert [r.id for r in control.rules] == sorted(
            r.id for r in catalog if control.id in r.frameworks.get("aws-security-hub", ()))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_framework_page_puts_iac_and_posture_side_by_side(catalog: Catalog, lang: str) -> None:
    for key in framework_keys(catalog.vocabulary, catalog):
        markdown = framework_markdown(key, catalog, lang, catalog.vocabulary)
        assert f"# {catalog.vocabulary.frameworks[key].name(lang)}" in markdown
        for control in controls(key, catalog):
            row = re.search(f'<tr id="{control.anchor}" data-control="{re.escape(control.id)}">(.*?)</tr>', markdown)
            assert row is not None, (key, control.id)
            for kind in ("iac", "posture"):
                cell = re.search(f'<td data-kind="{kind}">(.*?)</td>', row[1])
                assert cell is not None
                assert re.findall(r'href="../../rules/([^/]+)/"', cell[1]) == [
                    r.id for r in control.rules if r.kind == kind]
    assert set(framework_keys(catalog.vocabulary, catalog)) >= {k for r in catalog for k in r.frameworks}


def test_unsafe_framework_key_stops_the_build(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("__pycache__"))
    vocabulary = rules / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace(
        "frameworks:\n", "frameworks:\n  ../../escape:\n    name: {en: x}\n", 1), encoding="utf-8")
    loaded = load_catalog(rules)
    assert "../../escape" not in framework_keys(loaded.vocabulary, loaded)
    assert [p.message for p in page_problems(loaded)] == [
        "framework key '../../escape' cannot name a page (lower-case letters, digits, '.', '-' and '_' only)"]


def test_metadata_panel_links_each_framework_and_control(catalog: Catalog) -> None:
    rule = catalog[DEFAULT_SG]
    markdown = rule_markdown(rule, "fr", file_path="x", vocabulary=catalog.vocabulary)
    for key, ids in rule.frameworks.items():
        assert f'<a href="../../frameworks/{key}/">{catalog.vocabulary.frameworks[key].name("fr")}</a>' in markdown
        for control in ids:
            assert f'<a href="../../frameworks/{key}/#{control_anchor(control)}"><code>{control}</code></a>' in markdown


def test_index_framework_filter_offers_each_control(catalog: Catalog) -> None:
    markdown = index_markdown(catalog, "en")
    for key in {k for r in catalog for k in r.frameworks}:
        assert f'<option value="{key}" data-page="../frameworks/{key}/">' in markdown
        for control in {c for r in catalog for c in r.frameworks.get(key, ())}:
            assert f'<option value="{key}:{control}" data-page="../frameworks/{key}/#{control_anchor(control)}">' \
                in markdown


def test_related_rules_share_a_control_or_a_resource_type_controls_first(catalog: Catalog) -> None:
    related = related_rules(catalog)
    for rule in catalog:
        controls = {(k, c) for k, ids in rule.frameworks.items() for c in ids}
        same_control = {r.id for r in catalog if r.id != rule.id
                        and controls & {(k, c) for k, ids in r.frameworks.items() for c in ids}}
        same_type = {r.id for r in catalog if r.id != rule.id and set(r.resource_types) & set(rule.resource_types)}
        listed = [item.rule.id for item in related[rule.id]]
        assert len(listed) == min(MAX_RELATED, len(same_control | same_type))
        assert set(listed) <= same_control | same_type
        assert listed[:len(same_control)] == [i for i in listed if i in same_control]  # controls first
        if len(same_control) <= MAX_RELATED:
            assert same_control <= set(listed)
    counterpart = "cloudformation-aws-security-group-ingress-admin-ports-open-to-world"
    first = related["aws-ec2-security-group-ingress-admin-ports-open-to-world"][0]
    assert first.rule.id == counterpart and ("aws-security-hub", "EC2.13") in first.controls


def test_related_section_links_each_rule_and_says_why(catalog: Catalog) -> None:
    related = related_rules(catalog)[DEFAULT_SG]
    section = related_section(related, "ja", {"aws-security-hub": "AWS Security Hub"})
    assert section.startswith(f"## {LABELS['ja']['related_heading']} {{#related}}")
    assert re.findall(r'<li><a href="../([^/]+)/">', section) == [item.rule.id for item in related]
    assert related_section([], "en", {}) == ""


def test_rule_ids_in_prose_become_links_but_not_in_code_blocks_or_links() -> None:
    ids = {DEFAULT_SG, ALL_PORTS}
    html = (f"<p>See <code>{ALL_PORTS}</code> and <code>{DEFAULT_SG}</code>, <code>not-a-rule</code>.</p>"
            f'<pre><code>{ALL_PORTS}</code></pre><a href="x"><code>{ALL_PORTS}</code></a>')
    assert link_rule_ids(html, ids, f"rules/{DEFAULT_SG}/", current=DEFAULT_SG) == (
        f'<p>See <a href="../{ALL_PORTS}/" class="rb-rule-link"><code>{ALL_PORTS}</code></a> and '
        f"<code>{DEFAULT_SG}</code>, <code>not-a-rule</code>.</p>"
        f'<pre><code>{ALL_PORTS}</code></pre><a href="x"><code>{ALL_PORTS}</code></a>')
    assert f'<a href="../../rules/{ALL_PORTS}/"' in link_rule_ids(html, ids, "guides/close/")
    assert f'<a href="rules/{ALL_PORTS}/"' in link_rule_ids(html, ids, "")


def test_search_terms_fold_accents_and_name_ipprotocol_minus_one() -> None:
    assert extra_terms("Le groupe par défaut, sécurité et Sécurité", "fr") == ["defaut", "securite"]
    assert extra_terms("デフォルトのセキュリティグループ", "ja") == []  # no Latin accents; no ASCII change
    assert extra_terms("rules whose IpProtocol is -1 (every protocol)", "en") == ["ipprotocolall"]
    assert extra_terms('"IpProtocol": "-1"', "en") == ["ipprotocolall"]
    assert extra_terms("IpProtocol is tcp, FromPort -1", "en") == ["ipprotocolall"]  # same sentence: kept
    assert extra_terms("IpProtocol is tcp. Port 1", "en") == []
    html = '<h1 id="t">Défaut</h1>\n<p>a</p>\n<h2 id="b">B</h2>\n<p>é</p>'
    assert with_extra_terms(html, "fr") == ('<h1 id="t">Défaut</h1>\n<p>a</p>\n'
                                           '\n<p class="rb-search-terms">defaut</p>\n'
                                           '<h2 id="b">B</h2>\n<p>é</p>\n<p class="rb-search-terms">e</p>\n')


def git(root: Path, *args: str, when: str = "2025-01-02T03:04:05+00:00") -> None:
    env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x", "PATH": "/usr/bin:/bin", "HOME": str(root)}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_history_gives_the_last_change_and_the_release_that_added_each_rule(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    for name in ("first", "group/second"):
        (rules / name).mkdir(parents=True)
        (rules / name / "en.md").write_text("x\n", encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "rules/first")
    git(tmp_path, "commit", "-qm", "first", when="2025-01-02T03:04:05+00:00")
    git(tmp_path, "tag", "v0.1.0")
    (rules / "first" / "check.py").write_text("y\n", encoding="utf-8")
    git(tmp_path, "add", "rules")
    git(tmp_path, "commit", "-qm", "second", when="2026-03-04T05:06:07+00:00")
    git(tmp_path, "tag", "v0.2.0")
    git(tmp_path, "commit", "-qm", "docs", "--allow-empty", when="2026-05-06T00:00:00+00:00")
    history = read_history(rules, "0.3.0")
    assert history["first"] == History(datetime.date(2026, 3, 4), "0.1.0")
    assert history["group/second"] == History(datetime.date(2026, 3, 4), "0.2.0")
    assert read_history(tmp_path / "elsewhere", "0.3.0") == {}
    outside = tmp_path.parent / "not-a-repo"
    outside.mkdir()
    assert read_history(outside, "0.3.0") == {}


def test_dates_are_written_out_in_each_language() -> None:
    day = datetime.date(2026, 12, 1)
    assert [localized_date(day, lang) for lang in LANGUAGES] == ["December 1, 2026", "1 décembre 2026", "2026年12月1日"]


def test_fallback_text_is_marked_as_english_between_the_panel_and_the_related_rules() -> None:
    html = '<h1 lang="en">T</h1><table class="rb-meta"></table>\n<h2 id="description">D</h2><p>x</p>\n<h2 id="related">R</h2>'
    assert mark_text_language(html, "en") == (
        '<h1 lang="en">T</h1><table class="rb-meta"></table>\n<div lang="en">\n<h2 id="description">D</h2><p>x</p>\n'
        '</div>\n<h2 id="related">R</h2>')
    assert mark_text_language("<p>no sections</p>", "en") == "<p>no sections</p>"


def test_memoized_pygments_stylesheets_highlight_the_same() -> None:
    from pygments import highlight
    from pygments.formatters.html import HtmlFormatter
    from pygments.lexers import JsonLexer

    from generator.speedups import memoize_pygments_stylesheets

    code = '{"IpProtocol": "-1", "FromPort": 22}\n'
    before = [highlight(code, JsonLexer(), HtmlFormatter(style=style)) for style in ("default", "monokai")]
    memoize_pygments_stylesheets()
    memoize_pygments_stylesheets()
    after = [highlight(code, JsonLexer(), HtmlFormatter(style=style)) for style in ("default", "monokai")] * 2
    assert after == before * 2
