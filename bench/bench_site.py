"""Benchmark of the site build (issue 5): a synthetic catalog of 1,000 rules x 3 languages, built as `make site` does.

    .venv/bin/python -m bench.bench_site [--rules 1000] [--runs 1] [--keep DIR]

The catalog is the real rules copied under new ids (bench/synthetic.py), each given an earlier id and an
earlier address (so 6,000 redirect pages are written), with a few translations missing or stale, in a
temporary folder. Targets: the whole build under 30 s on the 2 cores here, and the generator's share under
10 %. The generator's share is the time spent in our own code (loading the catalog before the builds fork,
then the hooks: rule pages, index, redirects, downloads) over the time of the work, both summed over the
processes because the three language builds run in parallel.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import make_catalog  # noqa: E402

WALL_TARGET = 30.0
SHARE_TARGET = 0.10


def make_site_catalog(dest: Path, rules: int) -> None:
    """Write the synthetic catalog: earlier ids and addresses for every rule, some translations missing or stale."""
    make_catalog(dest, rules)
    for n, folder in enumerate(sorted(p for p in dest.iterdir() if p.is_dir())):
        en = folder / "en.md"
        text = en.read_text(encoding="utf-8")
        # Not part of the translated text: the translations stay up to date.
        text = re.sub(r"^legacy_ids: \[\]$", f"legacy_ids: [old-{n:04d}]", text, count=1, flags=re.MULTILINE)
        text = re.sub(r"^aliases: \[\]$", f"aliases: [security_monitoring/default_rules/old-{n:04d}]", text,
                      count=1, flags=re.MULTILINE)
        en.write_text(text, encoding="utf-8")
        if n % 20 == 7:
            (folder / "ja.md").unlink()
        elif n % 25 == 3:
            fr = folder / "fr.md"
            fr.write_text(re.sub(r"^source_digest: .*$", 'source_digest: "0000000000000000"',
                                 fr.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE), encoding="utf-8")


def run_build(rules_dir: Path, site_dir: Path, timings: Path) -> tuple[float, dict[str, object]]:
    """Run `python -m generator.build` as `make site` does; return its wall time and its own timings."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "generator.build", "--rules-dir", str(rules_dir), "--site-dir", str(site_dir),
         "--timings", str(timings)],
        cwd=ROOT, capture_output=True, text=True,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"the build failed:\n{done.stderr}")
    return wall, json.loads(timings.read_text(encoding="utf-8"))


def report(wall: float, timings: dict[str, object]) -> dict[str, float]:
    """Return the figures of one build: wall, per-language builds, generator time and share."""
    builds = timings["builds"]
    catalog = float(timings["catalog_seconds"])
    build_seconds = sum(b["seconds"] for b in builds)
    generator = catalog + sum(b["generator_seconds"] for b in builds)
    return {
        "wall": wall,
        "catalog": catalog,
        "builds": build_seconds,
        "generator": generator,
        "share": generator / (catalog + build_seconds),
        "critical_share": (catalog + max(b["generator_seconds"] for b in builds)) / wall,
        **{f"build_{b['lang']}": b["seconds"] for b in builds},
        **{f"generator_{b['lang']}": b["generator_seconds"] for b in builds},
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the figures, and return 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build into this folder and keep the catalog and the site")
    args = parser.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="rulebase-bench-site-"))
    try:
        start = time.perf_counter()
        make_site_catalog(work / "rules", args.rules)
        pages = sum(1 for _ in (work / "rules").rglob("*.md"))
        print(f"synthetic catalog: {args.rules} rules, {pages} rule files, written in "
              f"{time.perf_counter() - start:.1f} s")
        results = []
        for run in range(args.runs):
            wall, timings = run_build(work / "rules", work / "site", work / "timings.json")
            results.append(report(wall, timings))
            r = results[-1]
            print(f"run {run + 1}: whole build {r['wall']:.1f} s | builds "
                  + ", ".join(f"{lang} {r[f'build_{lang}']:.1f} s" for lang in timings["languages"])
                  + f" | catalog load {r['catalog']:.2f} s | generator {r['generator']:.2f} s "
                  f"= {r['share']:.1%} of {r['catalog'] + r['builds']:.1f} process-seconds "
                  f"({r['critical_share']:.1%} of the wall time on the critical path)")
        best = min(results, key=lambda r: r["wall"])
        html = sum(1 for _ in (work / "site").rglob("*.html"))
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"site: {html} HTML files; largest process peak RSS {peak:.0f} MB")
        ok = best["wall"] < WALL_TARGET and best["share"] < SHARE_TARGET
        print(f"targets: whole build < {WALL_TARGET:.0f} s: {best['wall']:.1f} s; generator share < "
              f"{SHARE_TARGET:.0%}: {best['share']:.1%} -> {'met' if ok else 'MISSED'}")
        return 0 if ok else 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
