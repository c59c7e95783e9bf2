"""The Markdown of a rule's page in one language, made from the loaded rule (never from its file)."""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

from rulebase.model import Rule
from rulebase.vocabulary import Vocabulary

from generator.history import History, localized_date
from generator.i18n import NOTICE_LINKS, label, value_label

REPO_URL = "https://github.com/rulebase/rulebase"


def rule_uri(rule_id: str) -> str:
    """Return the docs-relative source path of a rule's generated page, e.g. `rules/<id>.md`."""
    return f"rules/{rule_id}.md"


def rule_file_path(rule: Rule, lang: str, rules_root: Path) -> str:
    """Return the repository path of the file shown on the `lang` page (en.md when the translation is missing)."""
    shown = rule.page(lang).language
    try:
        folder = Path(rule.path).resolve().relative_to(rules_root.resolve()).as_posix()
    except ValueError:
        folder = rule.id
    return f"rules/{folder}/{shown}.md"


def rule_file_url(path: str) -> str:
    """Return the address of a repository file on the main branch."""
    return f"{REPO_URL}/blob/main/{path}"


def rule_markdown(rule: Rule, lang: str, *, file_path: str, vocabulary: Vocabulary | None = None,
                  related: str = "", history: History | None = None, notice: str = "") -> str:
    """Return the Markdown of the rule's page in `lang`: title, notice, metadata panel, sections, run, metadata."""
    page = rule.page(lang)
    # A missing translation shows the English page: its text says so to browsers, screen readers and search.
    other = "" if page.language == lang else page.language
    lang_attr = f' lang="{other}"' if other else ""
    parts = [
        # MkDocs and Material put these into <title>, <meta> and the header as they are: HTML-escaped here.
        front_matter({"title": escape(page.title), "description": escape(rule.summary(lang)),
                      "rulebase_text_lang": other}),
        f"# {escape_markdown(page.title)}" + (f' {{ lang="{other}" }}' if other else ""),
        translation_notice(rule, lang),
        notice,
        f'<p class="rb-summary"{lang_attr}>{escape(rule.summary(lang))}</p>' if rule.summary(lang) else "",
        metadata_panel(rule, lang, file_path=file_path, vocabulary=vocabulary, history=history),
    ]
    parts.extend(f"## {section.heading} {{#{section.anchor}}}\n\n{section.markdown}" for section in page.sections)
    parts.append(related)
    parts.append(run_section(rule, lang))
    parts.append(metadata_section(rule, lang))
    return "\n\n".join(part for part in parts if part) + "\n"


_SECTIONS_START = re.compile(r'<h2 id="[^"]+"')
_SECTIONS_END = re.compile(r'<h2 id="(?:related|run)"')


def mark_text_language(html: str, lang: str) -> str:
    """Return a rule page's HTML with its sections (from the first `<h2>` to the related rules or the run section,
    the rule's own text) inside `<div lang="...">`: the page's text is in another language than the page."""
    start = _SECTIONS_START.search(html)
    end = _SECTIONS_END.search(html, start.start() if start else 0)
    if start is None or end is None or end.start() <= start.start():
        return html
    return f'{html[:start.start()]}<div lang="{lang}">\n{html[start.start():end.start()]}</div>\n{html[end.start():]}'


def translation_notice(rule: Rule, lang: str) -> str:
    """Return the admonition saying the translation is missing or stale, or "" when it is up to date."""
    status = rule.translation_status(lang)
    if status == "ok":
        return ""
    links = NOTICE_LINKS.get(lang, {}).get(status, "").format(
        en_url=f"../../../en/rules/{rule.id}/", contributing="../contributing.md#translate"
    )
    title = label(lang, f"{status}_title")
    body = label(lang, status) + (f" {links}" if links else "")
    return f'!!! warning "{title}"\n\n    {body}'


def metadata_panel(rule: Rule, lang: str, *, file_path: str, vocabulary: Vocabulary | None = None,
                   history: History | None = None) -> str:
    """Return the HTML table of the rule's metadata: id, severity badge, kind, platform, ... and its file; each
    framework and control links its framework page."""
    from generator.frameworks import control_anchor, display_name, framework_uri
    none = f'<span class="rb-none">{escape(label(lang, "none"))}</span>'

    def codes(values: tuple[str, ...] | list[str]) -> str:
        return ", ".join(f"<code>{escape(v)}</code>" for v in values) or none

    def framework(key: str, controls: tuple[str, ...]) -> str:
        page = "../../" + framework_uri(key).removesuffix("index.md")
        links = ", ".join(f'<a href="{escape(page)}#{escape(control_anchor(c))}"><code>{escape(c)}</code></a>'
                          for c in controls)
        return (f'<a href="{escape(page)}">{escape(display_name(key, lang, vocabulary))}</a>'
                f"{escape(label(lang, 'colon'))}{links or none}")

    frameworks = "<br>".join(framework(key, controls) for key, controls in rule.frameworks.items()) or none
    cwe = (f'<a href="https://cwe.mitre.org/data/definitions/{rule.cwe}.html">CWE-{rule.cwe}</a>'
           if rule.cwe else none)
    rows = [
        ("id", f"<code>{escape(rule.id)}</code>"),
        ("severity", severity_badge(rule.severity, lang)),
        ("kind", escape(value_label(lang, "kind", rule.kind))),
        ("platform", escape(value_label(lang, "platform", rule.platform))),
        ("resource_types", codes(rule.resource_types)),
        ("category", escape(vocabulary.category(rule.category, lang) if vocabulary else rule.category)),
        ("cwe", cwe),
        ("frameworks", frameworks),
        ("legacy_ids", codes(rule.legacy_ids)),
        ("source", f'<a href="{escape(rule_file_url(file_path))}"><code>{escape(file_path)}</code></a>'),
    ]
    if history is not None:
        rows += [("changed", f'<time datetime="{history.changed.isoformat()}">'
                             f"{escape(localized_date(history.changed, lang))}</time>"),
                 ("added_in", escape(history.added_in))]
    body = "\n".join(
        f'<tr><th scope="row">{escape(label(lang, key))}</th><td data-field="{key}">{value}</td></tr>'
        for key, value in rows
    )
    return f'<table class="rb-meta">\n<tbody>\n{body}\n</tbody>\n</table>'


def severity_badge(severity: str, lang: str) -> str:
    """Return the coloured badge of a severity, labelled in `lang`."""
    return (f'<span class="rb-badge rb-severity-{escape(severity)}" data-severity="{escape(severity)}">'
            f"{escape(value_label(lang, 'severity', severity))}</span>")


def run_section(rule: Rule, lang: str) -> str:
    """Return the section showing the `rulebase scan` command that runs only this rule."""
    option = "" if lang == "en" else f" --lang {lang}"
    if rule.kind == "posture":
        intro = label(lang, "run_posture")
        commands = ("aws ec2 describe-security-groups --output json > security-groups.json\n"
                    f"rulebase scan security-groups.json --rule {rule.id}{option}")
    else:
        intro = label(lang, "run_iac")
        commands = f"rulebase scan templates/ --rule {rule.id}{option}"
    return f"## {label(lang, 'run_heading')} {{#run}}\n\n{intro}\n\n{_plain_code(commands)}"


def metadata_section(rule: Rule, lang: str) -> str:
    """Return the section holding the rule's JSON metadata, folded, left out of the search index."""
    text = json.dumps(rule.to_dict(), ensure_ascii=False, indent=2)
    return (f"## {label(lang, 'metadata_heading')} {{#metadata}}\n\n"
            f"{label(lang, 'metadata_intro')}\n\n"
            f'<details class="abstract rb-json" data-search-exclude="true"><summary>JSON</summary>\n'
            f"{_plain_code(text)}\n</details>")


def _plain_code(text: str) -> str:
    # The generator's own code blocks skip Pygments: it is most of a rule page's build time, and these need no
    # colours (Material still gives them a copy button).
    return f'<pre class="rb-code"><code>{escape(text, quote=False)}</code></pre>'


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]#])")


def escape_markdown(text: str) -> str:
    """Return plain text (a title) made safe to place in a Markdown heading."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escape(text, quote=False))


def front_matter(values: dict[str, object]) -> str:
    """Return a YAML front-matter block that reads back as exactly `values`, whatever their text holds."""
    import yaml

    text = yaml.safe_dump({key: value for key, value in values.items() if value}, allow_unicode=True,
                          sort_keys=False, width=1_000_000)
    return f"---\n{text}---"
