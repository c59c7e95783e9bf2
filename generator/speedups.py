"""One measured cost of the build that is not ours: Pygments' HTML formatter builds its whole style table again
for every code block (pymdownx.highlight makes one formatter per block): about 10 % of a large catalog's build
(bench/bench_site.py, profiled). The table depends only on the style and the class prefix, so it is built once.
"""

from __future__ import annotations

from typing import Any

_tables: dict[tuple[Any, str], tuple[dict[Any, str], dict[str, Any]]] = {}


def memoize_pygments_stylesheets() -> None:
    """Make `HtmlFormatter` reuse the style table of an earlier formatter with the same style and class prefix
    (each formatter still gets its own copy). Idempotent."""
    from pygments.formatters.html import HtmlFormatter

    original = HtmlFormatter._create_stylesheet
    if getattr(original, "rulebase_memoized", False):
        return

    def create_stylesheet(self: Any) -> None:
        key = (self.style, self.classprefix)
        if key not in _tables:
            original(self)
            _tables[key] = (dict(self.ttype2class), dict(self.class2style))
        ttype2class, class2style = _tables[key]
        self.ttype2class, self.class2style = dict(ttype2class), dict(class2style)

    create_stylesheet.rulebase_memoized = True  # type: ignore[attr-defined]
    HtmlFormatter._create_stylesheet = create_stylesheet  # type: ignore[method-assign]
