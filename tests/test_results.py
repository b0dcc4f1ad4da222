"""jptrack.results (the TypedDicts of check()'s result) says what check() really returns."""

from __future__ import annotations

import typing
from datetime import date

from conftest import ROOT
from jptrack import check, results

PASTE = (ROOT / "tests" / "fixtures" / "pastes" / "japanpost-en-us.txt").read_text(encoding="utf-8")


def keys(kind) -> set[str]:
    return {"from" if name == "from_" else name for name in typing.get_type_hints(kind)}


def test_the_typed_keys_are_the_real_ones(catalog):
    result = check(PASTE, today=date(2026, 10, 1), catalog=catalog)
    assert set(result) == keys(results.Result)
    assert set(result["current"]) == keys(results.CurrentStage)
    assert set(result["verdict"]) == keys(results.Verdict)
    assert set(result["destination"]) == keys(results.Destination)
    assert set(result["service"]) == keys(results.Service)
    assert set(result["expected"]) == keys(results.Expected)
    assert set(result["inferred"]) == keys(results.Inferred) and set(result["input"]) == keys(results.InputSize)
    assert all(set(n) == keys(results.TrackingNumber) for n in result["tracking_numbers"])
    assert all(set(link) == keys(results.TrackingLink) for link in result["tracking_links"])
    assert all(set(e) == keys(results.Event) - {"why"} for e in result["events"])
    assert all(set(c) <= keys(results.Contact) for c in result["current"]["contacts"])
    from jptrack.classify import check as classify_check

    explained = classify_check(PASTE, catalog, today=date(2026, 10, 1), explain=True)
    assert all(set(e) == keys(results.Event) for e in explained["events"])
