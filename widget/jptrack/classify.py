"""Pasted tracking text → stage of every event, the current stage, numbers and a verdict.

`check()` is the one entry point (the `jptrack` command, the browser worker and the tests
call it). Each line is folded with `jptrack.normalize.fold` and searched for the catalog's
wordings as whole phrases (word boundaries for Latin text, plain substrings for Japanese,
Chinese and Korean); the longest wording wins. Bare UPU event codes (``EMC``) count as
whole tokens. Nothing about stages lives here: wordings, codes, windows and texts all come
from the catalog. A line that looks like an event (it has a date, or a wording) but matches
nothing is reported as unrecognised, never guessed.

Japan Post's Japanese page writes 国際交換局に到着 / 国際交換局から発送 at both ends; the
catalog marks those wordings ``where: origin|destination`` and the line's country column
(a Japanese prefecture or 日本 versus a foreign country) or, failing that, its place in the
history (after a customs or destination event, or after an earlier outward pair) decides.

>>> from pathlib import Path
>>> from jptrack.catalog import load
>>> catalog = load(Path(__file__).parents[2] / 'stages.yaml')
>>> r = check('''2026/09/20 20:14 引受 新宿郵便局 163-8799 東京都
... 2026/09/21 10:32 国際交換局に到着 東京国際郵便局 138-8799 東京都
... 2026/09/22 08:10 国際交換局から発送 東京国際郵便局 138-8799 東京都
... 2026/09/24 06:12 国際交換局に到着 CHICAGO IL 60688 アメリカ合衆国''', catalog,
...           today=date(2026, 9, 25))
>>> [e['stage'] for e in r['events']]
['posting-collection', 'arrival-outward-office', 'dispatch-outward-office', 'arrival-inward-office']
>>> r['current_stage'], r['verdict']['state']
('arrival-inward-office', 'normal')
>>> check('EMC', catalog)['current_stage']
'dispatch-outward-office'
>>> check('2026/09/20 Something nobody has ever written', catalog)['unrecognised']
[1]

Robustness: junk never raises, and is never given a stage.

>>> [check(x, catalog)['current_stage'] for x in (None, '', '３²', '😴', '\\x00', '/' * 1000)]
[None, None, None, None, None, None]
>>> check('x' * 11, catalog, max_chars=10)
Traceback (most recent call last):
    ...
jptrack.classify.InputTooLong: the paste has 11 characters; the limit is 10
"""

from __future__ import annotations

import bisect
import gc
import re
import unicodedata
from contextlib import contextmanager
from datetime import date

from . import numbers as _numbers
from . import parse as _parse
from .normalize import fold
from .verdict import choose_service, verdict

__all__ = ["check", "InvalidInput", "InputTooLong", "MAX_INPUT_CHARS", "matcher"]

MAX_INPUT_CHARS = 1_000_000


class InvalidInput(ValueError):
    """The input cannot be classified (not text, too long)."""


class InputTooLong(InvalidInput):
    """The paste is longer than max_chars."""


# ---------------------------------------------------------------------------
# The matcher (built once per catalog)
# ---------------------------------------------------------------------------

class Matcher:
    """Catalog wordings and UPU codes, indexed for matching folded lines."""

    def __init__(self, catalog):
        self.catalog = catalog
        entries: dict[str, list] = {}
        for stage in catalog:
            for w in stage.wordings:
                entries.setdefault(w.key, []).append((stage.id, w.where, w.text, w.source))
        # The UPU's own event text, as aggregators show it verbatim, unless a wording has it.
        for stage in catalog:
            for event in stage.upu:
                key = fold(event.text)
                if key and key not in entries:
                    entries[key] = [(stage.id, None, event.text, "upu")]
        self.entries = {k: tuple(v) for k, v in entries.items()}
        self.index = _parse.PhraseIndex((k, k) for k in self.entries)
        self.codes = {e.code: (stage.id, e.text) for stage in catalog for e in stage.upu}
        self.order = {stage.id: stage.order for stage in catalog}
        # The earliest stage order of each wording's candidates, for sorting events.
        self.earliest = {cands: min(self.order[c[0]] for c in cands) for cands in self.entries.values()}
        self.journey = {stage.id for stage in catalog.journey}
        destination = [self.order[s] for v in self.entries.values() for s, where, _, _ in v
                       if where == "destination"]
        # Stages before this one happen in the origin country.
        self.first_destination_order = min(destination) if destination else None
        self.sources = {key: {src for _, _, _, src in v} for key, v in self.entries.items()}
        self.national_sources = frozenset(s.id for s in catalog.sources if s.scope == "national")
        self.date_order = {s.id: s.dates for s in catalog.sources}
        self.titles = {stage.id: stage.title.en for stage in catalog}


_matchers: dict[int, Matcher] = {}


def matcher(catalog) -> Matcher:
    """The catalog's matcher, built on first use and cached by catalog identity."""
    cached = _matchers.get(id(catalog))
    if cached is None or cached.catalog is not catalog:
        if len(_matchers) > 8:
            _matchers.clear()
        cached = _matchers[id(catalog)] = Matcher(catalog)
    return cached


_CODE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{3})(?![A-Za-z0-9])")


# ---------------------------------------------------------------------------
# check()
# ---------------------------------------------------------------------------

class _Event:
    __slots__ = ("line", "candidates", "matched", "stage", "date", "minutes", "inherited",
                 "location", "country", "key")

    def __init__(self, line):
        self.line = line
        self.candidates = ()
        self.matched = None
        self.stage = None
        self.date, self.minutes = line.date, line.minutes
        self.inherited = False
        self.location = self.country = None
        self.key = None


@contextmanager
def _cyclic_gc_paused():
    """Pause the cyclic garbage collector (reference counting still frees everything).

    check() builds a few objects per line and links none in cycles; on a long paste the
    collector would otherwise walk all of them again and again while they are still in
    use (five full passes for 100,000 lines: about 7 µs a line, 15% of the time).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check(text, catalog, *, today: date | None = None, max_chars: int | None = MAX_INPUT_CHARS) -> dict:
    """Classify a paste; returns the contract's plain, JSON-serialisable dict."""
    with _cyclic_gc_paused():
        return _check(text, catalog, today=today, max_chars=max_chars)


def _check(text, catalog, *, today: date | None, max_chars: int | None) -> dict:
    if text is None:
        text = ""
    if isinstance(text, (bytes, bytearray)):
        raise InvalidInput("expected text, got bytes; decode it as UTF-8 first")
    if not isinstance(text, str):
        raise InvalidInput(f"expected text, got {type(text).__name__}")
    if max_chars is not None and len(text) > max_chars:
        raise InputTooLong(f"the paste has {len(text)} characters; the limit is {max_chars}")
    m = matcher(catalog)
    today = today or date.today()
    hint = _DayfirstHint(m)
    lines = _parse.scan(text, dayfirst=hint, today=today)

    events: list[_Event] = []
    headers: list[tuple[int, _Event]] = []   # (position, date heading)
    places: dict = {}
    for line in lines:
        if line.noise:
            continue
        event = _Event(line)
        strict = line.date is None
        hit = _UNSEARCHED if strict else hint.hits.get(line.no, _UNSEARCHED)
        if hit is _UNSEARCHED:
            hit = m.index.search(line.toks, strict_cjk=strict)
        if hit:
            key = hit[2]
            event.candidates = m.entries[key]
            event.matched = event.candidates[0][2]
        else:
            code = next((c for c in _CODE.findall(line.norm) if c in m.codes), None)
            if code:
                event.candidates = ((m.codes[code][0], None, code, "upu"),)
                event.matched = code
        if not event.candidates:
            if line.date_only:
                headers.append((len(events), event))
                continue
            if line.date is None:
                continue  # neither dated nor a known wording: not an event
        event.location, event.country = _place(line, event.matched, places)
        events.append(event)

    _apply_headings(events, headers)
    newest_first = _newest_first(events, m)
    ordered = _chronological(events, m, newest_first)
    # Normalise the whole paste once: numbers.find and the service-word search normalise
    # their input again, but NFKC text passes the normaliser's quick check almost free.
    normalized = unicodedata.normalize("NFKC", text)
    numbers = _numbers.find(normalized)
    _resolve_sides(ordered, m, numbers)

    recognised = [e for e in ordered if e.stage]
    current = recognised[-1] if recognised else None
    stage = catalog.stage(current.stage) if current else None
    service, assumed = choose_service(catalog, stage, numbers=numbers, texts=[normalized] if stage else ())
    last = current.date if current else None
    if current and last is None:
        last = _placed_date(current, ordered)
    result = {
        "current_stage": stage.id if stage else None,
        "current": _stage_dict(catalog, stage) if stage else None,
        "events": [_event_dict(e, m) for e in events],
        "unrecognised": [e.line.no for e in events if not e.stage],
        "tracking_numbers": numbers,
        "verdict": verdict(catalog, stage, last, service=service, service_assumed=assumed, today=today),
        "input": {"lines": len(text.splitlines()), "chars": len(text)},
    }
    return result


_UNSEARCHED = object()


def _place(line, matched: str | None, places: dict) -> tuple:
    """(location, country) of an event's line.

    Both depend only on the line without its date and time, and the matched wording; a
    history repeats those (same status, same office) from line to line, so `places` (one
    check's) keeps each answer.
    """
    key = (_parse.without_spans(line), matched)
    place = places.get(key)
    if place is None:
        location = _parse.location_in(key[0], (matched,) if matched else ())
        place = places[key] = (location, _parse.place_country(location))
    return place


class _DayfirstHint:
    """Day-first dates when the paste's wordings come from posts that write them so.

    scan() calls it only when a slash date could be read either way; it keeps each line's
    wording search (`hits`, by line number) so check() does not search those lines twice.
    """

    def __init__(self, m: Matcher):
        self.m = m
        self.hits: dict[int, tuple | None] = {}

    def __call__(self, lines) -> bool | None:
        m = self.m
        sources = set()
        for line in lines:
            hit = self.hits[line.no] = m.index.search(line.toks)
            if hit:
                sources |= m.sources[hit[2]]
        orders = {m.date_order.get(source) for source in sources}
        if "day-first" in orders and "month-first" not in orders:
            return True
        return None


def _apply_headings(events: list[_Event], headers: list) -> None:
    """Undated status lines next to a line holding only a date take its date.

    Pages that print the date on its own line put it either above each status (Australia
    Post) or below it (USPS); the closer heading, counted over the whole paste, says which.
    """
    if not headers:
        return
    undated = [i for i, e in enumerate(events) if e.date is None]
    if not undated:
        return

    positions = [pos for pos, _ in headers]

    def around(i):
        k = bisect.bisect_right(positions, i)
        return (headers[k - 1][1] if k else None), (headers[k][1] if k < len(headers) else None)

    votes = 0
    for i in undated:
        before, after = around(i)
        no = events[i].line.no
        if before and after:
            votes += 1 if no - before.line.no < after.line.no - no else -1 if no - before.line.no > after.line.no - no else 0
    for i in undated:
        before, after = around(i)
        heading = (before or after) if votes >= 0 else (after or before)
        if heading is not None:
            events[i].date, events[i].minutes = heading.date, heading.minutes
            events[i].inherited = True


def _newest_first(events: list[_Event], m: Matcher) -> bool:
    """Detect the list's direction from its dates, else from the journey's stage order."""
    inc = dec = 0
    previous = None
    for e in events:
        if e.date is None:
            continue
        stamp = (e.date, -1 if e.minutes is None else e.minutes)
        if previous is not None:
            inc += stamp > previous
            dec += stamp < previous
        previous = stamp
    if inc != dec:
        return dec > inc
    inc = dec = 0
    previous = None
    for e in events:
        orders = [m.order[c[0]] for c in e.candidates if c[0] in m.journey]
        if not orders or len(e.candidates) > 1:
            continue
        if previous is not None:
            inc += orders[0] > previous
            dec += orders[0] < previous
        previous = orders[0]
    return dec > inc


def _chronological(events: list[_Event], m: Matcher, newest_first: bool) -> list[_Event]:
    """Events oldest first: by date and time; undated ones right after the dated line they follow."""
    n = len(events)
    keys = [None] * n
    anchor = None
    positions = range(n - 1, -1, -1) if newest_first else range(n)
    for rank, i in enumerate(positions):
        e = events[i]
        if e.date is not None:
            anchor = (e.date, -1 if e.minutes is None else e.minutes)
            keys[i] = (*anchor, 0, _earliest_order(e.candidates, m), rank)
        else:
            keys[i] = (*(anchor or (date.min, -1)), 1, rank)
    return [events[i] for i in sorted(range(n), key=keys.__getitem__)]


def _earliest_order(candidates: tuple, m: Matcher) -> int:
    """The smallest stage order among the candidates (-1 for none)."""
    order = m.earliest.get(candidates)
    if order is None:  # a bare UPU code, or no candidates
        order = min((m.order[c[0]] for c in candidates), default=-1)
    return order


def _resolve_sides(ordered: list[_Event], m: Matcher, numbers: list) -> None:
    """Give each event its stage; settle origin/destination wordings by country, then position."""
    origin_is_japan = True
    s10 = next((n for n in numbers if n["kind"] == "s10" and n["valid"]), None)
    if s10:
        origin_is_japan = s10["country"] == "JP"
    else:
        first = next((e for e in ordered if e.country and e.candidates), None)
        if first and first.country != "JP" and m.first_destination_order is not None and all(
                m.order[c[0]] < m.first_destination_order and c[1] != "destination" for c in first.candidates):
            origin_is_japan = False
    furthest = -1
    for e in ordered:
        if not e.candidates:
            continue
        if len(e.candidates) == 1:
            e.stage = e.candidates[0][0]
        else:
            origin = next((c for c in e.candidates if c[1] == "origin"), e.candidates[0])
            foreign_post = all(c[3] in m.national_sources for c in e.candidates)
            if e.country:
                side = "origin" if (e.country == "JP") == origin_is_japan else "destination"
            elif foreign_post:
                # A destination post's own wording (USPS, La Poste, ...) is shown abroad.
                side = "destination" if origin_is_japan else "origin"
            else:
                side = "destination" if furthest > m.order[origin[0]] else "origin"
            chosen = next((c for c in e.candidates if c[1] == side), None)
            chosen = chosen or next((c for c in e.candidates if c[1] is None), e.candidates[0])
            e.stage = chosen[0]
        furthest = max(furthest, m.order[e.stage])


def _placed_date(event: _Event, ordered: list[_Event]) -> date | None:
    """An undated latest event happened no earlier than the dated event before it."""
    i = ordered.index(event)
    return next((e.date for e in reversed(ordered[:i]) if e.date), None)


def _event_dict(e: _Event, m: Matcher) -> dict:
    iso = None
    if e.date is not None:
        iso = e.date.isoformat()
        if e.minutes is not None:
            iso += f"T{e.minutes // 60:02d}:{e.minutes % 60:02d}"
    return {
        "line": e.line.no, "time": iso, "text": e.line.text, "stage": e.stage,
        "stage_title": m.titles[e.stage] if e.stage else None,
        "location": e.location, "country": e.country, "matched": e.matched,
    }


def _stage_dict(catalog, stage) -> dict:
    return {
        "id": stage.id, "title": stage.title.en, "summary": stage.summary.en,
        "meaning": stage.meaning.en, "what_to_do": stage.what_to_do.en, "url": f"stages/{stage.id}/",
        "contacts": [{"id": c, "name": catalog.contact(c).name.en, "how": catalog.contact(c).how.en}
                     for c in stage.contacts],
        "kind": stage.kind, "terminal": stage.terminal,
        "guides": [{"url": g.url, "text": g.text.en} for g in stage.guides],
    }
