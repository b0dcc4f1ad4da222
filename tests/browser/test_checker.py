"""The live checker end to end, in Chromium under the real (self-hosted) Pyodide.

Contract: the root has `data-jptrack-widget`, one `textarea` and a `button[type=submit]`;
a shown result carries `data-current-stage="<id>"` ("" when nothing was recognised) and
links to `stages/<id>/`. The page's "today" is frozen through `window.jptrackConfig`, so
the browser's verdict can be compared with CPython's `jptrack.classify.check`.

The site is built here with `site_url` set to the address it is served on: Material's
instant navigation only follows links found in sitemap.xml and keeps the sitemap's port,
so a site built for :8000 and served on a random port would never navigate instantly.
"""

from __future__ import annotations

import json
import re
import time
from datetime import date
from pathlib import Path

import pytest

from conftest import ROOT, build_site, serve

TODAY = "2026-10-01"
WIDGET = "[data-jptrack-widget]"
TEXTAREA = f"{WIDGET} textarea"
SUBMIT = f"{WIDGET} button[type=submit]"
HISTORIES = json.loads((ROOT / "tests" / "pyodide" / "histories.json").read_text(encoding="utf-8"))
PASTES = ROOT / "tests" / "fixtures" / "pastes"
DELIVERED = (PASTES / "japanpost-en-us.txt").read_text(encoding="utf-8")   # ends at a stage with a guide
CPYTHON_TIMEOUT_MS = 60_000


# ---------------------------------------------------------------------------
# Helpers (test_checker_faults.py and bench/widget.py use them too)
# ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def served_checker_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("checker-site")
    url, server = serve(site)            # serve first: the build needs the URL
    build_site(site, site_url=url)
    yield site, url
    server.shutdown()


@pytest.fixture(scope="session")
def checker_site(served_checker_site) -> Path:
    return served_checker_site[0]


@pytest.fixture(scope="session")
def checker_url(served_checker_site) -> str:
    return served_checker_site[1]


def configure(page, **settings) -> None:
    """Set window.jptrackConfig before any page script runs (today, loadTimeout, autostart)."""
    settings.setdefault("today", TODAY)
    page.add_init_script(f"window.jptrackConfig = {json.dumps(settings)};")


def submit(page, text: str, *, timeout: float = CPYTHON_TIMEOUT_MS) -> str:
    """Put text in the textarea, press Check, wait for a result or an error; return the state.
    Waits for the script to bind the form first (a click before that sends the form the
    browser's way, which reloads the page)."""
    deadline = time.monotonic() + timeout / 1000
    while page.get_attribute(WIDGET, "data-bound") != "true":
        assert time.monotonic() < deadline, "the checker's script never bound the widget"
        page.wait_for_timeout(50)
    page.evaluate("""(text) => {
        const root = document.querySelector('[data-jptrack-widget]');
        root.dataset.state = 'waiting';
        root.querySelector('textarea').value = text;
    }""", text)
    page.click(SUBMIT)
    return wait_settled(page, timeout=timeout)


def wait_settled(page, *, timeout: float = CPYTHON_TIMEOUT_MS) -> str:
    # Polls instead of wait_for_function, which evaluates strings and so fails under a strict CSP.
    deadline = time.monotonic() + timeout / 1000
    while (state := page.get_attribute(WIDGET, "data-state")) not in ("result", "error"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"checker still {state!r} after {timeout / 1000:.0f} s: "
                               + page.inner_text(f"{WIDGET} [aria-live]"))
        page.wait_for_timeout(50)
    return state


def shown(page) -> dict:
    """What the page shows: current stage, verdict, stage link, status text."""
    return page.evaluate("""() => {
        const root = document.querySelector('[data-jptrack-widget]');
        const card = root.querySelector('[data-current-stage]');
        const link = card && card.querySelector('.jptrack__stage a');
        const verdict = card && card.querySelector('[data-verdict]');
        return {
            stage: card ? card.dataset.currentStage : null,
            verdict: verdict ? verdict.dataset.verdict : null,
            heading: verdict ? verdict.querySelector('strong').textContent : null,
            facts: verdict ? verdict.textContent : null,
            href: link ? new URL(link.href).pathname : null,
            status: root.querySelector('[aria-live]').textContent,
            text: root.textContent,
        };
    }""")


def cpython(text: str, today: str = TODAY) -> dict:
    classify = pytest.importorskip("jptrack.classify")
    from jptrack import catalog as catalog_module

    catalog = catalog_module.load(ROOT / "stages.yaml")
    return classify.check(text, catalog, today=date.fromisoformat(today))


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=WIDGET)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results.response["violations"]]


# ---------------------------------------------------------------------------
# Markup and loading
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["", "check/"])
def test_widget_markup_contract(page, checker_url, path):
    configure(page, autostart=False)
    page.goto(checker_url + path)
    root = page.locator(WIDGET)
    assert root.count() == 1
    assert root.locator("textarea").count() == 1
    assert root.locator("form button[type=submit]").count() == 1
    textarea_id = root.locator("textarea").get_attribute("id")
    assert root.locator(f"label[for='{textarea_id}']").count() == 1
    assert root.locator("[aria-live=polite]").count() == 1
    assert root.get_attribute("data-search-exclude") is not None
    page.wait_for_function("document.querySelector('[data-jptrack-widget]').dataset.bound === 'true'")
    # The same module in <head> too, so Python starts before the theme's own start-up.
    head = page.locator("head script[type=module][data-jptrack-head]")
    assert head.count() == 1
    assert head.get_attribute("src") == root.locator("script[type=module]").get_attribute("src")
    # The file:// / no-JS fallback is hidden once the script has bound the widget.
    assert not root.locator("[data-jptrack-fallback]").is_visible()
    assert root.locator("[data-jptrack-fallback] a").get_attribute("href").endswith("statuses/")


def test_pages_without_the_checker_load_none_of_it(page, checker_url, checker_site):
    stage = next(p for p in sorted((checker_site / "stages").iterdir()) if (p / "index.html").exists())
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{checker_url}stages/{stage.name}/")
    page.wait_for_timeout(1500)   # longer than the checker takes to start on its own
    heavy = [u for u in requests if "/assets/pyodide/" in u or u.endswith(".js") and "/assets/checker/" in u]
    assert heavy == []
    assert page.locator(WIDGET).count() == 0
    assert page.locator("script[data-jptrack-head]").count() == 0


def test_loads_lazily_and_shows_progress(page, checker_url):
    configure(page, autostart=False)
    requests: list[str] = []
    page.context.on("request", lambda r: requests.append(r.url))
    page.goto(checker_url + "check/")
    page.wait_for_timeout(500)
    assert not [u for u in requests if "/assets/pyodide/" in u], "Pyodide loaded before first use"
    page.focus(TEXTAREA)
    page.wait_for_function("document.querySelector('[data-jptrack-widget] [aria-live]')"
                           ".textContent.includes('Loading the checker')", timeout=5000)
    page.wait_for_function("document.querySelector('[data-jptrack-widget]').dataset.state === 'ready'",
                           timeout=CPYTHON_TIMEOUT_MS)


def test_starts_on_its_own_on_a_checker_page(page, checker_url):
    requests: list[str] = []
    page.context.on("request", lambda r: requests.append(r.url))
    page.goto(checker_url + "check/")
    deadline = time.monotonic() + 15
    while not any(u.endswith("/pyodide.asm.wasm") for u in requests):   # fetched by the worker
        assert time.monotonic() < deadline, "Pyodide did not start on its own"
        page.wait_for_timeout(200)
    page.wait_for_function("document.querySelector('[data-jptrack-widget]').dataset.state === 'ready'",
                           timeout=CPYTHON_TIMEOUT_MS)


WATCH_WARMUP = """
window.__warmup = [];
new MutationObserver((records) => {
  for (const r of records) {
    for (const n of r.addedNodes) if (n.dataset && n.dataset.jptrackFontWarmup) window.__warmup.push({
      added: performance.now(), hidden: n.getAttribute('aria-hidden'), inert: n.inert,
      visibility: getComputedStyle(n).visibility, inWidget: Boolean(n.closest('[data-jptrack-widget]')),
      controls: n.querySelectorAll('a, button').length});
    for (const n of r.removedNodes) if (n.dataset && n.dataset.jptrackFontWarmup) window.__warmup.push({removed: performance.now()});
  }
}).observe(document, {childList: true, subtree: true});
"""


def test_fonts_are_looked_up_while_python_loads_in_a_hidden_sample(page, checker_url):
    # The first result's layout used to wait on font look-ups (a long task when the answer
    # appears); the checker lays out a hidden sample result while Python loads instead.
    page.add_init_script(WATCH_WARMUP)
    page.goto(checker_url + "check/")
    page.wait_for_function("window.__warmup.some((e) => 'removed' in e)", timeout=15_000)
    added, removed = page.evaluate("window.__warmup")
    assert (added["hidden"], added["inert"], added["visibility"], added["inWidget"]) == ("true", True, "hidden", False)
    assert added["controls"] > 0   # a whole result card (links, the copy button), inert
    assert page.locator("[data-jptrack-font-warmup]").count() == 0
    assert submit(page, HISTORIES["japan-post-en"]["text"]) == "result"
    assert page.locator("[data-current-stage]").count() == 1   # only the real result


# ---------------------------------------------------------------------------
# Same answers as CPython
# ---------------------------------------------------------------------------

def _pastes() -> dict[str, dict]:
    pastes = dict(HISTORIES)
    for path in sorted(PASTES.glob("*.txt")) if PASTES.is_dir() else ():
        pastes[f"fixture:{path.name}"] = {"text": path.read_text(encoding="utf-8"), "today": TODAY}
    return pastes


def test_realistic_pastes_match_cpython(browser, checker_url):
    pytest.importorskip("jptrack.classify")
    mismatches = []
    for today in sorted({p["today"] for p in _pastes().values()}):
        context = browser.new_context()
        page = context.new_page()
        configure(page, today=today)
        page.goto(checker_url + "check/")
        for name, paste in _pastes().items():
            if paste["today"] != today:
                continue
            expected = cpython(paste["text"], today)
            assert submit(page, paste["text"]) == "result", name
            got = shown(page)
            want = {"stage": expected["current_stage"] or "",
                    "verdict": expected["verdict"]["state"],
                    # the heading and the service's name come from stages.yaml, via Python
                    "heading": expected["verdict"]["label"] + ". ",
                    "status": (f"Result: {expected['current']['title']}. {expected['verdict']['label']}."
                               if expected["current"] else "No Japan Post status was recognised in the text."),
                    "href": f"/stages/{expected['current_stage']}/" if expected["current_stage"] else None}
            have = {k: got[k] for k in want}
            service = expected["verdict"]["service_name"]
            if service and f"Service: {service}" not in got["facts"]:
                mismatches.append(f"{name}: the verdict does not name the service {service!r}")
            if have != want:
                mismatches.append(f"{name}: browser {have} != CPython {want}")
        context.close()
    assert not mismatches, "\n".join(mismatches)


def test_result_shows_meaning_timeline_numbers_and_unrecognised_lines(page, checker_url):
    expected = cpython(HISTORIES["japan-post-en"]["text"], HISTORIES["japan-post-en"]["today"])
    configure(page, today=HISTORIES["japan-post-en"]["today"])
    page.goto(checker_url + "check/")
    assert submit(page, HISTORIES["japan-post-en"]["text"] + "\n09/25/2026 10:00\tParcel looked at by a cat\t\tCHICAGO") == "result"
    text = shown(page)["text"]
    assert expected["current"]["meaning"] in text
    assert expected["current"]["what_to_do"] in text
    assert "Parcel looked at by a cat" in text and "not recognised" in text
    for number in expected["tracking_numbers"]:
        assert number["number"] in text
    stage_links = page.eval_on_selector_all(f"{WIDGET} .jptrack__timeline a",
                                            "links => links.map(a => new URL(a.href).pathname)")
    assert stage_links and all(p.startswith("/stages/") and p.endswith("/") for p in stage_links)
    # The stage link works (and goes through instant navigation: same document).
    page.evaluate("window.__sameDocument = true")
    page.click(f"{WIDGET} .jptrack__stage a")
    page.wait_for_url(f"**/stages/{expected['current_stage']}/")
    assert page.evaluate("window.__sameDocument") is True


def test_nothing_recognised(page, checker_url):
    configure(page)
    page.goto(checker_url + "check/")
    assert submit(page, "hello there\nnothing to see") == "result"
    got = shown(page)
    assert got["stage"] == ""
    assert page.locator(f"{WIDGET} [data-current-stage] a[href$='statuses/']").count() >= 1


def test_paste_classifies_without_pressing_check(page, checker_url):
    configure(page)
    page.goto(checker_url + "check/")
    page.evaluate("""(text) => {
        const input = document.querySelector('[data-jptrack-widget] textarea');
        input.value = text;
        input.dispatchEvent(new Event('paste', {bubbles: true}));
    }""", HISTORIES["japan-post-ja"]["text"])
    assert wait_settled(page) == "result"


def test_copy_summary(page, context, checker_url, catalog):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=checker_url.rstrip("/"))
    configure(page)
    page.goto(checker_url + "check/")
    assert submit(page, DELIVERED) == "result"
    page.click(f"{WIDGET} .jptrack__copy")
    page.wait_for_function("document.querySelector('[data-jptrack-widget] [aria-live]')"
                           ".textContent.includes('copied')")
    summary = page.evaluate("navigator.clipboard.readText()")
    title = page.inner_text(f"{WIDGET} .jptrack__stage")
    assert f"Status: {title}" in summary and "/stages/" in summary
    stage = catalog.stage(shown(page)["stage"])
    assert stage.guides, f"test setup: {stage.id} has no guides in stages.yaml"
    for guide in stage.guides:
        assert f"Guide: {guide.text.en} {checker_url}{guide.url}" in summary


def test_the_result_links_the_stages_guides(page, checker_url, catalog):
    configure(page)
    page.goto(checker_url + "check/")
    assert submit(page, DELIVERED) == "result"
    stage = catalog.stage(shown(page)["stage"])
    assert stage.guides, f"test setup: {stage.id} has no guides in stages.yaml"
    links = page.eval_on_selector_all(f"{WIDGET} .jptrack__guide a", "els => els.map((a) => [a.textContent, a.href])")
    assert links == [[guide.text.en, checker_url + guide.url] for guide in stage.guides]
    page.click(f"{WIDGET} .jptrack__guide a")
    page.wait_for_url(checker_url + stage.guides[0].url)
    # The guide, not a 404: its heading and title agree (instant navigation sets the title
    # after it has swapped the content in, so wait for that).
    page.wait_for_function("""() => {
        const h1 = document.querySelector('article h1');
        return h1 && document.title.startsWith(h1.textContent.replace('¶', '').trim());
    }""")
    assert "404" not in page.title()


def test_an_inferred_stage_is_marked_probably(page, context, checker_url, catalog):
    """A stage worked out from a line's action and place (a post the catalog has no wording
    for) is marked with stages.yaml's `inferred.label` and explained once; a stage read from
    an exact wording is not marked."""
    label, note = (text.en for text in catalog.inferred)
    india = (ROOT / "tests" / "histories" / "dev" / "india-post-in-jp-satte-2022-a.txt").read_text(encoding="utf-8")
    expected = cpython(india, "2023-01-05")
    assert expected["current_basis"] == "inferred"
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=checker_url.rstrip("/"))
    configure(page, today="2023-01-05")
    page.goto(checker_url + "check/")
    assert submit(page, india) == "result"
    assert shown(page)["stage"] == expected["current_stage"]
    assert page.inner_text(f"{WIDGET} .jptrack__stage .jptrack__probably") == label
    assert page.inner_text(f"{WIDGET} .jptrack__inferred-note") == note
    marks = page.locator(f"{WIDGET} .jptrack__timeline .jptrack__probably")
    assert marks.count() == sum(e["basis"] == "inferred" for e in expected["events"]) > 0
    # an event without a known wording shows its line, without the date shown beside it
    texts = page.eval_on_selector_all(f"{WIDGET} .jptrack__timeline .jptrack__text", "els => els.map(e => e.textContent)")
    assert texts == [e["matched"] if e["stage"] and e["matched"] else e["undated_text"] if e["time"] else e["text"]
                     for e in expected["events"]]
    assert any(e["basis"] == "inferred" and e["undated_text"] != e["text"] for e in expected["events"])
    page.click(f"{WIDGET} .jptrack__copy")
    page.wait_for_function("document.querySelector('[data-jptrack-widget] [aria-live]')"
                           ".textContent.includes('copied')")
    assert f"Status: {expected['current']['title']} ({label})" in page.evaluate("navigator.clipboard.readText()")
    # Japan Post's own wordings: nothing is marked.
    assert submit(page, DELIVERED) == "result"
    assert page.locator(f"{WIDGET} .jptrack__probably").count() == 0
    assert page.locator(f"{WIDGET} .jptrack__inferred-note").count() == 0


def _japan_post_to(country: str, last: str) -> str:
    """A Japan Post English page for an EMS item, ending at `last` in `country`."""
    return "\n".join([
        "EG123456785JP",
        "11/02/2026 10:00\tPosting/Collection\t\tSHINJUKU\t163-8799\tTOKYO",
        "11/03/2026 09:00\tArrival at outward office of exchange\t\tTOKYO INT\t\tTOKYO",
        "11/04/2026 18:00\tDispatch from outward office of exchange\t\tTOKYO INT\t\tTOKYO",
        f"11/06/2026 07:00\tArrival at inward office of exchange\t\t\t\t{country}",
        f"11/06/2026 12:00\t{last}\t\t\t\t{country}",
    ])


def test_a_canadian_customer_sees_canada_post_the_dates_and_the_duty_note(page, checker_url, catalog):
    """The issue's own case: a Japan Post history to Canada, at customs."""
    text = _japan_post_to("CANADA", "In Customs")
    expected = cpython(text, "2026-11-08")
    place = catalog.destination("CA")
    configure(page, today="2026-11-08")
    page.goto(checker_url + "check/")
    assert submit(page, text) == "result"
    box = page.locator(f"{WIDGET} .jptrack__destination")
    assert place.called.en in box.locator("h3, h4, h5").first.inner_text()
    assert page.inner_text(f"{WIDGET} .jptrack__expected").startswith(expected["expected"]["message"])
    assert "usually delivered" in expected["expected"]["message"]
    assert place.duty.value.en in page.inner_text(f"{WIDGET} .jptrack__duty")
    links = page.eval_on_selector_all(f"{WIDGET} a[rel~=noreferrer]", "as => as.map(a => [a.textContent, a.href])")
    assert [place.post.name.en, place.post.tracking_url("EG123456785JP")] in links   # the contact, by name
    assert any(href == place.post.tracking_url("EG123456785JP") and place.post.name.en in label
               for label, href in links)
    assert "Your local post office" not in page.inner_text(f"{WIDGET} .jptrack__contacts")
    assert place.post.name.en in shown(page)["facts"]   # the verdict names whom to contact


def test_where_is_it_going_fills_in_what_the_paste_does_not_say(page, checker_url, catalog):
    """A number alone: the select gives the country; changing it answers again."""
    configure(page, today="2026-11-08")
    page.goto(checker_url + "check/")
    assert submit(page, "EG123456785JP") == "result"
    assert page.locator(f"{WIDGET} .jptrack__destination h3, {WIDGET} .jptrack__destination h4").first \
        .inner_text() == "Where it is going"
    japan_post = catalog.destination("JP").post.tracking_url("EG123456785JP")
    hrefs = lambda: page.eval_on_selector_all(f"{WIDGET} a[rel~=noreferrer]", "as => as.map(a => a.href)")  # noqa: E731
    assert japan_post in hrefs()
    page.evaluate("document.querySelector('[data-jptrack-widget]').dataset.state = 'waiting'")
    page.select_option("#jptrack-to", "GB")
    wait_settled(page)
    royal_mail = catalog.destination("GB").post
    assert royal_mail.tracking_url("EG123456785JP") in hrefs() and japan_post in hrefs()
    assert catalog.destination("GB").called.en in page.inner_text(f"{WIDGET} .jptrack__destination")
    # the select is part of the page only: no name, so no form would ever send it
    assert page.get_attribute("#jptrack-to", "name") is None


def test_an_item_at_the_post_office_shows_the_collect_by_date(page, checker_url, catalog):
    text = _japan_post_to("UNITED KINGDOM", "Retention")
    expected = cpython(text, "2026-11-08")
    configure(page, today="2026-11-08")
    page.goto(checker_url + "check/")
    assert submit(page, text) == "result"
    collect = expected["destination_notes"]["collect_by"]
    assert collect["date"] and page.inner_text(f"{WIDGET} .jptrack__collect").startswith(collect["message"])


# ---------------------------------------------------------------------------
# Instant navigation
# ---------------------------------------------------------------------------

def test_instant_navigation_keeps_one_worker(page, checker_url):
    configure(page)
    page.goto(checker_url)
    assert submit(page, HISTORIES["japan-post-en"]["text"]) == "result"
    page.evaluate("window.__sameDocument = true")
    # Away to a page without the checker, then to the checker page, by in-page links.
    page.click(f"{WIDGET} .jptrack__timeline a")
    page.wait_for_url("**/stages/**")
    page.wait_for_function("document.querySelector('[data-jptrack-widget]') === null")
    page.evaluate("""() => {
        const a = document.createElement('a');
        a.href = new URL('../../check/', location.href).href;   // from stages/<id>/
        a.id = 'go-check'; a.textContent = 'check';
        document.querySelector('.md-content article').append(a);
    }""")
    page.click("#go-check")
    page.wait_for_url("**/check/")
    page.wait_for_function("document.querySelector('[data-jptrack-widget]')?.dataset.bound === 'true'")
    assert page.evaluate("window.__sameDocument") is True, "instant navigation reloaded the page"
    started = time.perf_counter()
    assert submit(page, HISTORIES["japan-post-ja"]["text"], timeout=5000) == "result"
    assert time.perf_counter() - started < 2.0
    # Back (history) re-binds too.
    page.go_back()
    page.go_back()
    page.wait_for_function("""() => location.pathname === '/'
        && document.querySelector('[data-jptrack-widget]')?.dataset.bound === 'true'
        && !document.querySelector('[data-current-stage]')""")   # the home page's fresh widget
    assert page.evaluate("window.__sameDocument") is True
    assert submit(page, HISTORIES["delivered-ja"]["text"], timeout=5000) == "result"


def test_the_checker_reached_first_by_instant_navigation_has_its_words_and_assets(page, checker_url, catalog):
    """Material's instant navigation re-creates the content's <script> elements without their
    attributes, so the widget carries its words and asset list as attributes."""
    configure(page)
    page.goto(checker_url + f"stages/{catalog.stages[2].id}/")   # no checker on this page
    page.evaluate("window.__sameDocument = true")
    page.evaluate("""() => {
        const a = document.createElement('a');
        a.href = new URL('../../check/', location.href).href;
        a.id = 'go-check'; a.textContent = 'check';
        document.querySelector('.md-content article').append(a);
    }""")
    page.click("#go-check")
    page.wait_for_function("document.querySelector('[data-jptrack-widget]')?.dataset.bound === 'true'")
    assert page.evaluate("window.__sameDocument") is True, "instant navigation reloaded the page"
    assert submit(page, HISTORIES["japan-post-en"]["text"]) == "result"
    shown = page.inner_text(WIDGET)
    assert not re.search(r"\b(checker|summary)_[a-z_]+\b|\bsentence_end\b", shown), shown[:300]
    assert catalog.ui_text("checker_meaning").en in shown


# ---------------------------------------------------------------------------
# Keyboard, screen readers, palettes
# ---------------------------------------------------------------------------

def test_keyboard_only(page, checker_url):
    configure(page)
    page.goto(checker_url + "check/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement?.matches('[data-jptrack-widget] textarea')"):
            break
    else:
        pytest.fail("Tab never reached the checker's textarea")
    page.keyboard.type("2026/09/20 20:14 引受 新宿郵便局")
    page.keyboard.press("Control+Enter")
    assert wait_settled(page) == "result"
    assert shown(page)["stage"] == cpython("2026/09/20 20:14 引受 新宿郵便局")["current_stage"]
    # The result's links and the copy button are reachable by Tab.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('[data-jptrack-widget]') !== null")


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_axe_in_every_state(browser, checker_url, scheme):
    context = browser.new_context(color_scheme="dark" if scheme == "slate" else "light")
    page = context.new_page()
    configure(page, autostart=False, loadTimeout=4000)
    failures = {}

    def state(name):
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == scheme
        failures[name] = axe_violations(page)

    # Loading: hold the wasm so the checker stays in its loading state.
    held = []
    page.route("**/pyodide.asm.wasm", lambda route: held.append(route))
    page.goto(checker_url + "check/")
    page.wait_for_function("document.querySelector('[data-jptrack-widget]').dataset.bound === 'true'")
    state("empty")
    page.focus(TEXTAREA)
    page.wait_for_function("document.querySelector('[data-jptrack-widget]').dataset.state === 'loading'")
    state("loading")
    # Error: the load timeout fires while the wasm is held.
    page.wait_for_selector(f"{WIDGET} .jptrack__retry", timeout=15_000)
    state("error")
    page.unroute("**/pyodide.asm.wasm")
    for route in held:   # else Chromium's cache lock queues the retry behind the held request
        try:
            route.abort()
        except Exception:   # already released by unroute
            pass
    page.evaluate("window.jptrackConfig.loadTimeout = 60000")   # a real cold start may take > 4 s
    page.click(f"{WIDGET} .jptrack__retry")
    page.wait_for_function("document.querySelector('[data-jptrack-widget]').dataset.state === 'ready'",
                           timeout=CPYTHON_TIMEOUT_MS)
    assert submit(page, HISTORIES["japan-post-en"]["text"]) == "result"
    state("result")
    context.close()
    assert failures == {name: [] for name in failures}, failures


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_palette_colours_follow_material(browser, checker_url, scheme):
    context = browser.new_context(color_scheme="dark" if scheme == "slate" else "light")
    page = context.new_page()
    configure(page)
    page.goto(checker_url + "check/")
    assert submit(page, HISTORIES["japan-post-en"]["text"]) == "result"
    colours = page.evaluate("""() => {
        const style = (sel) => getComputedStyle(document.querySelector(sel));
        return {body: style('body').backgroundColor, input: style('[data-jptrack-widget] textarea').color,
                fg: getComputedStyle(document.body).getPropertyValue('--md-default-fg-color').trim(),
                text: style('[data-jptrack-widget] .jptrack__summary').color};
    }""")
    luminance = lambda rgb: sum(int(x) for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3])  # noqa: E731
    if scheme == "slate":
        assert luminance(colours["text"]) > 400, colours   # light text on dark
    else:
        assert luminance(colours["text"]) < 200, colours
    context.close()
