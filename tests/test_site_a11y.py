"""Accessibility of the built site: axe-core (npm, pinned in the Makefile) injected into the home page, the index, a
rule page and a framework page in each language, light and dark. Any serious or critical violation fails the test
unless it is listed in THEME: caused by Material for MkDocs itself, with the reason it remains.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, Page

from rulebase.model import LANGUAGES
from site_support import AXE, ROOT

DEFAULT_SG = "aws-ec2-default-security-group-restricts-all-traffic"
PAGES = {"home": "", "index": "rules/", "rule": f"rules/{DEFAULT_SG}/", "framework": "frameworks/aws-security-hub/"}
# Material's code block backgrounds (light, dark): a token's contrast there is the theme's Pygments palette.
CODE_BACKGROUNDS = ("#f5f5f5", "#272a35")

# (axe rule, what the element's selector contains) -> why it remains
THEME: dict[tuple[str, str], str] = {
    ("aria-dialog-name", ".md-search"):
        "Material's search overlay (partials/search.html) is role=dialog without a name; fixing it means "
        "overriding the theme's search partial, which Material maintains",
    ("color-contrast", ".md-tabs__link"):
        "Material's tab bar draws inactive tabs in white at 70 % opacity on the primary colour (about 3.9:1)",
    ("color-contrast", ".md-copyright"):
        "Material's footer line 'Made with Material for MkDocs' (#7f7f7f on white, 4.47:1)",
    ("color-contrast", "#__span-"):
        "Pygments token colours of Material's code theme on its own code background (e.g. names #717171 on "
        "#f5f5f5 at 4.47:1, numbers #e6695b on #272a35 at 4.44:1); the highlighted lines' background is ours and "
        "is not excused",
}


def axe_version() -> str:
    pinned = re.search(r"^AXE_CORE_VERSION := (\S+)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert pinned, "the Makefile pins axe-core"
    return pinned[1]


def test_axe_core_is_the_pinned_version() -> None:
    package = json.loads((AXE / "package.json").read_text(encoding="utf-8"))  # `make browser-deps` installs it
    assert package["version"] == axe_version()


def theme_reason(rule: str, node: dict[str, object]) -> str | None:
    """Return why a violating element is the theme's, or None when it is the site's own."""
    target = " ".join(str(t) for t in node["target"])  # type: ignore[attr-defined]
    for (theme_rule, selector), reason in THEME.items():
        if rule == theme_rule and selector in target:
            if selector == "#__span-":
                messages = " ".join(str(check.get("message", "")) for check in node["any"])  # type: ignore[attr-defined]
                if not any(f"background color: {bg}" in messages for bg in CODE_BACKGROUNDS):
                    return None
            return reason
    return None


def violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE / "axe.min.js"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    ours = []
    for violation in result["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        for node in violation["nodes"]:
            if theme_reason(violation["id"], node) is None:
                ours.append(f"{violation['id']}: {node['target']}: {node.get('failureSummary', '')[:200]}")
    return ours


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGES))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_serious_violation_of_our_own(browser: Browser, base_url: str, lang: str, kind: str, scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{base_url}/{lang}/{PAGES[kind]}")
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == (
            "slate" if scheme == "dark" else "default")
        assert violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_index_filters_show_the_keyboard_focus(browser: Browser, base_url: str, scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{base_url}/en/rules/")
    for selector in ("input[data-filter=text]", "select[data-filter=severity]", ".rb-filters button[type=reset]"):
        page.locator(selector).focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # arrived by keyboard: :focus-visible
        outline = page.locator(selector).evaluate(
            "el => [getComputedStyle(el).outlineStyle, parseFloat(getComputedStyle(el).outlineWidth)]")
        assert outline[0] != "none" and outline[1] >= 2, (selector, outline)
    context.close()
