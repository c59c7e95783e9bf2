"""The site's structure: the catalog each build reads, its generated files, its nav, the root page."""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from html import escape
from pathlib import Path
from typing import Iterator, Sequence

from rulebase.catalog import Catalog, load_catalog
from rulebase.model import LANGUAGES, Problem
from rulebase.export import export_csv, export_json

from generator.history import History, read_history
from generator.preview import failure_notice, verify_failures
from generator.related import related_rules, related_section
from generator.frameworks import (FRAMEWORKS_URI, display_name, framework_problems, framework_keys, framework_markdown, framework_uri,
                                  frameworks_index_markdown)
from generator.groups import Group, group_markdown, rule_groups
from generator.i18n import LANGUAGE_NAMES, label
from generator.index_page import DOWNLOADS, INDEX_URI, index_markdown
from generator.redirects import dest_path, redirect_problems
from generator.rule_page import rule_file_path, rule_markdown, rule_uri

ASSETS_DIR = Path(__file__).parent / "assets"
ASSETS_URI = "assets/rulebase"

_catalogs: dict[Path, Catalog] = {}
_histories: dict[Path, dict[str, History]] = {}
_seconds = [0.0]
_depth = [0]


_preview = [False]


def set_preview(on: bool) -> None:
    """Turn the served preview on (`mkdocs serve`): the catalog is read again before each rebuild, and rule pages
    show verify's failures."""
    _preview[0] = on


def preview() -> bool:
    """Return whether this process serves the preview."""
    return _preview[0]


def forget(rules_dir: Path) -> None:
    """Drop the loaded catalog and history of `rules_dir`: the preview reads them again after an edit."""
    _catalogs.pop(rules_dir.resolve(), None)
    _histories.pop(rules_dir.resolve(), None)


def catalog(rules_dir: Path, *, jobs: int = 1) -> Catalog:
    """Return the catalog in `rules_dir`, loaded once per process (the parent loads it before the builds fork,
    parsing the pages in `jobs` processes)."""
    key = rules_dir.resolve()
    if key not in _catalogs:
        with stopwatch():
            _catalogs[key] = load_catalog(key, jobs=jobs)
    return _catalogs[key]


def history(rules_dir: Path) -> dict[str, History]:
    """Return the git history of the rule folders in `rules_dir`, read once per process (before the builds fork)."""
    key = rules_dir.resolve()
    if key not in _histories:
        from rulebase import __version__

        with stopwatch():
            _histories[key] = read_history(key, __version__)
    return _histories[key]


def rule_history(rules: Catalog, rule_id: str) -> History | None:
    """Return a rule's history (None outside git, or for a rule folder never committed)."""
    folder = rule_file_path(rules[rule_id], "en", rules.root).removeprefix("rules/").removesuffix("/en.md")
    return history(rules.root).get(folder)


@contextmanager
def stopwatch() -> Iterator[None]:
    """Add the time spent inside the block to the generator's total (see `generator_seconds`); nesting counts once."""
    start = time.perf_counter()
    _depth[0] += 1
    try:
        yield
    finally:
        _depth[0] -= 1
        if not _depth[0]:
            _seconds[0] += time.perf_counter() - start


def generator_seconds() -> float:
    """Return the seconds this process spent in the generator's own code so far."""
    return _seconds[0]


def generated_pages(rules: Catalog, lang: str, *, preview: bool = False) -> dict[str, str]:
    """Return the Markdown pages generated for `lang`, by docs-relative path: the index, the group pages and one
    page per rule; in the served `preview`, rule pages show verify's failures."""
    pages = {INDEX_URI: index_markdown(rules, lang, rules.vocabulary)}
    pages.update((group.uri, group_markdown(group, lang)) for group in rule_groups(rules, lang))
    keys = framework_keys(rules.vocabulary, rules)
    pages[FRAMEWORKS_URI] = frameworks_index_markdown(keys, rules, lang, rules.vocabulary)
    pages.update((framework_uri(key), framework_markdown(key, rules, lang, rules.vocabulary)) for key in keys)
    related = related_rules(rules)
    names = {key: display_name(key, lang, rules.vocabulary) for rule in rules for key in rule.frameworks}
    for rule in rules:
        pages[rule_uri(rule.id)] = rule_markdown(rule, lang, file_path=rule_file_path(rule, lang, rules.root),
                                                 vocabulary=rules.vocabulary, history=rule_history(rules, rule.id),
                                                 related=related_section(related[rule.id], lang, names),
                                                 notice=failure_notice(verify_failures(rules, rule, lang), lang)
                                                 if preview else "")
    return pages


def has_prose(src_uri: str) -> bool:
    """Return whether a page is written prose (a rule page, a guide, ...) rather than a generated listing."""
    return not (src_uri == INDEX_URI or src_uri.startswith(("catalog/", "frameworks/")))


def page_problems(rules: Catalog) -> list[Problem]:
    """Return the problems that stop a build before anything is written: unsafe redirects, unsafe framework keys."""
    return framework_problems(rules.vocabulary, rules) + redirect_problems(rules, page_paths(rules))


def page_paths(rules: Catalog) -> list[str]:
    """Return the files the generated pages become in every language (`rules/index.html`, `rules/<id>/index.html`,
    the group pages)."""
    groups = [group.uri for group in rule_groups(rules, "en")]
    frameworks = [framework_uri(key) for key in framework_keys(rules.vocabulary, rules)]
    return [dest_path(uri) for uri in (INDEX_URI, *groups, FRAMEWORKS_URI, *frameworks,
                                       *(rule_uri(rule.id) for rule in rules))]


def downloads(rules: Catalog) -> dict[str, str]:
    """Return the metadata downloads of the index, by docs-relative path: JSON and CSV."""
    # The CSV starts with a byte order mark: Excel then reads it as UTF-8 (French and Japanese intact).
    return {DOWNLOADS["json"]: export_json(rules), DOWNLOADS["csv"]: "\ufeff" + export_csv(rules)}


def assets() -> dict[str, Path]:
    """Return the site's own CSS and JavaScript, by docs-relative path."""
    return {f"{ASSETS_URI}/{path.name}": path for path in sorted(ASSETS_DIR.iterdir()) if path.is_file()}


def site_nav(lang: str, guides: list[str], groups: list[Group], *, with_rules: bool,
             frameworks: Sequence[str] = ()) -> list[object]:
    """Return the nav: home, the rules (the catalog index, then one section per group: its page, then its rules
    when `with_rules`; then the framework pages), the guides, CI, contributing, performance.

    Entries without a title take the page's own, so the nav is in the page's language.
    """
    sections: list[object] = [{group.title: [group.uri, *([rule_uri(r.id) for r in group.rules] if with_rules else [])]}
                              for group in groups]
    if frameworks:
        sections.append({label(lang, "frameworks_title"): [FRAMEWORKS_URI, *(framework_uri(k) for k in frameworks)]})
    nav: list[object] = ["index.md", {label(lang, "rules"): [INDEX_URI, *sections]}]
    if guides:
        nav.append({label(lang, "guides"): sorted(guides)})
    nav += ["ci.md", "contributing.md", "performance.md"]
    return nav


_CODE_BLOCK = re.compile(r'<div class="language-([\w-]+) highlight"><pre[^>]*>.*?<code[^>]*>(.*?)</code></pre></div>',
                         re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SEARCH_HINT = re.compile(r""" data-search-\w+="[^"]+\"""")  # a literal start: searched fast
EXAMPLE_SYNTAXES = ("yaml", "json")


def split_for_search(html: str) -> tuple[str, str]:
    """Return a page's HTML as shown (without the `data-search-*` hints) and as given to the search plugin.

    In the search plugin's copy, the YAML and JSON blocks (the examples: inputs, not words anyone searches for)
    are left out and the other code blocks are reduced to the `<pre><code>` text the plugin keeps. Parsing
    Pygments' spans, thousands per rule page, took more than half of a large catalog's build time, and the
    examples doubled the size of the search index each visitor downloads (bench/bench_site.py).
    The plugin removes the hints from what it reads, as done here for what is shown.
    """
    def text(match: re.Match[str]) -> str:
        if match[1] in EXAMPLE_SYNTAXES:
            return ""
        return f"<pre><code>{_TAG.sub('', match[2])}</code></pre>"

    return _SEARCH_HINT.sub("", html), _CODE_BLOCK.sub(text, html)


def root_redirect(target: str = "en/") -> str:
    """Return the HTML of the site's root page: a browser set to French or Japanese (navigator.languages) goes to
    /fr/ or /ja/, any other to `target` (English); without JavaScript, the refresh goes to English and the page
    links every language."""
    url = escape(target)
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>rulebase</title>\n"
        f'<link rel="canonical" href="{url}">\n'
        "<script>\n"
        "(function () {\n"
        "  var known = [\"en\", \"fr\", \"ja\"];\n"
        "  var wanted = (navigator.languages || [navigator.language || \"en\"]).map(function (tag) {\n"
        "    return String(tag).toLowerCase().split(\"-\")[0];\n"
        "  }).filter(function (lang) { return known.indexOf(lang) !== -1; })[0] || \"en\";\n"
        "  window.location.replace(wanted + \"/\" + window.location.hash);\n"
        "})();\n"
        "</script>\n"
        f'<meta http-equiv="refresh" content="0; url={url}">\n'
        "</head>\n<body>\n"
        f'<p><a href="{url}" hreflang="en" lang="en">English</a> · <a href="fr/" hreflang="fr" lang="fr">Français</a> · '
        '<a href="ja/" hreflang="ja" lang="ja">日本語</a></p>\n'
        "</body>\n</html>\n"
    )


def root_not_found() -> str:
    """Return the site's root 404.html (what a host serves for an unknown address outside /en/, /fr/, /ja/):
    in every language, links to each catalog and search. Absolute links: it is served at any address."""
    items = "\n".join(
        f'<section lang="{lang}"><h2>{escape(label(lang, "not_found_title"))}</h2>'
        f"<p>{escape(label(lang, 'not_found'))}</p>"
        f'<ul><li><a href="/{lang}/rules/">{escape(label(lang, "catalog_title"))}</a></li>'
        f'<li><a href="/{lang}/?q=">{escape(label(lang, "not_found_search"))}</a></li>'
        f'<li><a href="/{lang}/">{escape(LANGUAGE_NAMES[lang])}</a></li></ul></section>'
        for lang in LANGUAGES
    )
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width,initial-scale=1">\n'
        "<title>404 - rulebase</title>\n"
        "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5;color:#1f1f1f;background:#fff}a{color:#303fa1}</style>\n"
        "</head>\n<body>\n<main>\n<h1>rulebase</h1>\n" + items + "\n</main>\n</body>\n</html>\n"
    )
