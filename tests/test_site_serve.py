"""The authoring loop: `python -m generator.serve` (what `make serve LANG=..` runs) serves one language with live
reload; a rule whose examples fail shows verify's failures on its page there, never in the published build.

The rules are a copy of the real ones in which one example's `hl_lines` names the wrong line; the test saves the
fixed file and watches the open page reload without the notice.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from generator.i18n import LABELS
from generator.preview import failure_notice, verify_failures
from rulebase.catalog import load_catalog
from site_support import CHROMIUM, CHROMIUM_FLAGS, ROOT, RULES, SCREENSHOTS, run_build

DEFAULT_SG = "aws-ec2-default-security-group-restricts-all-traffic"
RIGHT, WRONG = '```json hl_lines="3 53"', '```json hl_lines="4 53"'


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the rules in which one non-compliant example of the default-group rule expects the wrong line."""
    folder = tmp_path_factory.mktemp("serve") / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("__pycache__"))
    en = folder / DEFAULT_SG / "en.md"
    text = en.read_text(encoding="utf-8")
    assert text.count(RIGHT) == 1
    en.write_text(text.replace(RIGHT, WRONG), encoding="utf-8")
    return folder


def test_verify_failures_name_the_file_line_and_what_is_wrong(rules: Path) -> None:
    catalog = load_catalog(rules)
    failures = verify_failures(catalog, catalog[DEFAULT_SG], "en")
    where = f"{rules / DEFAULT_SG / 'en.md'}:395: non-compliant example 3"
    assert failures == [f"{where} reports a finding on line 3, not named by hl_lines",
                        f"{where} reports no finding on line 4 (expected by hl_lines)"]
    assert verify_failures(load_catalog(RULES), load_catalog(RULES)[DEFAULT_SG], "en") == []
    notice = failure_notice(["x.md:3: <b>"], "ja")
    assert LABELS["ja"]["verify_title"] in notice and "&lt;b&gt;" in notice and "<b>" not in notice
    assert failure_notice([], "en") == ""


def test_the_published_build_never_shows_verify_failures(rules: Path, tmp_path: Path) -> None:
    build = run_build(tmp_path / "site", "--lang", "en", "--rules-dir", str(rules))
    assert build.returncode == 0, build.stderr
    html = (tmp_path / "site" / "en" / "rules" / DEFAULT_SG / "index.html").read_text(encoding="utf-8")
    assert "data-rb-verify" not in html and "livereload" not in html


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(rules: Path) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "generator.serve", "--lang", "en", "--port", str(port),
                               "--rules-dir", str(rules)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser.new_page()
        browser.close()


def test_serve_shows_the_failure_and_reloads_the_page_when_the_rule_is_saved(served: str, rules: Path,
                                                                             page: Page) -> None:
    page.goto(f"{served}/en/rules/{DEFAULT_SG}/", timeout=120_000)
    notice = page.locator("[data-rb-verify]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(LABELS["en"]["verify_title"])
    expect(notice).to_contain_text("reports a finding on line 3, not named by hl_lines")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "serve-verify-failure-en.png")

    page.evaluate("window.rbBeforeSave = true")
    en = rules / DEFAULT_SG / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace(WRONG, RIGHT), encoding="utf-8")
    page.wait_for_function("window.rbBeforeSave === undefined", timeout=60_000)  # live reload
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("[data-rb-verify]")).to_have_count(0)
