"""Fixtures the browser tests share: one Chromium per test module, and the session's built site served locally."""

from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

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
