"""The site's own words in French and Japanese: the glossary's terms, labels that agree in gender and number,
metadata values in the page's language, and French typography on the rendered pages."""

from __future__ import annotations

import copy
import re
from html import unescape
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from generator.frameworks import framework_markdown
from generator.i18n import LABELS, NOTICE_LINKS, count_label
from generator.index_page import index_markdown
from generator.rule_page import rule_file_path, rule_markdown
from rulebase.catalog import load_catalog
from rulebase.glossary import Glossary, check_text, read_glossaries
from rulebase.messages import translate
from rulebase.model import LANGUAGES
from site_support import ROOT, RULES, built_site, serve

CATALOG = load_catalog(RULES)
I18N = ROOT / "generator" / "i18n.py"
DEFAULT_SG = "aws-ec2-default-security-group-restricts-all-traffic"
NBSP, NNBSP = "\u00a0", "\u202f"


# The glossary over the site's own words ------------------------------------------------------------------------

def label_lines() -> dict[tuple[str, str], int]:
    """Return the line of each `"key": ` in generator/i18n.py, by (language, key), for the messages."""
    lines: dict[tuple[str, str], int] = {}
    lang = ""
    for number, line in enumerate(I18N.read_text(encoding="utf-8").splitlines(), 1):
        if opening := re.match(r'\s{4}"(\w\w)": \{', line):
            lang = opening[1]
        elif key := re.match(r'\s{8}"([\w.]+)": ', line):
            lines.setdefault((lang, key[1]), number)
    return lines


def ui_findings(labels: dict[str, dict[str, str]], notices: dict[str, dict[str, str]],
                glossaries: dict[str, Glossary]) -> list[str]:
    """Return the glossary's findings on the site's French and Japanese words, as `rulebase verify` prints them."""
    lines = label_lines()
    found = []
    for lang, glossary in sorted(glossaries.items()):
        texts = [*labels[lang].items(), *((f"notice.{key}", text) for key, text in notices[lang].items())]
        for key, text in texts:
            line = lines.get((lang, key.removeprefix("notice.")), 0)
            found += [problem.format() for problem in check_text(text, "generator/i18n.py", glossary, line)]
    return found


@pytest.fixture(scope="module")
def glossaries() -> dict[str, Glossary]:
    found, problems = read_glossaries(RULES)
    assert problems == [] and sorted(found) == ["fr", "ja"]
    return found


def test_the_site_words_follow_the_glossaries(glossaries: dict[str, Glossary]) -> None:
    assert ui_findings(LABELS, NOTICE_LINKS, glossaries) == []


def test_a_forbidden_term_in_the_site_words_is_found_with_its_line(glossaries: dict[str, Glossary]) -> None:
    labels = copy.deepcopy(LABELS)
    labels["fr"]["severity"] = "Sévérité"
    labels["ja"]["severity"] = "重大度"
    lines = label_lines()
    assert ui_findings(labels, NOTICE_LINKS, glossaries) == [
        f"generator/i18n.py:{lines['fr', 'severity']}: use « gravité », not « Sévérité »",
        f"generator/i18n.py:{lines['ja', 'severity']}: use 「重要度」, not 「重大度」",
    ]


# Labels and values, as the generator writes them ---------------------------------------------------------------

def test_severity_is_gravite_and_juyodo() -> None:
    assert [LABELS[lang]["severity"] for lang in LANGUAGES] == ["Severity", "Gravité", "重要度"]


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", [("Severity", "All"), ("Kind", "All"), ("Platform", "All"), ("Category", "All")]),
    ("fr", [("Gravité", "Toutes"), ("Type", "Tous"), ("Plateforme", "Toutes"), ("Catégorie", "Toutes")]),
    ("ja", [("重要度", "すべて"), ("種類", "すべて"), ("プラットフォーム", "すべて"), ("カテゴリ", "すべて")]),
])
def test_each_filter_says_all_in_the_gender_of_its_label(lang: str, expected: list[tuple[str, str]]) -> None:
    markdown = index_markdown(CATALOG, lang, CATALOG.vocabulary)
    found = re.findall(r'<span>([^<]+)</span><select data-filter="\w+"><option value="">([^<]+)</option>', markdown)
    assert found == expected
    frameworks = re.search(r'<select data-filter="frameworks"><option value="">([^<]+)</option>', markdown)
    assert frameworks and frameworks[1] == {"en": "All", "fr": "Tous", "ja": "すべて"}[lang]


@pytest.mark.parametrize(("lang", "shown", "total", "text"), [
    ("fr", 0, 4, "0 règle affichée sur 4"),
    ("fr", 1, 4, "1 règle affichée sur 4"),
    ("fr", 2, 4, "2 règles affichées sur 4"),
    ("fr", 12, 1234, f"12 règles affichées sur 1{NNBSP}234"),
    ("en", 0, 1, "0 of 1 rule shown"),
    ("en", 1, 4, "1 of 4 rules shown"),
    ("en", 12, 1234, "12 of 1,234 rules shown"),
    ("ja", 1, 4, "4 件中 1 件を表示"),
])
def test_the_count_of_rules_shown_agrees_with_its_number(lang: str, shown: int, total: int, text: str) -> None:
    assert count_label(lang, "shown", shown=shown, total=total) == text


@pytest.mark.parametrize(("lang", "controls", "rules", "text"), [
    ("fr", 1, 1, "1 contrôle couvert par 1 règle."),
    ("fr", 3, 2, "3 contrôles couverts par 2 règles."),
    ("en", 1, 2, "1 control covered by 2 rules."),
    ("ja", 1, 2, "1 件のコントロールを 2 件のルールが扱います。"),
])
def test_framework_counts_agree_with_their_numbers(lang: str, controls: int, rules: int, text: str) -> None:
    assert count_label(lang, "framework_intro", controls=controls, rules=rules) == text


@pytest.mark.parametrize(("lang", "category", "kind"), [
    ("en", "Networking and Firewall", "Posture (account data)"),
    ("fr", "Réseau et pare-feu", "Posture (données du compte)"),
    ("ja", "ネットワークとファイアウォール", "ポスチャ (アカウントのデータ)"),
])
def test_category_and_kind_values_are_in_the_page_language(lang: str, category: str, kind: str) -> None:
    rule = CATALOG[DEFAULT_SG]
    assert CATALOG.vocabulary.category(rule.category, lang) == category
    page = rule_markdown(rule, lang, file_path=rule_file_path(rule, lang, CATALOG.root), vocabulary=CATALOG.vocabulary)
    assert f'<td data-field="category">{category}</td>' in page
    assert f'<td data-field="kind">{kind}</td>' in page
    index = index_markdown(CATALOG, lang, CATALOG.vocabulary)
    row = re.search(rf'<tr data-rule="{DEFAULT_SG}".*?</tr>', index)
    assert row is not None
    assert f'<td data-label="{LABELS[lang]["category"]}">{category}</td>' in row[0]
    assert f'<td data-label="{LABELS[lang]["kind"]}">{kind}</td>' in row[0]
    count = sum(r.category == rule.category for r in CATALOG)
    assert f'<option value="{rule.category}">{category} ({count})</option>' in index
    framework = framework_markdown("aws-security-hub", CATALOG, lang, CATALOG.vocabulary)
    assert f"<th>{kind}</th>" in framework and f"<th>{LABELS[lang]['kind.iac']}</th>" in framework


@pytest.mark.parametrize("lang", ["fr", "ja"])  # the English CLI prints the values as they are (`iac`)
def test_the_site_and_the_cli_name_kinds_and_platforms_alike(lang: str) -> None:
    for key in ("kind.iac", "kind.posture", "platform.cloudformation", "platform.aws"):
        assert LABELS[lang][key] == translate(key, lang), key


# The built site ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site() -> Path:
    build = built_site()
    assert build.returncode == 0, build.stderr
    return build.site


def read(site: Path, url: str) -> str:
    return (site / url.strip("/") / "index.html").read_text(encoding="utf-8")


def test_french_rule_page_has_its_words_and_typographic_spaces(site: Path) -> None:
    html = read(site, f"fr/rules/{DEFAULT_SG}")
    assert '<th scope="row">Gravité</th>' in html and "évérité" not in html
    assert f"AWS Security Hub</a>{NBSP}: <a " in html
    assert '<td data-field="category">Réseau et pare-feu</td>' in html
    assert '<td data-field="kind">Posture (données du compte)</td>' in html
    assert f"«{NNBSP}" in html and f"{NNBSP}»" in html
    summary = CATALOG[DEFAULT_SG].summary("fr")
    assert " ; " in summary
    assert f'<p class="rb-summary">{summary.replace(" ; ", f"{NNBSP}; ")}</p>' in unescape(html)
    metadata = re.search(r'<pre class="rb-code"><code>(\{.*?)</code></pre>', html, re.DOTALL)
    assert metadata and f'"fr": "{summary}"' in unescape(metadata[1])  # code keeps its plain spaces


def test_french_guide_code_keeps_plain_spaces_and_its_prose_gets_no_break_ones(site: Path) -> None:
    html = read(site, "fr/guides/close-default-security-group")
    code = "".join(re.findall(r"<pre[^>]*>.*?</pre>", html, re.DOTALL))
    assert "# Fonction Lambda : la configuration" in re.sub(r"<[^>]+>", "", code)
    assert NBSP not in code and NNBSP not in code
    prose = re.sub(r"<pre[^>]*>.*?</pre>|<code>.*?</code>|<script.*?</script>", "", html, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", "", prose)
    assert re.findall(r"\w [:;!?](?=\s)", text) == []


def test_french_search_index_keeps_plain_spaces(site: Path) -> None:
    index = (site / "fr" / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Gravit" in index and "\\u202f" not in index and NNBSP not in index


@pytest.mark.parametrize(("lang", "words"), [
    ("fr", ["Gravité</span>", '<option value="">Toutes</option>', "16 règles affichées sur 16"]),
    ("ja", ["重要度</span>", '<option value="">すべて</option>', "16 件中 16 件を表示"]),
])
def test_index_filters_and_count_in_each_language(site: Path, lang: str, words: list[str]) -> None:
    html = read(site, f"{lang}/rules")
    total = len(CATALOG)
    for word in words:
        assert word.replace("16", str(total)) in html
    assert "重大度" not in html and "évérité" not in html


def test_japanese_rule_page_says_juyodo(site: Path) -> None:
    html = read(site, f"ja/rules/{DEFAULT_SG}")
    assert '<th scope="row">重要度</th>' in html and "重大度" not in html
    assert '<td data-field="category">ネットワークとファイアウォール</td>' in html


# The live count in a browser -----------------------------------------------------------------------------------

def test_french_live_count_is_singular_for_zero_and_one(page: Page, site: Path) -> None:
    total = len(CATALOG)
    page.goto(f"{serve(site)}/fr/rules/")
    count = page.locator("[data-rb-count]")
    expect(count).to_have_text(f"{total} règles affichées sur {total}")
    one = next(r for r in CATALOG if sum(o.title("fr") == r.title("fr") for o in CATALOG) == 1)
    page.locator("input[data-filter=text]").fill(one.id)
    expect(count).to_have_text(f"1 règle affichée sur {total}")
    page.locator("input[data-filter=text]").fill("zzz-aucune-regle")
    expect(count).to_have_text(f"0 règle affichée sur {total}")
