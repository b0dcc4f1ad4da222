"""The classifier's shortcuts give the same answers as the plain definitions they replace."""

from __future__ import annotations

import gc
import random
import re
import unicodedata

from jptrack import normalize, numbers, parse
from jptrack.classify import check, pipeline
from jptrack.reading import Reader


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


def test_check_never_touches_the_process_garbage_collector(catalog, monkeypatch):
    # the collector is the whole process's (another thread's, too): only the command and the
    # browser worker, which own their process, pause it around their checks
    calls = []
    monkeypatch.setattr(gc, "disable", lambda: calls.append("disable"))
    monkeypatch.setattr(gc, "enable", lambda: calls.append("enable"))
    check("2026/09/20 20:14 引受 新宿郵便局\n" * 50, catalog)
    assert calls == []


def test_the_command_pauses_the_collector_and_restores_it(catalog, monkeypatch, tmp_path):
    from jptrack import classify, cli

    seen = []
    real_check = classify.check
    monkeypatch.setattr(cli, "check", lambda *a, **k: (seen.append(gc.isenabled()), real_check(*a, **k))[1])
    paste = tmp_path / "p.txt"
    paste.write_text("2026/09/20 20:14 引受 新宿郵便局", encoding="utf-8")
    assert gc.isenabled()
    assert cli.main(["classify", str(paste), "--json"]) == 0
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        with classify.cyclic_gc_paused():
            pass
        assert not gc.isenabled()   # it restores what it found
    finally:
        gc.enable()


def _plain_dates_and_times() -> list[re.Pattern]:
    """The date and time patterns as first written: each look-behind ahead of its number."""
    mon = parse._month_alternation()
    return [
        re.compile(r"(?<![\d/.\-])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d/]|\.\d|-\d)"),
        re.compile(r"(?<!\d)(\d{4}) ?([年년]) ?(\d{1,2}) ?[月월] ?(\d{1,2}) ?[日일]"),
        re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.]|\.\d)"),
        re.compile(r"(?<![\d/\-])(\d{1,2})([/\-])(\d{1,2})\2(\d{4})(?![\d/\-])"),
        re.compile(r"(?<![A-Za-z])(" + mon + r")\.? {1,3}(\d{1,2})(?:st|nd|rd|th)?,? {1,3}(\d{4})(?!\d)",
                   re.IGNORECASE),
        re.compile(r"(?<![\d.])(\d{1,2})(?:st|nd|rd|th|er)?\.? {1,3}(?:of )?(" + mon
                   + r")\.?,? {1,3}(\d{4})(?!\d)", re.IGNORECASE),
        re.compile(r"(?<!\d)(\d{1,2}) ?[月월] ?(\d{1,2}) ?[日일]"),
        re.compile(r"(?<![A-Za-z])(" + mon + r")\.? {1,3}(\d{1,2})(?![\d:.,/])", re.IGNORECASE),
        re.compile(r"(?<![\d/\-])(\d{1,2})(/)(\d{1,2})/(\d{2})(?![\d/]|\.\d)"),
        re.compile(r"(?<![\d/.\-:])(\d{1,2})/(\d{1,2})(?![\d/]|\.\d)"),
        re.compile(r"(?<![\d:+.])(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d{1,6})?)?"
                   r"(?: ?([AaPp])\.?[Mm]\.?(?![A-Za-z]))?(?![\d:])"),
        re.compile(r"(?<!\d)(\d{1,2}) ?[時시] ?(\d{1,2}) ?[分분]"),
        re.compile(r"(?<![\d:])(\d{1,2})h(\d{2})(?!\d)"),
    ]


def test_digit_first_date_and_time_patterns_match_the_plain_ones():
    fast = [pattern for _, pattern, _ in parse._DATE_PATTERNS] + [pattern for pattern, _ in parse._TIMES]
    plain = _plain_dates_and_times()
    assert len(fast) == len(plain)
    rnd = random.Random(13)
    # Runs of digits between the separators of one style of date or time (plus noise), so
    # that most texts hold a date or time, or nearly one.
    styles = (("/",), ("-",), (".",), ("/", "-", ".", ":", "+"), ("年", "년 ", "月", " 월", "日", "일"),
              ("時", "시 ", "分", "분", ":", "h"), (" Jul ", "st of july ", ". MAI ", "er déc. ", ", ", " am", " P.M."))
    words = ("", "", "x", "+", "/", ".", "Jul ", "july ", "MAY ", "déc. ", "of ")
    for _ in range(20_000):
        separators = rnd.choice(styles) * 3 + (" ", "", "x")
        runs = ("".join(rnd.choice("0123456789") for _ in range(rnd.choice((1, 2, 2, 4, 5))))
                + rnd.choice(separators) for _ in range(rnd.randint(1, 5)))
        text = rnd.choice(words) + "".join(runs) + rnd.choice(words)
        for f, p in zip(fast, plain):
            assert [(m.span(), m.groups()) for m in f.finditer(text)] == \
                [(m.span(), m.groups()) for m in p.finditer(text)], (p.pattern, text)


def test_structures_kept_per_line_text_are_the_ones_read_line_by_line(catalog):
    """The reader keeps one structure per line text without its date and time: lines that
    differ only there share it, and it is what a fresh reader makes of each line."""
    paste = "\n".join([
        "2026/09/20 20:14 引受 新宿郵便局 163-8799 東京都",
        "2026/09/21 10:32 国際交換局に到着 東京国際郵便局 138-8799 東京都",
        "2026/09/22 08:10 国際交換局に到着 東京国際郵便局 138-8799 東京都",
        "09/24/2026 06:12\tArrival at inward office of exchange\t\tCHICAGO IL 60666\t\tUNITED STATES",
        "09/25/2026 07:00\tArrival at inward office of exchange\t\tCHICAGO IL 60666\t\tUNITED STATES",
        "2026/09/26 国際交換局に到着 CHICAGO IL 60688 アメリカ合衆国",
        "2026/09/27 Something nobody has ever written, SHINJUKU",
        "2026/09/28 Something nobody has ever written, SHINJUKU",
        "2026/09/29 Item received, KAWASAKI HIGASHI",
    ])
    lines = {line.no: line for line in parse.scan(paste)}
    events = check(paste, catalog)["events"]
    assert len(events) == 9
    reader = pipeline(catalog).reader
    assert reader.read(lines[2]) is reader.read(lines[3])
    for event in events:
        fresh = Reader(catalog).read(lines[event["line"]])
        assert (event["location"], event["country"]) == (fresh.location, fresh.country)
        remove = (fresh.matched,) if fresh.matched else ()
        assert fresh.location == parse.location_in(parse.without_spans(lines[event["line"]]), remove)
