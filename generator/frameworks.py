"""The framework pages: per framework of the vocabulary, each mapped control with the rules that cover it, IaC and
posture side by side; and the overview page listing the frameworks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Iterable
from urllib.parse import quote

from rulebase.model import Location, Problem, Rule
from rulebase.vocabulary import Vocabulary

from generator.i18n import count_label, framework_name, label, value_label
from generator.index_page import fold
from generator.rule_page import front_matter, severity_badge

FRAMEWORKS_URI = "frameworks/index.md"
KINDS = ("iac", "posture")
_SAFE_KEY = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
_NOT_ANCHOR = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Control:
    """One control of a framework and the rules mapped to it."""

    id: str
    anchor: str
    rules: tuple[Rule, ...]


def framework_uri(key: str) -> str:
    """Return the docs-relative path of a framework's page, `frameworks/<key>/index.md`."""
    return f"frameworks/{key}/index.md"


def framework_keys(vocabulary: Vocabulary, rules: Iterable[Rule]) -> list[str]:
    """Return the frameworks that get a page: the vocabulary's, then any a rule names that it lacks; safe keys only
    (a key is a path segment; `framework_problems` reports the others)."""
    keys = list(vocabulary.frameworks)
    keys += sorted({key for rule in rules for key in rule.frameworks} - set(keys))
    return [key for key in keys if _SAFE_KEY.match(key)]


def framework_problems(vocabulary: Vocabulary, rules: Iterable[Rule]) -> list[Problem]:
    """Return one problem per framework key that cannot be a page's folder name (the build refuses them)."""
    rules = list(rules)
    keys = set(vocabulary.frameworks) | {key for rule in rules for key in rule.frameworks}
    return [Problem(Location(vocabulary.path or "vocabulary.yaml"),
                    f"framework key {key!r} cannot name a page (lower-case letters, digits, '.', '-' and '_' only)")
            for key in sorted(keys) if not _SAFE_KEY.match(key)]


def display_name(key: str, lang: str, vocabulary: Vocabulary | None) -> str:
    """Return a framework's name in `lang`: the vocabulary's, else the site's fallback name."""
    if vocabulary is not None and key in vocabulary.frameworks:
        return vocabulary.frameworks[key].name(lang)
    return framework_name(key)


def control_anchor(control: str) -> str:
    """Return the anchor of a control's row on its framework page: `control-ec2-2` for `EC2.2`."""
    return "control-" + (_NOT_ANCHOR.sub("-", fold(control)).strip("-") or "x")


def controls(key: str, rules: Iterable[Rule]) -> list[Control]:
    """Return the controls of framework `key` that rules map to, in natural order (`5.2` before `5.10`), each
    with its rules by id."""
    by_control: dict[str, list[Rule]] = {}
    for rule in sorted(rules, key=lambda r: r.id):
        for control in rule.frameworks.get(key, ()):
            by_control.setdefault(control, []).append(rule)
    ordered = sorted(by_control, key=controls_order)
    anchors: dict[str, int] = {}
    result = []
    for control in ordered:
        anchor = control_anchor(control)
        anchors[anchor] = anchors.get(anchor, 0) + 1
        if anchors[anchor] > 1:  # two controls folding to one anchor: keep both reachable
            anchor = f"{anchor}-{anchors[anchor]}"
        result.append(Control(control, anchor, tuple(by_control[control])))
    return result


def filter_value(key: str, control: str | None = None) -> str:
    """Return the index's framework filter value: the framework key, or `<key>:<control>` for one control."""
    return key if control is None else f"{key}:{control}"


def framework_markdown(key: str, rules: Iterable[Rule], lang: str, vocabulary: Vocabulary | None) -> str:
    """Return the Markdown of a framework's page in `lang`: one row per control, its IaC and posture rules."""
    rules = list(rules)
    name = display_name(key, lang, vocabulary)
    rows = controls(key, rules)
    url = vocabulary.frameworks[key].url(lang) if vocabulary is not None and key in vocabulary.frameworks else ""
    intro = count_label(lang, "framework_intro", controls=len(rows), rules=len({r.id for c in rows for r in c.rules}))
    head = "".join(f"<th>{escape(text)}</th>" for text in (
        label(lang, "control"), value_label(lang, "kind", "iac"), value_label(lang, "kind", "posture")))
    body = []
    for control in rows:
        cells = []
        for kind in KINDS:
            items = "".join(
                f'<li><a href="../../rules/{escape(r.id)}/">{escape(r.title(lang))}</a> '
                f"{severity_badge(r.severity, lang)}</li>" for r in control.rules if r.kind == kind)
            cells.append(f'<td data-kind="{kind}"><ul>{items}</ul></td>' if items
                         else f'<td data-kind="{kind}"><span class="rb-none">{escape(label(lang, "no_rule"))}</span></td>')
        filtered = f"../../rules/?frameworks={quote(filter_value(key, control.id), safe='')}"
        body.append(
            f'<tr id="{escape(control.anchor)}" data-control="{escape(control.id)}">'
            f'<th scope="row"><code>{escape(control.id)}</code><br>'
            f'<a class="rb-filter-link" href="{escape(filtered)}">{escape(label(lang, "in_catalog"))}</a></th>'
            + "".join(cells) + "</tr>")
    parts = [
        front_matter({"title": escape(name), "hide": ["toc"]}),
        f"# {escape(name)}",
        f"<p>{escape(intro)}"
        + (f' <a href="{escape(url)}">{escape(label(lang, "framework_source"))}</a>' if url else "") + "</p>",
    ]
    if rows:
        parts.append('<div class="rb-framework">\n<table>\n'
                     f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>\n</div>")
    return "\n\n".join(parts) + "\n"


def frameworks_index_markdown(keys: list[str], rules: Iterable[Rule], lang: str,
                              vocabulary: Vocabulary | None) -> str:
    """Return the Markdown of the overview page: each framework with its number of controls and rules."""
    rules = list(rules)
    items = []
    for key in keys:
        rows = controls(key, rules)
        count = count_label(lang, "framework_intro", controls=len(rows), rules=len({r.id for c in rows for r in c.rules}))
        items.append(f'<li><a href="{escape(key)}/">{escape(display_name(key, lang, vocabulary))}</a>'
                     f"{escape(label(lang, 'colon'))}{escape(count)}</li>")
    title = label(lang, "frameworks_title")
    return "\n\n".join([front_matter({"title": title}), f"# {escape(title)}",
                        '<ul class="rb-frameworks">\n' + "\n".join(items) + "\n</ul>"]) + "\n"


def controls_order(text: str) -> tuple[object, ...]:
    """Return the sort key of a control id: numbers in it compare as numbers (`5.2` before `5.10`)."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower())
                 for part in re.split(r"(\d+)", text) if part)
