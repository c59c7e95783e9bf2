"""Links between rules: each rule's related rules (the same control, the same resource type), and every rule id
named in a page's prose (inline code equal to a rule id) made a link to that rule's page.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html import escape
from typing import Collection, Iterable

from rulebase.model import Rule

from generator.i18n import label, value_label
from generator.rule_page import severity_badge

MAX_RELATED = 12  # a large catalog shares resource types widely: the page lists the closest ones


@dataclass(frozen=True)
class Related:
    """A rule related to another, and why: the controls and resource types they share."""

    rule: Rule
    controls: tuple[tuple[str, str], ...]  # (framework key, control id)
    resource_types: tuple[str, ...]


def related_rules(rules: Iterable[Rule]) -> dict[str, list[Related]]:
    """Return, by rule id, the other rules that share a framework control or a resource type with it: shared
    controls first (the same check on the other kind), then shared resource types, then by id; at most
    MAX_RELATED."""
    rules = list(rules)
    by_control: dict[tuple[str, str], list[Rule]] = {}
    by_type: dict[str, list[Rule]] = {}
    for rule in rules:
        for key, ids in rule.frameworks.items():
            for control in ids:
                by_control.setdefault((key, control), []).append(rule)
        for resource_type in rule.resource_types:
            by_type.setdefault(resource_type, []).append(rule)
    by_id = {rule.id: rule for rule in rules}
    result = {}
    for rule in rules:
        controls: dict[str, list[tuple[str, str]]] = {}
        types: dict[str, list[str]] = {}
        for key, ids in rule.frameworks.items():
            for control in ids:
                for other in by_control[(key, control)]:
                    controls.setdefault(other.id, []).append((key, control))
        for resource_type in rule.resource_types:
            for other in by_type[resource_type][:MAX_RELATED * 4]:  # bounded work per rule in a large catalog
                types.setdefault(other.id, []).append(resource_type)
        others = {other_id: by_id[other_id] for ids in (controls, types) for other_id in ids if other_id != rule.id}
        ranked = sorted(others, key=lambda i: (-len(controls.get(i, ())), not types.get(i), i))
        result[rule.id] = [Related(others[i], tuple(controls.get(i, ())), tuple(types.get(i, ())))
                           for i in ranked[:MAX_RELATED]]
    return result


def related_section(related: list[Related], lang: str, names: dict[str, str]) -> str:
    """Return the "Related rules" section of a rule page ("" when none), each rule with what it shares."""
    if not related:
        return ""
    items = []
    for item in related:
        why = [f"{escape(names.get(key, key))} <code>{escape(control)}</code>" for key, control in item.controls]
        why += [f"<code>{escape(t)}</code>" for t in item.resource_types if not item.controls]
        items.append(
            f'<li><a href="../{escape(item.rule.id)}/">{escape(item.rule.title(lang))}</a> '
            f"{severity_badge(item.rule.severity, lang)} "
            f'<span class="rb-kind">{escape(value_label(lang, "kind", item.rule.kind))}</span>'
            f'<br><span class="rb-why">{escape(label(lang, "related_control" if item.controls else "related_type"))}'
            f" {', '.join(why)}</span></li>")
    return (f"## {label(lang, 'related_heading')} {{#related}}\n\n"
            f'<ul class="rb-related">\n' + "\n".join(items) + "\n</ul>")


_INLINE_CODE = re.compile(r"(?<!<pre>)<code>([a-z0-9][a-z0-9-]*)</code>(?!</a>)")


def link_rule_ids(html: str, rule_ids: Collection[str], page_url: str, current: str | None = None) -> str:
    """Return a page's HTML with each inline `<code>` naming a rule (other than `current`) made a link to its page.

    `page_url` is the page's directory URL within the language (`rules/x/`, `guides/y/`, `` for the home page).
    Code blocks and code already inside a link stay as they are.
    """
    base = posixpath.join("/", page_url)

    def link(match: re.Match[str]) -> str:
        rule_id = match[1]
        if rule_id not in rule_ids or rule_id == current:
            return match[0]
        href = posixpath.relpath(f"/rules/{rule_id}", base) + "/"
        return f'<a href="{href}" class="rb-rule-link">{match[0]}</a>'

    return _INLINE_CODE.sub(link, html)
