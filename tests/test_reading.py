"""How a line is read (jptrack.reading), weighed (jptrack.evidence) and placed in its
journey (jptrack.journey). Words, places and stages come from the catalog, never literals
of the code: these tests name wordings a tracking page prints and check what is read."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import ROOT
from jptrack import journey, parse
from jptrack.catalog import load
from jptrack.classify import check, pipeline
from jptrack.evidence import Ends

CATALOG = load(ROOT / "stages.yaml")
READER = pipeline(CATALOG).reader
MODEL = pipeline(CATALOG).model


def read(text: str):
    return READER.read(parse.scan(text)[0])


def stages(text: str, **kw) -> list[str | None]:
    return [e["stage"] for e in check(text, CATALOG, today=date(2026, 12, 2), **kw)["events"]]


# ---------------------------------------------------------------------------
# Reading one line
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "action"), [
    # Korea Post's English for 운송사 인계: "Delivered" here is a hand-over to a carrier,
    # a truck at a post office, a plane when the row names a flight
    ("14:21 13-Dec-2016\tDelivered to Transport companies\tIC. SAMDEOK", "departed"),
    ("16:15 16-Dec-2016\tDelivered to Transport companies\tINCHEON\tFlight number : LH713", "airline"),
    # Cainiao: the catalog's "Customs Clearance" (with customs) inside "... clearance complete"
    ("2023-09-28 09:46:53\tImport customs clearance complete", "customs-released"),
])
def test_a_wording_inside_a_longer_phrase_that_means_another_stage_yields_to_it(line, action):
    structure = read(line)
    assert structure.wording is None and structure.action.id == action


def test_a_wording_inside_a_longer_phrase_of_the_same_stage_stays_the_evidence():
    # USPS's "Package Acceptance Pending": the wording "Acceptance" and the action agree.
    structure = read("05/27/2021 10:00 Shipment Received, Package Acceptance Pending")
    assert structure.matched == "Acceptance" and structure.action.id == "accepted"


@pytest.mark.parametrize(("line", "action", "role", "side", "country"), [
    ("2022-12-29 12:00  Item Dispatched,Air  Japan,KAWASAKI HIGASHI", "departed", "exchange", None, "JP"),
    ("2020-10-14 09:25  Arrive at sorting center in destination country", "arrived", "exchange", "destination", None),
    ("2017-06-30 02:26  Обработка  Прибыло на территорию РФ", "imported", None, None, "RU"),
    ("2016-11-09 14:48  발송교환국에 도착  국제우편물류센터", "arrived", "exchange", "origin", None),
    ("2019-09-24 14:44  航空会社によって荷物が受け入れられました", "airline", None, None, None),
    ("2017-01-13 09:25  Em distribuição  4480 - VILA DO CONDE", "out-for-delivery", None, None, None),
    ("HK\tItem posted.\t2013-12-11T00:00:00", "accepted", None, None, "HK"),
    ("2020-10-30 05:46  -Receive item at delivery office (Country: US)", "arrived", "office", None, "US"),
    ("2014-07-31 Arrived the delivery office, PHILADELPHIA, PA 19104", "arrived", "office", None, "US"),
    ("Mar 22, 2014 8:14AM\tChicago IL\tShipment Was Processed at Export Sorting Hub", "processed", "exchange",
     "origin", None),
    ("2023-09-23 13:29:38\tArrived at departure transport hub", "arrived", "exchange", "origin", None),
], ids=["india-post", "aggregator", "russian-post", "korea-post", "aliexpress-ja", "ctt", "code-column",
        "country-in-brackets", "us-postcode", "export-hub", "cainiao-hub"])
def test_a_line_is_read_as_action_place_side_and_country(line, action, role, side, country):
    s = read(line)
    assert (s.action.id if s.action else None, s.role, s.side, s.country) == (action, role, side, country)


def test_an_exact_wording_is_kept_with_its_stage_candidates():
    s = read("09/24/2026 06:12\tArrival at inward office of exchange\t\tCHICAGO IL\t60688\tUNITED STATES")
    assert s.matched == "Arrival at inward office of exchange" and s.country == "US"
    assert {c[0] for c in s.wording} == {"arrival-inward-office"}


def test_a_japanese_wording_counts_as_a_word_of_its_own_not_inside_a_sentence():
    assert read("2019-09-28 19:16 | 到着 | 東山郵便局").matched == "到着"
    s = read("2019-09-28 19:16 | 出荷先の国に到着しました |")
    assert s.matched is None and s.action.id == "imported"


def test_a_sentence_is_about_its_last_action_a_row_about_its_status_column():
    summary = "Your item arrived at the PHILADELPHIA, PA 19101 post office at 11:02 am on June 19, 2017 " \
              "and is ready for pickup."
    assert read(summary).action.id == "awaiting-collection"
    row = "2017-01-19T00:00:00+01:00\tEn tránsito\tEl envío está en nuestra red postal y, si hay un problema, será devuelto."
    assert read(row).action.id == "moving"
    # A short column refines the status: customs clearance, released.
    assert read("2017-06-30 05:21\tТаможенное оформление\tВыпущено таможней").action.id == "customs-released"


def test_a_mistyped_word_is_read_as_the_word_it_misses():
    s = read("2026/09/20 Arival at inwrd ofice of exchange")
    assert s.corrected and s.matched == "Arrival at inward office of exchange"
    s = read("2020-10-30 05:46  -Receive item at delivrey office (Country: US)")
    assert s.role == "office" and s.action.id == "arrived"
    # Two words of a table are never "corrected" into each other.
    assert read("2026/09/20 Final delivery").corrected is False


def test_an_office_code_is_believed_only_for_one_of_the_two_ends():
    s = read("2016.11.19 09:33\t교환국 도착\tCNBJSA")
    assert s.code_country == "CN" and s.country is None
    side = MODEL.weigh._side
    assert side(s, Ends("KR", "CN"))[0] == "destination"
    # BERLIN has the shape of an office code of Belgium (BE): not believed.
    assert side(read("2026/09/20 Arrived BERLIN"), Ends("JP", "DE")) == (None, None)


def test_menu_text_on_a_dated_page_is_not_an_event_but_prose_without_dates_is():
    page = "2026/09/20 20:14 引受 新宿郵便局 東京都\n荷物の発送方法\n2026/09/21 10:32 国際交換局に到着 東京国際郵便局 東京都"
    assert [e["line"] for e in check(page, CATALOG)["events"]] == [1, 3]
    prose = "母が郵便局で荷物を差し出して、\n二日後には東京の国際交換局から発送されて、\n一週間後に届きました。"
    assert stages(prose) == ["posting-collection", "dispatch-outward-office", "final-delivery"]


def test_two_statuses_on_one_line_the_later_one():
    assert stages("2026-09-24 06:12 Arrival at inward office of exchange / Item presented to import Customs") \
        == ["import-customs"]


def test_dates_without_a_year_read_as_one_history():
    lines = parse.scan("12/28 Posting/Collection\n12/30 Dispatch from outward office of exchange\n"
                       "1/2 Arrival at inward office of exchange", today=date(2027, 1, 5))
    assert [ln.date for ln in lines] == [date(2026, 12, 28), date(2026, 12, 30), date(2027, 1, 2)]
    lines = parse.scan("1/2 c\n12/30 b\n12/28 a", today=date(2027, 1, 5))   # newest first
    assert [ln.date for ln in lines] == [date(2027, 1, 2), date(2026, 12, 30), date(2026, 12, 28)]


# ---------------------------------------------------------------------------
# The journey: its two ends, and a stage for each line from its neighbours
# ---------------------------------------------------------------------------

def test_the_same_words_are_different_stages_at_each_end():
    india_to_japan = ("2022-12-22 16:08 Item Booked  India, New Delhi\n"
                      "2022-12-23 11:34 Item Received  India, DELHI INTERNATIONAL MAIL CENTRE\n"
                      "2022-12-28 02:16 Item Received  Japan, KAWASAKI HIGASHI\n"
                      "2022-12-29 12:00 Item Dispatched  Japan, KAWASAKI HIGASHI\n"
                      "2022-12-30 07:18 Item Received  Japan, 3400199\n")
    result = check(india_to_japan, CATALOG)
    assert (result["origin"], result["destination"]["country"]) == ("IN", "JP")
    assert [e["stage"] for e in result["events"]] == [
        "posting-collection", "arrival-outward-office", "arrival-inward-office", "departure-inward-office",
        "processing-delivery-office"]
    assert {e["basis"] for e in result["events"]} == {"inferred"}


def test_the_tracking_number_names_the_origin():
    text = "EG725089303JP\n2026/09/24 Arrived, CHICAGO IL 60688\n2026/09/25 Departed, CHICAGO IL 60688"
    result = check(text, CATALOG)
    assert (result["origin"], result["destination"]["country"]) == ("JP", "US")
    assert [e["stage"] for e in result["events"]] == ["arrival-inward-office", "departure-inward-office"]


def test_a_line_that_could_be_several_stages_takes_the_one_its_neighbours_make_likely():
    text = ("2026-09-20 Posting/Collection, TOKYO\n2026-09-22 Dispatch from outward office of exchange, TOKYO INT\n"
            "2026-09-24 Arrived\n2026-09-25 Item presented to import Customs\n")
    assert stages(text)[2] == "arrival-inward-office"


def test_after_a_return_every_event_is_the_way_back():
    text = ("2026-09-20 Posting/Collection, TOKYO\n2026-09-24 Arrival at inward office of exchange, LONDON, UNITED KINGDOM\n"
            "2026-10-20 Returned to sender, LONDON, UNITED KINGDOM\n"
            "2026-11-10 Arrival at inward office of exchange, KAWASAKIHIGASHI, KANAGAWA\n"
            "2026-11-12 Final delivery, SHINJUKU, TOKYO\n")
    assert stages(text)[2:] == ["returned-to-sender"] * 3


def test_the_home_country_is_the_origin_only_when_the_paste_points_to_it():
    japan_post = "2026/09/24 06:12 国際交換局に到着 CHICAGO IL 60688 アメリカ合衆国"
    result = check(japan_post, CATALOG)
    assert (result["origin"], result["destination"]["country"]) == ("JP", "US")
    korea_post = "2016.11.09 12:47\t접수\t서울강남\t도착국가 : 중국(CN)\n2016.11.10 13:48\t운송사 인계\tINCHEON, KOREA"
    assert check(korea_post, CATALOG)["origin"] != "JP"


def test_a_destination_field_names_where_the_item_goes_not_where_the_line_is():
    structure = read("09:51 13-Dec-2016\tPosting/Collection\tIC. SAMDEOK\t"
                     "Posting office zip code : 22124 Transit or Destination country : MEXICO")
    assert (structure.named_destination, structure.country, structure.side) == ("MX", None, None)
    korean = read("2016.11.09 12:47\t접수\t서울강남\t중계국 또는 도착국가 : 중국(CN)")
    assert (korean.named_destination, korean.country) == ("CN", None)
    # Without a colon it is a sentence about the line itself
    assert read("2020-10-14 09:25  Arrive at destination country Mexico").named_destination is None
    korea_post_ems = ("09:51 13-Dec-2016\tPosting/Collection\tIC. SAMDEOK\tTransit or Destination country : MEXICO\n"
                      "16:15 16-Dec-2016\tDelivered to Transport companies\tINCHEON\tFlight number : LH713\n")
    result = check(korea_post_ems, CATALOG)
    assert (result["origin"], result["destination"]["country"]) == ("KR", "MX")
    assert [e["stage"] for e in result["events"]] == ["posting-collection", "dispatch-outward-office"]


def test_a_country_named_only_on_the_last_arrival_is_the_destination():
    aggregator = ("2017-07-13 01:26  Yanwen Acceptance.\n"
                  "2017-07-14 20:42  无锡尚美路揽投部已收件\n"
                  "2017-07-26 10:20  美国\t到达投递局\n")
    result = check(aggregator, CATALOG)
    assert (result["origin"], result["destination"]["country"]) == (None, "US")
    assert result["current_stage"] == "processing-delivery-office"
    # Named on a departure, the country is where the item left from
    retold = "6月 28日 引受\n6月 30日 日本の国際交換支店から発送\n"
    assert check(retold, CATALOG, today=date(2026, 7, 5))["origin"] == "JP"


def test_a_dated_row_that_names_only_a_place_is_a_scan_there():
    structure = read("17:36 13-Dec-2016\t\tINTERNATIONAL POST OFFICE")
    assert structure.place_only and structure.action.id == CATALOG.reading.place_only
    assert read("INTERNATIONAL POST OFFICE").action is None          # undated: page text
    assert read("17:36 13-Dec-2016\t\tSAMDEOK").action is None         # no kind of place
    rows = ("09:51 13-Dec-2016\tPosting/Collection\tIC. SAMDEOK\n"
            "17:36 13-Dec-2016\t\tINTERNATIONAL POST OFFICE\n"
            "13:54 16-Dec-2016\tReady for dispatch\tINTERNATIONAL POST OFFICE\n")
    events = check(rows, CATALOG, explain=True)["events"]
    assert [e["stage"] for e in events] == ["posting-collection", "arrival-outward-office", "dispatch-outward-office"]
    assert "a place alone" in events[1]["why"]
    # the same page with each place on a row of its own, under its date and time
    two_rows = rows.replace("\t\tINTERNATIONAL", "\nINTERNATIONAL").replace("\tIC.", "\nIC.").replace(
        "dispatch\tINTERNATIONAL", "dispatch\nINTERNATIONAL")
    events = check(two_rows, CATALOG)["events"]
    assert [(e["line"], e["stage"]) for e in events] == [
        (1, "posting-collection"), (3, "arrival-outward-office"), (5, "dispatch-outward-office")]
    assert check("2016-12-13\nINTERNATIONAL POST OFFICE", CATALOG)["events"] == []   # a date heading stays one


def test_costs_prefer_moving_forward_along_the_stages():
    cost = MODEL.cost
    assert cost("arrival-inward-office", "arrival-inward-office") == 0
    assert cost("dispatch-outward-office", "arrival-inward-office") < cost("dispatch-outward-office", "final-delivery")
    assert cost("arrival-inward-office", "posting-collection") > cost("arrival-inward-office", "final-delivery")


def test_explain_says_why_each_line_got_its_stage():
    result = check("2022-12-29 12:00  Item Dispatched,Air  Japan,KAWASAKI HIGASHI\n2026/09/20 Something unknown",
                   CATALOG, explain=True)
    first, second = result["events"]
    assert "action “departed”" in first["why"] and "exchange" in first["why"]
    assert second["stage"] is None and "no wording or action" in second["why"]
    assert "why" not in check("EMC", CATALOG)["events"][0]


def test_journey_events_in_time_order_whatever_the_page_order():
    for text, order, newest_first in [("2026-09-22 EMC\n2026-09-20 EMA\n2026-09-21 EMB", [2, 3, 1], False),
                                      ("2026-09-22 EMC\n2026-09-21 EMB\n2026-09-20 EMA", [3, 2, 1], True),
                                      ("EMC\nEMB\nEMA", [3, 2, 1], True)]:
        lines = [ln for ln in parse.scan(text) if not ln.noise]
        planned = journey.plan([journey.Event(ln, READER.read(ln)) for ln in lines], [], MODEL)
        assert ([e.line.no for e in planned.ordered], planned.newest_first) == (order, newest_first), text


def test_a_day_without_a_time_follows_the_events_the_page_lists_before_it_that_day():
    oldest_first = "2026/11/20 08:57\t国際交換局から発送\n2026/11/20\t保管\n"
    newest_first = "2026/11/20\t保管\n2026/11/20 08:57\t国際交換局から発送\n"
    for text in (oldest_first, newest_first):
        result = check(text, CATALOG, today=date(2026, 11, 21))
        assert result["current_stage"] == "retention", text
    # ... and one listed before them that day stays before them
    result = check("2026/11/20\t引受\n2026/11/20 08:57\t国際交換局から発送\n", CATALOG, today=date(2026, 11, 21))
    assert result["current_stage"] == "dispatch-outward-office"


def test_a_couriers_event_code_column_names_no_country():
    # DHL's event codes: PL (Poland), AF (Afghanistan) and OK (none) are no places
    couriers = ("2026-11-20\t10:00\tPL\tProcessed at HONG KONG - HONG KONG\tHKG\n"
                "2026-11-20\t12:00\tDF\tDeparted Facility\tHKG\n"
                "2026-11-21\t08:00\tAF\tArrived at Sort Facility\tLHR\n"
                "2026-11-21\t09:00\tOK\tDelivered - UNITED KINGDOM\tLHR\n")
    result = check(couriers, CATALOG, today=date(2026, 12, 2))
    assert [e["country"] for e in result["events"]] == ["HK", None, None, "GB"]
    assert (result["origin"], result["destination"]["country"]) == ("HK", "GB")
    # ... while a column of the item's two countries stays theirs
    countries = "HK\tItem posted.\t2026-11-10\nHK\tProcessed for departure.\t2026-11-11\nNZ\tArrived.\t2026-11-15\n"
    result = check(countries, CATALOG, today=date(2026, 12, 2))
    assert [e["country"] for e in result["events"]] == ["HK", "HK", "NZ"]
    assert (result["origin"], result["destination"]["country"]) == ("HK", "NZ")


def test_correios_export_unit_is_the_office_of_exchange():
    paste = ("24/11/2026\t09:00\tJAPÃO /\tObjeto postado\n"
             "25/11/2026\t10:00\tJAPÃO /\tObjeto recebido na unidade de exportação no país de origem\n")
    assert read(paste.splitlines()[1]).role == "exchange"
    assert stages(paste) == ["posting-collection", "arrival-outward-office"]


def test_customs_that_no_word_places_is_import_customs():
    # a page that starts at customs, with no country and no "export" (reading.actions usually)
    assert stages("09/11/2026\t11:10\tFiscalização aduaneira finalizada\tUnidade Operacional/CURITIBA") == \
        ["returned-from-customs"]
    # ... and after the posting, customs is the destination's unless a word says export
    assert stages("11月20日に郵便局に持って行った\n11月25日 税関で引っかかりました") == \
        ["posting-collection", "customs-held"]
    # ... while a word for the origin still puts it there
    assert stages("09/11/2026\t11:10\tExport customs cleared") == ["arrival-outward-office"]


@pytest.mark.parametrize(("line", "action", "stage"), [
    # Correios (Spain) explains "En tránsito" by naming its return status; the item is moving
    ("2026-11-19\tEn tránsito\tEl envío está en nuestra red postal; si hubo un evento anterior denominado "
     "'En proceso de devolución', irá al remitente.", "moving", None),
    ("2026-11-19\tIn transit\tIf an earlier event “Returned to sender” is shown, the item goes back.", "moving", None),
    # ... while a status that is only quoted is still the status
    ("2026-11-19\tStatus: 'Delivered'", "delivered", "final-delivery"),
    ("3月12日に突然「税関を出た」と表示された", "customs-released", None),
])
def test_a_status_named_in_quotes_by_an_explanation_did_not_happen(line, action, stage):
    s = read(line)
    assert (s.action.id, s.wording[0][0] if s.wording else None) == (action, stage)


def test_upu_ips_event_names_read_at_the_end_their_suffix_names():
    # IPS, the UPU's postal software, ends its event names in (Otb) outbound and (Inb) inbound
    assert read("2020-08-31 13:18  Send item to domestic location (Inb)").side == "destination"
    assert read("2018-06-21 16:42  Insert item into bag (Otb)").side == "origin"
    history = ("2026-09-20 Receive item from customer (Otb)\n2026-09-21 Insert item into bag (Otb)\n"
               "2026-09-22 Send item abroad (Otb)\n2026-09-28 Receive item at office of exchange (Inb)\n"
               "2026-09-29 Send item to customs (Inb)\n2026-09-30 10:00 Return item from customs (Inb)\n"
               "2026-09-30 12:00 Send item to domestic location (Inb)\n2026-10-02 Deliver item (Inb)\n")
    assert stages(history) == [
        "posting-collection", "arrival-outward-office", "dispatch-outward-office", "arrival-inward-office",
        "import-customs", "returned-from-customs", "departure-inward-office", "final-delivery"]


def test_the_first_processing_centre_in_the_destination_country_is_its_office_of_exchange():
    text = ("EG725089303JP\n2026-09-22 Dispatch from outward office of exchange, TOKYO INT\n"
            "2026-09-25 Arrived at processing centre, SYDNEY\n2026-09-26 Departed processing centre, SYDNEY\n"
            "2026-09-27 Arrived at processing centre, BRISBANE\n")
    assert stages(text) == ["dispatch-outward-office", "arrival-inward-office", "departure-inward-office",
                            "departure-inward-office"]


def test_a_postcode_outweighs_a_country_name_in_a_town_name():
    # JFK's international service centre is in Jamaica, New York
    assert read("22/02/2014 10:12 AM\tPROCESSED THROUGH USPS SORT FACILITY\tJAMAICA NY 11430").country == "US"


def test_a_plain_delivered_says_nothing_of_whose_page_it_is():
    # "Delivered" is USPS's wording too, but every post prints it: the item went to Vietnam
    text = ("2017-05-24 15:30\tReceived at warehouse\tSEOUL, KOREA\n"
            "2017-05-30 18:20\tAircraft departure\tICN (Incheon, Korea)\n"
            "2017-05-30 22:10\tAircraft arrival\tHAN (HANOI, VIETNAM)\n"
            "2017-06-07 02:50\tDelivered\n")
    result = check(text, CATALOG, today=date(2026, 12, 2))
    assert (result["origin"], result["destination"]["country"]) == ("KR", "VN")
    assert [e["stage"] for e in result["events"]][-2:] == ["arrival-inward-office", "final-delivery"]


@pytest.mark.parametrize(("line", "action"), [
    # Correios explains what may happen next: the item is held, not returned
    ("30/01/2020\t07:41\tCURITIBA / PR\tNão foi autorizada a entrada do objeto no país\t"
     "Objeto em análise de destinação - poderá ser devolvido ao remetente", "customs-held"),
    ("Available for pickup. If not collected within 15 days it will be returned to sender", "awaiting-collection"),
])
def test_an_action_after_a_hedge_has_not_happened(line, action):
    assert read(line).action.id == action


@pytest.mark.parametrize(("line", "action"), [
    # DHL Express: the event type, then its description, which is the status that matters
    ("2015-09-25\t03:28:00\tCD\tClearance event\tClearance is pending while shipment waybill and/or "
     "invoice images are being reviewed\tAKL\tAUCKLAND - NEW ZEALAND", "customs-held"),
    ("2015-10-03\t14:36:00\tUD\tClearance event\tDHL needs further information from the importer.\t"
     "A DHL representative will contact the importer", "customs-held"),
    # Correios asks the importer for data, then reviews it
    ("31/07/2019\t14:15\tCURITIBA/PR\tFaltam informações. Sua ação é necessária\tAcesse o ambiente "
     "Minhas Importações", "customs-held"),
    ("31/07/2019\t15:10\tCURITIBA/PR\tInformações prestadas pelo cliente em análise\tRegistrado por "
     "CENTRO INTERNACIONAL PR - CURITIBA/PR", "customs-held"),
    # an explanation in a column of its own still names no action after a hedge
    ("2024-01-05 10:00\tEn tránsito\tSi hay algún problema con la entrega, el envío será devuelto al remitente",
     "moving"),
    # Correios's older event list: "Conferido" is a scan at the unit
    ("PAR\t16\t09/04/2012\t13:30\tConferido\tUNIDADE TRAT INTERNACIONAL SAO PAULO", "processed"),
])
def test_a_status_in_any_column_decides_and_customs_asking_for_something_is_a_hold(line, action):
    assert read(line).action.id == action


@pytest.mark.parametrize(("line", "action"), [
    # Japanese, Chinese and Korean sentences end on what happened last
    ("7月 3日 税関をパスしてカナダの国際交換支店から発送", "departed"),
    ("とくに税関で止まっているというようなこともなく順調に荷物は最寄りの郵便局まで到着していることがわかりました", "arrived"),
    # a row of English (or columns) still goes by the lexicon's order: the customs scan, not
    # the "(domestic transit)" that qualifies it
    ("2017-03-30T15:32:38+08:00\tTransit Station export customs scan (domestic transit )", "customs"),
    ("Pre-Shipment Info Sent to USPS (5/27)", "notified"),
])
def test_a_cjk_sentence_is_about_its_last_action(line, action):
    assert read(line).action.id == action


@pytest.mark.parametrize(("line", "action"), [
    ("3月12日 税関を通過しました", "customs-released"),
    ("2月15日に日本を出発しました", "exported"),
])
def test_japanese_words_for_customs_release_and_leaving_japan(line, action):
    assert read(line).action.id == action


@pytest.mark.parametrize(("line", "action"), [
    # the sender: what they did is the posting, not Japan Post's 発送 from an office of exchange
    ("12月1日 本日、ご注文の商品を発送いたしました", "accepted"),   # the shop's e-mail
    ("10月1日に母が荷物を送ってくれた", "accepted"),
    ("2月13日に郵便局に持って行った", "accepted"),
    ("荷物を送ったという連絡が入った", "accepted"),   # a message that came in is no arrival
    # the customer: held at customs, and the parcel in their hands
    ("1月20日 税関で引っかかりました", "customs-held"),
    ("7日間留め置かれました", "customs-held"),
    ("4月12日に無事届いた", "delivered"),
    ("10月19日に自宅に届きました", "delivered"),
    ("郵便局まで取りに行きました", "delivered"),
    # ... while a tracking page's own words keep their reading
    ("2026/11/20 10:00 国際交換局から発送", "departed"),
    ("荷物を発送しました", "notified"),
    ("2月5日、国際交換局から発送したとの情報あり", "departed"),   # a page's status, retold
])
def test_japanese_told_by_the_sender_or_the_customer(line, action):
    assert read(line).action.id == action


def test_a_place_after_a_direction_word_is_where_the_item_goes_or_came_from():
    sent = read("2015-04-25 09:37:00\t离开处理中心,发往中国 北京")
    assert (sent.country, sent.bound_for, sent.action.id) == (None, "CN", "departed")
    arrived = read("2015-04-27 19:15:55\t到达处理中心,来自JPKIXH")
    assert (arrived.code_country, arrived.came_from) == (None, "JP")
    assert read("2026-09-22 Departed from JAPAN").country == "JP"          # where it left from
    assert read("2026-09-22 In transit to JAPAN").bound_for == "JP"


def test_sent_to_the_destination_country_is_leaving_the_origin():
    # a Chinese aggregator's view of an EMS from Japan: no line names where it is
    text = ("2015-04-23 21:06:00\t收寄\n2015-04-25 09:37:00\t离开处理中心,发往中国 北京\n"
            "2015-04-27 19:15:55\t到达处理中心,来自JPKIXH\n2015-04-28 13:16:15\t海关放行\n"
            "2015-04-28 16:42:15\t投递并签收\n")
    result = check(text, CATALOG, today=date(2026, 12, 2))
    assert (result["origin"], result["destination"]["country"]) == ("JP", "CN")
    assert [e["stage"] for e in result["events"]] == [
        "posting-collection", "dispatch-outward-office", "arrival-inward-office", "returned-from-customs",
        "final-delivery"]


@pytest.mark.parametrize(("line", "action"), [
    ("Экспорт\t19.10.2012 01:18\tКитай CNSHAA", "exported"),      # Russian Post's operation names
    ("Импорт\t02.11.2012 18:55\t104001\tМосква PCI-1", "imported"),
])
def test_russian_posts_export_and_import_operations(line, action):
    assert read(line).action.id == action


def test_dates_read_day_first_when_the_words_are_in_a_day_first_language():
    text = "04/04/2012 14:23 Objeto encaminhado\n05/04/2012 10:06 Objeto encaminhado\n09/04/2012 13:30 Conferido"
    assert [e["time"][:10] for e in check(text, CATALOG)["events"]] == ["2012-04-04", "2012-04-05", "2012-04-09"]
    english = "04/04/2012 14:23 Departed\n05/04/2012 10:06 Arrived"
    assert [e["time"][:10] for e in check(english, CATALOG)["events"]] == ["2012-04-04", "2012-05-04"]
