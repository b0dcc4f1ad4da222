"""Each language's site in a real browser: the checker on /<lang>/check/ answers in the
page's language whatever the paste's, the switcher takes the reader to the same page in
another language, search finds each stage's page first by its wordings and by its title in
that language, and the pages pass axe.

Expected texts come from the catalog (stages.yaml), never from literals here.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

import conftest
from conftest import ROOT

conftest.checker_hook()   # hooks/ on sys.path
import languages  # noqa: E402  (hooks/languages.py)

from jptrack.classify import check  # noqa: E402
from jptrack.words import Words  # noqa: E402
from test_search import open_search, top_results  # noqa: E402

BUILT = languages.built_languages(str(ROOT / "mkdocs.yml"))
OTHERS = [lang for lang in BUILT if lang != "en"]
PASTES = ROOT / "tests" / "fixtures" / "pastes"
# Japan Post's English page, its Japanese page, and a destination post's (USPS).
CASES = ["japanpost-en-us.txt", "japanpost-ja-us.txt", "usps.txt"]


def _root(site_url: str, lang: str) -> str:
    folder = languages.folder(lang)
    return site_url + (folder + "/" if folder else "")


@pytest.mark.parametrize("lang", OTHERS)
def test_the_checker_answers_in_the_page_language_whatever_the_paste(page, site_url, catalog, lang):
    page.goto(_root(site_url, lang) + "check/")
    assert page.get_attribute("html", "lang") == lang
    for name in CASES:
        page.fill("#jptrack-input", (PASTES / name).read_text(encoding="utf-8"))
        page.click(".jptrack__submit")
        page.wait_for_selector(".jptrack[data-state=result] .jptrack__card", timeout=60_000)
        stage = catalog.stage(page.get_attribute(".jptrack__card", "data-current-stage"))
        assert page.inner_text(".jptrack__stage").startswith(stage.title.get(lang)), name
        state = page.get_attribute(".jptrack__verdict", "data-verdict")
        assert catalog.verdict_label(state).get(lang) in page.inner_text(".jptrack__verdict"), name
        card = page.inner_text(".jptrack__card")
        assert catalog.ui_text("checker_meaning").get(lang) in card
        assert catalog.ui_text("checker_meaning").en not in card and "Tracking number" not in card, name
        # dates as the language writes them (27 September 2026, 2026年9月27日), not ISO
        expected = check(page.input_value("#jptrack-input"), catalog, lang=lang)
        words = Words(catalog, lang)
        assert words.long_date(expected["verdict"]["last_event"]) in card, name
        if expected["expected"]:
            assert words.month(expected["expected"]["checked"]) in card, name
        assert not re.search(r"\b20\d\d-\d\d\b", card), name
        page.fill("#jptrack-input", "")


@pytest.mark.parametrize("lang", OTHERS[:1])
def test_a_reader_who_changes_language_reuses_the_runtime_and_gets_the_language_links(page, site_url, catalog,
                                                                                      lang):
    paste = (PASTES / CASES[0]).read_text(encoding="utf-8")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(urlsplit(request.url).path))
    for root in (site_url, _root(site_url, lang)):
        page.goto(root + "check/")
        page.fill("#jptrack-input", paste)
        page.click(".jptrack__submit")
        page.wait_for_selector(".jptrack[data-state=result] .jptrack__card", timeout=60_000)
    stage = catalog.stage(page.get_attribute(".jptrack__card", "data-current-stage"))
    assert page.inner_text(".jptrack__stage").startswith(stage.title.get(lang))
    link = page.eval_on_selector(".jptrack__stage a", "a => a.href")
    assert urlsplit(link).path.startswith(urlsplit(_root(site_url, lang)).path + "stages/"), link
    # one runtime for every language: nothing of Pyodide's or the checker's code under /<lang>/
    own = urlsplit(_root(site_url, lang)).path
    assert not [p for p in requests if p.startswith(own + "assets/pyodide/")
                or p.startswith(own + "assets/checker/") and not p.endswith(".css")]
    assert any(p.startswith("/assets/pyodide/") for p in requests)


@pytest.mark.parametrize("lang", OTHERS)
def test_the_switcher_keeps_the_reader_on_the_same_page(page, site_url, catalog, lang):
    stage = catalog.stages[2]
    page.goto(f"{site_url}stages/{stage.id}/")
    page.locator(".md-header__option .md-select button").hover()
    page.click(f".md-select__link[hreflang='{lang}']")
    page.wait_for_load_state()
    assert urlsplit(page.url).path == urlsplit(_root(site_url, lang)).path + f"stages/{stage.id}/"
    assert page.get_attribute("html", "lang") == lang
    assert page.inner_text("h1").rstrip("¶") == stage.title.get(lang)   # ¶: the heading's permalink


@pytest.mark.parametrize("lang", BUILT)
def test_a_page_fetches_its_own_sitemap_only(page, site_url, catalog, lang):
    # Instant navigation reads this build's sitemap.xml; the other languages' sitemaps
    # (which Material fetches for each <link rel="alternate"> in the head) are never needed.
    sitemaps = []
    page.on("request", lambda request: sitemaps.append(urlsplit(request.url).path)
            if request.url.endswith("sitemap.xml") else None)
    page.goto(f"{_root(site_url, lang)}stages/{catalog.stages[1].id}/")
    page.wait_for_load_state("networkidle")
    assert sitemaps == [urlsplit(_root(site_url, lang)).path + "sitemap.xml"]


@pytest.mark.parametrize("lang", OTHERS)
def test_search_finds_each_stage_first_by_its_wordings_and_title_in_the_language(page, site_url, catalog, lang):
    root = _root(site_url, lang)
    open_search(page, root)
    # The language's own status wordings (zh covers both scripts), the UPU codes, the titles.
    own = lang.split("-")[0]
    queries: dict[str, set[str]] = {}
    for stage in catalog:
        for text in [w.text for w in stage.wordings if w.lang == own] + [u.code for u in stage.upu]:
            queries.setdefault(text, set()).add(stage.id)
    for stage in catalog:
        queries.setdefault(stage.title.get(lang), set()).add(stage.id)
    base = urlsplit(root).path
    missed = []
    for query, stage_ids in queries.items():
        wanted = {f"{base}stages/{s}/" for s in stage_ids}
        found = top_results(page, query)
        if not found or found[0] not in wanted:
            missed.append(f"{query!r}: got {found}, expected {' or '.join(sorted(wanted))}")
    print(f"search ({lang}): {len(queries) - len(missed)}/{len(queries)} land on their stage first")
    assert not missed, "\n".join(missed)


@pytest.mark.parametrize("lang", OTHERS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_stage_page_and_the_checker_page_have_no_axe_violations(page, site_url, catalog, lang, scheme):
    page.emulate_media(color_scheme=scheme)
    for path in (f"stages/{catalog.stages[0].id}/", "check/"):
        page.goto(_root(site_url, lang) + path)
        page.wait_for_selector(".md-content")
        results = Axe().run(page, context=None)
        assert results.violations_count == 0, results.generate_report()
