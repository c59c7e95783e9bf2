"""A site built from a hostile rules folder (tests/fixtures/hostile-catalog): every front-matter value is text.

Its one rule has titles and summaries made of `<script>`, `<img onerror>`, `<svg onload>` and template syntax in
every language. The build tests find them escaped, literally, where they land; the browser tests open the pages
and search for the title, and fail on any dialog or injected element.
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from rulebase.catalog import load_catalog
from rulebase.model import LANGUAGES
from site_support import HOSTILE_RULES, hostile_site, serve

HOSTILE = load_catalog(HOSTILE_RULES)
RULE = next(iter(HOSTILE))
# A word of each language's hostile title that the search tokenizer keeps whole
TITLE_WORD = {"en": "onerror", "fr": "onload", "ja": "config"}


@pytest.fixture(scope="module")
def site() -> Path:
    build = hostile_site()
    assert build.returncode == 0, build.stderr
    return build.site


def html_of(site: Path, url: str) -> str:
    return (site / url.lstrip("/") / "index.html").read_text(encoding="utf-8")


def escaped(text: str) -> str:
    """The text as the site writes it: `<`, `>` and `&` escaped, quotes as the context needs."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_the_hostile_values_are_really_hostile() -> None:
    for lang in LANGUAGES:
        assert "<" in RULE.title(lang) and "<" in RULE.summary(lang)
    assert any("<" in control for controls in RULE.frameworks.values() for control in controls)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_title_and_summary_land_escaped_in_title_meta_header_and_heading(site: Path, lang: str) -> None:
    html = html_of(site, f"/{lang}/rules/{RULE.id}/")
    title, summary = escaped(RULE.title(lang)), escaped(RULE.summary(lang))
    assert f"<title>{title} - rulebase</title>" in html
    assert f'<meta name="description" content="{summary.replace(chr(34), "&quot;")}">' in html
    header = re.search(r'data-md-component="header-topic">\s*<span class="md-ellipsis">\s*(.*?)\s*</span>', html, re.S)
    assert header is not None and header[1] == title
    assert re.search(r'<h1 id="[^"]*">' + re.escape(title) + "<a", html)
    assert f'<p class="rb-summary">{escape(RULE.summary(lang))}</p>' in html
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_index_row_and_search_index_hold_the_escaped_text(site: Path, lang: str) -> None:
    index = html_of(site, f"/{lang}/rules/")
    assert f'<a href="{RULE.id}/">{escaped(RULE.title(lang))}</a>' in index
    assert "&lt;script&gt;" in index or "&lt;svg" in index
    assert "<script>alert" not in index and "<img src=x" not in index and "<svg onload" not in index
    docs = json.loads((site / lang / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    page = next(doc for doc in docs if doc["location"] == f"rules/{RULE.id}/")
    assert page["title"] == escaped(RULE.title(lang))  # Material shows titles as HTML: escaped text stays text
    assert escaped(RULE.summary(lang)) in page["text"]
    assert not any("<script>alert" in doc["text"] or "<img src=x" in doc["text"] for doc in docs)


# --- in a browser ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def base_url(site: Path) -> str:
    return serve(site)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page that records every dialog (alert, confirm, prompt) and dismisses it; the test fails on any."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []

    def dialog(d: object) -> None:
        dialogs.append(d.message)  # type: ignore[attr-defined]
        d.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", dialog)
    yield page
    context.close()
    assert dialogs == []


def injected(page: Page) -> int:
    """Count the elements the hostile values would have made, had they been read as HTML."""
    return page.locator("img[src=x], svg[onload], script:text('alert(')").count()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_dialog_on_the_rule_page_the_index_and_a_search_for_the_title(page: Page, base_url: str,
                                                                         lang: str) -> None:
    page.goto(f"{base_url}/{lang}/rules/{RULE.id}/")
    expect(page.locator("h1")).to_contain_text(RULE.title(lang))
    assert page.title() == f"{RULE.title(lang)} - rulebase"
    assert injected(page) == 0

    page.goto(f"{base_url}/{lang}/rules/")
    expect(page.locator(f'tr[data-rule="{RULE.id}"] a').first).to_have_text(RULE.title(lang))
    page.locator("input[data-filter=text]").fill("alert")
    expect(page.locator(".rb-index tbody tr:visible")).to_have_count(1)
    assert injected(page) == 0

    box = page.locator("input.md-search__input")
    box.click()
    box.fill(TITLE_WORD[lang])
    box.press("End")
    assert TITLE_WORD[lang] in RULE.title(lang)
    result = page.locator(".md-search-result__item", has_text=RULE.title(lang)).first
    expect(result).to_be_visible()
    page.wait_for_timeout(300)  # any onerror handler would have fired by now
    assert injected(page) == 0
