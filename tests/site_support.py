"""What the site tests share: one real build of the site (`python -m generator.build`) and one local server.

Both are made once per test session, in a temporary folder, whichever test module asks first.
"""

from __future__ import annotations

import atexit
import functools
import http.server
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
SCREENSHOTS = ROOT / "build" / "screenshots"
HOSTILE_RULES = ROOT / "tests" / "fixtures" / "hostile-catalog"
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core"  # `make browser-deps` installs it (pinned in Makefile)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  # Only the local site: Material's requests for the GitHub repository's facts fail at once.
                  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


@dataclass(frozen=True)
class Build:
    """A finished run of `python -m generator.build`."""

    site: Path
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def run_build(site_dir: Path, *args: str) -> Build:
    """Run the site build as `make site` does and return how it went."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "generator.build", "--site-dir", str(site_dir), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    return Build(site_dir, done.returncode, done.stdout, done.stderr, time.perf_counter() - start)


@functools.cache
def built_site() -> Build:
    """Return the session's build of the real site (rules/ and docs/), strict as `make site` runs it."""
    folder = Path(tempfile.mkdtemp(prefix="rulebase-site-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return run_build(folder / "site")


@functools.cache
def hostile_site() -> Build:
    """Return the session's build of the hostile catalog (tests/fixtures/hostile-catalog) with the real docs/."""
    folder = Path(tempfile.mkdtemp(prefix="rulebase-hostile-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return run_build(folder / "site", "--rules-dir", str(HOSTILE_RULES))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@functools.cache
def serve(site: Path) -> str:
    """Serve `site` on 127.0.0.1 on a free port, in a daemon thread, and return its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    atexit.register(server.shutdown)
    return f"http://127.0.0.1:{server.server_address[1]}"


_LINK = re.compile(r"""(?:href|src)="([^"]*)\"""")
_REFRESH = re.compile(r"""<meta http-equiv="refresh" content="0; url=([^"]+)">""")


def links(html: str) -> list[str]:
    """Return every href and src of an HTML page."""
    return _LINK.findall(html)


def refresh_target(html: str) -> str | None:
    """Return the address a redirect page sends to, or None if the page is not a redirect."""
    match = _REFRESH.search(html)
    return match.group(1) if match else None


def url_path(page: Path, site: Path) -> str:
    """Return the URL path a built file is served at (`/fr/rules/x/` for `fr/rules/x/index.html`)."""
    relative = page.relative_to(site).as_posix()
    return "/" + (relative.removesuffix("index.html") if relative.endswith("index.html") else relative)


def resolve(site: Path, page_path: str, link: str) -> Path | None:
    """Return the file a link of the page at `page_path` leads to, or None if it leads nowhere in the site."""
    target = urlsplit(urljoin(f"http://site{page_path}", link))
    path = posixpath.normpath(unquote(target.path))
    file = site / path.lstrip("/")
    if file.is_dir():
        file = file / "index.html"
    return file if file.is_file() else None
