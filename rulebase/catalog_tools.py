"""The catalog commands' work: listing, showing, the translation matrix, stamping and scaffolding rules."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from rulebase.messages import display_width, message, pad, translate
from rulebase.model import LANGUAGES, Rule

if TYPE_CHECKING:
    from rulebase.vocabulary import Vocabulary

RULE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # matched whole (fullmatch): `$` would accept a final newline
MAX_ID_LENGTH = 100  # as rule.schema.json says; a folder name has at most 255 bytes
_DIGEST_LINE = re.compile(r"^source_digest:.*$", re.MULTILINE)


class ToolError(Exception):
    """A catalog command that cannot do what was asked; the message is one line for the user."""


def format_list(rules: Iterable[Rule], lang: str = "en") -> str:
    """Return one line per rule in `lang`: id, severity, kind, platform and title, in columns of display width."""
    rules = list(rules)
    header = [translate(f"list.{name}", lang) for name in ("id", "severity", "kind", "platform", "title")]
    rows = [[r.id, _value("severity", r.severity, lang), _value("kind", r.kind, lang),
             _value("platform", r.platform, lang), r.title(lang)] for r in rules]
    widths = [max(display_width(row[column]) for row in [header, *rows]) for column in range(4)]
    lines = ["  ".join([*(pad(cell, width) for cell, width in zip(row, widths)), row[4]]) for row in [header, *rows]]
    lines.append(translate("list.count", lang, count=len(rules)))
    return "\n".join(lines) + "\n"


def format_rule(rule: Rule, lang: str = "en", vocabulary: Vocabulary | None = None) -> str:
    """Return a rule's metadata and description as plain text in `lang`: labels and values translated (category
    and framework names through `vocabulary`), the title underlined to its width on a terminal."""
    page = rule.page(lang)
    separator = translate("list.separator", lang)
    category = vocabulary.category(rule.category, lang) if vocabulary is not None else rule.category
    frameworks = vocabulary.frameworks if vocabulary is not None else {}
    fields = [
        ("id", rule.id), ("severity", _value("severity", rule.severity, lang)),
        ("kind", _value("kind", rule.kind, lang)), ("platform", _value("platform", rule.platform, lang)),
        ("resource_types", separator.join(rule.resource_types)), ("category", category),
        ("cwe", f"CWE-{rule.cwe}" if rule.cwe else "-"),
        ("frameworks", "; ".join(f"{frameworks[k].name(lang) if k in frameworks else k} {', '.join(v)}"
                                 for k, v in rule.frameworks.items()) or "-"),
        ("legacy_ids", ", ".join(rule.legacy_ids) or "-"),
        ("languages", separator.join(f"{l} ({translate('status.' + rule.translation_status(l), lang)})"
                                     for l in LANGUAGES)),
        ("file", page.path),
    ]
    labels = {name: translate("show.label", lang, label=message(f"show.{name}")) for name, _ in fields}
    width = max(display_width(label) for label in labels.values()) + 1
    out = [page.title, "=" * display_width(page.title), ""]
    if rule.summary(lang):
        out += [rule.summary(lang), ""]
    out += [f"{pad(labels[name], width)}{value}" for name, value in fields]
    description = page.section("description")
    if description:
        out += ["", description.markdown]
    return "\n".join(out) + "\n"


def format_translations(rules: Iterable[Rule], lang: str = "en") -> tuple[str, bool]:
    """Return the rule × language matrix (ok / missing / stale, in `lang`) and whether every cell is ok."""
    rules = list(rules)
    rule_word = translate("list.rule", lang)
    width = max([display_width(rule_word), *(len(rule.id) for rule in rules)])
    words = {status: translate(f"status.{status}", lang) for status in ("ok", "missing", "stale")}
    cell_width = max(7, *(display_width(word) for word in words.values()))
    lines = [(f"{pad(rule_word, width)}  " + "  ".join(pad(code, cell_width) for code in LANGUAGES)).rstrip()]
    counts = {"ok": 0, "missing": 0, "stale": 0}
    for rule in rules:
        cells = [rule.translation_status(code) for code in LANGUAGES]
        for cell in cells:
            counts[cell] += 1
        lines.append(f"{rule.id:<{width}}  " + "  ".join(pad(words[cell], cell_width) for cell in cells).rstrip())
    lines.append(translate("translations.summary", lang, rules=message("list.count", count=len(rules)),
                           languages=message("translations.languages", count=len(LANGUAGES)),
                           **{status: message(f"translations.{status}", count=counts[status]) for status in counts}))
    return "\n".join(lines) + "\n", counts["ok"] == len(rules) * len(LANGUAGES)


def _value(field: str, value: str, lang: str) -> str:
    """Return a metadata value's word in `lang` (`severity`, `kind`, `platform`), or the value when it has none."""
    from rulebase.messages import table

    return translate(f"{field}.{value}", lang) if f"{field}.{value}" in table("en") else value


def stamp_translations(rules: Iterable[Rule], targets: list[str]) -> list[str]:
    """Write the English digest into the named translations (`ID/LANG`, or `all`); return the files changed."""
    by_id = {rule.id: rule for rule in rules}
    wanted: list[tuple[Rule, str]] = []
    for target in targets:
        if target == "all":
            wanted += [(rule, lang) for rule in by_id.values() for lang in rule.languages if lang != "en"]
            continue
        rule_id, _, lang = target.partition("/")
        if rule_id not in by_id:
            raise ToolError(f"unknown rule id: {rule_id}")
        if lang not in LANGUAGES or lang == "en":
            raise ToolError(f"--stamp takes ID/LANG with LANG one of {', '.join(LANGUAGES[1:])}: {target!r}")
        if lang not in by_id[rule_id].pages:
            raise ToolError(f"{rule_id} has no {lang}.md to stamp")
        wanted.append((by_id[rule_id], lang))
    changed = []
    for rule, lang in wanted:
        path = Path(rule.pages[lang].path)
        text = path.read_text(encoding="utf-8")
        stamped = _with_digest(text, rule.digest)
        if stamped != text:
            path.write_text(stamped, encoding="utf-8")
            changed.append(str(path))
    return changed


def _with_digest(text: str, digest: str) -> str:
    """Return a page's text with `source_digest` in its front-matter set to `digest`."""
    end = text.find("\n---", 3)
    head, rest = text[:end], text[end:]
    line = f'source_digest: "{digest}"'
    if _DIGEST_LINE.search(head):
        head = _DIGEST_LINE.sub(line, head, count=1)
    else:
        head = head + "\n" + line
    return head + rest


def scaffold_rule(root: Path, rule_id: str, *, kind: str = "iac") -> list[Path]:
    """Create `root/<id>/{en,fr,ja}.md` and `check.py` from templates and return their paths; never overwrite a rule."""
    if not RULE_ID.fullmatch(rule_id):
        raise ToolError(f"rule id must be kebab-case (lowercase letters, digits, dashes): {rule_id!r}")
    if len(rule_id) > MAX_ID_LENGTH:
        raise ToolError(f"rule id has {len(rule_id)} characters, over the limit of {MAX_ID_LENGTH}")
    if not root.is_dir():
        raise ToolError(f"no such rules folder: {root}")
    existing = [p for p in root.rglob(rule_id) if p.is_dir()]
    if existing:
        raise ToolError(f"a rule folder {existing[0]} already exists; nothing was written")
    folder = root / rule_id
    folder.mkdir()
    written = []
    for lang in LANGUAGES:
        path = folder / f"{lang}.md"
        path.write_text(_template(rule_id, kind, lang), encoding="utf-8")
        written.append(path)
    check = folder / "check.py"
    check.write_text(_CHECKS[kind], encoding="utf-8")
    written.append(check)
    return written


_CHECKS = {
    "iac": '''"""TODO what this rule reports, in one line."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.template import Template

KIND = "iac"


def check(template: Template) -> Iterator[Violation]:
    """TODO: yield a Violation for each resource that breaks the rule (see rulebase/template.py)."""
    for resource in template.of_type("AWS::EC2::SecurityGroup"):
        for branch in template.variants(resource.properties, resource.node + ("Properties",), keys=["GroupDescription"]):
            if False:  # TODO the condition, over branch.get("...")
                yield Violation(branch.location("GroupDescription"), resource.logical_id, "TODO detail")
''',
    "posture": '''"""TODO what this rule reports, in one line."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.snapshot import Snapshot

KIND = "posture"
REQUIRES = ("describe-security-groups",)  # the describe-* outputs the check reads


def check(snapshot: Snapshot) -> Iterator[Violation]:
    """TODO: yield a Violation for each item that breaks the rule (see rulebase/snapshot.py)."""
    for group in snapshot.items("describe-security-groups"):
        if False:  # TODO the condition, over group.get("...")
            yield Violation(group.location(), group.id, "TODO detail")
''',
}


_HEADINGS = {
    "en": ("Description", "Rationale", "Remediation", "Compliant examples", "Non-compliant examples", "References"),
    "fr": ("Description", "Justification", "Correction", "Exemples conformes", "Exemples non conformes", "Références"),
    "ja": ("説明", "根拠", "修正方法", "準拠している例", "準拠していない例", "参考資料"),
}
_ANCHORS = ("description", "rationale", "remediation", "compliant", "non-compliant", "references")

_IAC_COMPLIANT = """```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  AppSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: TODO a compliant resource
```"""
_IAC_NONCOMPLIANT = """```yaml hl_lines="6"
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  AppSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: TODO the line to report, named by hl_lines
```"""
_POSTURE_COMPLIANT = """```json
{
  "SecurityGroups": []
}
```"""
_POSTURE_NONCOMPLIANT = """```json hl_lines="3"
{
  "SecurityGroups": [
    {
      "GroupId": "sg-0123456789abcdef0",
      "GroupName": "TODO"
    }
  ]
}
```"""


def _template(rule_id: str, kind: str, lang: str) -> str:
    """Return the text of a new rule file: every section, one example of each kind, TODOs to fill."""
    if lang == "en":
        platform = "cloudformation" if kind == "iac" else "aws"
        types = "[AWS::EC2::SecurityGroup]"
        head = (f"---\nid: {rule_id}\ntitle: TODO title in sentence case\nsummary: TODO one sentence saying what is reported\n"
                f"kind: {kind}\nplatform: {platform}\nprovider: aws\nservice: ec2\nresource_types: {types}\n"
                f"severity: medium\ncategory: Networking and Firewall\ncwe: null\nframeworks: {{}}\n"
                f"legacy_ids: []\naliases: []\nreferences: []\n---\n")
    else:
        head = '---\ntitle: TODO translated title\nsummary: TODO translated summary\nsource_digest: ""\n---\n'
    compliant, noncompliant = (_IAC_COMPLIANT, _IAC_NONCOMPLIANT) if kind == "iac" else (_POSTURE_COMPLIANT, _POSTURE_NONCOMPLIANT)
    bodies = {"compliant": compliant, "non-compliant": noncompliant}
    parts = [head]
    for heading, anchor in zip(_HEADINGS[lang], _ANCHORS):
        parts.append(f"\n## {heading} {{#{anchor}}}\n\nTODO\n")
        if anchor in bodies:
            parts.append(f"\n{bodies[anchor]}\n")
    return "".join(parts)
