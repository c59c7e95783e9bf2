"""The rule groups of the navigation: one per kind and platform ("CloudFormation (IaC)", "AWS account (posture)"),
each with its own page listing its rules, and the order of the rules inside a group (previous and next).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Iterable

from rulebase.model import Rule

from generator.i18n import count_label, label, optional_label, value_label
from generator.index_page import fold
from generator.rule_page import front_matter, rule_uri, severity_badge

# Up to this many rules, every rule page is in the nav (each page embeds the whole nav, so the build time grows
# with the square of the nav's size: NOTES.md); larger catalogs list the group pages, which list their rules.
NAV_RULES_MAX = 200


@dataclass(frozen=True)
class Group:
    """The rules of one kind on one platform, in the order the nav, the group page and previous/next use."""

    key: str
    title: str
    rules: tuple[Rule, ...]

    @property
    def uri(self) -> str:
        """Return the docs-relative path of the group's page (an index page: it is the nav section's link)."""
        return group_uri(self.key)


def group_key(rule: Rule) -> str:
    """Return the key of a rule's group: its platform and kind, e.g. `cloudformation-iac`, `aws-posture`."""
    return f"{rule.platform}-{rule.kind}"


def group_uri(key: str) -> str:
    """Return the docs-relative path of a group's page, `catalog/<key>/index.md` (outside `rules/`: no rule id
    can collide with it)."""
    return f"catalog/{key}/index.md"


def group_title(key: str, rules: Iterable[Rule], lang: str) -> str:
    """Return a group's name in `lang`: the site's words when it has some, else "<platform> (<kind>)"."""
    named = optional_label(lang, f"group.{key}")
    if named:
        return named
    rule = next(iter(rules))
    return f"{value_label(lang, 'platform', rule.platform)} ({value_label(lang, 'kind', rule.kind)})"


def rule_groups(rules: Iterable[Rule], lang: str) -> list[Group]:
    """Return the groups of the catalog in `lang`: IaC groups first, each group's rules by title."""
    by_key: dict[str, list[Rule]] = {}
    for rule in rules:
        by_key.setdefault(group_key(rule), []).append(rule)
    groups = [
        Group(key, group_title(key, members, lang),
              tuple(sorted(members, key=lambda r: (fold(r.title(lang)), r.id))))
        for key, members in by_key.items()
    ]
    return sorted(groups, key=lambda g: (g.rules[0].kind != "iac", g.key))


def neighbours(groups: Iterable[Group]) -> dict[str, tuple[str, str, str | None]]:
    """Return, by rule page path, its group's page and the pages before and after it within the group: the
    group's page before its first rule, nothing after its last."""
    around: dict[str, tuple[str, str, str | None]] = {}
    for group in groups:
        uris = [group.uri, *(rule_uri(rule.id) for rule in group.rules)]
        for n in range(1, len(uris)):
            around[uris[n]] = (group.uri, uris[n - 1], uris[n + 1] if n + 1 < len(uris) else None)
    return around


def group_markdown(group: Group, lang: str) -> str:
    """Return the Markdown of a group's page: its title and one line per rule (title, severity, id)."""
    items = "\n".join(
        f'<li><a href="../../rules/{escape(rule.id)}/">{escape(rule.title(lang))}</a> '
        f"{severity_badge(rule.severity, lang)} <code>{escape(rule.id)}</code></li>"
        for rule in group.rules
    )
    intro = count_label(lang, "group_intro", count=len(group.rules))
    return "\n\n".join([
        front_matter({"title": escape(group.title)}),
        f"# {escape(group.title)}",
        f"<p>{escape(intro)} <a href=\"../../rules/\">{escape(label(lang, 'catalog_title'))}</a></p>",
        f'<ul class="rb-group">\n{items}\n</ul>',
    ]) + "\n"
