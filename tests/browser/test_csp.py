"""The whole site works under the Content-Security-Policy it publishes (site/_headers,
written by hooks/headers.py), served exactly as that file says.

Material inlines a few scripts that its bundle depends on; overrides/ serves them as files.
Served with no 'unsafe-inline', a page must report no CSP violation, and the theme's
search, palette toggle and instant navigation must still work.
"""

from __future__ import annotations

import pytest

from conftest import ROOT, build_site, free_port, serve
from test_checker import configure, shown, submit

SITE_HEADERS: dict = {}

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile);
});
"""


@pytest.fixture(scope="module")
def csp_site(tmp_path_factory):
    # Built for the address it is served on: instant navigation needs site_url to match.
    port = free_port()
    site = build_site(tmp_path_factory.mktemp("csp-site"), site_url=f"http://127.0.0.1:{port}/")
    import sys
    sys.path.insert(0, str(ROOT / "hooks"))
    from headers import parse_headers

    SITE_HEADERS.update(parse_headers((site / "_headers").read_text(encoding="utf-8")))
    url, server = serve(site, headers=SITE_HEADERS["/*"], port=port)
    yield url
    server.shutdown()


def test_the_published_policy_is_the_readmes_and_is_strict(csp_site):
    csp = SITE_HEADERS["/*"]["Content-Security-Policy"]
    assert f"`{csp}`" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "'unsafe-eval'" not in csp and "script-src 'self' 'wasm-unsafe-eval'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


@pytest.fixture
def csp_page(context):
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def test_pages_report_no_csp_violation_and_no_script_error(csp_page, csp_site, catalog):
    pages = ["", "statuses/", "services/", "destinations/"]
    pages += [f"{doc.stem}/" for doc in sorted((ROOT / "docs").glob("*.md")) if doc.stem != "index"]
    pages += [f"stages/{stage.id}/" for stage in catalog] + [f"destinations/{d.code.lower()}/" for d in catalog.destinations]
    for path in pages:
        csp_page.goto(csp_site + path)
        csp_page.wait_for_load_state("networkidle")
        assert violations(csp_page) == [], path
    assert csp_page.errors == []
    # bundle.js ran: it defines document$ only when its globals were there.
    assert csp_page.evaluate("typeof document$ !== 'undefined' && typeof __md_get === 'function'")


def test_search_palette_and_instant_navigation_work_under_csp(csp_page, csp_site, catalog):
    stage = catalog.stage("final-delivery")
    japanese = next(w.text for w in stage.wordings if w.lang == "ja")
    csp_page.goto(csp_site)
    csp_page.evaluate("window.__sameDocument = true")

    # Search (runs in a worker loaded from the site).
    csp_page.evaluate("document.querySelector('#__search').checked = true")
    csp_page.fill("input.md-search__input", japanese)
    csp_page.press("input.md-search__input", "End")
    first = csp_page.wait_for_selector(".md-search-result__item a", state="attached", timeout=15000)
    assert f"stages/{stage.id}/" in first.get_attribute("href")
    csp_page.evaluate("document.querySelector('#__search').checked = false")

    # Palette toggle (bundle.js + the saved palette restored by md-palette.js).
    before = csp_page.get_attribute("body", "data-md-color-scheme")
    csp_page.click("form[data-md-component=palette] label:visible")
    assert csp_page.get_attribute("body", "data-md-color-scheme") != before

    # Instant navigation: following a journey link keeps the same document.
    csp_page.click(f"article a[href$='stages/{stage.id}/']")
    csp_page.wait_for_url(f"**/stages/{stage.id}/")
    assert csp_page.evaluate("window.__sameDocument") is True
    assert violations(csp_page) == [] and csp_page.errors == []


def test_the_checker_answers_under_the_published_policy(csp_page, csp_site, catalog):
    text = (ROOT / "tests" / "fixtures" / "pastes" / "japanpost-en-us.txt").read_text(encoding="utf-8")
    configure(csp_page)   # add_init_script runs through CDP, not as page script: CSP does not apply
    csp_page.goto(csp_site + "check/")
    assert submit(csp_page, text) == "result"
    assert shown(csp_page)["stage"] == "final-delivery"
    assert violations(csp_page) == [] and csp_page.errors == []
