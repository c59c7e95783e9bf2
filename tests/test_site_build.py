"""The built site, as `make site` builds it: pages, redirects, index, highlighting, links, search, strictness."""

from __future__ import annotations

import datetime
import json
import subprocess
import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from babel.dates import format_date

from generator.frameworks import framework_keys
from generator.groups import rule_groups
from generator.related import related_rules
from generator.i18n import LABELS
from generator.typography import french_text
from rulebase import __version__
from rulebase.catalog import Catalog, load_catalog
from rulebase.export import export_csv, export_json
from rulebase.model import LANGUAGES
from site_support import RULES, Build, built_site, links, refresh_target, resolve, run_build, url_path

CATALOG = load_catalog(RULES)
RULE_PAGES = [(rule.id, lang) for rule in CATALOG for lang in LANGUAGES]
REDIRECTS = [
    (f"/{lang}/rules/{legacy}/", rule.id, lang) for rule in CATALOG for legacy in rule.legacy_ids for lang in LANGUAGES
] + [(f"/{lang}/{alias}/", rule.id, lang) for rule in CATALOG for alias in rule.aliases for lang in LANGUAGES]
GUIDE = "guides/close-default-security-group"
DEFAULT_SG = "aws-ec2-default-security-group-restricts-all-traffic"


@pytest.fixture(scope="module")
def build() -> Build:
    done = built_site()
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def site(build: Build) -> Path:
    return build.site


def read(site: Path, url: str) -> str:
    return (site / url.lstrip("/") / "index.html").read_text(encoding="utf-8")


def test_strict_build_passes_without_a_warning(build: Build) -> None:
    assert "WARNING" not in build.stderr and "ERROR" not in build.stderr, build.stderr
    for lang in LANGUAGES:
        assert f"built {lang} in " in build.stderr
    assert "(generator " in build.stderr


@pytest.mark.parametrize(("rule_id", "lang"), RULE_PAGES)
def test_every_rule_has_a_page_in_every_language(site: Path, rule_id: str, lang: str) -> None:
    rule = CATALOG[rule_id]
    html = read(site, f"/{lang}/rules/{rule_id}/")
    assert f'<html lang="{lang}"' in html
    assert f"<title>{rule.title(lang)} - rulebase</title>" in unescape(html)
    assert f'<link rel="canonical" href="https://rulebase.dev/{lang}/rules/{rule_id}/">' in html
    for section in rule.page(lang).sections:
        assert f'<h2 id="{section.anchor}">' in html
    assert f'href="https://github.com/rulebase/rulebase/blob/main/rules/{rule_id}/{lang}.md"' in html
    assert f'href="https://github.com/rulebase/rulebase/edit/main/rules/{rule_id}/{lang}.md"' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_rule_pages_are_in_the_nav_by_group_with_breadcrumbs_tab_and_neighbours(site: Path, lang: str) -> None:
    groups = rule_groups(CATALOG, lang)
    for group in groups:
        group_url = "/" + lang + "/" + group.uri.removesuffix("index.md")
        for n, rule in enumerate(group.rules):
            url = f"/{lang}/rules/{rule.id}/"
            html = read(site, url)
            nav = html[html.index('<nav class="md-nav md-nav--primary'):html.index('<div class="md-content"')]
            assert {resolve(site, url, link) for link in links(nav)} >= {
                site / lang / "rules" / other.id / "index.html" for other in CATALOG}  # the drawer lists them
            path = html[html.index('<nav class="md-path"'):html.index("</nav>", html.index('<nav class="md-path"'))]
            assert [resolve(site, url, link) for link in links(path)] == [
                site / lang / "index.html", site / lang / "rules" / "index.html", site / group_url.strip("/") / "index.html"]
            active = re.search(r'<li class="md-tabs__item md-tabs__item--active">\s*<a href="([^"]+)"', html)
            assert active and resolve(site, url, active[1]) == site / lang / "rules" / "index.html"
            footer = dict(re.findall(r'<a href="([^"]+)" class="md-footer__link md-footer__link--(prev|next)"', html))
            footer = {kind: resolve(site, url, href) for href, kind in footer.items()}
            before = group.rules[n - 1].id if n else None
            assert footer.get("prev") == (site / lang / "rules" / before / "index.html" if before
                                          else site / group_url.strip("/") / "index.html")
            after = group.rules[n + 1].id if n + 1 < len(group.rules) else None
            assert footer.get("next") == (site / lang / "rules" / after / "index.html" if after else None)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_framework_has_a_page_with_every_mapped_control(site: Path, lang: str) -> None:
    keys = framework_keys(CATALOG.vocabulary, CATALOG)
    assert set(keys) == set(CATALOG.vocabulary.frameworks)
    overview = read(site, f"/{lang}/frameworks/")
    for key in keys:
        url = f"/{lang}/frameworks/{key}/"
        assert resolve(site, f"/{lang}/frameworks/", f"{key}/") == site / lang / "frameworks" / key / "index.html"
        assert f'href="{key}/"' in overview
        html = read(site, url)
        assert "<h1 id=" in html and CATALOG.vocabulary.frameworks[key].name(lang) in unescape(html)
        mapped = {(c, r.id, r.kind) for r in CATALOG for c in r.frameworks.get(key, ())}
        shown = set()
        for control, row in re.findall(r'<tr id="[^"]+" data-control="([^"]+)">(.*?)</tr>', html, flags=re.S):
            for kind, cell in re.findall(r'<td data-kind="(iac|posture)">(.*?)</td>', row, flags=re.S):
                for link in re.findall(r'<a href="([^"]+)">', cell):
                    target = resolve(site, url, link)
                    assert target is not None and target.parent.parent.name == "rules"
                    shown.add((unescape(control), target.parent.name, kind))
        assert shown == mapped


@pytest.mark.parametrize("lang", LANGUAGES)
def test_rule_pages_link_the_framework_rows_of_their_controls(site: Path, lang: str) -> None:
    for rule in CATALOG:
        url = f"/{lang}/rules/{rule.id}/"
        panel = read(site, url).split('<table class="rb-meta">', 1)[1].split("</table>", 1)[0]
        for key, ids in rule.frameworks.items():
            framework = site / lang / "frameworks" / key / "index.html"
            assert framework in {resolve(site, url, link) for link in links(panel)}
            framework_html = framework.read_text(encoding="utf-8")
            for control in ids:
                anchor = re.search(f'href="([^"]*/{re.escape(key)}/#[^"]+)"><code>{re.escape(control)}</code>', panel)
                assert anchor and resolve(site, url, anchor[1]) == framework
                assert f'<tr id="{anchor[1].split("#")[1]}" data-control="{control}">' in framework_html


def test_every_rule_id_in_prose_links_its_rule_page(site: Path) -> None:
    unlinked, linked = [], 0
    for page in sorted(site.rglob("*.html")):
        path = url_path(page, site)
        html = page.read_text(encoding="utf-8")
        if refresh_target(html) or re.match(r"^/\w+/(rules/|catalog/|frameworks/)$|^/\w+/(catalog|frameworks)/", path):
            continue  # redirects and the generated listings (their ids sit beside a link already)
        html = re.sub(r"<pre.*?</pre>", "", html, flags=re.S)  # code blocks stay as they are
        html = re.sub(r'<table class="rb-meta">.*?</table>', "", html, flags=re.S)  # the page's own id
        for before, rule_id in re.findall(r'(.{0,200})<code>([a-z0-9-]+)</code>', html, flags=re.S):
            if rule_id not in CATALOG.ids or path.endswith(f"/rules/{rule_id}/"):
                continue
            link = re.search(r'<a href="([^"]+)" class="rb-rule-link">$', before)
            if not link or resolve(site, path, link[1]) != site / path.split("/")[1] / "rules" / rule_id / "index.html":
                unlinked.append(f"{path}: {rule_id}")
            else:
                linked += 1
    assert unlinked == []
    assert linked >= 3 * 3  # the example on the default-group pages, and the guides


@pytest.mark.parametrize("lang", LANGUAGES)
def test_rule_pages_list_their_related_rules(site: Path, lang: str) -> None:
    related = related_rules(CATALOG)
    for rule in CATALOG:
        url = f"/{lang}/rules/{rule.id}/"
        html = read(site, url)
        if not related[rule.id]:
            assert '<h2 id="related">' not in html
            continue
        section = html[html.index('<h2 id="related">'):html.index('<h2 id="run">')]
        assert [resolve(site, url, href) for href in re.findall(r'<li><a href="([^"]+)">', section)] == [
            site / lang / "rules" / item.rule.id / "index.html" for item in related[rule.id]]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_rule_pages_show_their_last_change_from_git_and_the_version_that_added_them(site: Path, lang: str) -> None:
    for rule in CATALOG:
        folder = f"rules/{rule.id}"
        last = subprocess.run(["git", "log", "-1", "--format=%cI", "--", folder], cwd=RULES.parent,
                              capture_output=True, text=True, check=True).stdout.strip()
        html = read(site, f"/{lang}/rules/{rule.id}/")
        if not last:  # not committed yet (a rule being written): no date rather than a wrong one
            assert 'data-field="changed"' not in html
            continue
        day = datetime.date.fromisoformat(last[:10])
        assert (f'<td data-field="changed"><time datetime="{day.isoformat()}">'
                f"{format_date(day, format='long', locale=lang)}</time></td>") in html
        assert f'<td data-field="added_in">{__version__}</td>' in html  # no release tag yet: the coming one


@pytest.mark.parametrize(("url", "rule_id", "lang"), REDIRECTS)
def test_every_earlier_id_and_alias_redirects_to_the_rule(site: Path, url: str, rule_id: str, lang: str) -> None:
    target = refresh_target(read(site, url))
    assert target is not None, f"{url} is not a redirect page"
    assert resolve(site, url, target) == site / lang / "rules" / rule_id / "index.html"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_index_lists_every_rule_and_links_its_page(site: Path, lang: str) -> None:
    html = read(site, f"/{lang}/rules/")
    listed = re.findall(r'<tr data-rule="([^"]+)"', html)
    assert sorted(listed) == sorted(CATALOG.ids)
    for rule in CATALOG:
        assert f'<a href="{rule.id}/">{rule.title(lang)}</a>' in unescape(html)
    assert '<form class="rb-filters" data-rb-filters' in html
    assert 'src="../assets/rulebase/rulebase.js"' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_index_downloads_are_the_exported_metadata(site: Path, lang: str) -> None:
    assert (site / lang / "rules" / "catalog.json").read_text(encoding="utf-8") == export_json(CATALOG)
    csv = (site / lang / "rules" / "catalog.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf")  # a byte order mark: Excel reads UTF-8, French and Japanese intact
    assert csv.decode("utf-8-sig") == export_csv(CATALOG)


def code_blocks(section_html: str) -> list[tuple[str, list[int]]]:
    """Return each highlighted example of a section: its text and the numbers of its highlighted lines."""
    blocks = []
    for block in re.findall(r'<div class="language-(?:yaml|json) highlight">(.*?)</code></pre></div>', section_html,
                            flags=re.DOTALL):
        lines = block.split('<span id="__span-')[1:]
        highlighted = [n for n, line in enumerate(lines, 1) if 'class="hll"' in line]
        text = unescape(re.sub(r"<[^>]+>", "", "".join(line.split(">", 1)[1] for line in lines)))
        blocks.append((text, highlighted))
    return blocks


def section_html(html: str, anchor: str) -> str:
    start = html.index(f'<h2 id="{anchor}">')
    end = html.find("<h2 ", start + 1)
    return html[start:end]


@pytest.mark.parametrize(("rule_id", "lang"), RULE_PAGES)
def test_examples_render_whole_with_exactly_the_hl_lines_highlighted(site: Path, rule_id: str, lang: str) -> None:
    html = read(site, f"/{lang}/rules/{rule_id}/")
    examples = CATALOG[rule_id].page(lang).examples
    for kind in ("compliant", "non-compliant"):
        expected = [(e.code, list(e.expected_lines)) for e in examples if e.kind == kind]
        assert code_blocks(section_html(html, kind)) == expected


def test_every_link_of_the_site_leads_to_a_file(site: Path) -> None:
    broken = []
    for page in sorted(site.rglob("*.html")):
        path = url_path(page, site)
        for link in links(page.read_text(encoding="utf-8")):
            if re.match(r"^(?:[a-z]+:|#|//)", link) or not link:
                continue
            if resolve(site, path, link) is None:
                broken.append(f"{path}: {link}")
    assert broken == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_default_group_rule_and_the_guide_link_each_other(site: Path, lang: str) -> None:
    rule_url, guide_url = f"/{lang}/rules/{DEFAULT_SG}/", f"/{lang}/{GUIDE}/"
    assert site / lang / GUIDE / "index.html" in {resolve(site, rule_url, link) for link in links(read(site, rule_url))}
    assert site / lang / "rules" / DEFAULT_SG / "index.html" in {
        resolve(site, guide_url, link) for link in links(read(site, guide_url))
    }
    index = f"/{lang}/rules/"  # the nav, on every page, has the guide
    assert site / lang / GUIDE / "index.html" in {resolve(site, index, link) for link in links(read(site, index))}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_language_switcher_links_the_same_page_in_each_language(site: Path, lang: str) -> None:
    url = f"/{lang}/rules/{DEFAULT_SG}/"
    switcher = dict(re.findall(r'<a href="([^"]+)" hreflang="([a-z]+)" lang="[a-z]+" class="md-select__link[^"]*"',
                               read(site, url)))
    assert {other: resolve(site, url, href) for href, other in switcher.items()} == {
        other: site / other / "rules" / DEFAULT_SG / "index.html" for other in LANGUAGES
    }


def test_every_hand_written_page_exists_in_every_language() -> None:
    """The switcher links the same path in each language, so a page missing in one language would be a 404."""
    docs = RULES.parent / "docs"
    pages = {lang: sorted(p.relative_to(docs / lang).as_posix() for p in (docs / lang).rglob("*.md"))
             for lang in LANGUAGES}
    assert pages["fr"] == pages["en"] and pages["ja"] == pages["en"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_has_its_own_search_index(site: Path, lang: str) -> None:
    index = json.loads((site / lang / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == [lang]
    titles = {doc["title"] for doc in index["docs"]}
    for rule in CATALOG:
        assert rule.title(lang) in titles
    others = {rule.title(other) for rule in CATALOG for other in LANGUAGES if other != lang}
    assert not titles & (others - {rule.title(lang) for rule in CATALOG})
    text = unescape(" ".join(doc["text"] for doc in index["docs"] if DEFAULT_SG in doc["location"]))
    assert "aws ec2 revoke-security-group-ingress" in text  # the commands are searched
    for example in CATALOG[DEFAULT_SG].page(lang).examples:  # the examples (inputs, not words) are not
        assert max(example.code.splitlines(), key=len).strip() not in text
    assert '"translations": {' not in text  # nor the JSON metadata


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sitemap_lists_the_rule_pages_at_their_public_address(site: Path, lang: str) -> None:
    sitemap = (site / lang / "sitemap.xml").read_text(encoding="utf-8")
    for rule in CATALOG:
        assert f"<loc>https://rulebase.dev/{lang}/rules/{rule.id}/</loc>" in sitemap


def test_root_sends_visitors_to_english(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    assert resolve(site, "/", refresh_target(html)) == site / "en" / "index.html"
    assert {resolve(site, "/", link) for link in links(html)} == {site / lang / "index.html" for lang in LANGUAGES}


def test_root_404_links_each_catalog_and_search(site: Path) -> None:
    html = (site / "404.html").read_text(encoding="utf-8")
    for lang in LANGUAGES:  # served at any address: absolute links
        assert f'<section lang="{lang}">' in html and LABELS[lang]["not_found_title"] in html
        assert resolve(site, "/some/missing/page/", f"/{lang}/rules/") == site / lang / "rules" / "index.html"
        assert f'<a href="/{lang}/rules/">' in html and f'<a href="/{lang}/?q=">' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_has_a_404_page_with_the_catalog_and_search(site: Path, lang: str) -> None:
    html = (site / lang / "404.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}"' in html
    assert f"<h1>{LABELS[lang]['not_found_title']}</h1>" in unescape(html)
    assert f'<a href="/{lang}/rules/">{LABELS[lang]["catalog_title"]}</a>' in html
    assert f'<a href="/{lang}/?q=" data-rb-search>' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_hreflang_alternates_point_to_the_same_page_in_each_language(site: Path, lang: str) -> None:
    for url in (f"/{lang}/rules/{DEFAULT_SG}/", f"/{lang}/rules/", f"/{lang}/{GUIDE}/", f"/{lang}/"):
        found = re.findall(r'<link rel="alternate" href="([^"]+)" hreflang="([^"]+)">', read(site, url))
        path = url.removeprefix(f"/{lang}/")
        assert found == [(f"https://rulebase.dev/{other}/{path}", other) for other in LANGUAGES] + [
            (f"https://rulebase.dev/en/{path}", "x-default")]


@pytest.fixture(scope="module")
def partial_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, Path]:
    """The French site of two real rules: one with no French page, one whose English page changed since."""
    root = tmp_path_factory.mktemp("partial")
    rules = root / "rules"
    (rules / DEFAULT_SG).mkdir(parents=True)
    shutil.copy(RULES / DEFAULT_SG / "en.md", rules / DEFAULT_SG / "en.md")
    shutil.copy(RULES / DEFAULT_SG / "check.py", rules / DEFAULT_SG / "check.py")
    changed = "aws-ec2-security-group-egress-all-ports"
    shutil.copytree(RULES / changed, rules / changed)
    en = rules / changed / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("## Rationale {#rationale}",
                                                         "One more sentence.\n\n## Rationale {#rationale}"),
                  encoding="utf-8")
    done = run_build(root / "site", "--lang", "fr", "--rules-dir", str(rules))
    assert done.returncode == 0, done.stderr
    assert "stale translation" in done.stderr  # said once, by the build, not as an MkDocs warning
    return load_catalog(rules), root / "site"


def test_missing_translation_falls_back_to_english_with_a_notice(partial_site: tuple[Catalog, Path]) -> None:
    catalog, site = partial_site
    html = read(site, f"/fr/rules/{DEFAULT_SG}/")
    assert '<html lang="fr"' in html
    assert '<div class="admonition warning">' in html and french_text(LABELS["fr"]["missing"]) in unescape(html)
    assert catalog[DEFAULT_SG].title("en") in unescape(html)
    assert '<h2 id="rationale">Rationale' in html
    # the English text says it is English; the notice, the panel and the page around it stay French
    assert re.search(r'<h1 id="[^"]+" lang="en">', html) and '<p class="rb-summary" lang="en">' in html
    body = html[html.index('<div lang="en">'):]
    end = re.search(r'</div>\s*<h2 id="(related|run)">', body)
    assert end and body.index('<h2 id="description">') < body.index('<h2 id="references">') < end.start()
    notice = html.index('<div class="admonition warning">')
    assert notice < html.index('<div lang="en">') and 'lang="en"' not in html[notice:html.index("</div>", notice)]
    assert resolve(site, f"/fr/rules/{DEFAULT_SG}/", "../../contributing/#translate") is not None
    assert 'href="../../contributing/#translate"' in html


def test_stale_translation_says_so_and_links_the_english_page(partial_site: tuple[Catalog, Path]) -> None:
    _, site = partial_site
    rule_id = "aws-ec2-security-group-egress-all-ports"
    html = read(site, f"/fr/rules/{rule_id}/")
    assert french_text(LABELS["fr"]["stale_title"]) in unescape(html) and french_text(LABELS["fr"]["stale"]) in unescape(html)
    assert f'href="../../../en/rules/{rule_id}/"' in html
    assert '<h2 id="rationale">Justification' in html
