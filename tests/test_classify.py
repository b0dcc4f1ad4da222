"""Whole pastes per source (tests/fixtures/pastes/): current stage, every event's stage, verdict.

Expected texts come from the catalog, never literals, so editing wording in stages.yaml
does not break these tests.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from conftest import ROOT
from jptrack.catalog import load
from jptrack.classify import MAX_INPUT_CHARS, InputTooLong, InvalidInput, check, pipeline

CATALOG = load(ROOT / "stages.yaml")
PASTES = Path(__file__).parent / "fixtures" / "pastes"


def run(name: str, today: date) -> dict:
    return check((PASTES / name).read_text(encoding="utf-8"), CATALOG, today=today)


# name, today, current stage, verdict state, stages of the recognised events in input order
CASES = [
    ("japanpost-en-us.txt", date(2026, 10, 1), "final-delivery", "done",
     ["posting-collection", "arrival-outward-office", "dispatch-outward-office", "arrival-inward-office",
      "import-customs", "returned-from-customs", "departure-inward-office", "processing-delivery-office",
      "processing-delivery-office", "final-delivery"]),
    ("japanpost-en-parcel-stalled.txt", date(2026, 10, 1), "dispatch-outward-office", "normal",
     ["posting-collection", "arrival-outward-office", "dispatch-outward-office"]),
    ("japanpost-ja-us.txt", date(2026, 9, 26), "departure-inward-office", "normal",
     ["posting-collection", "arrival-outward-office", "dispatch-outward-office", "arrival-inward-office",
      "import-customs", "departure-inward-office"]),
    ("japanpost-ja-positional.txt", date(2026, 9, 26), "departure-inward-office", "normal",
     ["posting-collection", "arrival-outward-office", "dispatch-outward-office", "arrival-inward-office",
      "import-customs", "departure-inward-office"]),
    ("japanpost-ja-inbound-th.txt", date(2021, 9, 13), "processing-delivery-office", "normal",
     ["posting-collection", "arrival-outward-office", "dispatch-outward-office", "arrival-inward-office",
      "import-customs", "departure-inward-office", "processing-delivery-office"]),
    ("japanpost-ja-page-chrome.txt", date(2026, 9, 23), "dispatch-outward-office", "normal",
     ["posting-collection", "arrival-outward-office", "dispatch-outward-office"]),
    ("usps.txt", date(2017, 7, 7), "final-delivery", "done",
     ["final-delivery", "processing-delivery-office", "processing-delivery-office", "departure-inward-office",
      "returned-from-customs", "arrival-inward-office", "dispatch-outward-office"]),
    ("royal-mail.txt", date(2017, 7, 30), "retention", "act",
     ["retention", "delivery-attempted", "arrival-inward-office"]),
    ("canada-post.txt", date(2017, 7, 10), "retention", "normal",
     ["retention", "delivery-attempted", "processing-delivery-office", "returned-from-customs",
      "arrival-inward-office"]),
    ("australia-post.txt", date(2017, 7, 7), "final-delivery", "done",
     ["final-delivery", "final-delivery", "final-delivery", "processing-delivery-office", "delivery-attempted",
      "processing-delivery-office"]),
    ("deutsche-post.txt", date(2017, 7, 7), "final-delivery", "done",
     ["final-delivery", "processing-delivery-office", "arrival-inward-office"]),
    ("la-poste.txt", date(2017, 7, 7), "retention", "normal",
     ["retention", "processing-delivery-office", "arrival-inward-office"]),
    ("china-post.txt", date(2017, 7, 7), "final-delivery", "done",
     ["final-delivery", "processing-delivery-office", "import-customs", "arrival-inward-office"]),
    ("korea-post.txt", date(2017, 7, 7), "delivery-attempted", "normal",
     ["delivery-attempted", "processing-delivery-office", "import-customs", "arrival-inward-office"]),
    ("17track.txt", date(2026, 10, 20), "import-customs", "act",
     ["import-customs", "arrival-inward-office", "dispatch-outward-office", "arrival-outward-office",
      "posting-collection"]),
]


@pytest.mark.parametrize(("name", "today", "stage", "state", "stages"), CASES, ids=[c[0] for c in CASES])
def test_paste(name, today, stage, state, stages):
    result = run(name, today)
    assert result["current_stage"] == stage
    assert [e["stage"] for e in result["events"]] == stages
    assert result["verdict"]["state"] == state
    assert result["verdict"]["contacts"] == list(CATALOG.stage(stage).contacts)
    json.dumps(result)  # JSON-serialisable


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_reversed_paste_same_current_stage(name):
    """Newest-first and oldest-first copies of the same history agree."""
    text = (PASTES / name).read_text(encoding="utf-8")
    lines = text.splitlines()
    forward = check(text, CATALOG, today=date(2026, 12, 1))
    backward = check("\n".join(reversed(lines)), CATALOG, today=date(2026, 12, 1))
    if all(e["time"] for e in forward["events"] if e["stage"]):
        assert backward["current_stage"] == forward["current_stage"]


def test_contract_shape():
    result = run("japanpost-en-us.txt", date(2026, 10, 1))
    assert set(result) == {"current_stage", "current_basis", "current_event", "current", "origin", "destination",
                           "inferred", "events", "unrecognised", "tracking_numbers", "verdict", "input",
                           "service", "expected", "destination_notes", "tracking_links", "case_link", "language"}
    usps = CATALOG.destination("US").post
    assert result["origin"] == "JP"
    assert result["destination"] == {"country": "US", "name": "United States", "post": usps.name.en,
                                     "called": CATALOG.destination("US").called.en,
                                     "tracking_url": usps.tracking_url("EG725089303JP"),
                                     "page": "destinations/us/", "source": "paste"}
    assert result["service"] == {"id": "ems", "name": "EMS", "assumed": False, "note": None}
    assert set(result["expected"]) >= {"from", "to"}
    assert (result["current_basis"], result["current_event"]) == ("wording", 26)
    assert result["case_link"] == "stages/final-delivery/#since=2026-09-27&service=ems&to=us"
    stage = CATALOG.stage("final-delivery")
    assert result["current"] == {
        "id": stage.id, "title": stage.title.en, "summary": stage.summary.en, "meaning": stage.meaning.en,
        "what_to_do": stage.what_to_do.en, "url": "stages/final-delivery/",
        "contacts": [{"id": c, "name": CATALOG.contact(c).name.en, "how": CATALOG.contact(c).how.en}
                     | ({"name": usps.name.en, "url": usps.tracking_url("EG725089303JP")}
                        if CATALOG.contact(c).destination_post else {})
                     for c in stage.contacts],
        "kind": stage.kind, "terminal": True,
        "guides": [{"url": g.page.removesuffix(".md") + "/", "text": g.text.en} for g in stage.guides]}
    assert result["current"]["guides"], "final-delivery links its checklist (stages.yaml guides:)"
    event = result["events"][0]
    assert set(event) == {"line", "time", "text", "undated_text", "stage", "stage_title", "basis", "location",
                          "country", "matched"}
    assert event == {"line": 8, "time": "2026-09-20T20:14",
                     "text": "09/20/2026 20:14\tPosting/Collection\t\tSHINJUKU\tTOKYO",
                     "undated_text": "Posting/Collection · SHINJUKU · TOKYO",
                     "stage": "posting-collection", "stage_title": CATALOG.stage("posting-collection").title.en,
                     "basis": "wording", "location": "SHINJUKU, TOKYO", "country": "JP",
                     "matched": "Posting/Collection"}
    assert set(result["verdict"]) == {"state", "label", "service", "service_name", "service_assumed",
                                      "last_event", "days_since", "normal_days", "act_after_days",
                                      "act_from", "contacts", "message"}
    verdict = result["verdict"]
    assert verdict["label"] == CATALOG.verdict_label(verdict["state"]).en
    assert verdict["service_name"] == CATALOG.service(verdict["service"]).name.en
    assert result["tracking_numbers"][0]["number"] == "EG725089303JP"
    assert result["input"] == {"lines": 28, "chars": len((PASTES / "japanpost-en-us.txt").read_text())}


def test_service_from_number_and_wording():
    ems = run("japanpost-en-us.txt", date(2026, 10, 1))["verdict"]
    assert (ems["service"], ems["service_assumed"]) == ("ems", False)
    parcel = run("japanpost-en-parcel-stalled.txt", date(2026, 10, 1))["verdict"]
    # A C… parcel number: by air, by sea or SAL; SAL was not offered in 2026, so of the
    # others the slowest is assumed and said so.
    stage = CATALOG.stage("dispatch-outward-office")
    slowest = max((s.id for s in CATALOG.services if "C" in s.numbers and s.id != "sal"),
                  key=lambda s: stage.window(s).act_after_days)
    assert (parcel["service"], parcel["service_assumed"]) == (slowest, True)
    text = (PASTES / "japanpost-en-parcel-stalled.txt").read_text() + "\nSAL\n"
    sal = check(text, CATALOG, today=date(2026, 10, 1))["verdict"]
    assert (sal["service"], sal["service_assumed"]) == ("sal", False)
    assert sal["act_after_days"] == stage.window("sal").act_after_days


def test_ja_exchange_office_wording_by_country_column():
    line = "2026/09/24 06:12 国際交換局に到着 SHANGHAI 中国"
    assert check(line, CATALOG)["current_stage"] == "arrival-inward-office"
    line = "2026/09/21 10:32 国際交換局に到着 東京国際郵便局 東京都"
    assert check(line, CATALOG)["current_stage"] == "arrival-outward-office"
    # Position: a second arrival after customs is the destination end.
    text = "2026/09/24 通関手続中\n2026/09/25 国際交換局から発送"
    assert check(text, CATALOG)["current_stage"] == "departure-inward-office"


def test_menu_text_is_not_an_event():
    result = run("japanpost-ja-page-chrome.txt", date(2026, 9, 23))
    texts = [e["text"] for e in result["events"]]
    assert "荷物の発送" not in texts and result["unrecognised"] == []


def test_bare_upu_codes_and_code_with_text():
    result = check("EMA\nEMB\nEMC - Departure from outward office of exchange\nEMD", CATALOG)
    assert [e["stage"] for e in result["events"]] == [
        "posting-collection", "arrival-outward-office", "dispatch-outward-office", "arrival-inward-office"]
    assert result["current_stage"] == "arrival-inward-office"


def test_undated_lines_placed_by_position():
    # Oldest first: the undated status after the last dated one is the latest.
    text = "2026/09/20 20:14 引受\n2026/09/22 08:10 国際交換局から発送\nArrival at inward office of exchange"
    assert check(text, CATALOG)["current_stage"] == "arrival-inward-office"
    # Newest first (dates decreasing): the undated line at the top is the latest.
    text = "Final delivery\n2026-09-24 Arrival at inward office of exchange\n2026-09-20 Posting/Collection"
    assert check(text, CATALOG)["current_stage"] == "final-delivery"


def test_longest_wording_wins_and_unknown_is_unknown():
    catalog_keys = {w.key for s in CATALOG for w in s.wordings}
    assert "final delivery" in catalog_keys
    result = check("2026/09/27 Final delivery - Collected at counter", CATALOG)
    long_stage = next((s.id for s in CATALOG for w in s.wordings
                       if w.key == "final delivery - collected at counter"), "final-delivery")
    assert result["current_stage"] == long_stage
    assert result["events"][0]["matched"].casefold().startswith("final delivery")
    unknown = check("2026/09/27 10:00 Le colis a été mangé par un dragon", CATALOG)
    assert unknown["current_stage"] is None and unknown["unrecognised"] == [1]
    assert unknown["verdict"]["state"] == "unknown"


def test_duplicates_mixed_languages_and_numbers_anywhere():
    text = ("Tracking EG 725 089 303 JP\n2026/09/20 20:14 引受 新宿郵便局 東京都\n"
            "09/20/2026 20:14\tPosting/Collection\t\tSHINJUKU\tTOKYO\n"
            "2026/09/20 20:14 引受 新宿郵便局 東京都\n2026-09-22 08:10 Departure from outward office of exchange, JPTYOA")
    result = check(text, CATALOG)
    assert result["current_stage"] == "dispatch-outward-office"
    assert [n["number"] for n in result["tracking_numbers"]] == ["EG725089303JP"]


def test_mistyped_number_reported():
    result = check("EG725089304JP\n2026-09-22 08:10 Departure from outward office of exchange", CATALOG)
    entry = result["tracking_numbers"][0]
    assert entry["valid"] is False and "should be 3" in entry["message"]


def test_input_limits():
    with pytest.raises(InputTooLong):
        check("x" * (MAX_INPUT_CHARS + 1), CATALOG)
    assert issubclass(InputTooLong, ValueError)
    with pytest.raises(InvalidInput):
        check(b"bytes", CATALOG)
    assert check("", CATALOG)["current_stage"] is None


def test_pipeline_is_cached_per_catalog():
    assert pipeline(CATALOG) is pipeline(CATALOG)
    other = load(ROOT / "stages.yaml")
    assert pipeline(other) is not pipeline(CATALOG)


def test_the_case_link_carries_an_assumed_service_and_says_it_was_assumed(catalog):
    paste = "2026/09/20 20:14 引受 新宿郵便局 163-8799 東京都\n"   # no number, no service word
    result = check(paste, catalog, today=date(2026, 10, 20))
    assert result["service"]["assumed"] is True
    service = result["service"]["id"]
    assert result["case_link"] == f"stages/{result['current_stage']}/#since=2026-09-20&service={service}&assumed=1"
