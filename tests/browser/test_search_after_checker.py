"""On pages with the checker, Material's search index is built once Python has started.

Building the index costs a few hundred ms of CPU at page start, which on 2 cores delayed
the checker's first result; hooks/checker.py starts Material's search worker there through
widget/web/search-after-checker.js, which holds the index until checker.js says the engine
is ready or failed and any check pasted meanwhile is answered, or for HOLD_MS at most.
Search must work in every case. The wrapper
loads Material's own worker (search.<hash>.min.js) when it lets go, so the time of that
request is the time the index starts to be built.
"""

from __future__ import annotations

import re
import time

from test_checker import DELIVERED, WIDGET, configure, submit
from test_search import first_result, open_search

HOLD_S = 3.0   # widget/web/search-after-checker.js HOLD_MS
WRAPPER = re.compile(r"/assets/javascripts/workers/search-after-checker-[0-9a-f]+\.js"
                     r"\?worker=search\.[0-9a-f]+\.min\.js&channel=[\w-]+$")
MATERIAL = re.compile(r"/assets/javascripts/workers/search\.[0-9a-f]+\.min\.js$")


class Requests:
    """When (time.monotonic()) the page (its workers included) requested the wrapper and
    Material's worker."""

    def __init__(self, page):
        self.wrapper = self.material = None
        page.on("request", self.seen)

    def seen(self, request):
        if WRAPPER.search(request.url) and self.wrapper is None:
            self.wrapper = time.monotonic()
        elif MATERIAL.search(request.url) and self.material is None:
            self.material = time.monotonic()

    def wait_for_material(self, page, timeout_s: float) -> float:
        deadline = time.monotonic() + timeout_s
        while self.material is None and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        assert self.material is not None, f"Material's search worker was not loaded within {timeout_s} s"
        return self.material


def test_the_index_waits_while_the_checker_has_not_started(page, site_url, catalog):
    # autostart off: nothing starts Python until the visitor touches the checker, so only
    # the wrapper's own time limit lets the index go.
    requests = Requests(page)
    configure(page, autostart=False)
    page.goto(site_url + "check/")
    page.wait_for_timeout(1500)
    assert requests.wrapper is not None, "the check page did not start the search worker through the wrapper"
    assert requests.material is None, "Material's search worker started while the checker had not"
    waited = requests.wait_for_material(page, HOLD_S + 5) - requests.wrapper
    assert HOLD_S - 0.5 <= waited <= HOLD_S + 3, f"the index was held {waited:.1f} s, not about {HOLD_S} s"
    stage = next(iter(catalog))
    open_search(page, site_url + "check/")
    assert first_result(page, stage.wordings[0].text), "search found nothing after the hold"


def test_the_index_goes_as_soon_as_the_checker_fails(page, site_url):
    requests = Requests(page)
    page.route("**/assets/checker/worker-*.js", lambda route: route.abort())
    configure(page, loadTimeout=HOLD_S * 4000)
    page.goto(site_url + "check/")
    page.wait_for_selector(f"{WIDGET} .jptrack__retry", timeout=10_000)   # the load failed
    waited = requests.wait_for_material(page, HOLD_S + 5) - requests.wrapper
    assert waited < HOLD_S - 1, f"the index waited {waited:.1f} s for a checker that had already failed"


def test_a_ready_checker_in_another_tab_lets_the_index_go_at_once(context, site_url):
    first = context.new_page()
    configure(first)
    first.goto(site_url + "check/")
    first.wait_for_function(
        "performance.getEntriesByName('jptrack:ready').length > 0", timeout=60_000)
    second = context.new_page()
    requests = Requests(second)
    configure(second, autostart=False)   # its own checker never settles
    second.goto(site_url)
    waited = requests.wait_for_material(second, HOLD_S + 5) - requests.wrapper
    assert waited < HOLD_S - 1, f"the index waited {waited:.1f} s though a checker was ready"


def test_a_check_pasted_while_python_loads_is_answered_before_the_index_is_built(page, site_url):
    # The customer pasted before the engine was ready: the index waits for that answer.
    material = []
    page.on("request", lambda request: material.append(request) if MATERIAL.search(request.url) else None)
    configure(page)
    page.goto(site_url + "check/")
    page.wait_for_selector(f"{WIDGET}[data-bound]")
    assert page.evaluate("performance.getEntriesByName('jptrack:ready').length") == 0, "Python was ready already"
    assert submit(page, DELIVERED) == "result"
    answered = page.evaluate("performance.timeOrigin + performance.getEntriesByName('jptrack:result')[0].startTime")
    deadline = time.monotonic() + HOLD_S + 5
    while not material and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert material, "Material's search worker never started"
    material[0].response()   # its timing is filled in once it is answered
    started = material[0].timing["startTime"]
    assert started > 0 and started >= answered, f"the index started {answered - started:.0f} ms before the first answer"


def test_pages_without_the_checker_start_search_at_once(page, site_url):
    requests = Requests(page)
    page.goto(site_url + "statuses/")
    requests.wait_for_material(page, 10)
    assert requests.wrapper is None
