"""The served preview's extra: a rule whose examples stop passing shows `verify`'s failures on its page.

Only `python -m generator.serve` (`make serve`) turns it on; the published build never shows them (`make test` and
CI run `rulebase verify` instead). The examples run through the reference checker as `rulebase verify` runs them
(without cfn-lint, which takes seconds per template): an author sees on save what verify would say.
"""

from __future__ import annotations

from html import escape
from typing import Any

from rulebase.catalog import Catalog
from rulebase.model import Rule

from generator.i18n import label


def verify_failures(catalog: Catalog, rule: Rule, lang: str) -> list[str]:
    """Return `verify`'s failures for the examples of the rule's page in `lang` (the English page when it has none),
    each as `<file>:<line>: <kind> example <n> <failure>`."""
    from rulebase.verify import ExampleScanner, run_example

    if _scanner[0] is None or _scanner[0][0] is not catalog:  # one scanner per loaded catalog (its checks)
        _scanner[0] = (catalog, ExampleScanner(catalog))
    scanner = _scanner[0][1]
    failures = []
    for example in rule.page(lang).examples:
        for problem in run_example(rule, example, scanner).problems():
            failures.append(problem.format())
    return failures


_scanner: list[Any] = [None]


def failure_notice(failures: list[str], lang: str) -> str:
    """Return the preview's notice listing verify's failures ("" when there are none); every failure is text."""
    if not failures:
        return ""
    items = "".join(f"<li><code>{escape(failure)}</code></li>" for failure in failures)
    return (f'<div class="admonition failure rb-verify" data-rb-verify>'
            f'<p class="admonition-title">{escape(label(lang, "verify_title"))}</p>'
            f"<p>{escape(label(lang, 'verify_intro'))}</p><ul>{items}</ul></div>")
