"""The site's own words in each language: labels of the metadata panel, the index, the notices."""

from __future__ import annotations

import re

from rulebase.model import LANGUAGES

LANGUAGE_NAMES: dict[str, str] = {"en": "English", "fr": "Français", "ja": "日本語"}

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "rules": "Rules",
        "guides": "Guides",
        "catalog_title": "Rule catalog",
        "catalog_intro": "Every rule of the catalog, with the filters below to narrow the list. "
                         "Each title opens the rule's page.",
        "download": "Download the metadata:",
        "rule": "Rule",
        "id": "Id",
        "severity": "Severity",
        "kind": "Kind",
        "platform": "Platform",
        "resource_types": "Resource types",
        "category": "Category",
        "cwe": "CWE",
        "frameworks": "Frameworks",
        "legacy_ids": "Earlier ids",
        "source": "Rule file",
        "none": "none",
        "no_rule": "no rule",
        "colon": ": ",
        "all.severity": "All",
        "all.kind": "All",
        "all.platform": "All",
        "all.category": "All",
        "all.frameworks": "All",
        "filter_text": "Filter",
        "filter_placeholder": "Title, id, category, control…",
        "shown": "{shown} of {total} {total:rule|rules} shown",
        "no_match": "No rule matches these filters.",
        "reset": "Reset filters",
        "run_heading": "Run this rule",
        "run_iac": "Scan CloudFormation templates (files or folders) with this rule only:",
        "run_posture": "Save the security groups of an account and Region, then scan them with this rule only:",
        "metadata_heading": "Metadata",
        "metadata_intro": "The rule's metadata as `rulebase export` and the Python library give it.",
        "missing_title": "Not translated yet",
        "missing": "This rule has no English page yet.",
        "stale_title": "Translation out of date",
        "stale": "The English page changed after this translation was made.",
        "severity.info": "Info",
        "severity.low": "Low",
        "severity.medium": "Medium",
        "severity.high": "High",
        "severity.critical": "Critical",
        "kind.iac": "IaC (templates)",
        "kind.posture": "Posture (account data)",
        "platform.cloudformation": "CloudFormation",
        "group.cloudformation-iac": "CloudFormation (IaC)",
        "group.aws-posture": "AWS account (posture)",
        "group_intro": "{count} {count:rule|rules} of this kind. Every rule, with filters:",
        "catalog_nav": "Catalog",
        "control": "Control",
        "in_catalog": "In the catalog",
        "framework_intro": "{controls} {controls:control|controls} covered by {rules} {rules:rule|rules}.",
        "framework_source": "The framework's documentation",
        "frameworks_title": "Frameworks",
        "framework_page": "Framework page",
        "all_controls": "all controls",
        "related_heading": "Related rules",
        "related_control": "Same control:",
        "related_type": "Same resource type:",
        "not_found_title": "Page not found",
        "not_found": "This address is not a page of the site (any more). The catalog and the search find the rules:",
        "not_found_search": "Search the site",
        "not_found_home": "Home",
        "fallback_lang": "The text below is in English.",
        "changed": "Last changed",
        "added_in": "Added in version",
        "verify_title": "verify: examples fail (preview only)",
        "verify_intro": "rulebase verify reports these failures; this notice is never published.",
        "platform.aws": "AWS",
    },
    "fr": {
        "rules": "Règles",
        "guides": "Guides",
        "catalog_title": "Catalogue des règles",
        "catalog_intro": "Toutes les règles du catalogue ; les filtres ci-dessous réduisent la liste. "
                         "Chaque titre ouvre la page de la règle.",
        "download": "Télécharger les métadonnées :",
        "rule": "Règle",
        "id": "Identifiant",
        "severity": "Gravité",
        "kind": "Type",
        "platform": "Plateforme",
        "resource_types": "Types de ressources",
        "category": "Catégorie",
        "cwe": "CWE",
        "frameworks": "Référentiels",
        "legacy_ids": "Anciens identifiants",
        "source": "Fichier de la règle",
        "none": "aucun",
        "no_rule": "aucune règle",
        "colon": " : ",
        "all.severity": "Toutes",
        "all.kind": "Tous",
        "all.platform": "Toutes",
        "all.category": "Toutes",
        "all.frameworks": "Tous",
        "filter_text": "Filtrer",
        "filter_placeholder": "Titre, identifiant, catégorie, contrôle…",
        "shown": "{shown} {shown:règle affichée|règles affichées} sur {total}",
        "no_match": "Aucune règle ne correspond à ces filtres.",
        "reset": "Réinitialiser les filtres",
        "run_heading": "Exécuter cette règle",
        "run_iac": "Analyser des modèles CloudFormation (fichiers ou dossiers) avec cette seule règle :",
        "run_posture": "Enregistrer les groupes de sécurité d'un compte et d'une région, "
                       "puis les analyser avec cette seule règle :",
        "metadata_heading": "Métadonnées",
        "metadata_intro": "Les métadonnées de la règle, telles que `rulebase export` et la bibliothèque Python "
                          "les donnent.",
        "missing_title": "Pas encore traduite",
        "missing": "Cette règle n'est pas encore traduite en français : la page anglaise est affichée.",
        "stale_title": "Traduction à mettre à jour",
        "stale": "La page anglaise a changé depuis cette traduction, qui peut donc être dépassée.",
        "severity.info": "Info",
        "severity.low": "Faible",
        "severity.medium": "Moyenne",
        "severity.high": "Élevée",
        "severity.critical": "Critique",
        "kind.iac": "IaC (modèles)",
        "kind.posture": "Posture (données du compte)",
        "platform.cloudformation": "CloudFormation",
        "group.cloudformation-iac": "CloudFormation (IaC)",
        "group.aws-posture": "Compte AWS (posture)",
        "group_intro": "{count} {count:règle|règles} de ce type. Toutes les règles, avec des filtres :",
        "catalog_nav": "Catalogue",
        "control": "Contrôle",
        "in_catalog": "Dans le catalogue",
        "framework_intro": "{controls} {controls:contrôle couvert|contrôles couverts} par {rules} {rules:règle|règles}.",
        "framework_source": "La documentation du référentiel",
        "frameworks_title": "Référentiels",
        "framework_page": "Page du référentiel",
        "all_controls": "tous les contrôles",
        "related_heading": "Règles liées",
        "related_control": "Même contrôle :",
        "related_type": "Même type de ressource :",
        "not_found_title": "Page introuvable",
        "not_found": "Cette adresse n'est pas (ou plus) une page du site. Le catalogue et la recherche trouvent les règles :",
        "not_found_search": "Rechercher dans le site",
        "not_found_home": "Accueil",
        "fallback_lang": "Le texte ci-dessous est en anglais.",
        "changed": "Dernière modification",
        "added_in": "Ajoutée dans la version",
        "verify_title": "verify : des exemples échouent (aperçu seulement)",
        "verify_intro": "rulebase verify signale ces échecs ; cet avis n'est jamais publié.",
        "platform.aws": "AWS",
    },
    "ja": {
        "rules": "ルール",
        "guides": "ガイド",
        "catalog_title": "ルールカタログ",
        "catalog_intro": "カタログのすべてのルールです。下のフィルターで一覧を絞り込めます。"
                         "タイトルを選ぶとルールのページが開きます。",
        "download": "メタデータのダウンロード:",
        "rule": "ルール",
        "id": "ID",
        "severity": "重要度",
        "kind": "種類",
        "platform": "プラットフォーム",
        "resource_types": "リソースタイプ",
        "category": "カテゴリ",
        "cwe": "CWE",
        "frameworks": "フレームワーク",
        "legacy_ids": "以前の ID",
        "source": "ルールファイル",
        "none": "なし",
        "no_rule": "なし",
        "colon": ": ",
        "all.severity": "すべて",
        "all.kind": "すべて",
        "all.platform": "すべて",
        "all.category": "すべて",
        "all.frameworks": "すべて",
        "filter_text": "絞り込み",
        "filter_placeholder": "タイトル、ID、カテゴリ、コントロール…",
        "shown": "{total} 件中 {shown} 件を表示",
        "no_match": "条件に一致するルールはありません。",
        "reset": "フィルターをリセット",
        "run_heading": "このルールを実行する",
        "run_iac": "CloudFormation テンプレート (ファイルまたはフォルダー) をこのルールだけでスキャンします。",
        "run_posture": "アカウントとリージョンのセキュリティグループを保存し、このルールだけでスキャンします。",
        "metadata_heading": "メタデータ",
        "metadata_intro": "`rulebase export` と Python ライブラリが返す、このルールのメタデータです。",
        "missing_title": "未翻訳",
        "missing": "このルールはまだ日本語に翻訳されていないため、英語のページを表示しています。",
        "stale_title": "翻訳が古くなっています",
        "stale": "この翻訳の作成後に英語のページが変更されたため、内容が古い可能性があります。",
        "severity.info": "情報",
        "severity.low": "低",
        "severity.medium": "中",
        "severity.high": "高",
        "severity.critical": "重大",
        "kind.iac": "IaC (テンプレート)",
        "kind.posture": "ポスチャ (アカウントのデータ)",
        "platform.cloudformation": "CloudFormation",
        "group.cloudformation-iac": "CloudFormation (IaC)",
        "group.aws-posture": "AWS アカウント (ポスチャ)",
        "group_intro": "この種類のルールは {count} 件です。すべてのルールをフィルター付きで見る:",
        "catalog_nav": "カタログ",
        "control": "コントロール",
        "in_catalog": "カタログで見る",
        "framework_intro": "{controls} 件のコントロールを {rules} 件のルールが扱います。",
        "framework_source": "フレームワークのドキュメント",
        "frameworks_title": "フレームワーク",
        "framework_page": "フレームワークのページ",
        "all_controls": "すべてのコントロール",
        "related_heading": "関連するルール",
        "related_control": "同じコントロール:",
        "related_type": "同じリソースタイプ:",
        "not_found_title": "ページが見つかりません",
        "not_found": "このアドレスはサイトのページではありません (移動した可能性があります)。カタログと検索でルールを探せます:",
        "not_found_search": "サイト内を検索",
        "not_found_home": "ホーム",
        "fallback_lang": "以下の本文は英語です。",
        "changed": "最終更新日",
        "added_in": "追加されたバージョン",
        "verify_title": "verify: 例が失敗しています (プレビューのみ)",
        "verify_intro": "rulebase verify で失敗した例です。この通知は公開されません。",
        "platform.aws": "AWS",
    },
}

# Links inside the notices; `{en_url}` is the English page, `{contributing}` the contributing page.
NOTICE_LINKS: dict[str, dict[str, str]] = {
    "en": {"missing": "", "stale": ""},
    "fr": {
        "missing": "[Traduire cette règle]({contributing})",
        "stale": "[Lire la page anglaise]({en_url}) · [Mettre à jour la traduction]({contributing})",
    },
    "ja": {
        "missing": "[このルールを翻訳する]({contributing})",
        "stale": "[英語のページを読む]({en_url}) · [翻訳を更新する]({contributing})",
    },
}

FRAMEWORK_NAMES: dict[str, str] = {
    "aws-security-hub": "AWS Security Hub",
    "aws-config": "AWS Config",
    "aws-foundational-security-best-practices": "AWS Foundational Security Best Practices",
    "nist-800-53-r5": "NIST SP 800-53 Rev. 5",
    "pci-dss-v4.0": "PCI DSS v4.0",
}

assert set(LABELS) == set(LANGUAGES) and all(LABELS[lang].keys() == LABELS["en"].keys() for lang in LANGUAGES)


def label(lang: str, key: str) -> str:
    """Return the site's word for `key` in `lang` (English when the language is unknown)."""
    return LABELS.get(lang, LABELS["en"])[key]


def optional_label(lang: str, key: str) -> str | None:
    """Return the site's word for `key` in `lang`, or None when it has none."""
    return LABELS.get(lang, LABELS["en"]).get(key)


_COUNTED = re.compile(r"\{(\w+)(?::([^|{}]*)\|([^{}]*))?\}")


def count_label(lang: str, key: str, **counts: int) -> str:
    """Return the site's sentence `key` in `lang` with its counts filled in: `{n}` is the number as the language
    writes it (« 1 234 »), `{n:one|other}` the words that agree with it, by CLDR's plural rules (French counts 0
    and 1 as singular). rulebase.js fills the index's live count the same way (Intl.PluralRules)."""
    from babel import Locale
    from babel.numbers import format_decimal

    locale = Locale.parse(lang if lang in LABELS else "en")

    def fill(match: re.Match[str]) -> str:
        count = counts[match[1]]
        if match[2] is None:
            return format_decimal(count, locale=locale)
        return match[2] if locale.plural_form(count) == "one" else match[3]

    return _COUNTED.sub(fill, label(lang, key))


def value_label(lang: str, field: str, value: str) -> str:
    """Return the display name of a metadata value (`severity`, `kind`, `platform`), or the value itself."""
    return LABELS.get(lang, LABELS["en"]).get(f"{field}.{value}", value)


def framework_name(key: str) -> str:
    """Return the display name of a framework key: `CIS AWS Foundations v3.0.0` for `cis-aws-foundations-v3.0.0`."""
    if key in FRAMEWORK_NAMES:
        return FRAMEWORK_NAMES[key]
    if key.startswith("cis-aws-foundations-"):
        return "CIS AWS Foundations " + key.removeprefix("cis-aws-foundations-")
    return key


def alternates(site_url: str, lang: str, page_url: str) -> list[tuple[str, str]]:
    """Return the `hreflang` alternates of a page: the same page's address in every language, then `x-default`
    (English). `site_url` is this language's site (`https://rulebase.dev/fr/`), `page_url` the page's path in it."""
    root = site_url.removesuffix("/").removesuffix(lang).removesuffix("/") + "/"
    pages = [(other, f"{root}{other}/{page_url}") for other in LANGUAGES]
    return [*pages, ("x-default", f"{root}en/{page_url}")]
