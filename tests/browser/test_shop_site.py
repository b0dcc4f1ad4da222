"""A shop's own site in the browser: the checker's result names the shop and how to reach it
(shop.yaml's contact), in the page's language. The site is test_shop's second shop."""

from __future__ import annotations

import pytest

import conftest
from conftest import ROOT
from test_shop import SECOND, second_shop_site  # noqa: F401  (the module's fixture)

PASTE = (ROOT / "tests" / "fixtures" / "pastes" / "japanpost-en-parcel-stalled.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def shop_url(second_shop_site):  # noqa: F811
    url, server = conftest.serve(second_shop_site)
    yield url
    server.shutdown()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_checker_names_the_shop_and_how_to_reach_it(page, shop_url, lang):
    page.add_init_script("window.jptrackConfig = {today: '2026-10-01'}")
    page.goto(shop_url + ("" if lang == "en" else f"{lang}/") + "check/")
    page.fill("#jptrack-input", PASTE)
    page.click(".jptrack__submit")
    page.wait_for_selector(".jptrack[data-state=result] .jptrack__card", timeout=60_000)
    contacts = page.inner_text(".jptrack__contacts")
    assert SECOND["name"] in contacts and SECOND["contact"]["form"] in contacts
    assert SECOND["contact"]["hours"][lang] in contacts
    assert SECOND["name"] in page.inner_text(".jptrack__verdict")   # "… contact Sakura Ceramics"
