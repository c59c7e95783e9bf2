"""Benchmark of `rulebase verify`: the real catalog (cfn-lint cache cold and warm), synthetic catalogs warm.

    .venv/bin/python -m bench.bench_verify [--sizes 100 300 1000] [--runs 3]

Synthetic catalogs copy the real rules under new ids, each example made distinct (a comment or trailing
blanks on its first line, so no line moves). Their cfn-lint cache is warmed with the verdict of the example
each one copies, since the edit cannot change it; the cold cost is measured on the real catalog.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import make_catalog  # noqa: E402
from rulebase import templatelint  # noqa: E402
from rulebase.catalog import read_catalog  # noqa: E402
from rulebase.verify import verify_catalog  # noqa: E402



def warm_synthetic_cache(catalog, origin: dict[str, str], real) -> None:
    """Give each synthetic CloudFormation example the cached verdict of the real example it copies."""
    version = templatelint._cfn_lint_version()
    folder = templatelint.cache_dir()
    real_pairs = [(r, e) for r in real if r.kind == "iac" for lang in r.languages for e in r.examples(lang)]
    templatelint.lint_examples(real_pairs)
    verdicts = {(r.id, e.language, e.kind, e.index): templatelint._read_cache(folder / f"{templatelint._key(version, e.code)}.json")
                for r, e in real_pairs}
    for rule in catalog:
        if rule.kind != "iac":
            continue
        for lang in rule.languages:
            for e in rule.examples(lang):
                found = verdicts[(origin[rule.id], e.language, e.kind, e.index)]
                templatelint._write_cache(folder / f"{templatelint._key(version, e.code)}.json", found or [])


def bench_synthetic(size: int, runs: int, work: Path) -> dict[str, object]:
    rules_dir = work / f"rules-{size}"
    origin = make_catalog(rules_dir, size)
    point = {new: templatelint.POINT_OF_EXAMPLE[real] for new, real in origin.items() if real in templatelint.POINT_OF_EXAMPLE}
    with mock.patch.dict(templatelint.POINT_OF_EXAMPLE, point):
        warm_synthetic_cache(read_catalog(rules_dir), origin, read_catalog(ROOT / "rules"))
        times, examples, failed = [], 0, -1
        for _ in range(runs):
            start = time.perf_counter()
            report = verify_catalog(read_catalog(rules_dir))
            times.append(time.perf_counter() - start)
            examples, failed = len(report.results), len(report.failures)
    return {"examples": examples, "failures": failed, "samples": times}


def main(argv: list[str] | None = None) -> int:
    """Measure the harness alone, as `make bench` does (bench/suite.py), and print its table."""
    from bench.suite import harness_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rulebase-bench-verify-") as folder:
        return harness_table(args.runs, args.sizes, Path(folder))


if __name__ == "__main__":
    sys.exit(main())
