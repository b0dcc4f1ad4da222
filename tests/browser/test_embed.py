"""The embeddable checker (embed/, overrides/embed.html) in a shop's page on another origin:
the customer pastes and gets the result inside the frame, in the language the embed code asks
for; the shop's page can read neither the paste nor the result; other pages of the site
refuse to be framed (the site's CSP), while embed/ allows the origins the host names.
"""

from __future__ import annotations

import json

import pytest

import conftest
from conftest import ROOT

conftest.checker_hook()
import headers  # noqa: E402  (hooks/headers.py: the site's CSP)
from jptrack.export import language_folder  # noqa: E402

PASTE = (ROOT / "tests" / "fixtures" / "pastes" / "japanpost-en-us.txt").read_text(encoding="utf-8")
SECRET = "EG725089303JP"   # in the paste: the host page must never see it


def _site_host(shop_origin: str):
    """The site as a host serves it: the site's CSP everywhere, and for embed/ the same policy
    with the shop's origin as the only one allowed to frame it (README: Embed the checker)."""
    embed_csp = headers.CSP.replace("frame-ancestors 'self'", f"frame-ancestors 'self' {shop_origin}")

    class Host(conftest.SiteHandler):
        def end_headers(self):
            embed = "/embed/" in self.path.split("?")[0]
            self.send_header("Content-Security-Policy", embed_csp if embed else headers.CSP)
            super().end_headers()

    return Host


@pytest.fixture()
def shop(built_site, tmp_path):
    """A shop's page on its own origin, and the site on another, serving embed/ to it."""
    shop_url, shop_server = conftest.serve(tmp_path)
    site_url, site_server = conftest.serve(built_site, host=_site_host(shop_url.rstrip("/")))
    yield tmp_path, shop_url, site_url
    shop_server.shutdown()
    site_server.shutdown()


def _shop_page(folder, frame_src: str) -> str:
    (folder / "order.html").write_text(f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Your order</title></head><body><h1>Your order</h1>
<iframe id="checker" src="{frame_src}" title="Check your tracking" style="width:100%;max-width:40rem;height:50rem;border:0"
 allow="clipboard-write"></iframe>
<script>
window.seen = [];
addEventListener("message", (e) => window.seen.push(JSON.stringify(e.data)));
</script></body></html>""", encoding="utf-8")
    return "order.html"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_shop_page_embeds_the_checker_and_cannot_read_the_paste_or_the_result(page, shop, catalog, lang):
    folder, shop_url, site_url = shop
    root = site_url + (language_folder(lang) + "/" if language_folder(lang) else "")
    page.goto(shop_url + _shop_page(folder, root + "embed/"))
    frame = page.frame_locator("#checker")
    frame.locator("#jptrack-input").fill(PASTE)
    frame.locator(".jptrack__submit").click()
    frame.locator(".jptrack[data-state=result] .jptrack__card").wait_for(timeout=60_000)
    stage = frame.locator(".jptrack__card").get_attribute("data-current-stage")
    assert frame.locator(".jptrack__stage").inner_text().startswith(catalog.stage(stage).title.get(lang))
    assert frame.locator("html").get_attribute("lang") == lang
    # the frame's page is the checker alone: no site header, navigation or footer
    assert frame.locator(".md-header, .md-footer, .md-sidebar--primary").count() == 0
    # links in the result open a new tab, not the site inside the shop's frame
    assert frame.locator("base").get_attribute("target") == "_blank"
    # the shop's page: no way into the frame's document, and nothing posted to it
    reached = page.evaluate("""() => {
        const frame = document.getElementById('checker');
        let doc = 'none';
        try { doc = frame.contentDocument ? frame.contentDocument.body.innerText : null; } catch (e) { doc = 'blocked'; }
        let via = 'none';
        try { via = window.frames[0].document.body.innerText; } catch (e) { via = 'blocked'; }
        return {doc, via, seen: window.seen, own: document.body.innerText};
    }""")
    assert reached["doc"] in (None, "blocked") and reached["via"] == "blocked", reached
    assert not [m for m in reached["seen"] if SECRET in m or stage in m], reached["seen"]
    assert SECRET not in reached["own"]


def test_other_pages_of_the_site_refuse_to_be_framed_by_the_shop(page, shop):
    folder, shop_url, site_url = shop
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "frame-ancestors" in m.text else None)
    page.goto(shop_url + _shop_page(folder, site_url + "check/"))
    page.wait_for_timeout(1500)
    inner = page.frame_locator("#checker").locator("#jptrack-input")
    assert inner.count() == 0 and blocked, json.dumps(blocked)
