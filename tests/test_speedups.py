"""The classifier's shortcuts give the same answers as the plain definitions they replace."""

from __future__ import annotations

import gc
import random
import re
import unicodedata

from jptrack import normalize, numbers, parse
from jptrack.classify import check


def _plain_fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(normalize._DASHES).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    return text.rstrip("。.").strip()


def test_fold_skips_only_what_changes_nothing():
    rnd = random.Random(7)
    alphabet = " \t\n\r\u3000\u00a0\x0b\x1c\x1f\x85\u1680\u200b\ufeff\u2028\u2029.。aAßİΣς‐‑‒–—―−ー－-ＥＭＳ１"
    for _ in range(20_000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
        assert normalize.fold(text) == _plain_fold(text), repr(text)


_PLAIN_FIND_JP = re.compile(
    r"(?<![\d\-/:.])(\d{4}-\d{4}-\d{4}|\d{3}-\d{2}-\d{5}-\d|[1-9]\d{10,11})(?![\d\-/:.])")


def test_japan_post_number_pattern_matches_the_plain_one():
    rnd = random.Random(11)
    alphabet = "0123456789" * 3 + "-- /:.a"
    for _ in range(50_000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
        plain = [(m.span(), m.group(1)) for m in _PLAIN_FIND_JP.finditer(text)]
        assert [(m.span(), m.group(1)) for m in numbers._FIND_JP.finditer(text)] == plain, text


def test_date_only_is_worked_out_lazily_but_the_same():
    lines = parse.scan("2026/09/20\n2026/09/20 20:14 引受\n20:14\nDelivered\n6 July 2017 at 10:00 am")
    assert [ln.date_only for ln in lines] == [True, False, False, False, True]
    assert [ln.date is not None and not parse._residue(ln) for ln in lines] == [True, False, False, False, True]


def test_check_leaves_the_garbage_collector_as_it_found_it(catalog):
    assert gc.isenabled()
    check("2026/09/20 20:14 引受 新宿郵便局", catalog)
    assert gc.isenabled()
    gc.disable()
    try:
        check("2026/09/20 20:14 引受 新宿郵便局", catalog)
        assert not gc.isenabled()
    finally:
        gc.enable()
