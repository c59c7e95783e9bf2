"""The command line in French and Japanese: exact lines of `scan` and `show`, the message tables, and what never
changes with --lang (JSON keys, rule ids, SARIF fingerprints)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rulebase.catalog import load_catalog
from rulebase.cli import main
from rulebase.glossary import check_text, read_glossaries
from rulebase.messages import LOCALE_DIR, PLURAL_FORMS, display_width, placeholders, table, translate
from rulebase.model import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
ALL_PROTOCOLS = "cloudformation-aws-security-group-egress-with-all-protocols"
NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A folder with a template and a partial snapshot from examples/, a binary file and a duplicate key."""
    shutil.copy(ROOT / "examples/web-app-stack.yaml", tmp_path)
    shutil.copytree(ROOT / "examples/account-partial", tmp_path / "account-partial")
    (tmp_path / "binary.yaml").write_bytes(b"Resources:\n  A:\n    Type: x\n\0")
    (tmp_path / "duplicate.yaml").write_text("Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n"
                                             "  Sg:\n    Type: AWS::EC2::SecurityGroup\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return ["web-app-stack.yaml", "account-partial", "binary.yaml", "duplicate.yaml", "missing.yaml"]


def scan(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(["scan", *argv])
    return code, capsys.readouterr().out.splitlines()


def titles(lang: str) -> dict[str, str]:
    return {rule.id: rule.title(lang) for rule in load_catalog(validate=False)}


def test_scan_in_french(inputs: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = scan(capsys, *inputs, "--lang", "fr")
    t = titles("fr")
    sg = "account-partial/describe-security-groups.json"
    assert code == 2
    assert [line for line in lines if line] == [
        f"account-partial: remarque: aws-ec2-instance-imdsv2-not-required non évaluée{NBSP}: "
        "sortie de describe-instances absente",
        f"account-partial: remarque: aws-ec2-network-acl-admin-ports-open-to-world non évaluée{NBSP}: "
        "sortie de describe-network-acls absente",
        f"account-partial: remarque: aws-ec2-subnet-auto-assigns-public-ip non évaluée{NBSP}: "
        "sortie de describe-subnets absente",
        f"account-partial: remarque: aws-ec2-vpc-flow-logs-disabled non évaluée{NBSP}: sortie de describe-flow-logs absente",
        f"{sg}:3: élevée aws-ec2-default-security-group-restricts-all-traffic sg-0c81f3a5d27e9b460: "
        f"{t['aws-ec2-default-security-group-restricts-all-traffic']} (IpPermissions 1, IpPermissionsEgress 1)",
        f"{sg}:6: moyenne aws-ec2-security-group-egress-all-ports sg-0c81f3a5d27e9b460: "
        f"{t['aws-ec2-security-group-egress-all-ports']} (IpProtocol -1 → 0.0.0.0/0)",
        f"{sg}:57: moyenne aws-ec2-security-group-egress-all-ports sg-0a4d6f82c1e3b597d: "
        f"{t['aws-ec2-security-group-egress-all-ports']} (IpProtocol -1 → 0.0.0.0/0)",
        f"{sg}:93: élevée aws-ec2-security-group-ingress-admin-ports-open-to-world sg-0a4d6f82c1e3b597d: "
        f"{t['aws-ec2-security-group-ingress-admin-ports-open-to-world']} (tcp 22 ← 0.0.0.0/0)",
        f"{sg}:93: élevée aws-ec2-security-group-ingress-high-risk-ports-open-to-world sg-0a4d6f82c1e3b597d: "
        f"{t['aws-ec2-security-group-ingress-high-risk-ports-open-to-world']} (tcp 22 ← 0.0.0.0/0: 22)",
        f"{sg}:248: moyenne aws-ec2-security-group-egress-all-ports sg-09d5b3e1a7c46f28e: "
        f"{t['aws-ec2-security-group-egress-all-ports']} (IpProtocol -1 → 0.0.0.0/0)",
        f"{sg}:280: élevée aws-ec2-security-group-ingress-high-risk-ports-open-to-world sg-09d5b3e1a7c46f28e: "
        f"{t['aws-ec2-security-group-ingress-high-risk-ports-open-to-world']} (tcp 3306 ← 0.0.0.0/0: 3306)",
        "binary.yaml:4: erreur: données binaires (octet NUL), pas un fichier texte",
        "duplicate.yaml:4: erreur: clé 'Sg' en double (première occurrence à la ligne 2)",
        "missing.yaml: erreur: fichier ou dossier introuvable",
        f"web-app-stack.yaml:74: moyenne cloudformation-aws-security-group-egress-with-port-range AppSecurityGroup: "
        f"{t['cloudformation-aws-security-group-egress-with-port-range']} (FromPort 8125 / ToPort 8135)",
        f"web-app-stack.yaml:78: moyenne {ALL_PROTOCOLS} AppSecurityGroup: {t[ALL_PROTOCOLS]} (IpProtocol -1)",
        f"9 résultats (4 élevés, 5 moyens) dans 2 fichiers analysés sur 3{NNBSP}; 3 fichiers illisibles.",
    ]


def test_scan_in_japanese(inputs: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = scan(capsys, *inputs, "--lang", "ja")
    t = titles("ja")
    sg = "account-partial/describe-security-groups.json"
    assert code == 2
    assert [line for line in lines if line] == [
        "account-partial: 注記: aws-ec2-instance-imdsv2-not-required は評価されていません: describe-instances の出力がありません",
        "account-partial: 注記: aws-ec2-network-acl-admin-ports-open-to-world は評価されていません: "
        "describe-network-acls の出力がありません",
        "account-partial: 注記: aws-ec2-subnet-auto-assigns-public-ip は評価されていません: describe-subnets の出力がありません",
        "account-partial: 注記: aws-ec2-vpc-flow-logs-disabled は評価されていません: describe-flow-logs の出力がありません",
        f"{sg}:3: 高 aws-ec2-default-security-group-restricts-all-traffic sg-0c81f3a5d27e9b460: "
        f"{t['aws-ec2-default-security-group-restricts-all-traffic']} (IpPermissions 1, IpPermissionsEgress 1)",
        f"{sg}:6: 中 aws-ec2-security-group-egress-all-ports sg-0c81f3a5d27e9b460: "
        f"{t['aws-ec2-security-group-egress-all-ports']} (IpProtocol -1 → 0.0.0.0/0)",
        f"{sg}:57: 中 aws-ec2-security-group-egress-all-ports sg-0a4d6f82c1e3b597d: "
        f"{t['aws-ec2-security-group-egress-all-ports']} (IpProtocol -1 → 0.0.0.0/0)",
        f"{sg}:93: 高 aws-ec2-security-group-ingress-admin-ports-open-to-world sg-0a4d6f82c1e3b597d: "
        f"{t['aws-ec2-security-group-ingress-admin-ports-open-to-world']} (tcp 22 ← 0.0.0.0/0)",
        f"{sg}:93: 高 aws-ec2-security-group-ingress-high-risk-ports-open-to-world sg-0a4d6f82c1e3b597d: "
        f"{t['aws-ec2-security-group-ingress-high-risk-ports-open-to-world']} (tcp 22 ← 0.0.0.0/0: 22)",
        f"{sg}:248: 中 aws-ec2-security-group-egress-all-ports sg-09d5b3e1a7c46f28e: "
        f"{t['aws-ec2-security-group-egress-all-ports']} (IpProtocol -1 → 0.0.0.0/0)",
        f"{sg}:280: 高 aws-ec2-security-group-ingress-high-risk-ports-open-to-world sg-09d5b3e1a7c46f28e: "
        f"{t['aws-ec2-security-group-ingress-high-risk-ports-open-to-world']} (tcp 3306 ← 0.0.0.0/0: 3306)",
        "binary.yaml:4: エラー: バイナリデータ (NUL バイト) で、テキストファイルではありません",
        "duplicate.yaml:4: エラー: キー 'Sg' が重複しています (最初は 2 行目)",
        "missing.yaml: エラー: ファイルまたはフォルダーがありません",
        f"web-app-stack.yaml:74: 中 cloudformation-aws-security-group-egress-with-port-range AppSecurityGroup: "
        f"{t['cloudformation-aws-security-group-egress-with-port-range']} (FromPort 8125 / ToPort 8135)",
        f"web-app-stack.yaml:78: 中 {ALL_PROTOCOLS} AppSecurityGroup: {t[ALL_PROTOCOLS]} (IpProtocol -1)",
        "検出結果 9 件 (高 4、中 5)、スキャンしたファイル 3 件のうち 2 件で検出。読み取れなかったファイル 3 件。",
    ]


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "1 finding (1 medium) in 1 of 1 file scanned; 1 file skipped (not a template or account data)."),
    ("fr", f"1 résultat (1 moyen) dans 1 fichier analysé sur 1{NNBSP}; 1 fichier ignoré (ni un modèle ni des données "
           "de compte)."),
    ("ja", "検出結果 1 件 (中 1)、スキャンしたファイル 1 件のうち 1 件で検出。スキップしたファイル 1 件 (テンプレートでも"
           "アカウントのデータでもありません)。"),
])
def test_summary_agrees_with_one(lang: str, expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, lines = scan(capsys, "tests/fixtures/scan/web.yml", "tests/fixtures/scan/package.json", "--lang", lang)
    assert lines[-1] == expected


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "No findings in 1 file scanned."),
    ("fr", "Aucun résultat dans 1 fichier analysé."),
    ("ja", "検出結果なし (スキャンしたファイル 1 件)。"),
])
def test_summary_without_findings(lang: str, expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, lines = scan(capsys, "tests/fixtures/scan/compliant.yaml", "--lang", lang)
    assert lines == [expected]


def test_too_big_groups_digits_the_french_way(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("Resources: {}\n" + "#" * 1_234_567 + "\n", encoding="utf-8")
    _, lines = scan(capsys, str(big), "--max-bytes", "1000000", "--lang", "fr")
    assert lines[0] == (f"{big}: erreur: le fichier fait 1{NNBSP}234{NNBSP}582 octets, au-delà de la limite de "
                        f"1{NNBSP}000{NNBSP}000 (--max-bytes)")


def test_show_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    rule = load_catalog()[ALL_PROTOCOLS]
    assert main(["show", ALL_PROTOCOLS, "--lang", "fr"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [rule.title("fr"), "=" * len(rule.title("fr"))]
    assert lines[5:16] == [
        f"identifiant{NBSP}:          {ALL_PROTOCOLS}",
        f"gravité{NBSP}:              moyenne",
        f"type{NBSP}:                 IaC (modèles)",
        f"plateforme{NBSP}:           CloudFormation",
        f"types de ressources{NBSP}:  AWS::EC2::SecurityGroup, AWS::EC2::SecurityGroupEgress",
        f"catégorie{NBSP}:            Réseau et pare-feu",
        f"CWE{NBSP}:                  CWE-200",
        f"référentiels{NBSP}:         -",
        f"anciens identifiants{NBSP}: ee464fc2-54a6-4e22-b10a-c6dcd2474d0c",
        f"langues{NBSP}:              en (à jour), fr (à jour), ja (à jour)",
        f"fichier{NBSP}:              rules/{ALL_PROTOCOLS}/fr.md",
    ]


def test_show_in_japanese_underlines_the_title_to_its_display_width(capsys: pytest.CaptureFixture[str]) -> None:
    rule = load_catalog()[ALL_PROTOCOLS]
    assert main(["show", ALL_PROTOCOLS, "--lang", "ja"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == rule.title("ja") == "すべてのプロトコルを許可するセキュリティグループのアウトバウンドルール"
    assert lines[1] == "=" * 70  # 35 wide characters, two columns each
    assert lines[5:16] == [
        f"ID:               {ALL_PROTOCOLS}",
        "重要度:           中",
        "種類:             IaC (テンプレート)",
        "プラットフォーム: CloudFormation",
        "リソースタイプ:   AWS::EC2::SecurityGroup、AWS::EC2::SecurityGroupEgress",
        "カテゴリ:         ネットワークとファイアウォール",
        "CWE:              CWE-200",
        "フレームワーク:   -",
        "以前の ID:        ee464fc2-54a6-4e22-b10a-c6dcd2474d0c",
        "言語:             en (最新)、fr (最新)、ja (最新)",
        f"ファイル:         rules/{ALL_PROTOCOLS}/ja.md",
    ]


def test_show_names_frameworks_through_the_vocabulary(capsys: pytest.CaptureFixture[str]) -> None:
    main(["show", "aws-ec2-default-security-group-restricts-all-traffic", "--lang", "fr"])
    frameworks = [line for line in capsys.readouterr().out.splitlines() if line.startswith("référentiels")]
    assert frameworks == [f"référentiels{NBSP}:         AWS Security Hub EC2.2; Règles gérées AWS Config "
                          "vpc-default-security-group-closed; CIS AWS Foundations Benchmark v1.2.0 4.3; "
                          "CIS AWS Foundations Benchmark v1.4.0 5.3; CIS AWS Foundations Benchmark v3.0.0 5.4"]


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("検出結果 5 件") == 13
    assert display_width("gravité") == 7
    assert display_width("ｱ") == 1  # half-width katakana is narrow


# --- the message tables ---------------------------------------------------------------------------------------

def test_every_message_has_every_language_with_the_same_placeholders() -> None:
    english = table("en")
    for lang in LANGUAGES:
        assert set(table(lang)) == set(english), (lang, set(table(lang)) ^ set(english))
    for id, entry in english.items():
        expected = _fields(entry)
        for lang in LANGUAGES:
            for form in _forms(table(lang)[id]):
                assert placeholders(form) == expected, (lang, id, form)


def test_plural_entries_have_the_forms_each_language_needs() -> None:
    for lang in LANGUAGES:
        for id, entry in table(lang).items():
            if isinstance(entry, dict):
                assert set(entry) - {"plural"} <= set(PLURAL_FORMS) and "other" in entry, (lang, id)
                if lang != "ja":
                    assert "one" in entry, (lang, id)


def test_every_message_the_code_names_is_in_the_tables() -> None:
    import ast

    named = set()
    for path in (ROOT / "rulebase").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("message", "translate", "_translate") \
                    and node.args and isinstance(node.args[0], ast.Constant):
                named.add(node.args[0].value)
    assert named and named <= set(table("en")), sorted(named - set(table("en")))


def test_messages_use_the_glossary_terms() -> None:
    glossaries, problems = read_glossaries(ROOT / "rules")
    assert not problems
    for lang in ("fr", "ja"):
        text = "\n".join(form for entry in table(lang).values() for form in _forms(entry))
        assert check_text(text, str(LOCALE_DIR / f"{lang}.yaml"), glossaries[lang]) == []


def test_french_plurals_count_zero_and_one_as_singular() -> None:
    assert translate("summary.unreadable", "fr", count=0) == "0 fichier illisible"
    assert translate("summary.unreadable", "fr", count=1) == "1 fichier illisible"
    assert translate("summary.unreadable", "fr", count=2) == "2 fichiers illisibles"
    assert translate("summary.unreadable", "en", count=0) == "0 files could not be read"


def _forms(entry: object) -> list[str]:
    if isinstance(entry, dict):
        return [text for key, text in entry.items() if key != "plural"]
    assert isinstance(entry, str)
    return [entry]


def _fields(entry: object) -> set[tuple[str, str, str]]:
    fields = [placeholders(form) for form in _forms(entry)]
    assert all(f == fields[0] for f in fields), entry
    return fields[0]


# --- what --lang never changes -----------------------------------------------------------------------------------

def _report(capsys: pytest.CaptureFixture[str], inputs: list[str], fmt: str, lang: str) -> dict[str, object]:
    main(["scan", *inputs, "--format", fmt, "--lang", lang])
    loaded: dict[str, object] = json.loads(capsys.readouterr().out)
    return loaded


def _keys(value: object) -> object:
    if isinstance(value, dict):
        return {key: _keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_keys(item) for item in value]
    return None


def test_json_keys_do_not_change_with_lang(inputs: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    reports = {lang: _report(capsys, inputs, "json", lang) for lang in LANGUAGES}
    assert _keys(reports["fr"]) == _keys(reports["ja"]) == _keys(reports["en"])
    assert reports["fr"]["errors"][0]["message"] == "données binaires (octet NUL), pas un fichier texte"  # type: ignore[index]
    assert reports["en"]["errors"][0]["message"] == "binary data (NUL byte), not a text file"  # type: ignore[index]


def test_rule_ids_and_severities_do_not_change_with_lang(inputs: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    reports = {lang: _report(capsys, inputs, "json", lang) for lang in LANGUAGES}
    found = {lang: [(f["rule_id"], f["severity"], f["file"], f["line"], f["resource"])  # type: ignore[index]
                    for f in report["findings"]] for lang, report in reports.items()}  # type: ignore[attr-defined]
    assert found["en"] and found["fr"] == found["ja"] == found["en"]


def test_sarif_fingerprints_do_not_change_with_lang(inputs: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    def fingerprints(lang: str) -> list[tuple[str, str]]:
        run = _report(capsys, inputs, "sarif", lang)["runs"][0]  # type: ignore[index]
        return [(r["ruleId"], r["partialFingerprints"]["rulebaseFinding/v1"]) for r in run["results"]]

    assert fingerprints("en") and fingerprints("fr") == fingerprints("ja") == fingerprints("en")
