"""Pasted tracking text → stage of every event, the current stage, numbers and a verdict.

`check()` is the one entry point (the `jptrack` command, the browser worker and the tests
call it), and the top of a one-way pipeline; each step is a module that only calls the
steps below it:

    parse      text → lines with dates, times and tokens
    reading    line → structure: catalog wording, action, kind of place, country
    evidence   structure + the item's two ends → the stages the line allows
    journey    events in time order, the two ends, one stage per event
    classify   the result: stages, current stage, basis, numbers, verdict (`jptrack.verdict`)

Nothing about stages lives in code: wordings, the reading lexicon, codes, windows and
texts all come from the catalog. Each event says how it was placed: ``basis`` is
``"wording"`` when an exact catalog wording names its stage, ``"inferred"`` when the stage
was read from its action, place and neighbours. A line that looks like an event (it has a
date) but says nothing the reading knows is reported as unrecognised, never guessed.

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
>>> r['current_stage'], r['verdict']['state'], r['origin'], r['destination']['country']
('arrival-inward-office', 'normal', 'JP', 'US')
>>> r['destination']['post'], r['service']['assumed']
('USPS', True)
>>> check('EMC', catalog)['current_stage']
'dispatch-outward-office'
>>> r = check('''2022-12-23 11:34  Item Received  India, DELHI INTERNATIONAL MAIL CENTRE
... 2022-12-28 02:16  Item Received  Japan, KAWASAKI HIGASHI
... 2022-12-29 12:00  Item Dispatched  Japan, KAWASAKI HIGASHI''', catalog)
>>> [(e['stage'], e['basis']) for e in r['events']]
[('arrival-outward-office', 'inferred'), ('arrival-inward-office', 'inferred'), ('departure-inward-office', 'inferred')]
>>> r['origin'], r['destination']['country']
('IN', 'JP')
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

import dataclasses
import gc
import unicodedata
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from . import journey as _journey
from . import numbers as _numbers
from . import parse as _parse
from . import reading as _reading
from . import verdict as _verdict

if TYPE_CHECKING:   # for annotations only: nothing more to import at run time
    from collections.abc import Iterator

    from .catalog import Catalog

__all__ = ["check", "InvalidInput", "InputTooLong", "MAX_INPUT_CHARS", "pipeline", "cyclic_gc_paused"]

MAX_INPUT_CHARS = 1_000_000


class InvalidInput(ValueError):
    """The input cannot be classified (not text, too long)."""


class InputTooLong(InvalidInput):
    """The paste is longer than max_chars."""


class Pipeline:
    """What check() builds once per catalog: the reader and the journey model."""

    def __init__(self, catalog):
        self.catalog = catalog
        self.reader = _reading.Reader(catalog)
        self.model = _journey.Model(catalog)
        self.date_order = {s.id: s.dates for s in catalog.sources}
        # Each language's stage titles, for every event line of a result.
        self.titles = {lang: {stage.id: stage.title.get(lang) for stage in catalog} for lang in catalog.languages}


_pipelines: dict[int, Pipeline] = {}


def pipeline(catalog: Catalog) -> Pipeline:
    """The catalog's pipeline, built on first use and cached by catalog identity."""
    cached = _pipelines.get(id(catalog))
    if cached is None or cached.catalog is not catalog:
        if len(_pipelines) > 8:
            _pipelines.clear()
        cached = _pipelines[id(catalog)] = Pipeline(catalog)
    return cached


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees everything).

    check() builds a few objects per line and links none in cycles; on a long paste the
    collector would otherwise walk all of them again and again while they are still in
    use (five full passes for 100,000 lines: about 7 µs a line, 15% of the time). The
    collector is the whole process's, so check() leaves it alone: the `jptrack` command and
    the browser worker, which own their process, wrap their checks in this.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check(text: str, catalog: Catalog, *, today: date | None = None, max_chars: int | None = MAX_INPUT_CHARS,
          explain: bool = False, destination: str | None = None, lang: str = "en") -> dict:
    """Classify a paste; returns the contract's plain, JSON-serialisable dict.

    explain: each event also says why it got its stage (`why`), for `jptrack classify --explain`.
    destination: the ISO code of the country the item goes to, as the customer said it; used
    when the paste itself does not show where the item goes.
    lang: the language of the result's texts (one of the catalog's languages; English where a
    text has no translation).
    """
    return _check(text, catalog, today=today, max_chars=max_chars, explain=explain, destination=destination,
                  lang=lang)


def _check(text, catalog, *, today: date | None, max_chars: int | None, explain: bool,
           destination: str | None = None, lang: str = "en") -> dict:
    if lang not in catalog.languages:
        raise InvalidInput(f"no language {lang!r}; the catalog's languages are {', '.join(catalog.languages)}")
    if text is None:
        text = ""
    if isinstance(text, (bytes, bytearray)):
        raise InvalidInput("expected text, got bytes; decode it as UTF-8 first")
    if not isinstance(text, str):
        raise InvalidInput(f"expected text, got {type(text).__name__}")
    if max_chars is not None and len(text) > max_chars:
        raise InputTooLong(f"the paste has {len(text)} characters; the limit is {max_chars}")
    p = pipeline(catalog)
    today = today or date.today()

    lines = [line for line in _parse.split_lines(text) if not line.noise]
    structures = _reading.without_code_column_countries([p.reader.read(line) for line in lines])
    dayfirst = _day_first(structures, p) if _parse.needs_order(lines) else None
    _parse.settle_dates(lines, dayfirst=dayfirst, today=today)
    events, headers = _events(lines, structures, p.reader.place_only)
    _journey.apply_headings(events, headers)
    # Normalise the whole paste once: numbers.find and the service-word search normalise
    # their input again, but NFKC text passes the normaliser's quick check almost free.
    normalized = unicodedata.normalize("NFKC", text)
    numbers = _numbers.find(normalized)
    journey = _journey.plan(events, numbers, p.model)

    current = journey.current
    stage = catalog.stage(current.stage) if current else None
    posted = _posting_date(journey.ordered)
    item = next((n for n in numbers if n.get("valid") and n.get("kind") == "s10"), None)
    origin = journey.ends.origin or (item["country"] if item else None)
    from_japan = origin in (None, "JP")     # Japan Post's services, days and acceptance apply
    country, chosen = journey.ends.destination, False
    if country is None and isinstance(destination, str) and destination.upper() != origin:
        country, chosen = destination.upper(), True
    service, assumed = _verdict.choose_service(catalog, stage, numbers=numbers, posted=posted,
                                               destination=country if from_japan else None,
                                               texts=[normalized] if stage or numbers else ())
    last = current.date if current else None
    if current and last is None:
        last = _placed_date(current, journey.ordered)
    place = catalog.destination(country)
    post = _post_contact(place, item, lang)
    # Without a posting date (a number alone) today stands in for it, for what Japan Post
    # accepted and whether a figure exists; the expected dates need the real one.
    when = (posted or today) if from_japan else None
    figure = _verdict.expected(catalog, place, service, when, lang)
    return {
        "current_stage": stage.id if stage else None,
        "current_basis": current.basis if current else None,
        "current_event": current.line.no if current else None,
        "current": _stage_dict(catalog, stage, post, lang) if stage else None,
        "origin": origin,
        "destination": _destination_dict(country, place, chosen, post, lang),
        "inferred": _inferred_texts(catalog, lang),
        "events": [_event_dict(e, p, explain, lang) for e in events],
        "unrecognised": [e.line.no for e in events if not e.stage],
        "tracking_numbers": numbers,
        "verdict": _verdict.verdict(catalog, stage, last, service=service, service_assumed=assumed,
                                    today=today, post=post["name"] if post else None,
                                    number=_number_only(numbers, events), lang=lang),
        "service": _service_dict(catalog, service, assumed, posted if from_japan else None, lang),
        "expected": figure if posted else None,
        "destination_notes": _destination_notes(catalog, stage, place, last, when, service, figure, lang),
        "language": lang,
        "tracking_links": _tracking_links(catalog, item, place, lang),
        "case_link": case_link(stage.id, last, service, country, assumed=bool(assumed)) if stage else None,
        "input": {"lines": len(text.splitlines()), "chars": len(text)},
    }


def case_link(stage_id: str, since: date | None, service: str | None, country: str | None, *,
              assumed: bool = False) -> str:
    """The stage page's link that carries the case in its fragment, relative to the site's
    language root: stages/<id>/#since=2026-09-20&service=ems&to=ca. The stage page reads it
    (widget/web/case.js); a fragment never reaches the server, and nothing of the paste is in it.
    A service the paste does not name (assumed) goes with `assumed=1`, and the page says so.

    >>> case_link("import-customs", date(2026, 9, 24), "ems", "US")
    'stages/import-customs/#since=2026-09-24&service=ems&to=us'
    >>> case_link("import-customs", date(2026, 9, 24), "air-parcel", None, assumed=True)
    'stages/import-customs/#since=2026-09-24&service=air-parcel&assumed=1'
    >>> case_link("import-customs", None, None, None)
    'stages/import-customs/'
    """
    parts = [("since", since.isoformat() if since else None), ("service", service),
             ("assumed", "1" if assumed and service else None), ("to", country.lower() if country else None)]
    fragment = "&".join(f"{key}={value}" for key, value in parts if value)
    return f"stages/{stage_id}/" + (f"#{fragment}" if fragment else "")


def _number_only(numbers, events) -> dict | None:
    """The paste's valid number when the paste has no events: a number without its history."""
    if events:
        return None
    return next((n for n in numbers if n.get("valid")), None)


def _posting_date(ordered) -> date | None:
    """The day the item was posted: its first dated event (the paste may start later)."""
    return next((e.date for e in ordered if e.date), None)


def _post_contact(place, item, lang: str) -> dict | None:
    """The destination's post as a contact: its name and the link that tracks this item."""
    if place is None:
        return None
    number = item["number"] if item else None
    return {"name": place.post.name.get(lang), "url": place.post.tracking_url(number), "site": place.post.site}


def _destination_dict(country, place, chosen, post, lang) -> dict | None:
    if country is None:
        return None
    return {"country": country, "name": place.name.get(lang) if place else _numbers.COUNTRIES.get(country, country),
            "called": place.called.get(lang) if place else _numbers.COUNTRIES.get(country, country),
            "post": post["name"] if post else None, "tracking_url": post["url"] if post else None,
            "page": f"destinations/{country.lower()}/" if place else None,
            "source": "chosen" if chosen else "paste"}


def _service_dict(catalog, service, assumed, posted, lang) -> dict | None:
    if not service:
        return None
    return {"id": service, "name": catalog.service(service).name.get(lang), "assumed": bool(assumed),
            "note": _verdict.service_note(catalog, service, posted, lang)}


def _destination_notes(catalog, stage, place, last, when, service, figure, lang) -> dict:
    """What the destination adds at this stage: the collect-by date, the duty note, that no
    figure says when it is usually delivered, and what Japan Post accepted for that country
    on the posting date (`when`; None for an item not posted in Japan)."""
    notes: dict = {}
    if place is None:
        return notes
    if stage is not None and "hold" in stage.destination_notes:
        notes["collect_by"] = _verdict.collect_by(catalog, place, last, lang)
    if stage is not None and "duty" in stage.destination_notes:
        duty = place.duty
        notes["duty"] = {"text": duty.value.get(lang), "source": duty.source, "checked": duty.checked}
    if when and service and figure is None:
        notes["expected_unknown"] = {"text": catalog.destination_text("expected_unknown").get(lang).format(
            service=catalog.service(service).name.get(lang), country=place.called.get(lang))}
    change = place.change_on(when.isoformat()) if when else None
    if change and change.state != "offered":
        notes["acceptance"] = {"since": change.date, "state": change.state, "text": change.note.get(lang),
                               "source": change.source, "checked": change.checked}
    return notes


def _tracking_links(catalog, number, place, lang: str = "en") -> list[dict]:
    """Links that open the posts' own tracking for the paste's (valid S10) number: the posting
    country's post (Japan Post for …JP) and the destination's. Plain links to follow or not."""
    if number is None:
        return []
    links = []
    for where in (catalog.destination(number["country"]), place):
        name = where.post.name.get(lang) if where else None
        if where is None or not where.post.track or any(link["post"] == name for link in links):
            continue
        links.append({"post": name, "url": where.post.tracking_url(number["number"]),
                      "language": None, "lang": None})
        if where.post.track_local:
            language, page_lang, url = where.post.track_local
            links.append({"post": name, "url": url.replace("{number}", number["number"]),
                          "language": language, "lang": page_lang})
    return links


def _events(lines, structures, place_only=None) -> tuple[list, list]:
    """The lines that are events (a known wording or action, or a date), and the lines that
    hold only a date (headings over undated events), as (position in events, event). A line
    that only names a place (a postcode row, a "CITY, COUNTRY" row under its status) gives
    its country and kind of place to the event above it when that has none; right under a
    bare date and time, it is that row's scan at the place (a blank status cell with its
    place on a row of its own, reading.place_only)."""
    events, headers = [], []
    # A paste with dates is a tracking page: its undated lines that only hold a word such as
    # 発送 inside longer Japanese text are the page's menus. Without dates it is prose.
    dated = any(line.date for line in lines)
    for line, structure in zip(lines, structures):
        if structure.loose and structure.wording is None and dated and line.date is None:
            continue
        if not structure.known:
            if line.date_only:
                headers.append((len(events), _journey.Event(line, structure)))
                continue
            if line.date is None:
                header = headers[-1][1] if headers and headers[-1][0] == len(events) else None
                # ... on a page that dates its statuses on their own rows (not USPS's date
                # under an undated status, with the place under the date)
                if header and header.line.no == line.no - 1 and header.line.minutes is not None \
                        and events and events[-1].line.date is not None \
                        and place_only and (structure.role or structure.office):
                    headers.pop()
                    events.append(_journey.Event(header.line, dataclasses.replace(
                        structure, action=place_only, place_only=True)))
                elif events and not line.spans:
                    _add_place(events[-1], structure)
                continue  # neither dated nor read as anything: not an event
        events.append(_journey.Event(line, structure))
    return events, headers


def _add_place(event, place) -> None:
    s = event.structure
    if s.country or not (place.country or place.code_country or place.role):
        return
    event.structure = dataclasses.replace(s, country=place.country, role=s.role or place.role,
                                          office=s.office or place.office,
                                          code_country=s.code_country or place.code_country)


def _day_first(structures, p: Pipeline) -> bool | None:
    """Day-first dates (03/04 = 3 April) when the paste's wordings come from posts that write
    them so, or its words are in a language that does (reading.day_first: "Encaminhado"), and
    no wording comes from a post that writes the month first."""
    orders = {p.date_order.get(c[3]) for s in structures for c in s.wording or ()}
    if "month-first" in orders:
        return None
    if "day-first" in orders or any(s.day_first for s in structures):
        return True
    return None


def _placed_date(event, ordered: list) -> date | None:
    """An undated latest event happened no earlier than the dated event before it."""
    i = ordered.index(event)
    return next((e.date for e in reversed(ordered[:i]) if e.date), None)


def _event_dict(e, p: Pipeline, explain: bool, lang: str) -> dict:
    iso = None
    if e.date is not None:
        iso = e.date.isoformat()
        if e.minutes is not None:
            iso += f"T{e.minutes // 60:02d}:{e.minutes % 60:02d}"
    s = e.structure
    event = {
        "line": e.line.no, "time": iso, "text": e.line.text, "undated_text": s.undated_text,
        "stage": e.stage,
        "stage_title": p.titles[lang][e.stage] if e.stage else None, "basis": e.basis,
        "location": s.location, "country": s.country, "matched": s.matched if e.stage else None,
    }
    if explain:
        event["why"] = _why(e)
    return event


def _why(e) -> str:
    if e.evidence is None or not e.evidence.stages:
        return "no wording or action the catalog knows"
    why = e.evidence.why
    if len(e.evidence.stages) > 1:
        why += f"; could be {', '.join(e.evidence.stages)}; its neighbours make it {e.stage}"
    return why


def _contact_dict(contact, post, lang) -> dict:
    entry = {"id": contact.id, "name": contact.name.get(lang), "how": contact.how.get(lang)}
    if contact.destination_post and post:
        entry.update(name=post["name"], url=post["url"])
    return entry


def _inferred_texts(catalog, lang) -> dict | None:
    """How the page marks a stage with basis "inferred" (stages.yaml `inferred:`)."""
    if not catalog.inferred:
        return None
    label, note = catalog.inferred
    return {"label": label.get(lang), "note": note.get(lang)}


def _stage_dict(catalog, stage, post, lang) -> dict:
    return {
        "id": stage.id, "title": stage.title.get(lang), "summary": stage.summary.get(lang),
        "meaning": stage.meaning.get(lang), "what_to_do": stage.what_to_do.get(lang), "url": f"stages/{stage.id}/",
        "contacts": [_contact_dict(catalog.contact(c), post, lang) for c in stage.contacts],
        "kind": stage.kind, "terminal": stage.terminal,
        "guides": [{"url": g.url, "text": g.text.get(lang)} for g in stage.guides],
    }
