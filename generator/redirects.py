"""Redirects from every earlier id and earlier URL of a rule to its page, as mkdocs-redirects maps them."""

from __future__ import annotations

import posixpath
from typing import Iterable

from rulebase.model import Location, Problem, Rule

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


def redirect_problems(rules: Iterable[Rule], page_dest_paths: Iterable[str]) -> list[Problem]:
    """Return one problem, at the rule's front-matter line, per redirect whose file would land outside the
    language folder or onto a page of the site (the schema refuses such values; this holds whatever the schema says).
    """
    pages = set(page_dest_paths)
    problems = []
    for rule in rules:
        en = rule.pages["en"].path
        for field, name, source in [("legacy_ids", legacy, rule_uri(legacy)) for legacy in rule.legacy_ids] + [
                ("aliases", alias, alias.strip("/") + ".md") for alias in rule.aliases]:
            dest = dest_path(source)
            where = Location(en, rule.field_lines.get(field, 0))
            if posixpath.isabs(dest) or posixpath.normpath(dest) != dest or dest.startswith("../"):
                problems.append(Problem(where, f"{field} {name!r} would write {dest!r}, outside the rule's "
                                               f"place in the site (a path with /, . or .. segments)"))
            elif dest in pages:
                problems.append(Problem(where, f"{field} {name!r} would overwrite the page {dest!r}"))
    return problems
