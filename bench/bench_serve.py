"""Benchmark of the authoring loop (issue 14): `python -m generator.serve` on a copy of the real catalog, a page
open in Chromium; each run saves the rule's en.md with one more sentence and times until the open page has
reloaded and shows it. Target: under 3 s.

    .venv/bin/python -m bench.bench_serve [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RULE = "aws-ec2-default-security-group-restricts-all-traffic"
TARGET = 3.0


def save_to_reload(runs: int, work: Path) -> list[float]:
    """Return the seconds from saving en.md to the reloaded page showing the change, once per run."""
    from playwright.sync_api import sync_playwright

    rules = work / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("__pycache__"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "generator.serve", "--lang", "en", "--port", str(port),
                               "--rules-dir", str(rules)], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    samples = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            deadline = time.monotonic() + 120
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}/en/rules/{RULE}/", timeout=60_000)
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
            en = rules / RULE / "en.md"
            for run in range(runs):
                marker = f"Benchmark sentence {run}."
                text = en.read_text(encoding="utf-8").replace("## Rationale {#rationale}",
                                                              f"{marker}\n\n## Rationale {{#rationale}}", 1)
                page.wait_for_timeout(1000)  # the server settles after the previous rebuild
                start = time.perf_counter()
                en.write_text(text, encoding="utf-8")
                page.wait_for_function(f"document.body && document.body.innerText.includes({marker!r})",
                                       timeout=60_000, polling=50)
                samples.append(time.perf_counter() - start)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return samples


def main(argv: list[str] | None = None) -> int:
    """Print the figures; return 1 if the median misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="rulebase-bench-serve-"))
    try:
        samples = save_to_reload(args.runs, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    median = statistics.median(samples)
    print(f"make serve: save en.md -> page reloaded: median {median:.2f} s "
          f"({', '.join(f'{s:.2f}' for s in samples)}); target < {TARGET:.0f} s -> "
          f"{'met' if median < TARGET else 'MISSED'}")
    return 0 if median < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
