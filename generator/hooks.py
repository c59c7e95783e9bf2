"""MkDocs hooks: a few lines each, handing the loaded catalog to the plain functions of `generator`."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

try:
    import generator  # noqa: F401
except ImportError:  # `mkdocs build` run directly loads this file by path: the package sits beside mkdocs.yml
    sys.path.append(str(Path(__file__).resolve().parents[1]))

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from rulebase.catalog import Catalog

from generator import site
from generator.frameworks import framework_keys
from generator.groups import NAV_RULES_MAX, neighbours, rule_groups
from generator.i18n import LABELS, alternates
from generator.index_page import INDEX_URI
from generator.related import link_rule_ids
from generator.rule_page import mark_text_language
from generator.search import with_extra_terms
from generator.typography import french_html
from generator.speedups import memoize_pygments_stylesheets
from generator.redirects import redirect_map, redirect_problems
from generator.rule_page import rule_file_path, rule_uri

log = logging.getLogger("mkdocs.hooks.rulebase")
memoize_pygments_stylesheets()


def _catalog(config: MkDocsConfig) -> Catalog:
    return site.catalog(Path(config.config_file_path).parent / config.extra["rules_dir"])


def on_startup(command: str, dirty: bool) -> None:
    site.set_preview(command == "serve")


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    with site.stopwatch():
        if site.preview():  # a rebuild after an edit: read the rules again
            site.forget(Path(config.config_file_path).parent / config.extra["rules_dir"])
        catalog = _catalog(config)
        for problem in catalog.problems:  # warnings only (stale translations): the pages say so
            log.info(problem.format())
        _refuse(site.page_problems(catalog))
        config.plugins["redirects"].config["redirect_maps"].update(redirect_map(catalog))
        config.extra["rulebase_labels"] = LABELS.get(config.theme["language"], LABELS["en"])  # for overrides/404.html
    return config


@event_priority(100)  # before mkdocs-redirects reads the pages
def on_files(files: Files, config: MkDocsConfig) -> Files:
    with site.stopwatch():
        lang = config.theme["language"]
        catalog = _catalog(config)
        groups = rule_groups(catalog, lang)
        with_rules = len(catalog) <= NAV_RULES_MAX
        for uri, content in site.generated_pages(catalog, lang, preview=site.preview()).items():
            in_nav = with_rules or not uri.startswith("rules/") or uri == INDEX_URI
            inclusion = InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, uri, content=content, inclusion=inclusion))
        for rule in catalog:  # Material's edit and view buttons open the rule file
            files.get_file_from_path(rule_uri(rule.id)).edit_uri = "../../" + rule_file_path(rule, lang, catalog.root)
        for uri, content in site.downloads(catalog).items():
            files.append(File.generated(config, uri, content=content))
        for uri, path in site.assets().items():
            files.append(File.generated(config, uri, abs_src_path=str(path)))
        _refuse(redirect_problems(catalog, [f.dest_uri for f in files.documentation_pages()]))
        guides = [f.src_uri for f in files.documentation_pages() if f.src_uri.startswith("guides/")]
        config["nav"] = site.site_nav(lang, guides, groups, with_rules=with_rules,
                                      frameworks=framework_keys(catalog.vocabulary, catalog))
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """Previous and next stay within a rule's group; a rule page outside the nav still belongs to its group's
    section (breadcrumbs, the current tab)."""
    with site.stopwatch():
        catalog = _catalog(config)
        pages = {file.src_uri: file.page for file in files.documentation_pages()}
        for uri, (group, before, after) in neighbours(rule_groups(catalog, config.theme["language"])).items():
            page = pages[uri]
            page.previous_page, page.next_page = pages[before], pages[after] if after else None
            if page.parent is None:
                page.parent = pages[group].parent  # the group's section
    return nav


def _refuse(problems: list) -> None:
    """Stop the build before anything is written when an output path is unsafe."""
    if problems:
        raise PluginError("\n".join(problem.format() for problem in problems))


@event_priority(100)  # before the search plugin reads the page
def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    with site.stopwatch():
        # The page shows `rulebase_content` (overrides/partials/content.html); search reads the same text, fewer tags.
        content = page.content
        if page.meta.get("rulebase_text_lang"):  # a missing translation: the English text says it is English
            content = mark_text_language(content, page.meta["rulebase_text_lang"])
        if site.has_prose(page.file.src_uri):  # rule pages and hand-written pages; not the generated listings
            current = page.file.src_uri.removeprefix("rules/").removesuffix(".md")
            content = link_rule_ids(content, _catalog(config).ids, page.url, current=current)
        if page.url != "404.html":
            page.rulebase_alternates = alternates(config.site_url or "", config.theme["language"], page.url)
        page.rulebase_content, searched = site.split_for_search(content)
        page.content = with_extra_terms(searched, config.theme["language"])
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    with site.stopwatch():  # French typography on the finished page; the search index has kept plain spaces
        return french_html(output) if config.theme["language"] == "fr" else output
