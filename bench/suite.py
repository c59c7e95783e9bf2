"""`make bench`: every benchmark in one run, printed as one table of medians, ranges and the ratios that matter.

Inputs are generated here from fixed seeds into a temporary folder, never committed. Each figure is the median
of several runs, and every ratio compares two figures measured side by side in this same run. Peers (cfn-lint,
checkov) run from their own virtual environment under .cache/bench-peers, installed on first use.

    .venv/bin/python -m bench [--quick] [--no-peers] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_collect, bench_scan, bench_serve, bench_site, bench_snapshot, bench_verify  # noqa: E402
from bench.peers import Peer, ensure_peers  # noqa: E402


@dataclass
class Row:
    """One line of the table: a measurement's samples, and the ratio that matters with its target."""

    group: str
    what: str
    samples: list[float] = field(default_factory=list)
    ratio: str = ""
    target: str = ""
    ok: bool | None = None  # None: no target

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def timed(runs: int, action: Callable[[], object]) -> list[float]:
    """Return the wall times of `runs` runs of `action`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def side_by_side(runs: int, first: Callable[[], object], second: Callable[[], object]) -> tuple[list[float], list[float]]:
    """Return the wall times of `first` and `second`, run in turns so that both meet the same machine."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        a += timed(1, first)
        b += timed(1, second)
    return a, b


def python(*args: str, codes: tuple[int, ...] = (0,)) -> Callable[[], object]:
    return bench_scan.process(*args, codes=codes)


def command(argv: list[str], codes: tuple[int, ...]) -> Callable[[], object]:
    def run() -> object:
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        if done.returncode not in codes:
            raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-400:]}")
        return done
    return run


# --- the benchmarks ----------------------------------------------------------------------------------

def bench_import(runs: int) -> list[Row]:
    startup = timed(runs, python("-c", "pass"))
    imported = timed(runs, python("-c", "import rulebase"))
    loaded = timed(runs, python("-c", "import rulebase; rulebase.load_catalog()"))
    base = statistics.median(startup)
    return [
        Row("import", "python -c pass (interpreter start-up)", startup),
        Row("import", "import rulebase, whole process", imported, f"+{(statistics.median(imported) - base) * 1000:.0f} ms over start-up",
            "< 100 ms over start-up", statistics.median(imported) - base < 0.1),
        Row("import", "import rulebase; load_catalog() (validated), whole process", loaded,
            f"+{(statistics.median(loaded) - base) * 1000:.0f} ms over start-up"),
    ]


def bench_scanner(runs: int, work: Path, peers: dict[str, Peer]) -> list[Row]:
    from rulebase.catalog import load_catalog
    from rulebase.scanner import scan

    paths = bench_scan.write_inputs(work)
    catalog = load_catalog(validate=False)
    rows = [Row("scan", "one small template, whole process", timed(runs, bench_scan.scan_process(str(paths["small.yaml"]))),
                target="< 0.150 s")]
    rows[-1].ok = rows[-1].median < 0.15
    yaml_load, yaml_scan = side_by_side(runs, python("-c", bench_scan.YAML_LOAD, str(paths["big.yaml"])),
                                        bench_scan.scan_process(str(paths["big.yaml"])))
    ratio = statistics.median(yaml_scan) / statistics.median(yaml_load)
    rows += [Row("scan", "yaml.load(CSafeLoader) of 2,000 groups (1.2 MB), whole process", yaml_load),
             Row("scan", "rulebase scan of the same YAML, whole process", yaml_scan, f"{ratio:.2f}× yaml.load", "≤ 0.8×", ratio <= 0.8)]

    def load_json() -> object:
        with open(paths["big.json"], encoding="utf-8") as stream:
            import json
            return json.load(stream)

    json_load, json_scan = side_by_side(
        runs * 3, load_json, lambda: scan([paths["big.json"]], catalog=catalog, max_bytes=bench_scan.MAX_BYTES))
    ratio = statistics.median(json_scan) / statistics.median(json_load)
    rows += [Row("scan", "json.load of the same template as JSON (1.9 MB), in process", json_load),
             Row("scan", "rulebase.scan of the JSON, in process", json_scan, f"{ratio:.2f}× json.load", "≤ 3×", ratio <= 3)]
    serial = timed(max(2, runs // 2), bench_scan.scan_process("--jobs", "1", str(paths["many"])))
    parallel = timed(max(2, runs // 2), bench_scan.scan_process(str(paths["many"])))
    speedup = statistics.median(serial) / statistics.median(parallel)
    rows += [Row("scan", "1,000 small templates, --jobs 1, whole process", serial),
             Row("scan", f"1,000 small templates, {os.cpu_count()} cores, whole process", parallel, f"{speedup:.2f}× faster")]
    serial = timed(runs, lambda: scan([paths["many"]], catalog=catalog, jobs=1))
    parallel = timed(runs, lambda: scan([paths["many"]], catalog=catalog))
    speedup = statistics.median(serial) / statistics.median(parallel)
    rows += [Row("scan", "1,000 small templates, one core, in process", serial),
             Row("scan", f"1,000 small templates, {os.cpu_count()} cores, in process", parallel,
                 f"{speedup:.2f}× faster", "> 1× (both cores used)", speedup > 1)]
    per_group = {}
    for groups in (250, 1000, 4000):
        path = work / f"scale-{groups}.yaml"
        path.write_text(bench_scan.big_template(groups), encoding="utf-8")
        samples = timed(runs, lambda path=path: scan([path], catalog=catalog, max_bytes=bench_scan.MAX_BYTES))
        per_group[groups] = statistics.median(samples) / groups
        rows.append(Row("scan", f"{groups:,} groups, in process", samples, f"{per_group[groups] * 1e6:.0f} µs a group"))
    growth = per_group[4000] / per_group[250]
    rows[-1].ratio += f"; ×{growth:.2f} the 250-group cost a group"
    rows[-1].target, rows[-1].ok = "linear (≤ 1.3×)", growth <= 1.3
    for peer in peers.values():
        if peer.error:
            rows.append(Row("peers", f"{peer.name}: not measured ({peer.error})"))
            continue
        small = timed(runs, command(peer.argv(paths["small.yaml"]), peer.codes))
        ours = rows[0].median
        rows.append(Row("peers", f"{peer.name} {peer.version}, one small template, whole process", small,
                        f"{statistics.median(small) / ours:.1f}× rulebase ({peer.note})"))
        big = timed(1, command(peer.argv(paths["big.yaml"]), peer.codes))
        rows.append(Row("peers", f"{peer.name}, 2,000 groups YAML, whole process (1 run)", big,
                        f"{statistics.median(big) / statistics.median(yaml_scan):.0f}× rulebase"))
    return rows


def bench_snapshots(runs: int, work: Path) -> list[Row]:
    """The account snapshot: a whole-process scan against a bare json.load of the same files, and its growth."""
    big = bench_snapshot.write_snapshot(work / "snapshot-20000", 20_000)
    load, scanned = side_by_side(runs, python("-c", bench_snapshot.LOAD_ALL, str(big)),
                                 bench_scan.scan_process("--max-bytes", str(bench_snapshot.MAX_BYTES), str(big)))
    ratio = statistics.median(scanned) / statistics.median(load)
    megabytes = sum(p.stat().st_size for p in big.glob("*.json")) / 1e6
    rows = [Row("snapshot", f"json.load of a snapshot ({megabytes:.0f} MB: 20,000 groups, 5,000 instances, "
                            "2,000 subnets and NACLs), whole process", load),
            Row("snapshot", "rulebase scan of the same folder, whole process", scanned, f"{ratio:.2f}× json.load",
                "≤ 2×", ratio <= 2)]
    small = bench_snapshot.write_snapshot(work / "snapshot-2000", 2_000)
    per_group = {}
    for groups, folder in ((2_000, small), (20_000, big)):
        samples = timed(runs, bench_scan.scan_process("--max-bytes", str(bench_snapshot.MAX_BYTES), str(folder)))
        per_group[groups] = statistics.median(samples) / groups
        rows.append(Row("snapshot", f"{groups:,} groups (and the same instances, subnets, NACLs), whole process",
                        samples, f"{per_group[groups] * 1e6:.0f} µs a group"))
    growth = per_group[20_000] / per_group[2_000]
    rows[-1].ratio += f"; ×{growth:.2f} the 2,000-group cost a group"
    rows[-1].target, rows[-1].ok = "linear (≤ 1.3×)", growth <= 1.3
    return rows


def snapshot_table(runs: int, work: Path) -> int:
    """Print the snapshot rows alone (`python -m bench.bench_snapshot`); return 1 if a target is missed."""
    return _print(bench_snapshots(runs, work))


def bench_collecting(runs: int, work: Path) -> list[Row]:
    """`rulebase collect` on moto's server: 17 Regions at once against the slowest Region alone, in turns, first
    on moto as is, then with each answer delayed as by the network (see bench/bench_collect.py)."""
    count = len(bench_collect.REGIONS)
    rows: list[Row] = []
    slowest = ""
    for latency in (0.0, bench_collect.LATENCY):
        server, env = bench_collect.start(str(work / "aws-config"), latency)
        try:
            bench_collect.seed(env)
            if not slowest:
                alone = {region: timed(1, bench_collect.collect_process(env, (region,), work / "one"))[0]
                         for region in bench_collect.REGIONS}
                slowest = max(alone, key=lambda region: alone[region])
            one, every = side_by_side(runs, bench_collect.collect_process(env, (slowest,), work / "one"),
                                      bench_collect.collect_process(env, bench_collect.REGIONS, work / "all"))
        finally:
            server.stop()
        ratio = statistics.median(every) / statistics.median(one)
        where = f"{latency * 1000:.0f} ms added to each answer" if latency else "moto as is, CPU-bound on this machine"
        rows += [Row("collect", f"one Region ({slowest}, the slowest alone), {where}, whole process", one),
                 Row("collect", f"{count} Regions at once ({bench_collect.WORKERS} threads), {where}, whole process",
                     every, f"{ratio:.2f}× one Region")]
    rows[-1].target, rows[-1].ok = "≤ 1.5×", statistics.median(rows[-1].samples) <= 1.5 * rows[-2].median
    return rows


def collect_table(runs: int, work: Path) -> int:
    """Print the collect rows alone (`python -m bench.bench_collect`); return 1 if a target is missed."""
    return _print(bench_collecting(runs, work))


def bench_harness(runs: int, sizes: list[int], work: Path) -> list[Row]:
    env = dict(os.environ, RULEBASE_CACHE_DIR=str(work / "cache"))
    os.environ["RULEBASE_CACHE_DIR"] = env["RULEBASE_CACHE_DIR"]
    verify = [sys.executable, "-m", "rulebase.cli", "verify", "rules", "--docs", "docs"]

    def cold() -> object:
        import shutil
        shutil.rmtree(work / "cache", ignore_errors=True)
        return subprocess.run(verify, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=True)

    cold_times = timed(1, cold)
    warm = timed(runs, lambda: subprocess.run(verify, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=True))
    rows = [Row("verify", "real catalog, cfn-lint cache cold, whole process (1 run)", cold_times),
            Row("verify", "real catalog, cfn-lint cache warm, whole process", warm, target="< 1 s",
                ok=statistics.median(warm) < 1)]
    per_rule = {}
    for size in sizes:
        figures = bench_verify.bench_synthetic(size, runs if size < 1000 else 1, work)
        samples = figures["samples"]
        per_rule[size] = statistics.median(samples) / size
        rows.append(Row("verify", f"synthetic {size:,} rules × 3 languages ({figures['examples']:,} examples), warm",
                        samples, f"{per_rule[size] * 1000:.1f} ms a rule"))
    if 1000 in per_rule:
        rows[-1].target, rows[-1].ok = "< 20 s", rows[-1].median < 20
    first, last = sizes[0], sizes[-1]
    rows[-1].ratio += f"; ×{per_rule[last] / per_rule[first]:.2f} the {first}-rule cost a rule"
    return rows


def bench_website(runs: int, sizes: list[int], work: Path) -> list[Row]:
    rows = []
    real = work / "site-real"
    samples = timed(runs, lambda: bench_site.run_build(ROOT / "rules", real, work / "timings-real.json"))
    rows.append(Row("site", "make site, real catalog (3 languages in parallel)", samples))
    reload = bench_serve.save_to_reload(max(3, runs), work / "serve")
    rows.append(Row("site", "make serve: save en.md -> page reloaded, real catalog", reload,
                    target=f"< {bench_serve.TARGET:.0f} s", ok=statistics.median(reload) < bench_serve.TARGET))
    per_rule = {}
    for size in sizes:
        rules_dir = work / f"site-rules-{size}"
        bench_site.make_site_catalog(rules_dir, size, "typical")
        figures = [bench_site.report(*bench_site.run_build(rules_dir, work / f"site-{size}", work / f"timings-{size}.json"))
                   for _ in range(runs if size < 1000 else 1)]
        walls = [f["wall"] for f in figures]
        share = statistics.median(f["share"] for f in figures)
        per_rule[size] = statistics.median(walls) / size
        row = Row("site", f"make site, synthetic {size:,} rules × 3 languages", walls,
                  f"generator {share:.1%} of the work; {per_rule[size] * 1000:.0f} ms a rule")
        if size == 1000:
            row.target, row.ok = "< 30 s; generator < 10 %", statistics.median(walls) < 30 and share < 0.10
        rows.append(row)
    first, last = sizes[0], sizes[-1]
    rows[-1].ratio += f"; ×{per_rule[last] / per_rule[first]:.2f} the {first}-rule cost a rule"
    return rows


def scanner_table(runs: int, work: Path) -> int:
    """Print the scanner's rows alone (`python -m bench.bench_scan`); return 1 if a target is missed."""
    return _print(bench_scanner(runs, work, {}))


def harness_table(runs: int, sizes: list[int], work: Path) -> int:
    """Print the harness's rows alone (`python -m bench.bench_verify`); return 1 if a target is missed."""
    return _print(bench_harness(runs, sizes, work))


def _print(rows: list[Row]) -> int:
    print(table(rows))
    return 1 if any(r.ok is False for r in rows) else 0


# --- output -----------------------------------------------------------------------------------------

def machine() -> str:
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def table(rows: list[Row], markdown: bool = False) -> str:
    header = ("group", "benchmark", "median", "min–max", "runs", "ratio", "target")
    body = []
    for r in rows:
        if not r.samples:
            body.append((r.group, r.what, "", "", "", "", ""))
            continue
        verdict = "" if r.ok is None else (" ✓" if r.ok else " ✗ missed")
        body.append((r.group, r.what, _seconds(r.median), f"{_seconds(min(r.samples))}–{_seconds(max(r.samples))}",
                     str(len(r.samples)), r.ratio, (r.target + verdict).strip()))
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(cells) + " |" for cells in body]
        return "\n".join(lines) + "\n"
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    fmt = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([fmt(header), fmt(tuple("-" * w for w in widths)), *map(fmt, body)]) + "\n"


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run every benchmark and print one table.")
    parser.add_argument("--quick", action="store_true", help="fewer runs and smaller catalogs (a smoke run)")
    parser.add_argument("--no-peers", action="store_true", help="skip cfn-lint and checkov")
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown to this file")
    args = parser.parse_args(argv)
    runs = 3 if args.quick else 7
    sizes = [20, 60] if args.quick else [100, 300, 1000]
    start = time.perf_counter()
    peers = {} if args.no_peers else ensure_peers(ROOT / ".cache" / "bench-peers")
    with tempfile.TemporaryDirectory(prefix="rulebase-bench-") as folder:
        work = Path(folder)
        rows = bench_import(runs)
        print(table(rows), flush=True)
        for name, step in (("scanner", lambda: bench_scanner(runs, work, peers)),
                           ("snapshot", lambda: bench_snapshots(runs, work)),
                           ("collect", lambda: bench_collecting(max(3, runs // 2), work)),
                           ("harness", lambda: bench_harness(max(3, runs // 2), sizes, work)),
                           ("site", lambda: bench_website(max(1, runs // 4), sizes, work))):
            print(f"... {name}", file=sys.stderr, flush=True)
            rows += step()
    text = table(rows)
    print(f"\nrulebase benchmarks on {machine()}; {time.perf_counter() - start:.0f} s in all\n")
    print(text)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(f"Machine: {machine()}.\n\n" + table(rows, markdown=True), encoding="utf-8")
    missed = [r for r in rows if r.ok is False]
    return 1 if missed else 0
