"""The built site in a real browser: Debian's Chromium driven by playwright, against the site served locally.

`make test` installs chromium and fonts-noto-cjk first (`make browser-deps`); these tests never skip.
Screenshots of a rule page and of the index in each language go to build/screenshots/.
"""

from __future__ import annotations

import re
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from generator.groups import rule_groups
from generator.index_page import row_text
from generator.i18n import LABELS
from rulebase.catalog import load_catalog
from rulebase.model import LANGUAGES
from site_support import RULES, SCREENSHOTS

CATALOG = load_catalog(RULES)
DEFAULT_SG = "aws-ec2-default-security-group-restricts-all-traffic"
ALL_PORTS = "aws-ec2-security-group-egress-all-ports"


def search(page: Page, query: str) -> None:
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")  # Material reads the query on keyup


def search_results(page: Page, url: str, query: str) -> list[str]:
    """Search from `url` and return the paths of the results, once some are shown."""
    page.goto(url)
    search(page, query)
    results = page.locator(".md-search-result__item > a")
    expect(results.first).to_be_visible()
    return results.evaluate_all("links => links.map(a => new URL(a.href).pathname)")


def test_japanese_search_finds_the_japanese_rule_page(page: Page, base_url: str) -> None:
    paths = search_results(page, f"{base_url}/ja/", "デフォルト セキュリティグループ")
    assert f"/ja/rules/{DEFAULT_SG}/" in paths
    assert all(path.startswith("/ja/") for path in paths)
    page.locator(".md-search-result__item > a").nth(paths.index(f"/ja/rules/{DEFAULT_SG}/")).click()
    expect(page).to_have_url(re.compile(re.escape(f"{base_url}/ja/rules/{DEFAULT_SG}/")))
    expect(page.locator("h1")).to_contain_text(CATALOG[DEFAULT_SG].title("ja"))


def test_french_search_with_accents_stays_in_french(page: Page, base_url: str) -> None:
    paths = search_results(page, f"{base_url}/fr/", "défaut")
    assert f"/fr/rules/{DEFAULT_SG}/" in paths
    assert all(path.startswith("/fr/") for path in paths)


def test_index_filters_narrow_the_table(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/en/rules/")
    rows = page.locator(".rb-index tbody tr:visible")
    count = page.locator("[data-rb-count]")
    total = len(CATALOG)
    expect(rows).to_have_count(total)

    page.select_option("select[data-filter=severity]", "high")
    high = sorted(r.id for r in CATALOG if r.severity == "high")
    expect(rows).to_have_count(len(high))
    assert sorted(rows.evaluate_all("rows => rows.map(r => r.dataset.rule)")) == high
    expect(count).to_have_text(f"{len(high)} of {total} rules shown")
    assert "severity=high" in page.url  # a filtered list can be shared

    page.select_option("select[data-filter=severity]", "")
    page.select_option("select[data-filter=kind]", "iac")
    page.locator("input[data-filter=text]").fill("egress port range")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-rule", "cloudformation-aws-security-group-egress-with-port-range")

    page.select_option("select[data-filter=frameworks]", "aws-security-hub")
    expect(rows).to_have_count(0)
    expect(page.locator("[data-rb-empty]")).to_be_visible()

    page.locator(".rb-filters button[type=reset]").click()
    expect(rows).to_have_count(total)
    expect(count).to_have_text(f"{total} of {total} rules shown")


def test_index_filter_from_the_address_and_folded_text(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/fr/rules/?frameworks=aws-security-hub")
    rows = page.locator(".rb-index tbody tr:visible")
    expected = [r.id for r in CATALOG if "aws-security-hub" in r.frameworks]
    expect(rows).to_have_count(len(expected))
    page.select_option("select[data-filter=frameworks]", "")
    page.locator("input[data-filter=text]").fill("DEFAUT DU VPC")  # no accent, upper case
    expected = [r.id for r in CATALOG if all(term in row_text(r, "fr") for term in ("defaut", "du", "vpc"))]
    assert DEFAULT_SG in expected
    expect(rows).to_have_count(len(expected))
    assert sorted(rows.evaluate_all("rows => rows.map(r => r.dataset.rule)")) == sorted(expected)


def test_switcher_goes_from_french_to_the_same_rule_in_japanese(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/fr/rules/{DEFAULT_SG}/")
    page.locator(".md-header__option .md-select").hover()
    current = page.locator("a.md-select__link[aria-current=true]")
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("hreflang", "fr")
    page.locator("a.md-select__link[hreflang=ja]").click()
    expect(page).to_have_url(f"{base_url}/ja/rules/{DEFAULT_SG}/")
    expect(page.locator("h1")).to_contain_text(CATALOG[DEFAULT_SG].title("ja"))
    expect(page.locator("a.md-select__link[aria-current=true]")).to_have_attribute("hreflang", "ja")


def test_switcher_keeps_the_section_and_the_index_filters(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/fr/rules/{DEFAULT_SG}/#remediation")
    page.locator(".md-header__option .md-select").hover()
    page.locator("a.md-select__link[hreflang=en]").click()
    expect(page).to_have_url(f"{base_url}/en/rules/{DEFAULT_SG}/#remediation")
    expect(page.locator("h2#remediation")).to_be_in_viewport()

    page.goto(f"{base_url}/en/rules/")
    page.select_option("select[data-filter=severity]", "high")
    page.locator("input[data-filter=text]").fill("ssh")
    page.locator(".md-header__option .md-select").hover()
    page.locator("a.md-select__link[hreflang=ja]").click()
    expect(page).to_have_url(f"{base_url}/ja/rules/?q=ssh&severity=high")
    expect(page.locator("select[data-filter=severity]")).to_have_value("high")
    expected = [r.id for r in CATALOG if r.severity == "high" and "ssh" in row_text(r, "ja")]
    expect(page.locator(".rb-index tbody tr:visible")).to_have_count(len(expected))


@pytest.mark.parametrize(("languages", "lang"), [
    (["fr-FR", "fr"], "fr"), (["ja"], "ja"), (["de-DE", "ja-JP"], "ja"), (["de-DE"], "en"), (["en-GB"], "en")])
def test_root_sends_each_browser_to_its_language(browser: Browser, base_url: str, languages: list[str],
                                                 lang: str) -> None:
    context = browser.new_context(locale=languages[0])
    page = context.new_page()
    page.add_init_script(f"Object.defineProperty(navigator, 'languages', {{get: () => {languages!r}}})")
    page.goto(f"{base_url}/")
    expect(page).to_have_url(f"{base_url}/{lang}/")
    context.close()


def test_root_without_javascript_goes_to_english_and_links_every_language(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{base_url}/", wait_until="commit")
    expect(page).to_have_url(f"{base_url}/en/")  # the refresh; the root's links are checked by the build tests
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_404_page_opens_the_catalog_and_the_search(page: Page, base_url: str, lang: str) -> None:
    page.goto(f"{base_url}/{lang}/404.html")
    expect(page.locator("h1")).to_have_text(LABELS[lang]["not_found_title"])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"404-{lang}.png")
    page.locator("a[data-rb-search]").click()
    expect(page.locator("input.md-search__input")).to_be_focused()
    page.goto(f"{base_url}/{lang}/404.html")
    page.locator(".rb-not-found a").first.click()
    expect(page).to_have_url(f"{base_url}/{lang}/rules/")


@pytest.mark.parametrize(("old", "rule_id"), [
    ("/fr/security_monitoring/default_rules/cfd-f0b-f05/", ALL_PORTS),
    ("/ja/rx9-tkr-e6b/", DEFAULT_SG),
    ("/en/rules/cfd-f0b-f05/", ALL_PORTS),
])
def test_old_address_lands_on_the_rule_page(page: Page, base_url: str, old: str, rule_id: str) -> None:
    lang = old.split("/")[1]
    page.goto(f"{base_url}{old}")
    expect(page).to_have_url(f"{base_url}/{lang}/rules/{rule_id}/")
    expect(page.locator("h1")).to_contain_text(CATALOG[rule_id].title(lang))


def test_examples_have_a_copy_button_and_highlighted_lines(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/en/rules/{DEFAULT_SG}/")
    blocks = page.locator(".md-content pre")
    expect(page.locator(".md-content pre button.md-code__button[data-md-type=copy]")).to_have_count(blocks.count())
    highlighted = page.locator("#non-compliant ~ .highlight .hll")
    expected = sum(len(e.expected_lines) for e in CATALOG[DEFAULT_SG].examples("en") if e.kind == "non-compliant")
    expect(highlighted).to_have_count(expected)
    expect(highlighted.first).to_be_visible()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_screenshots_of_a_rule_page_and_the_index(page: Page, base_url: str, lang: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{base_url}/{lang}/rules/{DEFAULT_SG}/")
    expect(page.locator(".rb-meta")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / f"rule-{lang}.png", full_page=True)
    page.goto(f"{base_url}/{lang}/rules/{DEFAULT_SG}/#non-compliant")
    page.screenshot(path=SCREENSHOTS / f"rule-{lang}-non-compliant.png")
    page.goto(f"{base_url}/{lang}/rules/")
    expect(page.locator(".rb-index tbody tr")).to_have_count(len(CATALOG))
    page.screenshot(path=SCREENSHOTS / f"index-{lang}.png", full_page=True)
    assert (SCREENSHOTS / f"rule-{lang}.png").stat().st_size > 10_000


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_phone_drawer_lists_the_rules_of_the_current_group(phone: Page, base_url: str, lang: str) -> None:
    rule = CATALOG[DEFAULT_SG]
    group = next(g for g in rule_groups(CATALOG, lang) if rule in g.rules)
    phone.goto(f"{base_url}/{lang}/rules/{DEFAULT_SG}/")
    phone.locator("label.md-header__button[for=__drawer]").click()
    drawer = phone.locator(".md-sidebar--primary")
    expect(drawer).to_be_visible()
    current = drawer.locator(".md-nav__link--active", has_text=rule.title(lang)).first
    expect(current).to_be_visible()
    for other in group.rules:  # the drawer opens at the current group: its rules are listed, linked
        if other.id != DEFAULT_SG:
            expect(drawer.locator(f'a.md-nav__link[href$="/{other.id}/"]:visible')).to_have_count(1)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=SCREENSHOTS / f"phone-drawer-{lang}.png")
    drawer.locator(f'a.md-nav__link[href$="/{group.rules[0].id}/"]:visible').click()
    expect(phone.locator("h1")).to_contain_text(group.rules[0].title(lang))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_breadcrumbs_and_footer_move_within_the_group(page: Page, base_url: str, lang: str) -> None:
    group = rule_groups(CATALOG, lang)[0]
    first, second = group.rules[0], group.rules[1]
    page.goto(f"{base_url}/{lang}/rules/{first.id}/")
    expect(page.locator(".md-tabs__item--active")).to_have_count(1)
    expect(page.locator(".md-path__item").last).to_have_text(group.title)
    page.locator("a.md-footer__link--next").click()
    expect(page).to_have_url(f"{base_url}/{lang}/rules/{second.id}/")
    page.locator(".md-path__item a").last.click()
    expect(page).to_have_url(f"{base_url}/{lang}/catalog/{group.key}/")
    expect(page.locator(".rb-group li")).to_have_count(len(group.rules))


def test_index_filters_by_control_and_links_the_framework_page(page: Page, base_url: str) -> None:
    key, control = "aws-security-hub", "EC2.13"
    expected = sorted(r.id for r in CATALOG if control in r.frameworks.get(key, ()))
    assert len({CATALOG[i].kind for i in expected}) == 2  # IaC and posture
    page.goto(f"{base_url}/en/rules/")
    link = page.locator("[data-rb-framework-link]")
    expect(link).to_be_hidden()
    page.select_option("select[data-filter=frameworks]", f"{key}:{control}")
    rows = page.locator(".rb-index tbody tr:visible")
    expect(rows).to_have_count(len(expected))
    assert sorted(rows.evaluate_all("rows => rows.map(r => r.dataset.rule)")) == expected
    assert "frameworks=aws-security-hub%3AEC2.13" in page.url
    link.click()
    expect(page).to_have_url(re.compile(re.escape(f"{base_url}/en/frameworks/{key}/#control-ec2-13")))
    row = page.locator("tr#control-ec2-13")
    expect(row).to_be_in_viewport()
    for rule_id in expected:  # side by side: each rule in its kind's column
        expect(row.locator(f'td[data-kind="{CATALOG[rule_id].kind}"] a[href$="/{rule_id}/"]')).to_have_count(1)
    row.locator("a.rb-filter-link").click()
    expect(page.locator(".rb-index tbody tr:visible")).to_have_count(len(expected))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{base_url}/ja/frameworks/{key}/")
    page.screenshot(path=SCREENSHOTS / "framework-ja.png", full_page=True)


def all_result_pages(page: Page, url: str, query: str) -> set[str]:
    """Search from `url` and return the paths of every result page (Material shows them ten at a time)."""
    search_results(page, url, query)
    items = page.locator(".md-search-result__item > a")
    scroller = page.locator(".md-search__scrollwrap")
    count = -1
    while items.count() != count:  # each arrival at the bottom of the list adds four more
        count = items.count()
        scroller.evaluate("el => el.scrollTo(0, 0)")
        page.wait_for_timeout(100)
        scroller.evaluate("el => el.scrollTo(0, el.scrollHeight)")
        page.wait_for_timeout(300)
    return {path.split("#")[0] for path in items.evaluate_all("l => l.map(a => new URL(a.href).pathname)")}


def test_french_search_finds_without_accents_what_it_finds_with_them(page: Page, base_url: str) -> None:
    accented = all_result_pages(page, f"{base_url}/fr/", "défaut")
    assert f"/fr/rules/{DEFAULT_SG}/" in accented
    assert accented <= all_result_pages(page, f"{base_url}/fr/", "defaut")
    assert all_result_pages(page, f"{base_url}/fr/", "securite") >= {f"/fr/rules/{r.id}/" for r in CATALOG
                                                                  if "sécurité" in r.title("fr")}


def test_ipprotocol_minus_one_finds_the_all_protocols_rules(page: Page, base_url: str) -> None:
    paths = search_results(page, f"{base_url}/en/", "IpProtocol -1")
    assert paths[0] == "/en/rules/cloudformation-aws-security-group-egress-with-all-protocols/"
    pages = all_result_pages(page, f"{base_url}/en/", "IpProtocol -1")
    assert {"/en/rules/cloudformation-aws-security-group-egress-with-all-protocols/",
            f"/en/rules/{ALL_PORTS}/"} <= pages
    assert page.evaluate("rulebaseSearchQuery('IpProtocol: \"-1\"')") == "ipprotocolall"


@pytest.mark.parametrize("query", ["既定", "既定のセキュリティグループ", "デフォルト セキュリティグループ"])
def test_japanese_search_finds_the_default_group_rule(page: Page, base_url: str, query: str) -> None:
    paths = search_results(page, f"{base_url}/ja/", query)
    assert f"/ja/rules/{DEFAULT_SG}/" in paths[:3]
    assert all(path.startswith("/ja/") for path in paths)


@pytest.mark.parametrize("query", ["CWE-284", "cwe-284", "284"])
def test_index_filter_matches_cwe_numbers(page: Page, base_url: str, query: str) -> None:
    page.goto(f"{base_url}/en/rules/")
    page.locator("input[data-filter=text]").fill(query)
    rows = page.locator(".rb-index tbody tr:visible")
    expected = sorted(r.id for r in CATALOG if r.cwe == 284)
    assert expected
    expect(rows).to_have_count(len(expected))
    assert sorted(rows.evaluate_all("rows => rows.map(r => r.dataset.rule)")) == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_phone_index_is_one_card_per_rule_with_title_severity_and_kind(phone: Page, base_url: str, lang: str) -> None:
    phone.goto(f"{base_url}/{lang}/rules/")
    rows = phone.locator(".rb-index tbody tr")
    expect(rows).to_have_count(len(CATALOG))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways
    for n in range(rows.count()):
        row = rows.nth(n)
        rule = CATALOG[row.get_attribute("data-rule") or ""]
        box = row.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        expect(row.locator("td.rb-title a")).to_have_text(rule.title(lang))
        for part in (row.locator("td.rb-title a"), row.locator(".rb-badge"), row.locator("td").nth(2)):
            part_box = part.bounding_box()
            assert part_box is not None and part_box["x"] + part_box["width"] <= 390
        expect(row.locator("td").nth(2)).to_contain_text(LABELS[lang][f"kind.{rule.kind}"])
        expect(row.locator(".rb-badge")).to_have_text(LABELS[lang][f"severity.{rule.severity}"])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=SCREENSHOTS / f"phone-index-{lang}.png")


@pytest.mark.parametrize("rule_id", sorted(CATALOG.ids))
def test_phone_code_blocks_show_the_highlighted_lines_without_sideways_scrolling(phone: Page, base_url: str,
                                                                                 rule_id: str) -> None:
    phone.goto(f"{base_url}/en/rules/{rule_id}/")
    overflow = phone.locator(".highlight:has(.hll) pre > code").evaluate_all(
        "codes => codes.map(c => c.scrollWidth - c.clientWidth)")
    assert overflow and max(overflow) <= 1
    highlighted = phone.locator(".hll")
    for n in range(highlighted.count()):
        box = highlighted.nth(n).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    if rule_id == ALL_PORTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        phone.goto(f"{base_url}/en/rules/{rule_id}/#non-compliant")
        phone.screenshot(path=SCREENSHOTS / "phone-rule-non-compliant-en.png")
