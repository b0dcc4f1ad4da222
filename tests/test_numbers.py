"""Tracking numbers: S10 check digits, service letters, countries, Japan Post domestic numbers."""

from __future__ import annotations

import pytest

from jptrack import numbers

VALID_S10 = ["EG725089303JP", "CN134577206JP", "LX331479647JP", "EN536199851JP", "RB123456785GB",
             "EB000717618HK", "EB000717595HK", "RR473124829GB", " R B 1 2 3 4 5 6 7 8 5 G B ",
             "EG 725 089 303 JP", "ｅｇ７２５０８９３０３ｊｐ"]
INVALID_S10 = ["RB123456786US", "EB000717594HK", "RB123456785XX", "JB123456785GB", "EG72508930JP",
               "EG7250893033JP", "1G725089303JP"]
VALID_JP = ["405548424886", "202610971043", "647933493911", "711053275295", "13112383852",
            "4055-4842-4886", "131-12-38385-2"]


@pytest.mark.parametrize("number", VALID_S10 + VALID_JP)
def test_valid(number):
    assert numbers.is_valid(number)
    assert numbers.validate(number) == numbers.compact(number)


@pytest.mark.parametrize("number", INVALID_S10 + ["405548424887", "1311238385"])
def test_invalid(number):
    assert not numbers.is_valid(number)
    with pytest.raises(ValueError):
        numbers.validate(number)


def test_error_classes():
    with pytest.raises(numbers.InvalidChecksum):
        numbers.validate("RB123456786US")
    with pytest.raises(numbers.InvalidComponent):
        numbers.validate("RB123456785XX")
    with pytest.raises(numbers.InvalidLength):
        numbers.validate("RB12345678GB")


@pytest.mark.parametrize(("number", "product", "service"), [
    ("EG725089303JP", "EMS", "ems"), ("CN134577206JP", "Parcel post", None),
    ("RR473124829GB", "Registered letter or small packet", "small-packet"),
    ("LX331479647JP", "ePacket / tracked letter post", "epacket-light"),
])
def test_info(number, product, service):
    entry = numbers.info(number)
    assert (entry["product"], entry["service"], entry["valid"]) == (product, service, True)
    assert entry["country_name"] == numbers.COUNTRIES[number[-2:]]


def test_mistyped_message_is_position_agnostic():
    entry = numbers.info("EG725089304JP")
    assert not entry["valid"]
    assert "should be 3" in entry["message"]
    assert "one digit may be mistyped or two swapped" in entry["message"].lower()
    swapped = numbers.info("EG752089303JP")  # two digits swapped
    assert not swapped["valid"] and "receipt" in swapped["message"]


def test_find_in_text():
    text = ("Hello, my parcel EG 725 089 303 JP has not arrived. Order 2026-1097-1043? "
            "Also EG725089303JP again. Call 0570-046-111, zip 163-8799, 2026/09/20 20:14, "
            "202609202014, 09012345678")
    found = numbers.find(text)
    assert [n["number"] for n in found] == ["EG725089303JP", "202610971043"]
    assert found[1]["kind"] == "jp-domestic"


def test_find_reports_mistyped_dashed_domestic_number():
    found = numbers.find("お問い合わせ番号 4055-4842-4887")
    assert found and not found[0]["valid"]


def test_countries_table():
    assert len(numbers.COUNTRIES) == 249
    assert numbers.country_name("JP") == "Japan"


@pytest.mark.parametrize("text", ["item EG৭২৫০৮৯৩০৩JP", "EG ٧٢٥ ٠٨٩ ٣٠٣ JP", "１２３४५६७८९०१"])
def test_digits_of_other_scripts_are_not_numbers(text):
    # \d would match them, and the number was then reported "mistyped" against its own check digit
    assert numbers.find(text) == []


@pytest.mark.parametrize("number, digit", [("EG৭২৫০৮৯৩০৩JP", "৭"), ("१२३४५६७८९०१", "१")])
def test_a_number_typed_in_other_digits_says_so(number, digit):
    entry = numbers.info(number)
    assert not entry["valid"] and f"has the digit {digit}, not one of 0-9" in entry["message"]
    assert "mistyped" not in entry["message"]
