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
from generator.index_page import INDEX_URI
from generator.redirects import redirect_map, redirect_problems
from generator.rule_page import rule_file_path, rule_uri

log = logging.getLogger("mkdocs.hooks.rulebase")


def _catalog(config: MkDocsConfig) -> Catalog:
    return site.catalog(Path(config.config_file_path).parent / config.extra["rules_dir"])


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    with site.stopwatch():
        catalog = _catalog(config)
        for problem in catalog.problems:  # warnings only (stale translations): the pages say so
            log.info(problem.format())
        _refuse(redirect_problems(catalog, site.page_paths(catalog)))
        config.plugins["redirects"].config["redirect_maps"].update(redirect_map(catalog))
    return config


@event_priority(100)  # before mkdocs-redirects reads the pages
def on_files(files: Files, config: MkDocsConfig) -> Files:
    with site.stopwatch():
        lang = config.theme["language"]
        catalog = _catalog(config)
        for uri, content in site.generated_pages(catalog, lang).items():
            inclusion = InclusionLevel.INCLUDED if uri == INDEX_URI else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, uri, content=content, inclusion=inclusion))
        for rule in catalog:  # Material's edit and view buttons open the rule file
            files.get_file_from_path(rule_uri(rule.id)).edit_uri = "../../" + rule_file_path(rule, lang, catalog.root)
        for uri, content in site.downloads(catalog).items():
            files.append(File.generated(config, uri, content=content))
        for uri, path in site.assets().items():
            files.append(File.generated(config, uri, abs_src_path=str(path)))
        _refuse(redirect_problems(catalog, [f.dest_uri for f in files.documentation_pages()]))
        guides = [f.src_uri for f in files.documentation_pages() if f.src_uri.startswith("guides/")]
        config["nav"] = site.site_nav(lang, guides)
    return files


def _refuse(problems: list) -> None:
    """Stop the build before anything is written when an output path is unsafe."""
    if problems:
        raise PluginError("\n".join(problem.format() for problem in problems))


@event_priority(100)  # before the search plugin reads the page
def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    with site.stopwatch():
        # The page shows `rulebase_content` (overrides/partials/content.html); search reads the same text, fewer tags.
        page.rulebase_content, page.content = site.split_for_search(page.content)
    return context
