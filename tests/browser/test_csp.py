"""The whole site works under the strict Content-Security-Policy the README recommends.

Material inlines a few scripts that its bundle depends on; overrides/ serves them as files.
Served with no 'unsafe-inline', a page must report no CSP violation, and the theme's
search, palette toggle and instant navigation must still work.
"""

from __future__ import annotations

import pytest

from conftest import build_site, free_port, serve

CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
       "connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")

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
    url, server = serve(site, headers={"Content-Security-Policy": CSP}, port=port)
    yield url
    server.shutdown()


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
    for path in ("", f"stages/{catalog.stages[0].id}/", "statuses/"):
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
