"""The catalog index of one language: a table of every rule with filters, counts and downloads."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from html import escape
from typing import Iterable

from rulebase.model import SEVERITIES, Rule
from rulebase.vocabulary import Vocabulary

from generator.i18n import count_label, framework_name, label, value_label
from generator.rule_page import front_matter, severity_badge

INDEX_URI = "rules/index.md"
DOWNLOADS = {"json": "rules/catalog.json", "csv": "rules/catalog.csv"}
FILTERS = ("severity", "kind", "platform", "category", "frameworks")


def fold(text: str) -> str:
    """Return text folded for free-text filtering: compatibility forms, no Latin accents, lower case.

    The site's JavaScript folds the query the same way (`NFKD`, drop U+0300-U+036F, lower case).
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not 0x300 <= ord(ch) <= 0x36F).lower()


def filter_values(rule: Rule) -> dict[str, tuple[str, ...]]:
    """Return the values a rule matches for each filter; a rule has several frameworks."""
    return {
        "severity": (rule.severity,),
        "kind": (rule.kind,),
        "platform": (rule.platform,),
        "category": (rule.category,),
        # a framework, and each of its controls as `<key>:<control>`: the filter picks either
        "frameworks": tuple(v for key, ids in rule.frameworks.items() for v in (key, *(f"{key}:{c}" for c in ids))),
    }


def index_markdown(rules: Iterable[Rule], lang: str, vocabulary: Vocabulary | None = None) -> str:
    """Return the Markdown of the catalog index in `lang`: intro, downloads, filters, the table of rules (categories
    named by `vocabulary`)."""
    rules = sorted(rules, key=lambda r: (-SEVERITIES.index(r.severity) if r.severity in SEVERITIES else 0,
                                         fold(r.title(lang)), r.id))
    title = label(lang, "catalog_title")
    downloads = " · ".join(
        f'<a href="{name.removeprefix("rules/")}" download>{fmt.upper()}</a>' for fmt, name in DOWNLOADS.items()
    )
    parts = [
        front_matter({"title": title, "hide": ["navigation", "toc"]}),
        f"# {escape(title)}",
        f'<p>{escape(label(lang, "catalog_intro"))}</p>',
        f'<p class="rb-downloads">{escape(label(lang, "download"))} {downloads}</p>',
        filters_html(rules, lang, vocabulary),
        table_html(rules, lang, vocabulary),
    ]
    return "\n\n".join(parts) + "\n"


def filters_html(rules: list[Rule], lang: str, vocabulary: Vocabulary | None = None) -> str:
    """Return the filter form: free text, one select per filter with per-value counts, the live count."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FILTERS}
    for rule in rules:
        for name, values in filter_values(rule).items():
            counts[name].update(values)
    controls = [
        f'<label class="rb-filter rb-filter-text"><span>{escape(label(lang, "filter_text"))}</span>'
        f'<input type="search" data-filter="text" placeholder="{escape(label(lang, "filter_placeholder"))}" '
        f'autocomplete="off"></label>'
    ]
    for name in FILTERS:
        values = sorted(counts[name], key=lambda v: _value_order(name, v, lang, vocabulary))
        options = [f'<option value="">{escape(label(lang, f"all.{name}"))}</option>']
        if name == "frameworks":
            options.extend(_framework_options(values, counts[name], lang))
        else:
            options.extend(
                f'<option value="{escape(v)}">{escape(_display(name, v, lang, vocabulary))} ({counts[name][v]})</option>'
                for v in values
            )
        link = (f' <a class="rb-framework-link" data-rb-framework-link href="../frameworks/" hidden>'
                f'{escape(label(lang, "framework_page"))}</a>' if name == "frameworks" else "")
        controls.append(
            f'<label class="rb-filter"><span>{escape(label(lang, name))}{link}</span>'
            f'<select data-filter="{name}">{"".join(options)}</select></label>'
        )
    total = len(rules)
    shown_template = escape(label(lang, "shown"))
    count = count_label(lang, "shown", shown=total, total=total)
    return (
        f'<form class="rb-filters" data-rb-filters data-shown-template="{shown_template}" role="search" '
        f'onsubmit="return false">\n'
        + "\n".join(controls)
        + f'\n<button type="reset" class="md-button">{escape(label(lang, "reset"))}</button>'
        + f'\n<p class="rb-count" data-rb-count aria-live="polite">{escape(count)}</p>\n</form>'
    )


def table_html(rules: list[Rule], lang: str, vocabulary: Vocabulary | None = None) -> str:
    """Return the table of rules; each row carries its filter values as `data-` attributes."""
    head = "".join(
        f"<th>{escape(label(lang, key))}</th>"
        for key in ("rule", "severity", "kind", "platform", "category", "frameworks")
    )
    rows = [row_html(rule, lang, vocabulary) for rule in rules]
    return (
        '<div class="rb-index">\n<table>\n'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n"
        f'<p class="rb-empty" data-rb-empty hidden>{escape(label(lang, "no_match"))}</p>\n</div>'
    )


def row_text(rule: Rule, lang: str, vocabulary: Vocabulary | None = None) -> str:
    """Return the folded text the index's free-text filter searches in a rule's row."""
    return fold(" ".join([
        rule.id, rule.title(lang), rule.title("en"), rule.summary(lang), rule.category,
        category_name(rule.category, lang, vocabulary), rule.service,
        f"cwe-{rule.cwe} cwe{rule.cwe}" if rule.cwe else "",
        *rule.resource_types, *rule.legacy_ids,
        *(f"{name} {framework_name(name)} {' '.join(ids)}" for name, ids in rule.frameworks.items()),
    ]))


def row_html(rule: Rule, lang: str, vocabulary: Vocabulary | None = None) -> str:
    """Return one rule's row of the index table."""
    values = filter_values(rule)
    attrs = " ".join(f'data-{name}="{escape(json.dumps(v, ensure_ascii=False) if name == "frameworks" else v[0])}"'
                     for name, v in values.items())
    text = row_text(rule, lang, vocabulary)
    frameworks = "<br>".join(
        f'{escape(framework_name(name))} <span class="rb-controls">{escape(", ".join(ids))}</span>'
        for name, ids in rule.frameworks.items()
    )
    def cell(key: str, html: str) -> str:  # the label shows on phones, where each row is a card
        return f'<td data-label="{escape(label(lang, key))}">{html}</td>'

    return (
        f'<tr data-rule="{escape(rule.id)}" {attrs} data-text="{escape(text)}">'
        f'<td class="rb-title"><a href="{escape(rule.id)}/">{escape(rule.title(lang))}</a><br>'
        f"<code>{escape(rule.id)}</code></td>"
        + cell("severity", severity_badge(rule.severity, lang))
        + cell("kind", escape(value_label(lang, "kind", rule.kind)))
        + cell("platform", escape(value_label(lang, "platform", rule.platform)))
        + cell("category", escape(category_name(rule.category, lang, vocabulary)))
        + cell("frameworks", frameworks) + "</tr>"
    )


def _framework_options(values: list[str], counts: Counter[str], lang: str) -> list[str]:
    """Return one group of options per framework: the whole framework, then each control, with rule counts."""
    from generator.frameworks import control_anchor, controls_order, framework_uri

    options = []
    for key in [v for v in values if ":" not in v]:
        page = "../" + framework_uri(key).removesuffix("index.md")
        ids = sorted((v for v in values if v.startswith(key + ":")), key=lambda v: controls_order(v[len(key) + 1:]))
        options.append(f'<optgroup label="{escape(framework_name(key))}">'
                       f'<option value="{escape(key)}" data-page="{escape(page)}">{escape(framework_name(key))} — '
                       f'{escape(label(lang, "all_controls"))} ({counts[key]})</option>'
                       + "".join(f'<option value="{escape(v)}" data-page="{escape(page)}#'
                                 f'{escape(control_anchor(v[len(key) + 1:]))}">'
                                 f'{escape(v[len(key) + 1:])} ({counts[v]})</option>' for v in ids)
                       + "</optgroup>")
    return options


def category_name(category: str, lang: str, vocabulary: Vocabulary | None) -> str:
    """Return a category's name in `lang`, as the vocabulary gives it (the category itself without one)."""
    return vocabulary.category(category, lang) if vocabulary is not None else category


def _display(name: str, value: str, lang: str, vocabulary: Vocabulary | None = None) -> str:
    if name == "frameworks":
        return framework_name(value)
    if name in ("severity", "kind", "platform"):
        return value_label(lang, name, value)
    if name == "category":
        return category_name(value, lang, vocabulary)
    return value


def _value_order(name: str, value: str, lang: str = "en", vocabulary: Vocabulary | None = None) -> tuple[int, str]:
    if name == "severity" and value in SEVERITIES:
        return (-SEVERITIES.index(value), value)
    return (0, fold(_display(name, value, lang, vocabulary)))
