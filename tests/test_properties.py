"""Properties: any text never raises; line order does not change the current stage of a
dated history; pathological lines cost about what a normal paste of the same size costs."""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from jptrack.catalog import load
from jptrack.classify import check, pipeline
from jptrack.normalize import fold
from jptrack.phrases import _TOKEN, tokens
from jptrack.verdict import _index as service_index

CATALOG = load(ROOT / "stages.yaml")
PASTES = Path(__file__).parent / "fixtures" / "pastes"
TODAY = date(2026, 10, 1)
# One wording per journey stage (in journey order) that classifies alone to that stage.
JOURNEY = [(s.id, ex) for s in CATALOG.journey for ex in s.examples[:1]
           if check(ex, CATALOG)["current_stage"] == s.id]
WORDS = [w.text for s in CATALOG for w in s.wordings if w.where is None]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _valid(result):
    assert set(result) >= {"current_stage", "events", "unrecognised", "verdict", "tracking_numbers"}
    assert result["current_stage"] is None or result["current"]["id"] == result["current_stage"]
    for e in result["events"]:
        assert e["stage"] is None or e["stage"] in {s.id for s in CATALOG}


@FAST
@given(st.text())
def test_any_text_never_raises(text):
    _valid(check(text, CATALOG, today=TODAY))


@FAST
@given(st.lists(st.one_of(st.text(max_size=40), st.sampled_from(WORDS),
                          st.sampled_from([e for _, e in JOURNEY]),
                          st.sampled_from(["２０２６/０９/２０", "3²", "😴", "\x00", "07月06日", "EG725089303JP",
                                           "////", "12:99", "99/99/9999", "EMC", "\t\t", "年月日"])),
                max_size=30))
def test_garbage_between_valid_lines_never_raises(parts):
    _valid(check("\n".join(parts), CATALOG, today=TODAY))
    _valid(check(" ".join(parts), CATALOG, today=TODAY))


def _history(start: datetime, gaps: list[int], fmt: str) -> list[str]:
    lines, t = [], start
    for (stage_id, _), gap in zip(JOURNEY, gaps):
        t += timedelta(minutes=gap)
        wording = next(w.text for w in CATALOG.stage(stage_id).wordings
                       if w.where is None and w.lang == "en")
        lines.append(f"{t.strftime(fmt)} {wording}")
    return lines


@FAST
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),
       st.lists(st.integers(min_value=1, max_value=60 * 24 * 20), min_size=1, max_size=12),
       st.sampled_from(["%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M", "%d.%m.%Y %H:%M",
                        "%B %d, %Y, %H:%M"]),
       st.randoms(use_true_random=False))
def test_shuffled_dated_history_keeps_its_current_stage(start, gaps, fmt, rnd):
    lines = _history(start, gaps, fmt)
    expected = check("\n".join(lines), CATALOG, today=TODAY)["current_stage"]
    assert expected == JOURNEY[len(lines) - 1][0]
    rnd.shuffle(lines)
    assert check("\n".join(lines), CATALOG, today=TODAY)["current_stage"] == expected


def test_every_fixture_shuffled_keeps_its_current_stage():
    for path in sorted(PASTES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        result = check(text, CATALOG, today=TODAY)
        if not all(e["time"] and not e["time"].endswith("T00:00") for e in result["events"]):
            continue
        # Shuffle whole events (keep single-line events only: multi-line layouts move together).
        if any(e["line"] != i for i, e in enumerate(result["events"], 1)):
            continue
        lines = text.splitlines()
        random.Random(7).shuffle(lines)
        assert check("\n".join(lines), CATALOG, today=TODAY)["current_stage"] == result["current_stage"], path


def _seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        check(text, CATALOG, today=TODAY)
        best = min(best, time.perf_counter() - t0)
    return best


def test_pathological_lines_are_linear():
    """100 KB of separators, digits or date punctuation costs at most a few times a normal paste."""
    size = 100_000
    normal = (PASTES / "japanpost-en-us.txt").read_text(encoding="utf-8")
    normal = (normal * (size // len(normal) + 1))[:size]
    baseline = _seconds(normal)
    for unit in ["/", ":", "-", "年", "0", "1/", "12/", "12/12/", "2026/", "2026/09/", "09/20/2026 ",
                 "\t", " ", "１", "12:", "July ", "6.7.", "EG1", "引受", "a" * 7 + " ", "月日"]:
        evil = (unit * (size // len(unit) + 1))[:size]
        for text in (evil, evil.replace(" ", "\n")):
            elapsed = _seconds(text)
            assert elapsed < max(10 * baseline, 0.05), (unit, elapsed, baseline)


# ---------------------------------------------------------------------------
# PhraseIndex.findall_text: the same phrases as a scan of every token of the text
# ---------------------------------------------------------------------------

def _findall_by_tokens(index, folded):
    """The plain way: every token of the text, the longest phrase at each position, the
    positions inside a phrase found skipped. Returns (first token, last token, value)."""
    toks = tokens(folded)
    found, end = [], 0
    for i, tok in enumerate(toks):
        if i < end or tok not in index._first:
            continue
        for seq, k, _size, value, _solid in index._first[tok]:
            if toks[i:i + k] == seq:
                found.append((i, i + k - 1, value))
                end = i + k
                break
    return found


def _as_token_positions(folded, hits):
    """findall_text's string offsets as token positions, to compare with the plain way."""
    starts = [m.start() for m in _TOKEN.finditer(folded)]
    ends = [m.end() for m in _TOKEN.finditer(folded)]
    return [(starts.index(a), ends.index(b), value) for a, b, value in hits]


_INDEXES = {"services": service_index(CATALOG), "wordings": pipeline(CATALOG).reader.wordings,
            "lexicon": pipeline(CATALOG).reader.lexicon}
_PHRASES = {name: [" ".join(seq) for cands in ix._first.values() for seq, *_ in cands]
            for name, ix in _INDEXES.items()}
_GLUE = st.sampled_from([" ", "", "\n", "-", "/", ".", "x", "a", "1", "便", "。", " e ", "\t", "（"])


@FAST
@given(st.sampled_from(sorted(_INDEXES)), st.data())
def test_findall_text_finds_what_a_scan_of_every_token_finds(name, data):
    phrases = st.sampled_from(_PHRASES[name])
    cut = phrases.map(lambda p: p[: len(p) // 2])                      # a phrase cut short
    parts = data.draw(st.lists(st.one_of(phrases, phrases.map(str.upper), cut, _GLUE,
                                         st.text(max_size=6)), max_size=30))
    folded = fold("".join(parts))
    index = _INDEXES[name]
    assert _as_token_positions(folded, index.findall_text(folded)) == _findall_by_tokens(index, folded)


def test_findall_text_on_the_fixture_pastes():
    for path in sorted(PASTES.glob("*.txt")):
        folded = fold(path.read_text(encoding="utf-8"))
        for name, index in _INDEXES.items():
            expected = _findall_by_tokens(index, folded)
            assert _as_token_positions(folded, index.findall_text(folded)) == expected, (path.name, name)
