"""The catalog's metadata as JSON (validated by `schema/catalog.schema.json`) and CSV, for other tools."""

from __future__ import annotations

import csv
import io
import json
from typing import Iterable

from rulebase.escaping import csv_cell
from rulebase.model import LANGUAGES, Rule

SCHEMA_VERSION = 1
CSV_COLUMNS = (
    "id", *(f"title_{lang}" for lang in LANGUAGES), "kind", "platform", "provider", "service", "severity",
    "category", "cwe", "resource_types", "frameworks", "legacy_ids", "aliases", "languages",
)


def catalog_document(rules: Iterable[Rule]) -> dict[str, object]:
    """Return the export document: every rule's metadata, every language's title."""
    return {"schema_version": SCHEMA_VERSION, "languages": list(LANGUAGES), "rules": [rule.to_dict() for rule in rules]}


def export_json(rules: Iterable[Rule]) -> str:
    """Return the catalog as pretty JSON with a trailing newline."""
    return json.dumps(catalog_document(rules), ensure_ascii=False, indent=2) + "\n"


def export_csv(rules: Iterable[Rule]) -> str:
    """Return the catalog as CSV, one rule a row; lists are joined with `;`, frameworks as `name:id`.

    No cell starts a spreadsheet formula: one that would (`=`, `+`, `-`, `@`, tab, CR) starts with `'`.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rule in rules:
        frameworks = ";".join(f"{name}:{control}" for name, ids in rule.frameworks.items() for control in ids)
        writer.writerow(csv_cell(cell) for cell in [
            rule.id, *(rule.pages[lang].title if lang in rule.pages else "" for lang in LANGUAGES),
            rule.kind, rule.platform, rule.provider, rule.service, rule.severity, rule.category,
            "" if rule.cwe is None else rule.cwe, ";".join(rule.resource_types), frameworks,
            ";".join(rule.legacy_ids), ";".join(rule.aliases), ";".join(rule.languages),
        ])
    return out.getvalue()
