"""A synthetic catalog for the benchmarks: the real rules copied N times under new ids, examples made distinct."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from rulebase.catalog import load_catalog, read_page, source_digest

ROOT = Path(__file__).resolve().parent.parent
_FENCE = re.compile(r"^(```(?:yaml|json)[^\n]*\n)(.*?)$", re.MULTILINE)


def make_catalog(dest: Path, rules: int) -> dict[str, str]:
    """Write `rules` rule folders under `dest` and return {synthetic id: the real rule it copies}."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    real = list(load_catalog(ROOT / "rules"))
    origin = {}
    for n in range(rules):
        rule = real[n % len(real)]
        new_id = f"{rule.id}-{n:04d}"
        origin[new_id] = rule.id
        folder = dest / new_id
        folder.mkdir()
        en = _distinct_examples(Path(rule.pages["en"].path).read_text(encoding="utf-8"), n)
        en = en.replace(f"id: {rule.id}\n", f"id: {new_id}\n", 1)
        en = re.sub(r"^(legacy_ids|aliases): .*$", r"\1: []", en, flags=re.MULTILINE)
        en = re.sub(r"^(legacy_ids|aliases):\n(  - .*\n)+", r"\1: []\n", en, flags=re.MULTILINE)
        (folder / "en.md").write_text(en, encoding="utf-8")
        page, _ = read_page(folder / "en.md", validate=False)
        assert page is not None
        digest = source_digest(str(page.metadata["title"]), str(page.metadata.get("summary", "")), page.body)
        shutil.copy(Path(rule.path) / "check.py", folder / "check.py")  # a rule is its folder, check included
        for lang in ("fr", "ja"):
            text = _distinct_examples(Path(rule.pages[lang].path).read_text(encoding="utf-8"), n)
            text = re.sub(r'^source_digest: .*$', f'source_digest: "{digest}"', text, count=1, flags=re.MULTILINE)
            (folder / f"{lang}.md").write_text(text, encoding="utf-8")
    return origin


def _distinct_examples(text: str, n: int) -> str:
    """Make each example's code unique to this copy without moving any line (hl_lines stay true)."""
    def edit(match: re.Match[str]) -> str:
        fence, first = match[1], match[2]
        if fence.startswith("```json"):
            return fence + first + " " * (n + 1)
        return fence + first + f"  # copy {n}"
    return _FENCE.sub(edit, text)
