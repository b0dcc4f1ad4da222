"""Tracking numbers: UPU S10 (international) and Japan Post domestic numbers.

UPU S10 numbers have 13 characters, ``AA 12345678 9 CC``: a two-letter service
indicator (its first letter names the product: E = EMS, C = parcel post,
R = registered letter, L = ePacket-type tracked letter...), an eight-digit
serial, a check digit (weights 8, 6, 4, 2, 3, 5, 9, 7; ``11 - S mod 11``,
10 becomes 0 and 11 becomes 5) and the ISO 3166 code of the issuing post.
Japan Post's domestic numbers (Yu-Pack, Letter Pack, registered mail) have
11 or 12 digits, the last being the rest of the others modulo 7.

More information:

* https://en.wikipedia.org/wiki/S10_(UPU_standard)
* https://github.com/jkeen/tracking_number_data (couriers/s10.json)

>>> validate('EG 725 089 303 JP')
'EG725089303JP'
>>> validate('RB123456786GB')
Traceback (most recent call last):
    ...
jptrack.numbers.InvalidChecksum: The number's check digit does not match.
>>> calc_check_digit('47312482')
'9'
>>> format('eg725089303jp')
'EG 725 089 303 JP'
>>> validate('4055-4842-4886')
'405548424886'
>>> info('EG725089303JP')['product'], info('CN134577206JP')['service']
('EMS', None)
>>> [n['number'] for n in find('Item EG725089303JP, ask about RR473124829GB')]
['EG725089303JP', 'RR473124829GB']
>>> find('EG725089304JP')[0]['message']  # doctest: +ELLIPSIS
'EG725089304JP looks mistyped: its check digit should be 3, not 4. One digit may be mistyped...'

Dates, postal codes and phone numbers are not tracking numbers:

>>> find('2026/09/20 20:14 新宿 163-8799 tel 0570-046-111 202609202014')
[]

Robustness: junk never raises and is never valid.

>>> [is_valid(x) for x in (None, '', '€', '😴', '３²', 'ⅷ', b'EG725089303JP', 12, 'ＥＧ７２５０８９３０３ＪＰ')]
[False, False, False, False, False, False, False, False, True]
>>> find(None), find('３²😴' * 3)
([], [])
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "ValidationError", "InvalidFormat", "InvalidLength", "InvalidChecksum", "InvalidComponent",
    "compact", "calc_check_digit", "calc_jp_check_digit", "validate", "is_valid", "format",
    "info", "find", "country_name", "COUNTRIES",
]


# ---------------------------------------------------------------------------
# Errors (python-stdnum's shape: ValueError subclasses with a class message)
# ---------------------------------------------------------------------------

class ValidationError(ValueError):
    message = "The number is not valid."

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else self.message


class InvalidFormat(ValidationError):
    message = "The number has an invalid format."


class InvalidLength(InvalidFormat):
    message = "The number has an invalid length."


class InvalidChecksum(ValidationError):
    message = "The number's check digit does not match."


class InvalidComponent(ValidationError):
    message = "One of the parts of the number is invalid."


# ---------------------------------------------------------------------------
# Functions
# ---------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−－.]+")
# re.ASCII: \d is 0-9 only, so a number in another script's digits is not one of ours (it
# was reported as "mistyped" against its own check digit).
_S10 = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$", re.ASCII)
_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def compact(number: str) -> str:
    """Fold width and case and drop spaces, dashes and dots."""
    if not isinstance(number, str):
        raise InvalidFormat()
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", number)).upper()


def _isdigits(text: str) -> bool:
    # str.isdigit() accepts '²' and '৩'; only ASCII digits are digits here.
    return bool(text) and all("0" <= c <= "9" for c in text)


def calc_check_digit(serial: str) -> str:
    """The S10 check digit of an eight-digit serial."""
    s = sum(int(d) * w for d, w in zip(serial, _WEIGHTS))
    c = 11 - s % 11
    return str({10: 0, 11: 5}.get(c, c))


def calc_jp_check_digit(digits: str) -> str:
    """The check digit of a Japan Post domestic number (the other digits mod 7)."""
    return str(int(digits) % 7)


def validate(number: str) -> str:
    """Return the compact number if it is a valid S10 or Japan Post domestic number, else raise."""
    number = compact(number)
    if _isdigits(number):
        if len(number) not in (11, 12):
            raise InvalidLength()
        if calc_jp_check_digit(number[:-1]) != number[-1]:
            raise InvalidChecksum()
        return number
    if len(number) != 13:
        raise InvalidLength()
    match = _S10.match(number)
    if not match or not _isdigits(match.group(2) + match.group(3)):
        raise InvalidFormat()
    indicator, serial, check, country = match.groups()
    if indicator[0] not in _INDICATORS:
        raise InvalidComponent("The service indicator is not one the UPU allocates.")
    if country not in COUNTRIES:
        raise InvalidComponent(f"{country} is not an ISO country code.")
    if calc_check_digit(serial) != check:
        raise InvalidChecksum()
    return number


def is_valid(number: str) -> bool:
    """Check the number; never raises."""
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str) -> str:  # noqa: A001 - stdnum's name
    """The number spaced as printed on labels."""
    number = compact(number)
    if len(number) == 13:
        return " ".join((number[:2], number[2:5], number[5:8], number[8:11], number[11:]))
    if len(number) == 12:
        return "-".join((number[:4], number[4:8], number[8:]))
    if len(number) == 11:
        return "-".join((number[:3], number[3:5], number[5:10], number[10:]))
    return number


def country_name(code: str) -> str | None:
    """English name of an ISO 3166 alpha-2 code."""
    return COUNTRIES.get(code)


def info(number: str) -> dict:
    """Describe a number as plain data (the contract's tracking_numbers entry).

    Never raises for a string: an invalid number is described with a message saying why.
    """
    raw = compact(number)
    if _isdigits(raw):
        return _jp_info(raw)
    entry = {"number": raw, "kind": "s10", "valid": False, "service": None, "product": None,
             "country": None, "country_name": None, "message": ""}
    match = _S10.match(raw)
    if not match:
        other = next((c for c in raw if c.isdecimal() and not c.isascii()), None)
        entry["message"] = (f"{raw} has the digit {other}, not one of 0-9; type the number with 0-9 "
                            "as printed on the label." if other else f"{raw} is not a tracking number format we know.")
        return entry
    indicator, serial, check, country = match.groups()
    product, service = _INDICATORS.get(indicator[0], (None, None))
    entry.update(product=product, service=service, country=country, country_name=COUNTRIES.get(country))
    if product is None:
        entry["message"] = (f"{raw} does not start with a service letter the UPU allocates; "
                            "check the first two letters.")
    elif country not in COUNTRIES:
        entry["message"] = f"{raw} ends in {country}, which is not a country code; check the last two letters."
    elif calc_check_digit(serial) != check:
        expected = calc_check_digit(serial)
        entry["message"] = (f"{raw} looks mistyped: its check digit should be {expected}, not {check}. "
                            + _HINT)
    else:
        entry["valid"] = True
        where = COUNTRIES[country]
        entry["message"] = f"{product} item posted in {where}" + (
            "." if service or indicator[0] != "C" else " (by air or by sea: the number does not say which).")
    return entry


def _jp_info(raw: str) -> dict:
    entry = {"number": raw, "kind": "jp-domestic", "valid": False, "service": None,
             "product": "Japan Post domestic item", "country": "JP", "country_name": "Japan",
             "message": ""}
    if len(raw) not in (11, 12):
        entry["message"] = f"{raw} has {len(raw)} digits; Japan Post numbers have 11 or 12."
    elif calc_jp_check_digit(raw[:-1]) != raw[-1]:
        entry["message"] = (f"{raw} looks mistyped: its check digit should be "
                            f"{calc_jp_check_digit(raw[:-1])}, not {raw[-1]}. " + _HINT)
    else:
        entry["valid"] = True
        entry["product"] = "Registered or recorded mail" if len(raw) == 11 else "Yu-Pack, Yu-Packet or Letter Pack"
        entry["message"] = f"Japan Post domestic number ({entry['product']})."
    return entry


# S10 anywhere in text: two letters, nine digits (single spaces allowed in the usual
# 3-3-3 grouping or anywhere between digits), two letters. Fixed-size, so no backtracking.
_FIND_S10 = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2}) ?(\d(?: ?\d){8}) ?([A-Za-z]{2})(?![A-Za-z0-9])", re.ASCII)
# Japan Post domestic: printed forms, or a bare 11/12-digit run not starting with 0 (phones do).
# The pattern starts with a plain \d (the checks on the character before it and on the
# leading 1-9 come right after, as look-behinds) so the regex engine skips straight to
# digits instead of trying every position of the paste.
_FIND_JP = re.compile(
    r"(\d(?<![\d\-/:.]\d)(?:\d{3}-\d{4}-\d{4}|\d{2}-\d{2}-\d{5}-\d|(?<=[1-9])\d{10,11}))(?![\d\-/:.])", re.ASCII)


def find(text: str) -> list[dict]:
    """Every tracking number in free text, in order of appearance, without duplicates."""
    if not isinstance(text, str) or not text:
        return []
    text = unicodedata.normalize("NFKC", text)
    found: dict[str, tuple[int, dict]] = {}
    for m in _FIND_S10.finditer(text):
        indicator, digits, country = m.group(1).upper(), m.group(2).replace(" ", ""), m.group(3).upper()
        if indicator[0] not in _INDICATORS or country not in COUNTRIES:
            continue  # two words around a number, not an S10 item
        if m.group(1) != m.group(1).upper() and m.group(1) != m.group(1).lower():
            continue  # 'Ab 123…' is prose
        number = indicator + digits + country
        if number not in found:  # the first sighting counts; describe each number once
            found[number] = (m.start(), info(number))
    for m in _FIND_JP.finditer(text):
        raw = m.group(1)
        number = raw.replace("-", "")
        if "-" not in raw:
            # A bare run of digits is only a number if it checks (else it is an order or
            # phone number), and never when it reads as a compact date-time.
            if not is_valid(number) or _looks_like_datetime(number):
                continue
        if number not in found:
            found[number] = (m.start(), info(number))
    return [entry for _, entry in sorted(found.values(), key=lambda pair: pair[0])]


def _looks_like_datetime(digits: str) -> bool:
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
    return 1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31


_HINT = "One digit may be mistyped or two swapped; check the number on your receipt."


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------

# First letter of the S10 service indicator → (product, service id or None when the number
# alone does not say how it travels). UPU code list 124; jkeen/tracking_number_data s10.json.
_INDICATORS = {
    "E": ("EMS", "ems"),
    "C": ("Parcel post", None),
    "R": ("Registered letter or small packet", "small-packet"),
    "L": ("ePacket / tracked letter post", "epacket-light"),
    "U": ("Letter post with customs declaration", "small-packet"),
    "V": ("Insured letter", "small-packet"),
    "A": ("Recorded letter", "small-packet"),
    "H": ("E-commerce parcel", None),
    "M": ("M-bag (printed matter)", None),
    "Q": ("International business reply", "small-packet"),
    # Domestic, bilateral or multilateral use: valid numbers, product unknown.
    "B": ("Postal item (bilateral use)", None),
    "D": ("Postal item (bilateral use)", None),
    "G": ("Postal item (bilateral use)", None),
    "N": ("Postal item (bilateral use)", None),
    "P": ("Postal item (bilateral use)", None),
    "Z": ("Postal item (bilateral use)", None),
}

# ISO 3166-1 alpha-2 codes and English short names.
_ISO = """
AD Andorra|AE United Arab Emirates|AF Afghanistan|AG Antigua and Barbuda|AI Anguilla|AL Albania
AM Armenia|AO Angola|AQ Antarctica|AR Argentina|AS American Samoa|AT Austria|AU Australia|AW Aruba
AX Åland Islands|AZ Azerbaijan|BA Bosnia and Herzegovina|BB Barbados|BD Bangladesh|BE Belgium
BF Burkina Faso|BG Bulgaria|BH Bahrain|BI Burundi|BJ Benin|BL Saint Barthélemy|BM Bermuda
BN Brunei|BO Bolivia|BQ Caribbean Netherlands|BR Brazil|BS Bahamas|BT Bhutan|BV Bouvet Island
BW Botswana|BY Belarus|BZ Belize|CA Canada|CC Cocos (Keeling) Islands|CD Congo (Democratic Republic)
CF Central African Republic|CG Congo|CH Switzerland|CI Côte d'Ivoire|CK Cook Islands|CL Chile
CM Cameroon|CN China|CO Colombia|CR Costa Rica|CU Cuba|CV Cabo Verde|CW Curaçao|CX Christmas Island
CY Cyprus|CZ Czechia|DE Germany|DJ Djibouti|DK Denmark|DM Dominica|DO Dominican Republic|DZ Algeria
EC Ecuador|EE Estonia|EG Egypt|EH Western Sahara|ER Eritrea|ES Spain|ET Ethiopia|FI Finland|FJ Fiji
FK Falkland Islands|FM Micronesia|FO Faroe Islands|FR France|GA Gabon|GB United Kingdom|GD Grenada
GE Georgia|GF French Guiana|GG Guernsey|GH Ghana|GI Gibraltar|GL Greenland|GM Gambia|GN Guinea
GP Guadeloupe|GQ Equatorial Guinea|GR Greece|GS South Georgia and the South Sandwich Islands
GT Guatemala|GU Guam|GW Guinea-Bissau|GY Guyana|HK Hong Kong|HM Heard Island and McDonald Islands
HN Honduras|HR Croatia|HT Haiti|HU Hungary|ID Indonesia|IE Ireland|IL Israel|IM Isle of Man|IN India
IO British Indian Ocean Territory|IQ Iraq|IR Iran|IS Iceland|IT Italy|JE Jersey|JM Jamaica|JO Jordan
JP Japan|KE Kenya|KG Kyrgyzstan|KH Cambodia|KI Kiribati|KM Comoros|KN Saint Kitts and Nevis
KP North Korea|KR South Korea|KW Kuwait|KY Cayman Islands|KZ Kazakhstan|LA Laos|LB Lebanon
LC Saint Lucia|LI Liechtenstein|LK Sri Lanka|LR Liberia|LS Lesotho|LT Lithuania|LU Luxembourg
LV Latvia|LY Libya|MA Morocco|MC Monaco|MD Moldova|ME Montenegro|MF Saint Martin|MG Madagascar
MH Marshall Islands|MK North Macedonia|ML Mali|MM Myanmar|MN Mongolia|MO Macao|MP Northern Mariana Islands
MQ Martinique|MR Mauritania|MS Montserrat|MT Malta|MU Mauritius|MV Maldives|MW Malawi|MX Mexico
MY Malaysia|MZ Mozambique|NA Namibia|NC New Caledonia|NE Niger|NF Norfolk Island|NG Nigeria
NI Nicaragua|NL Netherlands|NO Norway|NP Nepal|NR Nauru|NU Niue|NZ New Zealand|OM Oman|PA Panama
PE Peru|PF French Polynesia|PG Papua New Guinea|PH Philippines|PK Pakistan|PL Poland
PM Saint Pierre and Miquelon|PN Pitcairn|PR Puerto Rico|PS Palestine|PT Portugal|PW Palau|PY Paraguay
QA Qatar|RE Réunion|RO Romania|RS Serbia|RU Russia|RW Rwanda|SA Saudi Arabia|SB Solomon Islands
SC Seychelles|SD Sudan|SE Sweden|SG Singapore|SH Saint Helena|SI Slovenia|SJ Svalbard and Jan Mayen
SK Slovakia|SL Sierra Leone|SM San Marino|SN Senegal|SO Somalia|SR Suriname|SS South Sudan
ST Sao Tome and Principe|SV El Salvador|SX Sint Maarten|SY Syria|SZ Eswatini|TC Turks and Caicos Islands
TD Chad|TF French Southern Territories|TG Togo|TH Thailand|TJ Tajikistan|TK Tokelau|TL Timor-Leste
TM Turkmenistan|TN Tunisia|TO Tonga|TR Türkiye|TT Trinidad and Tobago|TV Tuvalu|TW Taiwan|TZ Tanzania
UA Ukraine|UG Uganda|UM United States Minor Outlying Islands|US United States|UY Uruguay|UZ Uzbekistan
VA Vatican City|VC Saint Vincent and the Grenadines|VE Venezuela|VG British Virgin Islands
VI U.S. Virgin Islands|VN Vietnam|VU Vanuatu|WF Wallis and Futuna|WS Samoa|YE Yemen|YT Mayotte
ZA South Africa|ZM Zambia|ZW Zimbabwe
"""
COUNTRIES: dict[str, str] = dict(
    item.strip().split(" ", 1) for item in _ISO.replace("\n", "|").split("|") if item.strip())
