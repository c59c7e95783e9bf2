"""rulebase: a multilingual catalog of cloud security rules and the reference checker behind it.

    import rulebase
    catalog = rulebase.load_catalog()
    result = rulebase.scan(["template.yaml"])
    rulebase.scan_text(text, "template.yaml"), rulebase.schema("rule"), catalog.select(severity="high")

Heavy modules load on first use, so `import rulebase` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rulebase.model import Example, Finding, Location, Page, Problem, Rule, Section

__version__ = "0.1.0"
__all__ = [
    "Catalog", "CatalogError", "Example", "Finding", "Location", "Page", "Problem", "Rule",
    "ScanResult", "Section", "load_catalog", "scan", "scan_text", "schema",
]

if TYPE_CHECKING:
    from rulebase.catalog import Catalog, CatalogError, load_catalog, schema
    from rulebase.scanner import ScanResult, scan, scan_text

_LAZY = {
    "Catalog": "rulebase.catalog",
    "CatalogError": "rulebase.catalog",
    "load_catalog": "rulebase.catalog",
    "schema": "rulebase.catalog",
    "ScanResult": "rulebase.scanner",
    "scan": "rulebase.scanner",
    "scan_text": "rulebase.scanner",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'rulebase' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
