"""Dates, times, places and noise in pasted lines."""

from __future__ import annotations

import datetime as dt

import pytest

from jptrack.parse import joined_fields, location_in, parse_date, scan, without_spans


@pytest.mark.parametrize(("text", "expected"), [
    ("09/20/2026 20:14\tPosting/Collection", "2026-09-20T20:14"),          # Japan Post EN
    ("2026/09/20 20:14 引受", "2026-09-20T20:14"),                          # Japan Post JA
    ("２０２６/０９/２０　２０：１４　引受", "2026-09-20T20:14"),              # full width
    ("Your item was delivered at 6:14 pm on July 6, 2017 in NEW YORK, NY 10001", "2017-07-06T18:14"),
    ("July 6, 2017, 6:14 pm", "2017-07-06T18:14"),
    ("Processed Through Facility, July 4, 2017, 8:01 pm, TOKYO INT, JAPAN", "2017-07-04T20:01"),
    ("06 Jul 2017", "2017-07-06"),
    ("Thursday 6 July 2017 2:05pm", "2017-07-06T14:05"),
    ("6.7.2017 14:05 Die Sendung wurde zugestellt.", "2017-07-06T14:05"),
    ("2017-07-06T14:05:00+09:00", "2017-07-06T14:05"),
    ("2017年7月6日 14:05", "2017-07-06T14:05"),
    ("2017.07.06 14:05 배달완료", "2017-07-06T14:05"),
    ("2017-07-06 14:05:00 【北京市】已妥投", "2017-07-06T14:05"),
    ("12:00 am 1 January 2026", "2026-01-01T00:00"),
    ("le 6 juillet 2017 à 14h05", "2017-07-06T14:05"),
    ("14:21 13-Dec-2016\tDelivered to Transport companies\tIC. SAMDEOK", "2016-12-13T14:21"),   # Korea Post EN
    ("2018-06-21 16:11 PM  Receive item from abroad", "2018-06-21T16:11"),   # Albanian Post: 24-hour clock and PM
    ("2018-06-21 00:30 AM  Receive item from abroad", "2018-06-21T00:30"),
    ("2018-06-21 16:11 AM  Receive item from abroad", "2018-06-21"),         # a contradiction: no time
])
def test_date_forms(text, expected):
    assert parse_date(text) == expected


def test_two_digit_years_read_like_four_digit_ones():
    lines = scan("19/01/17\tAM\tON ITS WAY\n18/01/17\t23:53\tARRIVED (MDN) AT\tHEATHROW WORLDWIDE DC")  # Royal Mail
    assert [(ln.date, ln.minutes) for ln in lines] == [(dt.date(2017, 1, 19), None), (dt.date(2017, 1, 18), 23 * 60 + 53)]
    assert scan("01/18/17 10:00 Departed")[0].date == dt.date(2017, 1, 18)
    assert scan("1/2/3 x")[0].date is None and scan("18/19/17 x")[0].date is None


def test_yearless_dates_take_the_paste_year():
    lines = scan("2025/12/30 10:00 引受\n12月31日09:00 国際交換局に到着")
    assert lines[1].date == dt.date(2025, 12, 31)
    lines = scan("Jul 06 14:05 Final delivery", today=dt.date(2026, 3, 1))
    assert lines[0].date == dt.date(2025, 7, 6)  # not in the future
    assert parse_date("7月6日", year=2017) == "2017-07-06"


def test_day_first_when_the_paste_says_so():
    lines = scan("13/07/2017 Item Retention\n11/07/2017 We tried to deliver your item")
    assert [ln.date for ln in lines] == [dt.date(2017, 7, 13), dt.date(2017, 7, 11)]
    lines = scan("09/20/2026 x\n09/11/2026 y")
    assert lines[1].date == dt.date(2026, 9, 11)


@pytest.mark.parametrize("text", ["163-8799", "0570-046-111", "+81-570-046-666", "2026-1097-1043",
                                  "EG725089303JP", "13/13/2026", "2026/02/30", "1/1/1800", "１²３"])
def test_not_dates(text):
    assert parse_date(text) is None


def test_noise_and_headings():
    lines = scan("Search\n状態発生日\t配送履歴\t詳細\t取扱局\t県名等\nDate Shipping track record Details Office "
                 "Prefecture/Country\nCopyright (C) JAPAN POST\nJuly 6, 2017, 6:14 pm\n引受")
    assert [ln.noise for ln in lines] == [True, True, True, True, False, False]
    assert lines[4].date_only and not lines[5].date_only


def test_location():
    line = scan("2026/09/24 06:12\t国際交換局に到着\t\tISC CHICAGO IL\t60688\tアメリカ合衆国")[0]
    assert location_in(without_spans(line), ("国際交換局に到着",)) == "ISC CHICAGO IL, 60688, アメリカ合衆国"


def test_blank_and_weird_lines():
    lines = scan("\n\n   \n\x00\n😴\n\u2028x")
    assert [ln.no for ln in lines] == [4, 5, 7]  # \u2028 is a line break too
    assert all(ln.date is None for ln in lines)


def test_seven_bit_yuscii_letters_inside_words_are_read_as_letters():
    # North Macedonia's post prints č and š as ~ and { ("Ispora~ana" is Isporačana, delivered)
    assert scan("11/14/2018, 10:21:41 AM\tIsporaka\tIspora~ana")[0].toks[-1] == "isporacana"
    assert "salter" in scan("Za isporaka na {alter")[0].toks
    assert scan("~~(the former Yugoslav Republic of)~~ | x")[0].toks[:2] == ["~", "~"]


@pytest.mark.parametrize(("text", "expected"), [
    # what the checker shows beside the formatted date: the rest of the line, fields apart
    ("2026-11-25 03:28\tClearance event\tClearance is pending\tAUCKLAND - NEW ZEALAND",
     "Clearance event · Clearance is pending · AUCKLAND - NEW ZEALAND"),
    ("２０２６/11/20 10:00  引受  TOKYO", "引受 · TOKYO"),
    ("7月 3日 税関をパスしてカナダの国際交換支店から発送", "税関をパスしてカナダの国際交換支店から発送"),
    ("Delivered, In/At Mailbox | November 28, 2026, 12:31 pm | NEW YORK, NY 10001", "Delivered, In/At Mailbox · NEW YORK, NY 10001"),
])
def test_a_lines_text_without_its_date_and_time(text, expected):
    assert joined_fields(without_spans(scan(text)[0])) == expected
