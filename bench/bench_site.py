"""Benchmark of the site build (issue 5): a synthetic catalog of 1,000 rules x 3 languages, built as `make site` does.

    .venv/bin/python -m bench.bench_site [--profile typical|copies] [--rules 1000] [--runs 1] [--keep DIR]

Two synthetic catalogs, written to a temporary folder:

- `typical`: rules of the size most catalog entries have (KICS, Ruff): a few paragraphs, one bash block, one
  compliant and one non-compliant example of about fifteen lines; about 4 KB of Markdown per file.
- `copies`: the four real rules copied under new ids (bench/synthetic.py). They are four to six times larger:
  about 20 KB per file, six examples of 20 to 90 lines and eight CLI blocks each.

Each rule gets an earlier id and an earlier address (6,000 redirect pages), and a few translations are missing
or stale. Targets: the whole build under 30 s on the 2 cores here, and the generator's share under 10 %. The
generator's share is the time spent in our own code (loading the catalog before the builds fork, then the
hooks: rule pages, index, redirects, downloads, the search copy of each page) over the time of the work, both
summed over the processes because the three language builds run in parallel.
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
from rulebase.catalog import source_digest  # noqa: E402

WALL_TARGET = 30.0
SHARE_TARGET = 0.10


def make_site_catalog(dest: Path, rules: int, profile: str) -> None:
    """Write the synthetic catalog: earlier ids and addresses for every rule, some translations missing or stale."""
    if profile == "copies":
        make_catalog(dest, rules)
    else:
        make_typical_catalog(dest, rules)
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


SEVERITIES = ("low", "medium", "medium", "high", "critical", "info")
CATEGORIES = ("Networking and Firewall", "Observability", "Insecure Configurations")  # rules/vocabulary.yaml's
CHECK = ROOT / "rules" / "cloudformation-aws-security-group-egress-with-port-range" / "check.py"  # an IaC check to copy
FRAMEWORKS = ("{aws-security-hub: [EC2.%d]}", "{cis-aws-foundations-v3.0.0: [\"5.%d\"]}", "{}",
              "{aws-config: [rule-%d]}")
HEADINGS = {
    "en": ("Description", "Rationale", "Remediation", "Compliant examples", "Non-compliant examples", "References"),
    "fr": ("Description", "Justification", "Correction", "Exemples conformes", "Exemples non conformes", "Références"),
    "ja": ("説明", "根拠", "修正方法", "準拠している例", "準拠していない例", "参考資料"),
}
PROSE = {
    "en": ("This rule reports each `{resource}` whose `{prop}` is set to an unsafe value in resource {n}. "
           "An unsafe value widens what an attacker reaches once a workload is compromised, and it is rarely "
           "what the template author meant."),
    "fr": ("Cette règle signale chaque `{resource}` dont la propriété `{prop}` a une valeur dangereuse dans la "
           "ressource {n}. Une telle valeur élargit ce qu'un attaquant atteint une fois une charge de travail "
           "compromise, et c'est rarement ce que l'auteur du modèle voulait."),
    "ja": ("このルールは、リソース {n} で `{prop}` に安全でない値が設定されている `{resource}` を検出します。"
           "安全でない値は、ワークロードが侵害されたときに攻撃者が到達できる範囲を広げます。テンプレートの作成者が"
           "意図した設定であることはほとんどありません。"),
}


def make_typical_catalog(dest: Path, rules: int) -> None:
    """Write `rules` generated rules of a typical size, each in English, French and Japanese."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for n in range(rules):
        rule_id = f"cloudformation-aws-synthetic-rule-{n:04d}"
        folder = dest / rule_id
        folder.mkdir()
        bodies = {lang: _typical_body(lang, n) for lang in HEADINGS}
        title, summary = f"Synthetic rule number {n}", f"Reports resources whose property {n} is unsafe."
        (folder / "en.md").write_text(
            f"---\nid: {rule_id}\ntitle: {title}\nsummary: {summary}\nkind: iac\nplatform: cloudformation\n"
            f"provider: aws\nservice: ec2\nresource_types: [AWS::EC2::SecurityGroup]\n"
            f"severity: {SEVERITIES[n % len(SEVERITIES)]}\ncategory: {CATEGORIES[n % len(CATEGORIES)]}\n"
            f"cwe: {200 + n % 50}\nframeworks: {FRAMEWORKS[n % len(FRAMEWORKS)].replace('%d', str(n % 30))}\n"
            "legacy_ids: []\n"
            f"aliases: []\nreferences: [https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html]\n"
            f"---\n{bodies['en']}", encoding="utf-8")
        shutil.copy(CHECK, folder / "check.py")  # a rule is its folder, check included
        digest = source_digest(title, summary, bodies["en"])
        for lang, translated in (("fr", f"Règle synthétique numéro {n}"), ("ja", f"合成ルール {n} 番")):
            (folder / f"{lang}.md").write_text(
                f'---\ntitle: {translated}\nsource_digest: "{digest}"\n---\n{bodies[lang]}', encoding="utf-8")


def _typical_body(lang: str, n: int) -> str:
    headings = HEADINGS[lang]
    prose = PROSE[lang].format(resource="AWS::EC2::SecurityGroup", prop=f"Property{n}", n=n)
    template = ("AWSTemplateFormatVersion: \"2010-09-09\"\nDescription: example {n}\nResources:\n"
                "  AppSecurityGroup:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
                "      GroupDescription: application tier\n      VpcId: vpc-0123456789abcdef0\n"
                "      SecurityGroupEgress:\n        - IpProtocol: tcp\n          FromPort: {port}\n"
                "          ToPort: {port}\n          CidrIp: 10.0.0.0/16\n")
    return (f"\n## {headings[0]} {{#description}}\n\n{prose}\n\n{prose}\n\n- {prose}\n- {prose}\n- {prose}\n"
            f"\n## {headings[1]} {{#rationale}}\n\n{prose}\n\n{prose}\n"
            f"\n## {headings[2]} {{#remediation}}\n\n{prose}\n\n```bash\n"
            f"aws cloudformation validate-template --template-body file://template-{n}.yaml\n"
            f"aws cloudformation deploy --template-file template-{n}.yaml --stack-name app-{n}\n```\n"
            f"\n## {headings[3]} {{#compliant}}\n\n{prose}\n\n```yaml\n{template.format(n=n, port=443)}```\n"
            f"\n## {headings[4]} {{#non-compliant}}\n\n{prose}\n\n```yaml hl_lines=\"11\"\n"
            f"{template.format(n=n, port=0)}```\n"
            f"\n## {headings[5]} {{#references}}\n\n- [Security group rules]"
            f"(https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html)\n")


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
    parser.add_argument("--profile", choices=("typical", "copies"), action="append",
                        help="which synthetic catalog (default: both, one after the other)")
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build into this folder and keep the catalog and the site")
    args = parser.parse_args(argv)

    missed = False
    for profile in args.profile or ["typical", "copies"]:
        missed |= not run_profile(profile, args.rules, args.runs, args.keep)
    return 1 if missed else 0


def run_profile(profile: str, rules: int, runs: int, keep: Path | None) -> bool:
    """Build the `profile` catalog `runs` times, print the figures, and return whether the targets are met."""
    work = (keep / profile) if keep else Path(tempfile.mkdtemp(prefix="rulebase-bench-site-"))
    try:
        start = time.perf_counter()
        make_site_catalog(work / "rules", rules, profile)
        files = list((work / "rules").rglob("*.md"))
        size = sum(f.stat().st_size for f in files) / len(files) / 1024
        print(f"[{profile}] synthetic catalog: {rules} rules, {len(files)} rule files of {size:.1f} KB on "
              f"average, written in {time.perf_counter() - start:.1f} s")
        results = []
        for run in range(runs):
            wall, timings = run_build(work / "rules", work / "site", work / "timings.json")
            results.append(report(wall, timings))
            r = results[-1]
            print(f"[{profile}] run {run + 1}: whole build {r['wall']:.1f} s | builds "
                  + ", ".join(f"{lang} {r[f'build_{lang}']:.1f} s" for lang in timings["languages"])
                  + f" | catalog load {r['catalog']:.2f} s | generator {r['generator']:.2f} s "
                  f"= {r['share']:.1%} of {r['catalog'] + r['builds']:.1f} process-seconds "
                  f"({r['critical_share']:.1%} of the wall time on the critical path)")
        best = min(results, key=lambda r: r["wall"])
        html = sum(1 for _ in (work / "site").rglob("*.html"))
        index = sum((work / "site" / lang / "search" / "search_index.json").stat().st_size
                    for lang in ("en", "fr", "ja")) / 3 / 2**20
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"[{profile}] site: {html} HTML files; search index {index:.1f} MB per language; "
              f"largest process peak RSS so far {peak:.0f} MB")
        ok = best["wall"] < WALL_TARGET and best["share"] < SHARE_TARGET
        print(f"[{profile}] targets: whole build < {WALL_TARGET:.0f} s: {best['wall']:.1f} s; generator share < "
              f"{SHARE_TARGET:.0%}: {best['share']:.1%} -> {'met' if ok else 'MISSED'}")
        return ok
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
