"""Redirects from every earlier id and earlier URL of a rule to its page, as mkdocs-redirects maps them."""

from __future__ import annotations

import posixpath
from typing import Iterable

from rulebase.model import Rule

from generator.rule_page import rule_uri


def redirect_map(rules: Iterable[Rule]) -> dict[str, str]:
    """Return mkdocs-redirects' `redirect_maps`: `rules/<legacy-id>.md` and `<alias>.md` to `rules/<id>.md`.

    The map is the same in every language: the language root is the docs folder of each build.
    """
    redirects: dict[str, str] = {}
    for rule in rules:
        target = rule_uri(rule.id)
        for legacy in rule.legacy_ids:
            redirects[rule_uri(legacy)] = target
        for alias in rule.aliases:
            redirects[alias.strip("/") + ".md"] = target
    return redirects


def dest_path(src_uri: str) -> str:
    """Return the file a docs-relative Markdown path becomes with directory URLs (`a/b.md` -> `a/b/index.html`)."""
    stem = src_uri.removesuffix(".md")
    if posixpath.basename(stem) in ("index", "README"):
        return posixpath.join(posixpath.dirname(stem), "index.html")
    return f"{stem}/index.html"


def redirect_conflicts(redirects: dict[str, str], page_dest_paths: Iterable[str]) -> list[str]:
    """Return one message per redirect that would overwrite a page of the site (e.g. an alias `rules`)."""
    pages = set(page_dest_paths)
    return [
        f"redirect {source.removesuffix('.md')!r} -> {target!r} would overwrite the page {dest_path(source)!r}"
        for source, target in sorted(redirects.items())
        if dest_path(source) in pages
    ]
