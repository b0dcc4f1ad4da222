"""Silence windows from stages.yaml → normal / act / done / unknown, and whom to contact."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
import yaml

from conftest import ROOT
from jptrack.catalog import VERDICT_MESSAGES, load, load_json
from jptrack.verdict import choose_service, service_hints, verdict

CATALOG = load(ROOT / "stages.yaml")
OPEN = [s for s in CATALOG if not s.terminal]
LAST = date(2026, 9, 20)


@pytest.mark.parametrize("stage", OPEN, ids=[s.id for s in OPEN])
@pytest.mark.parametrize("service", [s.id for s in CATALOG.services])
def test_windows_come_from_the_catalog(stage, service):
    window = stage.window(service)
    inside = verdict(CATALOG, stage, LAST, service=service, today=LAST + timedelta(days=window.act_after_days - 1))
    assert inside["state"] == "normal"
    assert inside["act_from"] == (LAST + timedelta(days=window.act_after_days)).isoformat()
    assert (inside["normal_days"], inside["act_after_days"]) == (window.normal_days, window.act_after_days)
    late = verdict(CATALOG, stage, LAST, service=service, today=LAST + timedelta(days=window.act_after_days))
    assert late["state"] == "act"
    assert late["contacts"] == list(stage.contacts)
    for contact in stage.contacts:
        name = CATALOG.contact(contact).name.en
        assert name[1:] in late["message"]


@pytest.mark.parametrize("stage", [s for s in CATALOG if s.terminal], ids=lambda s: s.id)
def test_terminal_stages_are_done(stage):
    v = verdict(CATALOG, stage, LAST, service="ems", today=LAST + timedelta(days=400))
    assert v["state"] == "done" and v["act_from"] is None
    assert stage.summary.en in v["message"]
    if stage.kind == "journey":
        assert "delivered-but-not-received" in v["message"]


def test_every_sentence_comes_from_the_catalog():
    """Each verdict message is its case's template from stages.yaml, filled in: with every
    template replaced by a marker and its placeholders, nothing else is said, and every case
    is reachable."""
    data = yaml.safe_load((ROOT / "stages.yaml").read_text(encoding="utf-8"))
    for state, cases in VERDICT_MESSAGES.items():
        data["verdicts"][state]["messages"] = {
            case: f"[{state}.{case}]" + "".join(f" {name}={{{name}}}" for name in names)
            for case, names in cases.items()}
    data["assumed_service"] = "{service}(assumed)"
    catalog = load_json(json.dumps(data))
    seen = set()
    for stage in [None, *catalog]:
        for service in [None, *(s.id for s in catalog.services)]:
            for assumed in (False, True):
                for last, days in [(None, 0), *((LAST, d) for d in (0, 2, 9, 30, 400))]:
                    v = verdict(catalog, stage, last, service=service, service_assumed=assumed,
                                today=LAST + timedelta(days=days), number=NUMBER if stage is None and assumed else None)
                    marker = re.match(r"\[(\w+)\.(\w+)\]", v["message"])
                    assert marker and marker[1] == v["state"], v["message"]
                    seen.add((marker[1], marker[2]))
                    if service and assumed and " service=" in v["message"]:
                        name = catalog.service(service).name.en
                        assert f" service={name}(assumed)" in v["message"]
                    if stage is not None and " title=" in v["message"]:
                        assert f" title={stage.title.en}" in v["message"]
    assert seen == {(state, case) for state, cases in VERDICT_MESSAGES.items() for case in cases}


NUMBER = {"number": "EG123456785JP", "valid": True, "kind": "s10", "product": "EMS"}


def test_a_number_without_history_says_so():
    v = verdict(CATALOG, None, None, today=LAST, number=NUMBER)
    assert v["state"] == "unknown"
    assert v["message"] == CATALOG.verdict("unknown").message("number_only").en.format(
        number="EG123456785JP", product="EMS")


def test_service_words_come_from_the_catalog():
    data = yaml.safe_load((ROOT / "stages.yaml").read_text(encoding="utf-8"))
    data["services"]["sal"]["aliases"].append("Luftpost ökonomisch")
    catalog = load_json(json.dumps(data))
    assert service_hints(catalog, ["Versand: LUFTPOST ÖKONOMISCH"]) == {"sal"}
    assert service_hints(CATALOG, ["Versand: LUFTPOST ÖKONOMISCH"]) == set()


def test_unknown_without_stage_or_date():
    assert verdict(CATALOG, None, None, today=LAST)["state"] == "unknown"
    v = verdict(CATALOG, OPEN[0], None, service="ems", today=LAST)
    assert v["state"] == "unknown" and v["last_event"] is None


def test_future_date_counts_as_zero_days():
    v = verdict(CATALOG, OPEN[0], LAST + timedelta(days=3), service="ems", today=LAST)
    assert v["days_since"] == 0 and v["state"] == "normal"


@pytest.mark.parametrize(("text", "service"), [
    ("EMS", "ems"), ("SAL便で発送しました", "sal"), ("sent by surface mail", "surface"), ("船便", "surface"),
    ("航空便", "air-parcel"), ("Airmail", "air-parcel"), ("ePacket Light", "epacket-light"),
    ("書留小形包装物", "small-packet"),
])
def test_service_words(text, service):
    assert service_hints(CATALOG, [text]) == {service}


def test_service_choice():
    stage = CATALOG.stage("dispatch-outward-office")
    ems = {"kind": "s10", "valid": True, "number": "EG123456785JP", "service": "ems", "product": "EMS"}
    parcel = {"kind": "s10", "valid": True, "number": "CP123456785JP", "service": None, "product": "Parcel post"}
    assert choose_service(CATALOG, stage, numbers=[ems], texts=["船便"]) == ("ems", False)  # number wins
    assert choose_service(CATALOG, stage, numbers=[parcel], texts=["船便"]) == ("surface", False)
    service, assumed = choose_service(CATALOG, stage, numbers=[parcel])
    assert assumed and service != "ems"
    assert stage.window(service).act_after_days == max(
        stage.window(s.id).act_after_days for s in CATALOG.services if "C" in s.numbers)
    service, assumed = choose_service(CATALOG, stage)
    assert assumed and stage.window(service).act_after_days == max(
        stage.window(s.id).act_after_days for s in CATALOG.services)


def test_a_service_japan_post_no_longer_offered_is_not_assumed_for_a_later_posting():
    stage = CATALOG.stage("dispatch-outward-office")
    parcel = {"kind": "s10", "valid": True, "number": "CP123456785JP", "service": None, "product": "Parcel post"}
    sal = CATALOG.service("sal")
    suspended = date.fromisoformat(next(c.date for c in sal.changes if c.state == "suspended"))
    parcel_services = [s.id for s in CATALOG.services if "C" in s.numbers]
    before = choose_service(CATALOG, stage, numbers=[parcel], posted=suspended - timedelta(days=1))
    after = choose_service(CATALOG, stage, numbers=[parcel], posted=suspended)
    assert before == (max(parcel_services, key=lambda s: stage.window(s).act_after_days), True)
    assert after[1] and after[0] != "sal" and after[0] in parcel_services
    # A paste that names SAL keeps it: an old item, or SAL mail from another country.
    assert choose_service(CATALOG, stage, numbers=[parcel], texts=["SAL"], posted=suspended) == ("sal", False)


@pytest.mark.parametrize(("service", "posted", "noted"), [
    ("sal", date(2020, 4, 1), False), ("sal", date(2020, 4, 2), True), ("sal", date(2026, 5, 1), True),
    ("small-packet", date(2025, 12, 31), False), ("small-packet", date(2026, 1, 1), True),
    ("epacket-light", date(2024, 6, 1), True), ("epacket-light", date(2025, 3, 3), False),
    ("ems", date(2026, 5, 1), False),
])
def test_service_notes_follow_the_dated_changes(service, posted, noted):
    from jptrack.verdict import service_note

    note = service_note(CATALOG, service, posted)
    assert bool(note) == noted
    if noted:
        change = CATALOG.service(service).change_on(posted.isoformat())
        assert note == change.note.en
