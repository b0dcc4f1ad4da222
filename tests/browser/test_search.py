"""Site search lands on the right stage page first for every status wording in stages.yaml.

Customers paste the exact text their tracking shows (English or Japanese, Japan Post's,
a destination post's, a UPU code) into the search box. Material's default Japanese search
misses some of those (お届け済み), so mkdocs.yml tunes the search plugin and hooks/stages.py
boosts each status heading's section in the index; this test is what keeps that tuning honest. One page, one loop: a failure lists every query that missed.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlsplit

import pytest

INPUT = "input.md-search__input"
TOP = 3            # how far down a miss is reported (found second, third, or not at all)
RESULTS = ".md-search-result__list > li"

# Material reads the query on keyup and focus, not input (components/search/query): after
# `fill`, press a key so it searches. Results come from a worker: clear the box and wait for
# the list to empty, then type the query and wait for results (or "No matching documents").
_EMPTY = "() => document.querySelectorAll('.md-search-result__list > li').length === 0"
_ANSWERED = """() => document.querySelectorAll('.md-search-result__list > li').length > 0
  || /no matching/i.test(document.querySelector('.md-search-result__meta').textContent)"""


def _queries(catalog) -> dict[str, set[str]]:
    """Every wording, UPU code and UPU text → the stage ids that show it (shared wordings
    such as 国際交換局に到着 belong to two stages; either is a right answer)."""
    expected: dict[str, set[str]] = defaultdict(set)
    for stage in catalog:
        for w in stage.wordings:
            expected[w.text].add(stage.id)
        for u in stage.upu:
            expected[u.code].add(stage.id)
            expected[u.text].add(stage.id)
    return expected


def first_result(page, query: str) -> str | None:
    """Type `query` into the open search and return the path of the first result (or None)."""
    results = top_results(page, query)
    return results[0] if results else None


def top_results(page, query: str, n: int = 3) -> list[str]:
    """Type `query` into the open search and return the paths of the first `n` pages found."""
    page.fill(INPUT, "")
    page.press(INPUT, "End")
    page.wait_for_function(_EMPTY)
    page.fill(INPUT, query)
    page.press(INPUT, "End")
    page.wait_for_function(_ANSWERED, timeout=10_000)
    # Material lists one group per page, the page itself (no #anchor) first in its group.
    hrefs = page.eval_on_selector_all(f"{RESULTS} > a:first-child", "els => els.map(a => a.href)")
    return [urlsplit(h).path for h in hrefs[:n]]


def open_search(page, site_url: str) -> None:
    page.goto(site_url)
    page.locator(INPUT).click()
    page.wait_for_function(
        "() => !/initializ/i.test(document.querySelector('.md-search-result__meta').textContent)")


def test_every_wording_finds_its_stage_first(page, site_url, catalog):
    open_search(page, site_url)
    base = urlsplit(site_url).path
    queries = _queries(catalog)
    not_first, missing = [], []
    for query, stage_ids in queries.items():
        wanted = {f"{base}stages/{s}/" for s in stage_ids}
        found = top_results(page, query)
        if not found or found[0] not in wanted:
            line = f"{query!r}: got {found}, expected {' or '.join(sorted(wanted))}"
            (not_first if wanted & set(found) else missing).append(line)
    first = len(queries) - len(not_first) - len(missing)
    print(f"search: {first}/{len(queries)} land on their stage first; "
          f"{len(not_first)} in the top {TOP}; {len(missing)} not in the top {TOP}")
    # Every status must bring its stage page first. Short statuses ("In Customs") and ones
    # whose words all appear in a longer status of another stage ("Votre colis est livré")
    # rely on the status-heading boost in hooks/stages.py (wording_boosts).
    problems = ([f"not first (in the top {TOP}):"] + not_first if not_first else []) + \
               ([f"not in the top {TOP}:"] + missing if missing else [])
    assert not problems, (f"{len(not_first) + len(missing)} of {len(queries)} statuses do not "
                          f"find their stage first:\n" + "\n".join(problems))


def test_part_of_a_japanese_wording_finds_something(page, site_url, catalog):
    # Customers often paste only part of a status (お届け済み of お届け先にお届け済み).
    parts = {w.text[len(w.text) // 2:]: stage.id for stage in catalog for w in stage.wordings
             if w.lang == "ja" and len(w.text) >= 4}
    if not parts:
        pytest.skip("no Japanese wording of four or more characters in stages.yaml")
    open_search(page, site_url)
    empty = [q for q in parts if first_result(page, q) is None]
    assert not empty, f"no results at all for: {empty}"
