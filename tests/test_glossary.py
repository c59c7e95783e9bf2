"""The glossary check: `rulebase verify` rejects a forbidden term in a French or Japanese page, naming the file, the
line and the preferred term, and lets code, links and the real catalog through."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rulebase.cli import main
from rulebase.glossary import Glossary, check_text, parse_glossary, read_glossaries

ROOT = Path(__file__).resolve().parent.parent
RULE = "aws-ec2-default-security-group-restricts-all-traffic"


@pytest.fixture()
def one_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A catalog of one real rule with the shipped vocabulary and glossaries, paths printed as rules/<id>/<lang>.md."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules" / RULE, rules / RULE)
    for name in ("vocabulary.yaml", "glossary.fr.yaml", "glossary.ja.yaml"):
        shutil.copy(ROOT / "rules" / name, rules / name)
    monkeypatch.chdir(tmp_path)
    return Path("rules")


def insert_after_heading(page: Path, anchor: str, sentence: str) -> int:
    """Insert `sentence` as a paragraph right after the heading with `anchor`; return its file line."""
    lines = page.read_text(encoding="utf-8").split("\n")
    heading = next(i for i, line in enumerate(lines) if line.startswith("## ") and line.endswith("{#" + anchor + "}"))
    lines[heading + 1:heading + 1] = ["", sentence]
    page.write_text("\n".join(lines), encoding="utf-8")
    return heading + 3


def verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["verify", "rules", "--no-cfn-lint", *args])
    return code, capsys.readouterr().out.splitlines()


def glossary_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if ": use « " in line or ": use 「" in line]


def test_french_forbidden_term_fails_verify(one_rule: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = insert_after_heading(one_rule / RULE / "fr.md", "rationale", "La sévérité de cette règle est élevée.")
    code, lines = verify(capsys)
    assert glossary_lines(lines) == [f"rules/{RULE}/fr.md:{line}: use « gravité », not « sévérité »"]
    assert code == 1


def test_japanese_forbidden_term_fails_verify(one_rule: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = insert_after_heading(one_rule / RULE / "ja.md", "rationale", "このルールの重大度は高です。")
    code, lines = verify(capsys)
    assert glossary_lines(lines) == [f"rules/{RULE}/ja.md:{line}: use 「重要度」, not 「重大度」"]
    assert code == 1


def test_docs_pages_are_checked_with_docs(one_rule: Path, capsys: pytest.CaptureFixture[str]) -> None:
    guide = Path("docs/ja/guides/page.md")
    guide.parent.mkdir(parents=True)
    guide.write_text("# ガイド\n\nこのルールはアウトバウンドルールを報告します。\n", encoding="utf-8")
    Path("docs/en").mkdir()
    Path("docs/en/page.md").write_text("Severity and permissions are English words here.\n", encoding="utf-8")
    code, lines = verify(capsys, "--docs", "docs")
    assert glossary_lines(lines) == ["docs/ja/guides/page.md:3: use 「検出」, not 「報告します」"]
    assert code == 1


def test_catalog_without_glossary_is_not_checked(one_rule: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for lang in ("fr", "ja"):
        (one_rule / f"glossary.{lang}.yaml").unlink()
    insert_after_heading(one_rule / RULE / "fr.md", "rationale", "La sévérité de cette règle est élevée.")
    code, lines = verify(capsys)
    assert glossary_lines(lines) == []
    assert code == 0


def test_real_catalog_and_docs_have_no_glossary_finding(capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    glossaries, problems = read_glossaries(Path("rules"))
    assert problems == []
    assert sorted(glossaries) == ["fr", "ja"]
    found = []
    pages = sorted(Path("rules").glob("**/fr.md")) + sorted(Path("rules").glob("**/ja.md"))
    pages += sorted(Path("docs/fr").rglob("*.md")) + sorted(Path("docs/ja").rglob("*.md"))
    for page in pages:
        lang = "fr" if "fr" in (page.stem, page.parts[1]) else "ja"
        found += [p.format() for p in check_text(page.read_text(encoding="utf-8"), str(page), glossaries[lang])]
    assert found == []


# --- the check itself, on small texts ---------------------------------------------------------------------------

FR, _ = parse_glossary({"terms": [
    {"use": "gravité", "not": ["sévérité"]},
    {"use": "région", "regex": [r"(?<=[a-zà-ÿ0-9,;:)] )Régions?\b"]},
    {"use": "restreint(e)", "not": ["étroite"]},
]}, "fr")
JA, _ = parse_glossary({"terms": [
    {"use": "検出", "regex": ["報告(?:し(?:ます|ません)|され(?:る|ます|ません)?)"]},
    {"use": "デフォルトの", "regex": ["独自の(?=(?:アウトバウンド|インバウンド)?ルール)"]},
]}, "ja")


def messages(text: str, glossary: Glossary) -> list[str]:
    return [p.format() for p in check_text(text, "page.md", glossary)]


def test_code_links_and_urls_are_not_prose() -> None:
    text = "\n".join([
        "Le champ `Sévérité` reste tel quel.",
        "```yaml",
        "Description: sévérité étroite",
        "```",
        "Voir [la page](https://example.com/sévérité) et https://example.com/étroite.",
        "",
        "    indented: sévérité",
        "",
        "Une règle étroite.",
    ])
    assert messages(text, FR) == ["page.md:9: use « restreint(e) », not « étroite »"]


def test_french_matches_whole_words_any_case_and_quotes_the_text() -> None:
    assert messages("Sévérité : haute. Les sévérités multiples.", FR) == ["page.md:1: use « gravité », not « Sévérité »"]
    assert messages("Région AWS. Dans chaque Région, la région.", FR) == ["page.md:1: use « région », not « Région »"]


def test_japanese_patterns_keep_other_senses() -> None:
    assert messages("トークンは独自のヘッダーを使います。上司に報告書を出します。", JA) == []
    assert messages("独自のアウトバウンドルールを報告します。", JA) == [
        "page.md:1: use 「デフォルトの」, not 「独自の」",
        "page.md:1: use 「検出」, not 「報告します」",
    ]


def test_bad_glossary_entries_are_problems() -> None:
    glossary, problems = parse_glossary({"terms": [{"use": "x", "regex": ["("]}, {"not": ["y"]}]}, "fr", "g.yaml")
    assert glossary.terms == ()
    assert [p.format() for p in problems] == [
        "g.yaml: term 'x': bad regular expression '(': missing ), unterminated subpattern at position 0",
        "g.yaml: term 'x': no forbidden variant (`not` or `regex`)",
        "g.yaml: term 2: `use` must be the preferred term",
    ]
