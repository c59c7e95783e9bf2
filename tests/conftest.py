"""Fixtures the browser tests share: one Chromium per test module, a page that fails the test on a script error,
and the session's built site served locally. A module that needs another kind of page defines its own `page`."""

from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from site_support import CHROMIUM, CHROMIUM_FLAGS, built_site, serve


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (its own browser download is not used)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def base_url() -> str:
    """The address of the session's build of the real site, served on 127.0.0.1."""
    build = built_site()
    assert build.returncode == 0, build.stderr
    return serve(build.site)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A desktop-sized page; the test fails if a script on it throws."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == []
