"""Stage pages and the home page pass axe in both palettes, and the support reply's copy
button puts exactly the catalog's reply on the clipboard.

axe runs on `.md-content` (our content). The theme's own two violations (search dialog
name, footer contrast) are fixed in overrides/ and site.css; the whole-page check below
keeps them fixed.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

SCHEMES = {"light": "default", "dark": "slate"}


def _stage_with_most_wordings(catalog):
    return max(catalog, key=lambda s: len(s.wordings))


def _open(page, url: str, scheme: str) -> None:
    # The palettes in mkdocs.yml follow prefers-color-scheme until the reader toggles one.
    page.emulate_media(color_scheme=scheme)
    page.goto(url)
    page.wait_for_selector(".md-content")
    assert page.get_attribute("body", "data-md-color-scheme") == SCHEMES[scheme]


def _check(page, context: str | None = ".md-content") -> None:
    results = Axe().run(page, context=context)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_stage_page_content_has_no_axe_violations(page, site_url, catalog, scheme):
    _open(page, f"{site_url}stages/{_stage_with_most_wordings(catalog).id}/", scheme)
    _check(page)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_terminal_stage_page_content_has_no_axe_violations(page, site_url, catalog, scheme):
    stage = next((s for s in catalog if s.terminal), catalog.stages[-1])
    _open(page, f"{site_url}stages/{stage.id}/", scheme)
    _check(page)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_home_page_content_has_no_axe_violations(page, site_url, scheme):
    _open(page, site_url, scheme)
    _check(page)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_all_statuses_page_content_has_no_axe_violations(page, site_url, scheme):
    _open(page, f"{site_url}statuses/", scheme)
    _check(page)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_whole_stage_page_has_no_axe_violations(page, site_url, catalog, scheme):
    # Header, search dialog, navigation and footer too: the theme fixes must hold.
    _open(page, f"{site_url}stages/{catalog.stages[0].id}/", scheme)
    _check(page, context=None)


def test_copy_button_copies_the_support_reply(browser, site_url, catalog):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        for stage in (catalog.stages[0], _stage_with_most_wordings(catalog)):
            page.goto(f"{site_url}stages/{stage.id}/")
            button = page.locator(".jp-reply button.md-code__button[data-md-type=copy]")
            button.wait_for(timeout=5000)  # Material adds it from JS after load
            assert button.count() == 1, f"stages/{stage.id}/: not one copy button on the support reply"
            page.evaluate("navigator.clipboard.writeText('')")
            button.click()
            page.wait_for_function("async () => (await navigator.clipboard.readText()).length > 0")
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied.strip() == " ".join(str(stage.support_reply).split())
    finally:
        context.close()
