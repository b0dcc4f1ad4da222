"""Services as Japan Post runs them, and destinations: their validation (every mistake named
with file, line and field), the expected dates, the collect-by date, the destination's post
and duty note in check() and on the command line."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from conftest import ROOT
from jptrack import catalog as cat
from jptrack.classify import check
from jptrack.cli import main
from test_catalog import VALID, error_of, line_of
from jptrack.words import Words

CATALOG = cat.load(ROOT / "stages.yaml")

# VALID (test_catalog.py) with a service that changed and one destination.
SAMPLE = VALID.replace(
    "  surface: {name: Surface, description: By sea., aliases: [sea mail, 船便]}\n",
    "  surface: {name: Surface, description: By sea., aliases: [sea mail, 船便]}\n"
    "  sal:\n"
    "    name: SAL\n"
    "    description: Economy air.\n"
    "    windows_like: surface\n"
    "    buffer: {days: 1 week, source: the table's note, checked: 2026-12}\n"
    "    changes:\n"
    "      - {date: \"2020-04-02\", state: suspended, note: Suspended., source: a notice, checked: 2026-12}\n",
).replace("\nstages:\n", """
destination_texts:
  expected: "{service} to {country}: {fewest}-{most} days, {from} to {to}."
  expected_anywhere: "{service}: {fewest}-{most} days, {from} to {to}."
  collect_by: "{post}: {days} days, by {date}."
  collect_unknown: "{post}: unknown."
  expected_unknown: "{service} to {country}: unknown."
destinations:
  CA:
    name: Canada
    post: {name: Canada Post, site: "https://example.org/", track: "https://example.org/t/{number}", source: a table, checked: 2026-12}
    hold: {days: 15, source: the post's page, checked: 2026-12}
    duty:
      text: Pay online.
      source: the post's page
      checked: 2026-12
    days:
      ems: {days: 3-4, source: Japan Post's table, checked: 2026-12}
      surface: {days: null, note: Not verified., checked: 2026-12}
    acceptance:
      - {date: "2025-08-27", state: limited, note: Goods refused., source: a notice, checked: 2026-12}
stages:
""")
assert "destinations:" in SAMPLE and "  sal:" in SAMPLE


def broken(old: str, new: str) -> str:
    assert old in SAMPLE, f"test setup: {old!r} not in SAMPLE"
    return SAMPLE.replace(old, new, 1)


def test_the_sample_loads_and_round_trips():
    c = cat.loads(SAMPLE)
    place = c.destination("CA")
    assert place.days_for("ems").value == (3, 4) and place.days_for("surface").value is None
    assert place.hold.value == 15 and c.service("sal").buffer.value == 7
    assert c.stage("posting-collection").window("sal") == c.stage("posting-collection").window("surface")
    assert c.service("sal").change_on("2020-04-01") is None
    assert c.service("sal").change_on("2026-01-01").state == "suspended"
    assert cat.load_json(c.to_json()) == c


@pytest.mark.parametrize("old, new, field, expected", [
    # a figure without where it was read
    ("ems: {days: 3-4, source: Japan Post's table, checked: 2026-12}", "ems: {days: 3-4, checked: 2026-12}",
     "destinations.CA.days.ems.source", "missing required field 'source'"),
    # a figure nobody could find says so
    ("surface: {days: null, note: Not verified., checked: 2026-12}", "surface: {days: null, checked: 2026-12}",
     "destinations.CA.days.surface", "needs a 'note'"),
    # when it was checked: a month
    ("hold: {days: 15, source: the post's page, checked: 2026-12}",
     "hold: {days: 15, source: the post's page, checked: December 2026}",
     "destinations.CA.hold.checked", "expected the month the fact was checked, like '2026-12'"),
    ("hold: {days: 15,", "hold: {days: two weeks,", "destinations.CA.hold.days", "expected a whole number of days"),
    ("ems: {days: 3-4,", "ems: {days: 4-3,", "destinations.CA.days.ems.days", "runs backwards"),
    ("ems: {days: 3-4,", "ems: {days: soon,", "destinations.CA.days.ems.days", "expected days like '4', '2-3'"),
    ("      ems: {days: 3-4", "      express: {days: 3-4", "destinations.CA.days.express",
     "unknown field 'express'"),
    ("  CA:\n", "  XX:\n", "destinations", "expected an ISO 3166 country code like 'JP', got 'XX'"),
    ('track: "https://example.org/t/{number}"', 'track: "https://example.org/t/"', "destinations.CA.post.track",
     "with {number} where the tracking number goes"),
    ('site: "https://example.org/"', 'site: "http://example.org/"', "destinations.CA.post.site",
     "expected an https:// address"),
    ('- {date: "2025-08-27", state: limited', '- {date: "2025-02-30", state: limited',
     "destinations.CA.acceptance[0].date", "no such day"),
    ('- {date: "2025-08-27", state: limited', '- {date: "27 Aug 2025", state: limited',
     "destinations.CA.acceptance[0].date", "expected a date like 2025-08-27"),
    ("state: limited", "state: closed", "destinations.CA.acceptance[0].state", "expected one of ['offered'"),
    ("windows_like: surface", "windows_like: boat", "services.sal.windows_like", "expected another service's id"),
    ("windows_like: surface", "windows_like: sal", "services.sal.windows_like", "expected another service's id"),
    ('collect_by: "{post}: {days} days, by {date}."', 'collect_by: "{post}: by {deadline}."',
     "destination_texts.collect_by", "unknown placeholder {deadline}"),
    ('  collect_unknown: "{post}: unknown."\n', "", "destination_texts.collect_unknown",
     "missing required field 'collect_unknown'"),
])
def test_a_mistake_in_services_or_destinations_names_its_line_and_field(old, new, field, expected):
    source = broken(old, new)
    e = error_of(source)
    assert e.field == field and expected in str(e), str(e)
    assert e.line is not None and str(e).startswith(f"stages.yaml:{e.line}:")
    if new.strip():   # the line the edit made (a removed field: the block that lacks it)
        assert e.line == line_of(source, new.strip().splitlines()[0]), (e.line, new)


def test_changes_must_be_in_date_order():
    source = broken("      - {date: \"2020-04-02\", state: suspended",
                    "      - {date: \"2021-01-01\", state: offered, note: Back., source: x, checked: 2026-12}\n"
                    "      - {date: \"2020-04-02\", state: suspended")
    e = error_of(source)
    assert e.field == "services.sal.changes[1].date" and "date order" in str(e)


def test_destination_texts_are_required_with_destinations():
    source = re.sub(r"destination_texts:\n(  .*\n){5}", "", SAMPLE)
    e = error_of(source)
    assert e.field == "destination_texts" and "missing required field 'destination_texts'" in str(e)


def test_a_stage_names_only_known_destination_notes():
    source = broken("    contacts: [shop]\n    silence:",
                    "    contacts: [shop]\n    destination_notes: [parking]\n    silence:")
    e = error_of(source)
    assert e.field == "destination_notes[0]" and "expected one of ['hold', 'duty']" in str(e)


# ---------------------------------------------------------------------------
# The real catalog: every country the issue names, with the facts pages need
# ---------------------------------------------------------------------------

REQUIRED = ["US", "CA", "GB", "AU", "NZ", "DE", "FR", "IT", "ES", "NL", "CN", "KR", "TW", "HK", "SG", "TH"]


def test_every_required_destination_has_its_post_and_dated_facts():
    for code in REQUIRED:
        place = CATALOG.destination(code)
        assert place is not None, code
        assert place.post.site.startswith("https://") and place.post.source
        for fact in (place.hold, place.duty, *(f for _, f in place.days)):
            assert re.fullmatch(r"\d{4}-\d{2}", fact.checked)
            assert fact.source or fact.note, (code, fact)


def test_services_as_japan_post_runs_them_in_2026():
    ids = [s.id for s in CATALOG.services]
    assert {"ems", "air-parcel", "epacket-light", "small-packet", "surface", "sal"} <= set(ids)
    on = lambda service, day: CATALOG.service(service).change_on(day)  # noqa: E731
    assert on("sal", "2026-12-01").state == "suspended" and on("sal", "2020-04-02").date == "2020-04-02"
    assert on("small-packet", "2026-01-01").state == "untracked" and on("small-packet", "2025-12-31") is None
    assert on("epacket-light", "2025-03-03").state == "offered" and on("epacket-light", "2024-01-01").state == "ended"
    assert CATALOG.destination("US").change_on("2025-08-27").state == "limited"


# ---------------------------------------------------------------------------
# check(): a Japan Post history to each of 8 countries
# ---------------------------------------------------------------------------

POSTED = date(2026, 11, 2)
TODAY = date(2026, 11, 20)
EIGHT = {"CA": "CANADA", "US": "UNITED STATES", "GB": "UNITED KINGDOM", "AU": "AUSTRALIA", "DE": "GERMANY",
         "FR": "FRANCE", "KR": "KOREA, REPUBLIC OF", "SG": "SINGAPORE"}


def history(country: str, last: str) -> str:
    """A Japan Post English page for an EMS item to a country, ending at `last`."""
    return "\n".join([
        "EG123456785JP",
        f"{POSTED:%m/%d/%Y} 10:00\tPosting/Collection\t\tSHINJUKU\t163-8799\tTOKYO",
        "11/03/2026 09:00\tArrival at outward office of exchange\t\tTOKYO INT\t\tTOKYO",
        "11/04/2026 18:00\tDispatch from outward office of exchange\t\tTOKYO INT\t\tTOKYO",
        f"11/06/2026 07:00\tArrival at inward office of exchange\t\t\t\t{country}",
        f"11/10/2026 12:00\t{last}\t\t\t\t{country}",
    ])


@pytest.mark.parametrize("code", sorted(EIGHT))
def test_a_customs_stop_names_the_post_the_duty_note_and_the_expected_dates(code):
    place = CATALOG.destination(code)
    result = check(history(EIGHT[code], "In Customs"), CATALOG, today=TODAY)
    assert result["destination"]["country"] == code
    assert (result["destination"]["post"], result["destination"]["tracking_url"]) == (
        place.post.name.en, place.post.tracking_url("EG123456785JP"))
    assert result["service"]["id"] == "ems" and not result["service"]["assumed"]
    days = place.days_for("ems")
    if days is not None and days.value is not None:
        fewest, most = days.value
        assert (result["expected"]["from"], result["expected"]["to"]) == (
            (POSTED + timedelta(days=fewest)).isoformat(), (POSTED + timedelta(days=most)).isoformat())
        assert place.called.en in result["expected"]["message"]
    else:   # no figure: no date is made up, and the result says so
        assert result["expected"] is None
        assert result["destination_notes"]["expected_unknown"]["text"] == CATALOG.destination_text(
            "expected_unknown").en.format(service="EMS", country=place.called.en)
    assert result["current_stage"] == "import-customs"
    stage = CATALOG.stage(result["current_stage"])
    assert result["destination_notes"]["duty"]["text"] == place.duty.value.en
    names = [c["name"] for c in result["current"]["contacts"]]
    if any(CATALOG.contact(c).destination_post for c in stage.contacts):
        assert place.post.name.en in names and "Your local post office" not in names


@pytest.mark.parametrize("code", sorted(EIGHT))
def test_an_item_waiting_at_the_post_office_has_a_collect_by_date(code):
    place = CATALOG.destination(code)
    result = check(history(EIGHT[code], "Retention"), CATALOG, today=TODAY)
    assert result["current_stage"] == "retention"
    collect = result["destination_notes"]["collect_by"]
    if place.hold.value:
        assert collect["date"] == (date(2026, 11, 10) + timedelta(days=place.hold.value)).isoformat()
        written = Words(CATALOG, "en").long_date(collect["date"])   # "24 November 2026"
        assert written in collect["message"] and place.post.name.en in collect["message"]
    else:   # not verified: the page says so instead of a date
        assert collect["date"] is None
        assert collect["message"] == CATALOG.destination_text("collect_unknown").en.format(post=place.post.name.en)
    assert place.post.name.en in result["verdict"]["message"] or result["verdict"]["state"] != "act"


def test_the_destination_chosen_on_the_page_is_used_only_when_the_paste_does_not_say():
    bare = "\n".join(history("CANADA", "Retention").splitlines()[:4])
    assert check(bare, CATALOG, today=TODAY)["destination"] is None
    chosen = check(bare, CATALOG, today=TODAY, destination="au")["destination"]
    assert (chosen["country"], chosen["source"]) == ("AU", "chosen")
    said = check(history("CANADA", "Retention"), CATALOG, today=TODAY, destination="AU")["destination"]
    assert (said["country"], said["source"]) == ("CA", "paste")


def test_a_number_alone_gets_its_service_and_tracking_links():
    result = check("EG123456785JP", CATALOG, today=TODAY, destination="US")
    assert result["current_stage"] is None and result["service"]["id"] == "ems"
    assert result["origin"] == "JP"
    assert result["verdict"]["message"].startswith("EG123456785JP")
    links = {(link["post"], link["language"]): link["url"] for link in result["tracking_links"]}
    japan_post = CATALOG.destination("JP").post
    language, _, local = japan_post.track_local
    assert links == {("Japan Post", None): japan_post.tracking_url("EG123456785JP"),
                     ("Japan Post", language): local.replace("{number}", "EG123456785JP"),
                     ("USPS", None): CATALOG.destination("US").post.tracking_url("EG123456785JP")}
    assert "locale=ja" in links[("Japan Post", language)] and "locale=en" in links[("Japan Post", None)]
    # the US limit of August 2025 is said for an item posted (at the latest) today
    assert result["destination_notes"]["acceptance"]["text"] == CATALOG.destination("US").acceptance[0].note.en


def test_sal_and_small_packets_after_their_end_are_explained():
    sal = check(history("CANADA", "Retention").replace("EG123456785JP", "SAL"), CATALOG, today=TODAY)
    assert sal["service"]["id"] == "sal" and sal["service"]["note"] == CATALOG.service("sal").changes[-1].note.en
    old = check(history("CANADA", "Retention").replace("EG123456785JP", "SAL").replace("2026", "2019"),
                CATALOG, today=date(2019, 11, 20))
    assert old["service"]["id"] == "sal" and old["service"]["note"] is None
    packet = check(history("CANADA", "Retention").replace("EG123456785JP", "RR123456785JP"), CATALOG, today=TODAY)
    assert packet["service"]["id"] == "small-packet"
    assert packet["service"]["note"] == CATALOG.service("small-packet").changes[-1].note.en
    before = check(history("CANADA", "Retention").replace("EG123456785JP", "RR123456785JP").replace("2026", "2025"),
                   CATALOG, today=date(2025, 11, 20))
    assert before["service"]["note"] is None


def test_an_inbound_item_has_no_japan_post_expected_dates():
    result = check("2022-12-23 11:34  Item Received  India, DELHI INTERNATIONAL MAIL CENTRE\n"
                   "2022-12-28 02:16  Item Received  Japan, KAWASAKI HIGASHI", CATALOG, today=date(2023, 1, 2))
    assert result["origin"] == "IN" and result["destination"]["country"] == "JP"
    assert result["expected"] is None


# ---------------------------------------------------------------------------
# jptrack classify
# ---------------------------------------------------------------------------

def test_cli_prints_the_post_the_dates_and_the_duty(tmp_path, capsys):
    paste = tmp_path / "ca.txt"
    paste.write_text(history("CANADA", "In Customs"), encoding="utf-8")
    assert main(["classify", str(paste), "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    place = CATALOG.destination("CA")
    assert f"Destination post: {place.post.name.en}  {place.post.tracking_url('EG123456785JP')}" in out
    assert "Expected: EMS to Canada is usually delivered" in out
    assert f"Customs: {place.duty.value.en}" in out
    assert main(["classify", str(paste), "--json", "--today", TODAY.isoformat()]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["destination"]["post"] == place.post.name.en and result["expected"]["from"] == "2026-11-05"


def test_cli_to_sets_the_destination_and_rejects_a_non_country(tmp_path, capsys):
    paste = tmp_path / "n.txt"
    paste.write_text("EG123456785JP", encoding="utf-8")
    assert main(["classify", str(paste), "--to", "gb", "--today", TODAY.isoformat()]) == 0
    assert "Track at Royal Mail: https://www.royalmail.com/" in capsys.readouterr().out
    assert main(["classify", str(paste), "--to", "Narnia"]) == 2
    assert "expected a two-letter country code" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# jptrack refresh-acceptance: a downloaded list → the dated snapshot in stages.yaml
# ---------------------------------------------------------------------------

def _row(english: str, **marks) -> dict:
    from jptrack.acceptance import COLUMNS

    row = {"国名": english, "英語表記": english, "読み": "", "通関電子データ送信": "✔", "cid": 1}
    row.update({column: marks.get(ident.replace("-", "_"), "✔") for column, ident in COLUMNS.items()})
    return row


def test_refresh_acceptance_rewrites_only_its_section(tmp_path, capsys):
    stages = tmp_path / "stages.yaml"
    original = (ROOT / "stages.yaml").read_text(encoding="utf-8")
    stages.write_text(original, encoding="utf-8")
    listing = tmp_path / "acceptance_countries.json"
    listing.write_text(json.dumps([_row("New Zealand", parcel_surface="✔", letter_surface="✔"),
                                   _row("U.S.A.", ems="*"), _row("Atlantis")], ensure_ascii=False),
                       encoding="utf-8")
    assert main(["refresh-acceptance", str(listing), "--date", "2026-11-30", "--catalog", str(stages)]) == 0
    out = capsys.readouterr().out
    assert "NZ parcel-surface: stopped → ok" in out and "not in the file:" in out
    updated = cat.load(stages)
    assert updated.acceptance.date == "2026-11-30"
    assert updated.acceptance.state("NZ", "parcel-surface") == "ok" and updated.acceptance.state("US", "ems") == "some"
    assert updated.acceptance.state("CA", "ems") is None     # not in this file: not kept from the old one
    before = original[:original.index("# --- Japan Post's acceptance list")]
    assert stages.read_text(encoding="utf-8").startswith(before)   # everything else untouched
    # …and the service assumed for a parcel to New Zealand follows the list
    parcel = {"kind": "s10", "valid": True, "number": "CP123456785JP", "service": None, "product": "Parcel post"}
    stage = updated.stage("dispatch-outward-office")
    from jptrack.verdict import choose_service
    assert choose_service(updated, stage, numbers=[parcel], posted=date(2026, 11, 1), destination="NZ")[0] == "surface"
    assert choose_service(CATALOG, stage, numbers=[parcel], posted=date(2026, 11, 1), destination="NZ")[0] != "surface"


@pytest.mark.parametrize("content, expected", [
    ("not json", "not JSON"),
    ('{"a": 1}', "expected a list of countries"),
    ('[{"name": "Canada"}]', "lacks the columns"),
    (json.dumps([_row("Canada", ems="maybe")]), "row 1 (Canada): column EMS has 'maybe'"),
    (json.dumps([_row("Atlantis")]), "no row matched a destination"),
])
def test_refresh_acceptance_refuses_a_file_it_does_not_recognise(tmp_path, capsys, content, expected):
    stages = tmp_path / "stages.yaml"
    stages.write_text((ROOT / "stages.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    listing = tmp_path / "list.json"
    listing.write_text(content, encoding="utf-8")
    before = stages.read_text(encoding="utf-8")
    assert main(["refresh-acceptance", str(listing), "--date", "2026-11-30", "--catalog", str(stages)]) == 9
    assert expected in capsys.readouterr().err
    assert stages.read_text(encoding="utf-8") == before


def test_a_broken_acceptance_snapshot_names_its_line():
    cells = "letter-air: ok, letter-sal: ok, letter-surface: ok, parcel-air: ok, parcel-sal: ok, parcel-surface: {}, ems: ok"
    good = SAMPLE + f'acceptance:\n  date: "2026-11-30"\n  source: a list\n  countries:\n    CA: {{{cells.format("ok")}}}\n'
    assert cat.loads(good).acceptance.state("CA", "parcel-surface") == "ok"
    bad = good.replace("parcel-surface: ok", "parcel-surface: maybe")
    e = error_of(bad)
    assert e.field == "acceptance.countries.CA.parcel-surface" and "expected one of ['ok', 'some'" in str(e)
    assert e.line == line_of(bad, "    CA: {")
    e = error_of(good.replace("ems: ok}", "}"))
    assert e.field == "acceptance.countries.CA.ems" and "missing required field 'ems'" in str(e)


@pytest.mark.parametrize("local, field, expected", [
    ('{language: Français, lang: fr, url: "https://example.org/fr/{number}"}', None, None),
    ('{language: Français, lang: fr, url: "http://example.org/fr/{number}"}', "destinations.CA.post.track_local.url",
     "expected an https:// tracking address with {number}"),
    ('{language: Français, lang: French, url: "https://example.org/fr/{number}"}',
     "destinations.CA.post.track_local.lang", "expected a two-letter language code"),
    ('{language: Français, url: "https://example.org/fr/{number}"}', "destinations.CA.post.track_local.lang",
     "missing required field 'lang'"),
])
def test_a_post_may_link_its_own_language_page(local, field, expected):
    source = broken('track: "https://example.org/t/{number}",', f'track: "https://example.org/t/{{number}}", track_local: {local},')
    if field is None:
        assert cat.loads(source).destination("CA").post.track_local == ("Français", "fr", "https://example.org/fr/{number}")
        return
    e = error_of(source)
    assert e.field == field and expected in str(e), str(e)
