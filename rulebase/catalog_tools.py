"""The catalog commands' work: listing, showing, the translation matrix, stamping and scaffolding rules."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from rulebase.model import LANGUAGES, Rule

RULE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # matched whole (fullmatch): `$` would accept a final newline
MAX_ID_LENGTH = 100  # as rule.schema.json says; a folder name has at most 255 bytes
_DIGEST_LINE = re.compile(r"^source_digest:.*$", re.MULTILINE)


class ToolError(Exception):
    """A catalog command that cannot do what was asked; the message is one line for the user."""


def format_list(rules: Iterable[Rule], lang: str = "en") -> str:
    """Return one line per rule: id, severity, kind, platform and title."""
    rules = list(rules)
    width = max((len(rule.id) for rule in rules), default=2)
    lines = [f"{'ID':<{width}}  {'SEVERITY':<8}  {'KIND':<7}  {'PLATFORM':<14}  TITLE"]
    lines += [f"{r.id:<{width}}  {r.severity:<8}  {r.kind:<7}  {r.platform:<14}  {r.title(lang)}" for r in rules]
    lines.append(f"{len(rules)} rules")
    return "\n".join(lines) + "\n"


def format_rule(rule: Rule, lang: str = "en") -> str:
    """Return a rule's metadata and description as plain text."""
    page = rule.page(lang)
    fields = [
        ("id", rule.id), ("severity", rule.severity), ("kind", rule.kind), ("platform", rule.platform),
        ("resource types", ", ".join(rule.resource_types)), ("category", rule.category),
        ("cwe", f"CWE-{rule.cwe}" if rule.cwe else "-"),
        ("frameworks", "; ".join(f"{k} {', '.join(v)}" for k, v in rule.frameworks.items()) or "-"),
        ("earlier ids", ", ".join(rule.legacy_ids) or "-"),
        ("languages", ", ".join(f"{l} ({rule.translation_status(l)})" for l in LANGUAGES)),
        ("file", page.path),
    ]
    out = [page.title, "=" * len(page.title), ""]
    if rule.summary(lang):
        out += [rule.summary(lang), ""]
    out += [f"{name + ':':<16}{value}" for name, value in fields]
    description = page.section("description")
    if description:
        out += ["", description.markdown]
    return "\n".join(out) + "\n"


def format_translations(rules: Iterable[Rule]) -> tuple[str, bool]:
    """Return the rule × language matrix (ok / missing / stale) and whether every cell is ok."""
    rules = list(rules)
    width = max((len(rule.id) for rule in rules), default=4)
    lines = [(f"{'RULE':<{width}}  " + "  ".join(f"{lang:<7}" for lang in LANGUAGES)).rstrip()]
    counts = {"ok": 0, "missing": 0, "stale": 0}
    for rule in rules:
        cells = [rule.translation_status(lang) for lang in LANGUAGES]
        for cell in cells:
            counts[cell] += 1
        lines.append(f"{rule.id:<{width}}  " + "  ".join(f"{cell:<7}" for cell in cells).rstrip())
    lines.append(f"{len(rules)} rules × {len(LANGUAGES)} languages: "
                 f"{counts['ok']} ok, {counts['missing']} missing, {counts['stale']} stale")
    return "\n".join(lines) + "\n", counts["ok"] == len(rules) * len(LANGUAGES)


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
