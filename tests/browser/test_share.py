"""Links that carry the case, a reminder without a server, and a printable result.

The checker's result links to its stage page with the case in the fragment (the classifier's
case_link: date, service, country; never the paste); the stage page then says since when,
until when a wait is normal and from when to act (widget/web/case.js), in its language; the
result offers an .ics file for the act-from day, made in the page; and it prints on one page.

Expected dates come from the classifier and the catalog (jptrack.words), never from literals.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import conftest
from conftest import ROOT

conftest.checker_hook()
from jptrack.classify import case_link, check  # noqa: E402
from jptrack.export import language_folder  # noqa: E402
from jptrack.words import Words  # noqa: E402

PASTES = ROOT / "tests" / "fixtures" / "pastes"
STALLED = (PASTES / "japanpost-en-parcel-stalled.txt").read_text(encoding="utf-8")
CHECK_DAY = "2026-08-20"   # a day on which STALLED's wait is still normal
LANGS = ["en", "ja"]


def _root(site_url: str, lang: str) -> str:
    return site_url + (language_folder(lang) + "/" if language_folder(lang) else "")


def _with_today(page, today: str) -> None:
    page.add_init_script(f"window.jptrackConfig = {{today: '{today}'}}")


def _result(page, site_url, lang, paste):
    page.goto(_root(site_url, lang) + "check/")
    page.fill("#jptrack-input", paste)
    page.click(".jptrack__submit")
    page.wait_for_selector(".jptrack[data-state=result] .jptrack__card", timeout=60_000)


def _case(page) -> list[str]:
    page.wait_for_selector("[data-jptrack-case]:not([hidden])", timeout=10_000)
    return page.locator("[data-jptrack-case] li").all_inner_texts()


@pytest.mark.parametrize("lang", LANGS)
def test_the_result_links_to_its_stage_page_with_the_case_and_nothing_of_the_paste(page, site_url, catalog, lang):
    _with_today(page, CHECK_DAY)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    _result(page, site_url, lang, STALLED)
    expected = check(STALLED, catalog, today=date.fromisoformat(CHECK_DAY), lang=lang)
    href = page.get_attribute(".jptrack__share-link", "href")
    assert href == _root(site_url, lang) + expected["case_link"]
    number = expected["tracking_numbers"][0]["number"]
    assert number not in href and "Posting" not in href
    page.click(".jptrack__share-link")
    lines = _case(page)
    words = Words(catalog, lang)
    since = expected["verdict"]["last_event"]
    assert lines[0] == words("case_since", date=words.long_date(since))
    assert not [u for u in requests if "since=" in urlsplit(u).query or number in u]


@pytest.mark.parametrize("lang", LANGS)
def test_a_case_link_says_until_when_a_wait_is_normal_and_from_when_to_act(page, site_url, catalog, lang):
    stage = catalog.stage("import-customs")
    window = stage.window("ems")
    since = date(2026, 10, 1)
    words = Words(catalog, lang)
    heading = words("stage_what_to_do")
    normal_until = words.long_date((since + timedelta(days=window.normal_days)).isoformat())
    act_from = words.long_date((since + timedelta(days=window.act_after_days)).isoformat())
    link = _root(site_url, lang) + case_link(stage.id, since, "ems", "CA")
    for today, tail in [
        (since + timedelta(days=1), [words("case_normal_until", date=normal_until),
                                     words("case_act_from", date=act_from, heading=heading)]),
        (since + timedelta(days=window.normal_days + 1), [words("case_longer", date=normal_until),
                                                          words("case_act_from", date=act_from, heading=heading)]),
        (since + timedelta(days=window.act_after_days), [words("case_act_now", date=act_from, heading=heading)]),
    ]:
        context = page.context.browser.new_context()
        tab = context.new_page()
        _with_today(tab, today.isoformat())
        tab.goto(link)
        assert _case(tab) == [words("case_since", date=words.long_date(since.isoformat())),
                              words("checker_service", service=catalog.service("ems").name.get(lang)),
                              words("checker_going_to", country=catalog.destination("CA").name.get(lang)), *tail]
        context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_a_case_link_with_an_assumed_service_says_it_was_assumed_and_still_gives_the_dates(page, site_url,
                                                                                          catalog, lang):
    stage, service = catalog.stage("import-customs"), "air-parcel"
    window = stage.window(service)
    since = date(2026, 10, 1)
    words = Words(catalog, lang)
    _with_today(page, (since + timedelta(days=1)).isoformat())
    page.goto(_root(site_url, lang) + case_link(stage.id, since, service, None, assumed=True))
    name = catalog.service(service).name.get(lang)
    act_from = words.long_date((since + timedelta(days=window.act_after_days)).isoformat())
    lines = _case(page)
    assert lines[1] == words("checker_service", service=words("checker_assumed", service=name))
    assert lines[-1] == words("case_act_from", date=act_from, heading=words("stage_what_to_do"))


@pytest.mark.parametrize("fragment, says", [
    ("since=2026-02-30&service=ems", "case_unreadable"),    # no such day
    ("since=soon", "case_unreadable"),
    ("since=2099-01-01&service=ems", "case_unreadable"),    # after today
    ("since=2026-10-01&service=zeppelin&to=zz", "case_no_service"),
    ("since=2026-10-01", "case_no_service"),
])
def test_a_case_link_that_cannot_be_read_says_so_and_guesses_nothing(page, site_url, catalog, fragment, says):
    _with_today(page, "2026-10-05")
    page.goto(f"{site_url}stages/import-customs/#{fragment}")
    lines = _case(page)
    assert lines[-1] == catalog.ui_text(says).en
    assert not any("zeppelin" in line or "ZZ" in line for line in lines)


def test_a_stage_page_without_a_case_or_with_a_heading_anchor_shows_no_case(page, site_url):
    for path in ("stages/import-customs/", "stages/import-customs/#what-to-do"):
        page.goto(site_url + path)
        page.wait_for_timeout(300)
        assert page.locator("[data-jptrack-case]").is_hidden(), path


@pytest.mark.parametrize("lang", LANGS)
def test_the_reminder_is_a_calendar_file_for_the_act_from_day_without_the_paste(browser, site_url, catalog, lang):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    _with_today(page, CHECK_DAY)
    _result(page, site_url, lang, STALLED)
    expected = check(STALLED, catalog, today=date.fromisoformat(CHECK_DAY), lang=lang)
    act_from = expected["verdict"]["act_from"]
    words = Words(catalog, lang)
    assert page.inner_text(".jptrack__remind") == words("checker_remind", date=words.long_date(act_from))
    with page.expect_download() as download:
        page.click(".jptrack__remind")
    raw = Path(download.value.path()).read_bytes()
    context.close()
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    physical = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical)
    ics = b"".join(line[1:] if line.startswith(b" ") else b"\n" + line for line in physical).decode("utf-8")
    lines = ics.strip().split("\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR" and "BEGIN:VEVENT" in lines
    fields = dict(line.split(":", 1) for line in lines)
    assert fields["DTSTART;VALUE=DATE"] == act_from.replace("-", "")
    assert fields["SUMMARY"] == words("reminder_summary", title=expected["current"]["title"]).replace(",", "\\,")
    assert fields["URL"] == _root(site_url, lang) + expected["case_link"]
    assert expected["tracking_numbers"][0]["number"] not in ics


@pytest.mark.parametrize("paste", ["japanpost-en-parcel-stalled.txt", "japanpost-en-us.txt"])
def test_a_result_prints_on_one_page_with_its_stage_link(page, site_url, paste):
    _with_today(page, CHECK_DAY)
    _result(page, site_url, "en", (PASTES / paste).read_text(encoding="utf-8"))
    href = page.get_attribute(".jptrack__share-link", "href")
    page.emulate_media(media="print")
    assert page.locator("#jptrack-input").is_hidden() and page.locator(".jptrack__timeline").is_hidden()
    assert page.locator(".jptrack__stage").is_visible()
    shown = page.evaluate("getComputedStyle(document.querySelector('.jptrack__share-link'), '::after').content")
    assert href in shown
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
