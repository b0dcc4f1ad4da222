"""The stage catalog: `stages.yaml` (or the build's JSON copy) read into one frozen model.

Every consumer goes through here: the MkDocs hooks render pages from it, the classifier
matches wordings and reads silence windows from it, the tests iterate over it. A broken
file raises `CatalogError` naming file, line, stage id and field, so a content editor can
fix it without reading Python.

Standard library only (PyYAML is imported lazily, for the YAML path): under Pyodide the
catalog arrives as JSON made by the build.
"""

from __future__ import annotations

import difflib
import json
import re
import string
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from collections.abc import Iterator, Mapping

from .normalize import fold

__all__ = [
    "Action", "Catalog", "CatalogError", "Contact", "Guide", "Lexicon", "Office", "Service", "Source",
    "Stage", "Term", "Text", "UpuEvent", "Verdict", "Window", "Wording", "load", "load_json", "parse_duration",
    "Acceptance", "Change", "Destination", "Fact", "Post", "parse_span",
]

KINDS = ("journey", "exception")
SOURCE_SCOPES = ("journey", "national")
DATE_ORDERS = ("month-first", "day-first", "year-first")
WHERE = ("origin", "destination")
_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_UPU = re.compile(r"^[A-Z]{3}$")
_LANG = re.compile(r"^[a-z]{2}$")
# A language the site is written in: ja, ko, or with its script, zh-Hans and zh-Hant.
_SITE_LANG = re.compile(r"^[a-z]{2}(?:-[A-Z][a-z]{3})?$")
# In a text's mapping, the languages that deliberately show the English text.
UNTRANSLATED = "untranslated"
_PAGE = re.compile(r"^(?:[a-z0-9][a-z0-9_-]*/)*[a-z0-9][a-z0-9_-]*\.md$")
_DURATION = re.compile(r"^(\d+)\s*(day|days|week|weeks|month|months)$")
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30}
_SPAN = re.compile(r"^(\d+)(?:\s*[-–]\s*(\d+))?(?:\s*(day|days|week|weeks|month|months))?$")
_CHECKED = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
# Japan Post's acceptance list: its columns and what each mark says (widget/jptrack/acceptance.py).
ACCEPTANCE_COLUMNS = ("letter-air", "letter-sal", "letter-surface", "parcel-air", "parcel-sal",
                      "parcel-surface", "ems")
ACCEPTANCE_STATES = ("ok", "some", "stopped", "none")
# What a dated change did: a service or a country's acceptance, from that day on.
CHANGE_STATES = ("offered", "limited", "suspended", "ended", "untracked")


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

class CatalogError(ValueError):
    """A problem in stages.yaml, located as precisely as the file allows."""

    def __init__(self, problem: str, *, file: str = "stages.yaml", line: int | None = None,
                 stage: str | None = None, field: str | None = None):
        self.problem, self.file, self.line, self.stage, self.field = problem, file, line, stage, field
        where = f"{file}:{line}" if line else file
        parts = [where]
        if stage:
            parts.append(f"stage '{stage}'")
        if field:
            parts.append(f"field '{field}'")
        super().__init__(": ".join(parts) + ": " + problem)


# ---------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    """Customer-facing text by language; English is required, others may follow."""

    values: tuple[tuple[str, str], ...]

    # The catalog is read-only once loaded, and every check reads a few dozen texts and
    # windows: look each up once (cached_property writes past a frozen dataclass's guard).
    @cached_property
    def _by_lang(self) -> dict[str, str]:
        return dict(self.values)

    def get(self, lang: str = "en") -> str:
        return self._by_lang.get(lang) or self._by_lang["en"]

    @cached_property
    def en(self) -> str:
        return self.get("en")

    def __str__(self) -> str:
        return self.en


@dataclass(frozen=True)
class Wording:
    text: str
    lang: str
    source: str
    # Only for wordings Japan Post uses at both ends (国際交換局に到着): which end this is.
    where: str | None = None

    @property
    def key(self) -> str:
        return fold(self.text)


@dataclass(frozen=True)
class UpuEvent:
    code: str
    text: str


@dataclass(frozen=True)
class Guide:
    """A hand-written guide in docs/ that helps at a stage, with the text of its link."""
    page: str    # relative to docs/, e.g. "delivered-not-received.md"
    text: Text

    @property
    def url(self) -> str:
        """The page's address relative to the site root (MkDocs' directory URLs)."""
        path = self.page[:-len(".md")]
        if path == "index" or path.endswith("/index"):
            return path[:-len("index")]
        return path + "/"


@dataclass(frozen=True)
class Window:
    """How long a silence is normal at a stage for one service, and when to act."""

    normal: str
    act_after: str

    @cached_property
    def normal_days(self) -> int:
        return parse_duration(self.normal)

    @cached_property
    def act_after_days(self) -> int:
        return parse_duration(self.act_after)


@dataclass(frozen=True)
class Fact:
    """A figure or text that can go stale: its value, where it was read and when that was
    checked (YYYY-MM). value is None when no source gave it; `note` then says so."""
    value: Any
    source: str | None
    checked: str
    note: Text | None = None


@dataclass(frozen=True)
class Change:
    """A dated change to what Japan Post accepts (a service suspended, a country limited)."""
    date: str     # YYYY-MM-DD, the day it took effect
    state: str    # one of CHANGE_STATES
    note: Text
    source: str
    checked: str


@dataclass(frozen=True)
class Service:
    id: str
    name: Text
    description: Text
    # Other ways a paste names the service ("par avion", "船便"); its id and name count too.
    aliases: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()  # first letters of its S10 numbers ("E" for EMS)
    acceptance: str | None = None  # its column in Japan Post's acceptance list (ACCEPTANCE_COLUMNS)
    # The service whose silence windows it uses at a stage that gives none of its own.
    windows_like: str | None = None
    days: Fact | None = None       # days from posting to delivery anywhere: (fewest, most)
    buffer: Fact | None = None     # days Japan Post says to add to its tables' figures
    changes: tuple[Change, ...] = ()

    def change_on(self, day: str) -> Change | None:
        """The latest change in effect on day (YYYY-MM-DD), if any."""
        return _change_on(self.changes, day)


@dataclass(frozen=True)
class Post:
    """A destination's national post: where its customers track and collect their items."""
    name: Text     # a brand name: one string for every language, or the post's own name by language
    site: str
    track: str | None      # a tracking-page URL with {number}, when the post offers one
    source: str
    checked: str
    # The same page in the post's own language, when `track` is another:
    # (language name as written in it, its code, URL with {number}).
    track_local: tuple[str, str, str] | None = None

    def tracking_url(self, number: str | None = None) -> str:
        return self.track.replace("{number}", number) if self.track and number else self.site


@dataclass(frozen=True)
class Destination:
    """What differs by destination country: its post, hold period, duty, days from Japan."""
    code: str                 # ISO 3166 code; the page is destinations/<code in lower case>/
    name: Text
    post: Post
    hold: Fact                # days the post keeps an item for collection (value: int or None)
    duty: Fact                # how duty and tax are collected (value: Text)
    days: tuple[tuple[str, Fact], ...]   # service id -> Japan Post's standard days (fewest, most)
    acceptance: tuple[Change, ...] = ()
    in_sentence: Text | None = None      # "the United States", where a sentence needs the article

    @property
    def called(self) -> Text:
        return self.in_sentence or self.name

    def days_for(self, service: str) -> Fact | None:
        return dict(self.days).get(service)

    def change_on(self, day: str) -> Change | None:
        return _change_on(self.acceptance, day)


@dataclass(frozen=True)
class Acceptance:
    """A dated copy of Japan Post's acceptance list: per country, per column (parcel-air,
    ems, …) whether it accepts items: ok, some, stopped, none (no such service)."""
    date: str
    source: str
    countries: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]

    def state(self, country: str | None, column: str | None) -> str | None:
        return self._rows.get(country, {}).get(column)

    @cached_property
    def _rows(self) -> dict[str, dict[str, str]]:
        return {code: dict(row) for code, row in self.countries}


def _change_on(changes, day: str) -> Change | None:
    current = None
    for change in changes:     # sorted by date when validated
        if change.date <= day:
            current = change
    return current


@dataclass(frozen=True)
class Verdict:
    """How the checker words a verdict (`verdicts:` in stages.yaml): its heading, and one
    sentence template per case of VERDICT_MESSAGES[id]."""
    id: str      # the verdict's state, one of VERDICT_STATES
    label: Text
    messages: tuple[tuple[str, Text], ...]

    def message(self, case: str) -> Text:
        return dict(self.messages)[case]


@dataclass(frozen=True)
class Contact:
    id: str
    name: Text
    how: Text
    # True for "your local post": the checker names the destination's post instead once it
    # knows the country ("Canada Post"), with its tracking link.
    destination_post: bool = False


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    # "journey": shows events at both ends (Japan Post, UPU text, aggregators);
    # "national": one country's post, so its own wording happens in that country.
    scope: str
    # How its pages write numeric dates, which settles 03/04 when nothing else does.
    dates: str
    # The post's country (ISO 3166 code): a national post's own wording happens there.
    country: str | None = None


@dataclass(frozen=True)
class Term:
    """A word of the reading lexicon, in the language it was written in."""
    text: str
    lang: str

    @property
    def key(self) -> str:
        return fold(self.text)


@dataclass(frozen=True)
class Action:
    """What a tracking line says happened ("arrived", "到着"), and the stage that means at each
    kind of place (`READING_PLACES`; "anywhere" for an action whose stage does not depend on it)."""
    id: str
    words: tuple[Term, ...]
    stages: tuple[tuple[str, str], ...]
    movement: str | None = None   # "leaves" | "arrives": an arrival after a departure is elsewhere
    usually: str | None = None    # "origin" | "destination": the end it happens at when a line does not say

    def stage_at(self, where: str) -> str | None:
        return self._stages.get(where) or self._stages.get("anywhere")

    @cached_property
    def _stages(self) -> dict[str, str]:
        return dict(self.stages)


@dataclass(frozen=True)
class Office:
    """A named office or UPU office code, with its country and the kind of place it is."""
    name: str
    country: str
    role: str

    @property
    def key(self) -> str:
        return fold(self.name)


@dataclass(frozen=True)
class Lexicon:
    """`reading:` in stages.yaml: how the classifier reads wording no stage lists."""
    actions: tuple[Action, ...] = ()
    places: tuple[tuple[str, tuple[Term, ...]], ...] = ()    # role -> words
    sides: tuple[tuple[str, tuple[Term, ...]], ...] = ()     # origin|destination -> words
    offices: tuple[Office, ...] = ()
    countries: tuple[tuple[str, tuple[str, ...]], ...] = ()  # ISO code -> other names
    regions: tuple[tuple[str, tuple[str, ...]], ...] = ()    # ISO code -> states, prefectures
    postcodes: tuple[tuple[str, str], ...] = ()              # ISO code -> regex of its postcodes
    home: str | None = None   # where items start unless a paste says otherwise (ISO code)
    place_only: str | None = None   # the action a dated row naming only a place stands for
    hedges: tuple[Term, ...] = ()   # words that, just before an action, say it has not happened
    directions: tuple[tuple[str, tuple[Term, ...]], ...] = ()   # to|from -> words ("发往", "from")
    day_first: tuple[str, ...] = ()   # languages whose pages write 03/04 for 3 April

    def action(self, action_id: str) -> Action:
        return _lookup(self.actions, action_id, "action")

    def to_dict(self) -> dict[str, Any]:
        words = lambda terms: _by_lang(terms)  # noqa: E731
        data: dict[str, Any] = {}
        if self.actions:
            data["actions"] = [{"id": a.id, "words": words(a.words), "stages": dict(a.stages),
                                **({"movement": a.movement} if a.movement else {}),
                                **({"usually": a.usually} if a.usually else {})} for a in self.actions]
        if self.places:
            data["places"] = {role: words(terms) for role, terms in self.places}
        if self.sides:
            data["sides"] = {side: words(terms) for side, terms in self.sides}
        if self.offices:
            data["offices"] = [{"name": o.name, "country": o.country, "role": o.role} for o in self.offices]
        if self.countries:
            data["countries"] = {code: list(names) for code, names in self.countries}
        if self.regions:
            data["regions"] = {code: list(names) for code, names in self.regions}
        if self.postcodes:
            data["postcodes"] = dict(self.postcodes)
        if self.home:
            data["home"] = self.home
        if self.place_only:
            data["place_only"] = self.place_only
        if self.hedges:
            data["hedges"] = words(self.hedges)
        if self.directions:
            data["directions"] = {way: words(terms) for way, terms in self.directions}
        if self.day_first:
            data["day_first"] = list(self.day_first)
        return data


def _by_lang(terms: tuple[Term, ...]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for term in terms:
        grouped.setdefault(term.lang, []).append(term.text)
    return grouped


def _lookup(items, ident: str, what: str):
    """The item with this id; an unknown id is a KeyError that names it."""
    for item in items:
        if item.id == ident:
            return item
    raise KeyError(f"no {what} {ident!r}")


@dataclass(frozen=True)
class Stage:
    id: str
    order: int
    kind: str
    title: Text
    summary: Text
    wordings: tuple[Wording, ...]
    upu: tuple[UpuEvent, ...]
    meaning: Text
    what_to_do: Text
    contacts: tuple[str, ...]
    silence: tuple[tuple[str, Window], ...]
    next: tuple[str, ...]
    support_reply: Text
    examples: tuple[str, ...]
    terminal: bool = False
    guides: tuple[Guide, ...] = ()
    # Destination facts the checker adds at this stage: hold (collect-by date), duty.
    destination_notes: tuple[str, ...] = ()

    def window(self, service: str) -> Window | None:
        return self._windows.get(service)

    @cached_property
    def _windows(self) -> dict[str, Window]:
        return dict(self.silence)


@dataclass(frozen=True)
class Catalog:
    languages: tuple[str, ...]
    services: tuple[Service, ...]
    sources: tuple[Source, ...]
    contacts: tuple[Contact, ...]
    stages: tuple[Stage, ...]
    verdicts: tuple[Verdict, ...]
    assumed_service: Text    # "{service} (assumed: ...)": a service the paste does not name
    reading: Lexicon = Lexicon()
    # How a stage read from a line's action and place (basis "inferred") is marked: a short
    # label next to it ("probably") and a sentence that says what that means.
    inferred: tuple[Text, Text] | None = None
    destinations: tuple[Destination, ...] = ()
    # The checker's sentences about the destination (DESTINATION_TEXTS), by case.
    destination_texts: tuple[tuple[str, Text], ...] = ()
    acceptance: Acceptance | None = None     # Japan Post's acceptance list, as last copied
    # Each language's name in itself ("日本語"), for the language switcher.
    language_names: tuple[tuple[str, str], ...] = ()
    # The pages' own words around the catalog's texts (headings, labels), by key.
    ui: tuple[tuple[str, Text], ...] = ()
    # The services the site's shop ships with (shop.yaml, jptrack.shop): the checker assumes
    # among these when the paste does not say. Empty: any service.
    ships_with: tuple[str, ...] = ()
    _by_id: Mapping[str, Stage] = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {s.id: s for s in self.stages})

    def __iter__(self) -> Iterator[Stage]:
        return iter(self.stages)

    def stage(self, stage_id: str) -> Stage:
        try:
            return self._by_id[stage_id]
        except (KeyError, TypeError):
            raise KeyError(f"no stage {stage_id!r}") from None

    def contact(self, contact_id: str) -> Contact:
        return _lookup(self.contacts, contact_id, "contact")

    def service(self, service_id: str) -> Service:
        return _lookup(self.services, service_id, "service")

    def ui_text(self, key: str) -> Text:
        try:
            return self._ui[key]
        except KeyError:
            raise KeyError(f"no text {key!r} in stages.yaml's ui:") from None

    @cached_property
    def _ui(self) -> dict[str, Text]:
        return dict(self.ui)

    def language_name(self, lang: str) -> str:
        return dict(self.language_names).get(lang, lang)

    def destination_text(self, case: str) -> Text:
        try:
            return dict(self.destination_texts)[case]
        except KeyError:
            raise KeyError(f"no destination text {case!r}") from None

    def destination(self, code: str | None) -> Destination | None:
        """The destination entry for an ISO country code, or None if the catalog has none."""
        return next((d for d in self.destinations if d.code == code), None)

    def verdict(self, state: str) -> Verdict:
        return _lookup(self.verdicts, state, "verdict state")

    def verdict_label(self, state: str) -> Text:
        return self.verdict(state).label

    def source(self, source_id: str) -> Source:
        return _lookup(self.sources, source_id, "source")

    @property
    def journey(self) -> tuple[Stage, ...]:
        return tuple(s for s in self.stages if s.kind == "journey")

    @property
    def exceptions(self) -> tuple[Stage, ...]:
        return tuple(s for s in self.stages if s.kind == "exception")

    def to_dict(self, languages: tuple[str, ...] | None = None) -> dict[str, Any]:
        """The catalog as plain data in the YAML's own shape (what `load_json` reads back);
        with languages, only their texts (English is always kept: it is every text's fallback)."""
        keep = None if languages is None else {"en", *languages}
        text = (lambda t: dict(t.values)) if keep is None else \
            (lambda t: {lang: value for lang, value in t.values if lang in keep})
        return {
            "version": 1,
            "languages": [lang for lang in self.languages if keep is None or lang in keep],
            "services": {s.id: _service_to_dict(s, text) for s in self.services},
            "sources": {s.id: {"name": s.name, "scope": s.scope, "dates": s.dates,
                               **({"country": s.country} if s.country else {})} for s in self.sources},
            "contacts": {c.id: {"name": text(c.name), "how": text(c.how),
                                **({"destination_post": True} if c.destination_post else {})}
                         for c in self.contacts},
            "stages": [_stage_to_dict(s, text) for s in self.stages],
            "verdicts": {v.id: {"label": text(v.label), "messages": {case: text(t) for case, t in v.messages}}
                         for v in self.verdicts},
            "assumed_service": text(self.assumed_service),
            **({"inferred": {"label": text(self.inferred[0]), "note": text(self.inferred[1])}}
               if self.inferred else {}),
            **({"reading": self.reading.to_dict()} if self.reading != Lexicon() else {}),
            **({"destinations": {d.code: _destination_to_dict(d, text) for d in self.destinations},
                "destination_texts": {case: text(t) for case, t in self.destination_texts}}
               if self.destinations else {}),
            **({"acceptance": {"date": self.acceptance.date, "source": self.acceptance.source,
                               "countries": {c: dict(row) for c, row in self.acceptance.countries}}}
               if self.acceptance else {}),
            **({"language_names": {lang: name for lang, name in self.language_names if keep is None or lang in keep}}
               if self.language_names else {}),
            **({"ui": {key: text(t) for key, t in self.ui}} if self.ui else {}),
            **({"ships_with": list(self.ships_with)} if self.ships_with else {}),
        }

    def to_json(self, languages: tuple[str, ...] | None = None) -> str:
        """Compact JSON for the browser (a page's checker needs its own language and English)."""
        return json.dumps(self.to_dict(languages), ensure_ascii=False, separators=(",", ":"))


def _placeholders(template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:
        return {"(a brace that is not a placeholder)"}


def _fact_to_dict(fact: Fact, name: str, text) -> dict[str, Any]:
    value = fact.value
    if isinstance(value, tuple):
        value = f"{value[0]}-{value[1]} days" if value[0] != value[1] else f"{value[0]} days"
    elif isinstance(value, Text):
        value = text(value)
    return {name: value, **({"source": fact.source} if fact.source else {}), "checked": fact.checked,
            **({"note": text(fact.note)} if fact.note else {})}


def _change_to_dict(c: Change, text) -> dict[str, Any]:
    return {"date": c.date, "state": c.state, "note": text(c.note), "source": c.source, "checked": c.checked}


def _service_to_dict(s: Service, text) -> dict[str, Any]:
    data: dict[str, Any] = {"name": text(s.name), "description": text(s.description)}
    if s.aliases:
        data["aliases"] = list(s.aliases)
    if s.numbers:
        data["numbers"] = list(s.numbers)
    if s.acceptance:
        data["acceptance"] = s.acceptance
    if s.windows_like:
        data["windows_like"] = s.windows_like
    for name in ("days", "buffer"):
        if getattr(s, name):
            data[name] = _fact_to_dict(getattr(s, name), "days", text)
    if s.changes:
        data["changes"] = [_change_to_dict(c, text) for c in s.changes]
    return data


def _destination_to_dict(d: Destination, text) -> dict[str, Any]:
    post = {"name": text(d.post.name), "site": d.post.site, **({"track": d.post.track} if d.post.track else {}),
            **({"track_local": dict(zip(("language", "lang", "url"), d.post.track_local))}
               if d.post.track_local else {}),
            "source": d.post.source, "checked": d.post.checked}
    data = {"name": text(d.name), **({"in_sentence": text(d.in_sentence)} if d.in_sentence else {}),
            "post": post, "hold": _fact_to_dict(d.hold, "days", text),
            "duty": _fact_to_dict(d.duty, "text", text),
            "days": {service: _fact_to_dict(f, "days", text) for service, f in d.days}}
    if d.acceptance:
        data["acceptance"] = [_change_to_dict(c, text) for c in d.acceptance]
    return data


def _stage_to_dict(s: Stage, text) -> dict[str, Any]:
    wording = lambda w: {k: v for k, v in vars(w).items() if v is not None}  # noqa: E731
    data = {
        "id": s.id, "order": s.order, "kind": s.kind, "title": text(s.title),
        "summary": text(s.summary), "wordings": [wording(w) for w in s.wordings],
        "upu": [{"code": u.code, "text": u.text} for u in s.upu],
        "meaning": text(s.meaning), "what_to_do": text(s.what_to_do),
        "contacts": list(s.contacts), "next": list(s.next),
        "support_reply": text(s.support_reply), "examples": list(s.examples),
    }
    if s.terminal:
        data["terminal"] = True
    if s.destination_notes:
        data["destination_notes"] = list(s.destination_notes)
    if s.guides:
        data["guides"] = [{"page": g.page, "text": text(g.text)} for g in s.guides]
    if s.silence:
        data["silence"] = {k: {"normal": w.normal, "act_after": w.act_after} for k, w in s.silence}
    return data


def parse_duration(value: str) -> int:
    """'3 days', '2 weeks', '1 month' → days (a month counts as 30).

    >>> parse_duration("2 weeks")
    14
    """
    match = _DURATION.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"expected a duration like '3 days', '2 weeks' or '1 month', got {value!r}")
    return int(match.group(1)) * _UNIT_DAYS[match.group(2).rstrip("s")]


def parse_span(value: Any) -> tuple[int, int]:
    """'5-21' or '5–21 days', '3', '1-2 months', '3 weeks' → (fewest, most) days.

    >>> parse_span("1-2 months"), parse_span(4), parse_span("5–21 days")
    ((30, 60), (4, 4), (5, 21))
    """
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value, value
    match = _SPAN.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"expected days like '4', '2-3', '5-21 days', '3 weeks' or '1-2 months', got {value!r}")
    unit = _UNIT_DAYS[(match.group(3) or "day").rstrip("s")]
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if high < low:
        raise ValueError(f"the range {value!r} runs backwards")
    return low * unit, high * unit


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------

def load(path: str | Path = "stages.yaml", *, docs_dir: str | Path | None = None,
         language: str | None = None) -> Catalog:
    """Read and validate stages.yaml; raise CatalogError with file and line on any problem.
    With docs_dir (the site build), each stage's `guides:` page must be a file in it. With
    language (a language the site is built in), every text must be written in it or say
    `untranslated: [language]`."""
    return loads(_read(path), file=Path(path).name, docs_dir=docs_dir, language=language)


def missing_texts(path: str | Path = "stages.yaml") -> dict[str, list[str]]:
    """Each language of the catalog → "file:line: field" of every text not written in it
    (and not marked `untranslated`)."""
    validator = _validate(_read(path), Path(path).name, None)[1]
    missing: dict[str, list[str]] = {}
    for lang, line, where in validator.lacking:
        missing.setdefault(lang, []).append(f"{validator.file}:{line}: {where}")
    return missing


def _read(path: str | Path) -> str:
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError("file not found", file=str(path)) from None
    except UnicodeDecodeError as e:
        raise CatalogError(f"not valid UTF-8 ({e.reason} at byte {e.start})", file=path.name) from None


def loads(source: str, *, file: str = "stages.yaml", docs_dir: str | Path | None = None,
          language: str | None = None) -> Catalog:
    """Validate YAML text (see `load`)."""
    catalog, validator = _validate(source, file, docs_dir)
    if language is not None:
        if language not in catalog.languages:
            raise CatalogError(f"the site is built in {language!r}, which is not one of the catalog's "
                               f"languages {list(catalog.languages)}", file=file, field="languages")
        lacking = [(line, where) for lang, line, where in validator.lacking if lang == language]
        if lacking:
            line, where = lacking[0]
            more = f" (and {len(lacking) - 1} more texts)" if len(lacking) > 1 else ""
            raise CatalogError(f"no {language} text{more}; write it, or add 'untranslated: [{language}]' "
                               "to show the English", file=file, line=line, field=where)
    return catalog


def _validate(source: str, file: str, docs_dir) -> tuple[Catalog, _Validator]:
    import yaml  # only the build and CPython need YAML; the browser reads JSON

    try:
        data = yaml.load(source, Loader=_line_loader(yaml, file))
    except CatalogError:
        raise
    except RecursionError:
        _check_depth(yaml, source, file)      # names the line (only a broken file gets here)
        raise CatalogError(f"blocks nested more than {MAX_DEPTH} deep", file=file) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise CatalogError(f"YAML syntax error: {e.problem or e.context}", file=file, line=line) from None
    except yaml.YAMLError as e:
        raise CatalogError(f"YAML syntax error: {e}", file=file) from None
    validator = _Validator(file, docs_dir)
    return validator.catalog(data), validator


def load_json(source: str | bytes, *, file: str = "stages.json") -> Catalog:
    """Read the build's JSON copy through the same validation."""
    try:
        data = json.loads(source)
    except ValueError as e:
        raise CatalogError(f"invalid JSON: {e}", file=file) from None
    except RecursionError:
        raise CatalogError(f"blocks nested more than {MAX_DEPTH} deep", file=file) from None
    return _Validator(file).catalog(data)


# No catalog needs more; deeper nesting is a broken file (and would exhaust Python's stack).
MAX_DEPTH = 64


def _check_depth(yaml, source: str, file: str) -> None:
    """Stop at a block nested deeper than MAX_DEPTH, naming its line. The parser's events
    come without recursion, so this works where loading ran out of stack."""
    depth = 0
    for event in yaml.parse(source):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise CatalogError(f"blocks nested more than {MAX_DEPTH} deep; a catalog needs a few levels",
                                   file=file, line=event.start_mark.line + 1)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


class _LineDict(dict):
    line: int | None = None
    lines: dict


class _LineList(list):
    line: int | None = None
    lines: list


def _line_loader(yaml, file: str):
    """A SafeLoader that remembers the line of every mapping value and list item."""

    class LineLoader(yaml.SafeLoader):
        pass

    def mapping(loader, node):
        explicit = sum(1 for key_node, _ in node.value if key_node.tag != "tag:yaml.org,2002:merge")
        loader.flatten_mapping(node)
        merged = len(node.value) - explicit     # a merge key's (<<) entries come first
        result = _LineDict()
        result.line, result.lines = node.start_mark.line + 1, {}
        inherited = set()
        for i, (key_node, value_node) in enumerate(node.value):
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, (str, int, float)) or isinstance(key, bool):
                raise CatalogError(f"a key must be a plain name, got {_kind(key)}", file=file, line=line)
            if key in result and key not in inherited:
                raise CatalogError(f"key '{key}' appears twice in the same block", file=file, line=line)
            if i < merged:
                inherited.add(key)      # from a merge key: the block's own entry may replace it
            else:
                inherited.discard(key)
            result[key] = loader.construct_object(value_node, deep=True)
            result.lines[key] = line
        return result

    def sequence(loader, node):
        result = _LineList(loader.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.lines = [child.start_mark.line + 1 for child in node.value]
        return result

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, sequence)
    return LineLoader


def _line_of(container: Any, key: Any = None) -> int | None:
    """Line of container[key] (or of the container) when the YAML loader recorded it."""
    lines = getattr(container, "lines", None)
    if key is not None and lines is not None:
        try:
            return lines[key]
        except (KeyError, IndexError, TypeError):
            pass
    return getattr(container, "line", None)


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------

_TOP_FIELDS = {"version": True, "languages": True, "services": True, "sources": True,
               "contacts": True, "verdicts": True, "assumed_service": True, "stages": True,
               "reading": False, "inferred": True, "destinations": False, "destination_texts": False,
               "acceptance": False, "language_names": False, "ui": False, "ships_with": False}
# Where a reading action happens (`reading.actions[].stages`), from the item's posting to its
# delivery: the origin country's post and sorting centres, its office of exchange and airport,
# a third country, then the destination country's airport, office of exchange, sorting
# centres and the office that delivers. "anywhere" stands for all of them.
READING_PLACES = ("origin-post", "origin-exchange", "origin-airport", "between", "destination-airport",
                  "destination-exchange", "destination-post", "delivery-office")
# The kinds of place a line can name (`reading.places`, `reading.offices[].role`).
PLACE_ROLES = ("exchange", "airport", "sorting", "office")
SIDES = ("origin", "between", "destination")
# Words that say the place named right after them is where the item goes or came from.
DIRECTIONS = ("to", "from")
MOVEMENTS = ("leaves", "arrives")
ENDS = ("origin", "destination")
_READING_FIELDS = {"home": False, "actions": False, "places": False, "sides": False, "offices": False,
                   "countries": False, "regions": False, "postcodes": False, "place_only": False,
                   "hedges": False, "directions": False, "day_first": False}
_COUNTRY = re.compile(r"^[A-Z]{2}$")
# The states widget/jptrack/verdict.py gives; `verdicts:` labels each of them.
VERDICT_STATES = ("normal", "act", "done", "unknown")
# The cases verdict.py words each state's message for (`verdicts.<state>.messages`), with the
# {placeholders} each case's template may use: the stage's title, summary and the first
# sentence of its what_to_do; the service's name; the days since the last update ("4 days"),
# the normal and act-after windows, the date to act from, and whom to contact.
_STAGE_FACTS = ("title", "summary", "first_step")
_WAIT_FACTS = _STAGE_FACTS + ("service", "days", "normal", "act_after", "act_from", "who")
VERDICT_MESSAGES = {
    "normal": {"usual": _WAIT_FACTS, "longer": _WAIT_FACTS},
    "act": {"overdue": _WAIT_FACTS},
    "done": {"journey": _STAGE_FACTS, "exception": _STAGE_FACTS},
    "unknown": {"no_status": (), "number_only": ("number", "product"), "no_window": _STAGE_FACTS,
                "no_date": _STAGE_FACTS + ("service", "normal")},
}
_STAGE_FIELDS = {
    "id": True, "order": True, "kind": True, "title": True, "summary": True, "wordings": True,
    "upu": False, "meaning": True, "what_to_do": True, "contacts": True, "silence": False,
    "next": False, "support_reply": True, "examples": True, "terminal": False, "guides": False,
    "destination_notes": False,
}
DESTINATION_NOTES = ("hold", "duty")
# The checker's sentences about the destination (`destination_texts:`), with the
# {placeholders} each may use.
DESTINATION_TEXTS = {
    "expected": ("fewest", "most", "from", "to", "service", "country"),
    "expected_anywhere": ("fewest", "most", "from", "to", "service"),
    "collect_by": ("post", "days", "date"),
    "collect_unknown": ("post",),
    "expected_unknown": ("service", "country"),
}
_WORDING_FIELDS = {"text": True, "lang": True, "source": True, "where": False}


class _Validator:
    """Walks the raw data once, building the model and failing at the first problem."""

    def __init__(self, file: str, docs_dir: str | Path | None = None):
        self.file = file
        self.docs_dir = Path(docs_dir) if docs_dir is not None else None
        self.stage_id: str | None = None
        self.lacking: list[tuple[str, int | None, str]] = []   # (language, line, field) of each missing text

    def fail(self, problem: str, container: Any = None, key: Any = None, field: str | None = None):
        raise CatalogError(problem, file=self.file, line=_line_of(container, key),
                           stage=self.stage_id, field=field)

    # -- generic checks ---------------------------------------------------------------

    def mapping(self, value: Any, container: Any, key: Any, field: str, fields: dict[str, bool]) -> dict:
        if not isinstance(value, dict):
            self.fail(f"expected a mapping of fields, got {_kind(value)}", container, key, field)
        for name in value:
            if name not in fields:
                hint = difflib.get_close_matches(str(name), fields, n=1)
                also = f" (did you mean '{hint[0]}'?)" if hint else ""
                allowed = ", ".join(fields)
                self.fail(f"unknown field '{name}'{also}; allowed: {allowed}",
                          value, name, f"{field}.{name}" if field else str(name))
        for name, required in fields.items():
            if required and name not in value:
                self.fail(f"missing required field '{name}'", container, key,
                          f"{field}.{name}" if field else name)
        return value

    def string(self, value: Any, container: Any, key: Any, field: str) -> str:
        if not isinstance(value, str):
            self.fail(f"expected text, got {_kind(value)}", container, key, field)
        if not value.strip():
            self.fail("expected text, got an empty string", container, key, field)
        return value.strip()

    def identifier(self, value: Any, container: Any, key: Any, field: str) -> str:
        value = self.string(value, container, key, field)
        if not _ID.match(value):
            self.fail(f"expected a lower-case id like 'final-delivery', got {value!r}",
                      container, key, field)
        return value

    def text(self, value: Any, container: Any, key: Any, field: str, languages: tuple[str, ...]) -> Text:
        if isinstance(value, str):  # a bare string is English
            self.lacking.extend((lang, _line_of(container, key), field) for lang in languages if lang != "en")
            return Text((("en", self.string(value, container, key, field)),))
        if not isinstance(value, dict):
            self.fail(f"expected text or a mapping of language to text, got {_kind(value)}",
                      container, key, field)
        if "en" not in value:
            self.fail("missing the English text ('en:')", container, key, field)
        pairs = []
        for lang, text in value.items():
            if lang == UNTRANSLATED:
                continue
            if lang not in languages:
                self.fail(f"unknown language '{lang}'; the catalog's languages are {list(languages)}",
                          value, lang, f"{field}.{lang}")
            pairs.append((lang, self.string(text, value, lang, f"{field}.{lang}")))
        deliberate = self.untranslated(value, field, languages)
        self.lacking.extend((lang, _line_of(container, key), field) for lang in languages
                            if lang not in value and lang not in deliberate)
        return Text(tuple(pairs))

    def brand(self, value: Any, container: Any, key: Any, field: str, languages: tuple[str, ...]) -> Text:
        """A name: one string the same in every language ("USPS"), or by language where the
        post has its own name in it (Japan Post, 日本郵便)."""
        if isinstance(value, str):
            return Text((("en", self.string(value, container, key, field)),))
        if not isinstance(value, dict) or "en" not in value:
            self.fail(f"expected a name, or a mapping of language to name with 'en:', got {_kind(value)}",
                      container, key, field)
        for lang in value:
            if lang not in languages:
                self.fail(f"unknown language '{lang}'; the catalog's languages are {list(languages)}",
                          value, lang, f"{field}.{lang}")
        # a language without its own name shows the English one: no text is missing
        return Text(tuple((lang, self.string(name, value, lang, f"{field}.{lang}")) for lang, name in value.items()))

    def untranslated(self, value: dict, field: str, languages) -> tuple[str, ...]:
        """`untranslated: [ko]`: languages that show the English text on purpose."""
        if UNTRANSLATED not in value:
            return ()
        langs = self.list_of(value[UNTRANSLATED], value, UNTRANSLATED, f"{field}.{UNTRANSLATED}")
        for i, lang in enumerate(langs):
            if lang not in languages or lang == "en" or lang in value:
                self.fail(f"expected a language of the catalog with no text here, got {lang!r}",
                          langs, i, f"{field}.{UNTRANSLATED}")
        return tuple(langs)

    def list_of(self, value: Any, container: Any, key: Any, field: str, *, allow_empty=False) -> list:
        if not isinstance(value, list):
            self.fail(f"expected a list, got {_kind(value)}", container, key, field)
        if not value and not allow_empty:
            self.fail("expected at least one entry, got an empty list", container, key, field)
        return value

    # -- the catalog ------------------------------------------------------------------

    def catalog(self, data: Any) -> Catalog:
        if data is None:
            self.fail("the file is empty")
        data = self.mapping(data, data, None, "", _TOP_FIELDS)
        if type(data["version"]) is not int or data["version"] != 1:
            self.fail(f"expected version: 1, got {data['version']!r}", data, "version", "version")
        languages = tuple(self.list_of(data["languages"], data, "languages", "languages"))
        for i, lang in enumerate(languages):
            if not isinstance(lang, str) or not _SITE_LANG.match(lang):
                self.fail(f"expected a language code like 'ja' or 'zh-Hant', got {lang!r}",
                          data["languages"], i, "languages")
        if "en" not in languages:
            self.fail("'en' must be one of the languages", data, "languages", "languages")

        services = tuple(self.services(data, languages))
        destinations = tuple(self.destinations(data, languages, services)) if "destinations" in data else ()
        contacts = tuple(self.contacts(data, languages))
        verdicts = tuple(self.verdicts(data, languages))
        assumed_service = self.template(data["assumed_service"], data, "assumed_service", "assumed_service",
                                        languages, ("service",))
        sources = tuple(self.sources(data))
        raw_stages = self.list_of(data["stages"], data, "stages", "stages")
        stages = [self.stage(raw, raw_stages, i, languages, services, contacts, sources)
                  for i, raw in enumerate(raw_stages)]
        self.stage_id = None
        self.cross_check(stages, raw_stages)
        reading = self.reading(data, {s.id for s in stages}) if "reading" in data else Lexicon()
        entry = self.mapping(data["inferred"], data, "inferred", "inferred", {"label": True, "note": True})
        inferred = tuple(self.text(entry[name], entry, name, f"inferred.{name}", languages)
                         for name in ("label", "note"))
        texts = tuple(self.destination_texts(data, languages)) if destinations else ()
        acceptance = self.acceptance(data) if "acceptance" in data else None
        return Catalog(languages, services, sources, contacts,
                       tuple(sorted(stages, key=lambda s: s.order)), verdicts, assumed_service, reading, inferred,
                       destinations, texts, acceptance, self.language_names(data, languages),
                       tuple(self.ui(data, languages)), self.ships_with(data, services))

    # Written by the build from shop.yaml (jptrack.shop), not by hand in stages.yaml.
    def ships_with(self, data, services) -> tuple[str, ...]:
        if "ships_with" not in data:
            return ()
        ids = [s.id for s in services]
        chosen = self.list_of(data["ships_with"], data, "ships_with", "ships_with")
        for i, service in enumerate(chosen):
            if service not in ids:
                self.fail(f"expected a service id ({', '.join(ids)}), got {service!r}", chosen, i, "ships_with")
        return tuple(chosen)

    def ui(self, data, languages):
        table = data.get("ui", {})
        if not isinstance(table, dict):
            self.fail("expected a mapping of text by key", data, "ui", "ui")
        for key, value in table.items():
            key = self.identifier(key.replace("_", "-"), table, key, "ui").replace("-", "_")
            text = self.text(value, table, key, f"ui.{key}", languages)
            english = _placeholders(text.en)
            for lang, translated in text.values:
                if _placeholders(translated) != english:
                    self.fail(f"the {lang} text uses the placeholders {sorted(_placeholders(translated))}, "
                              f"the English {sorted(english)}", value if isinstance(value, dict) else table,
                              lang if isinstance(value, dict) else key, f"ui.{key}.{lang}")
            yield key, text

    def language_names(self, data, languages) -> tuple[tuple[str, str], ...]:
        names = self.mapping(data.get("language_names", {}), data, "language_names", "language_names",
                             dict.fromkeys(languages, False))
        return tuple((lang, self.string(names[lang], names, lang, f"language_names.{lang}"))
                     for lang in languages if lang in names)

    def acceptance(self, data) -> Acceptance:
        entry = self.mapping(data["acceptance"], data, "acceptance", "acceptance",
                             {"date": True, "source": True, "countries": True})
        table = entry["countries"]
        if not isinstance(table, dict):
            self.fail("expected a mapping of ISO country code to its columns", entry, "countries",
                      "acceptance.countries")
        rows = []
        for code, row in table.items():
            code = self.country(code, table, code, "acceptance.countries")
            row = self.mapping(row, table, code, f"acceptance.countries.{code}",
                               dict.fromkeys(ACCEPTANCE_COLUMNS, True))
            for column, state in row.items():
                if state not in ACCEPTANCE_STATES:
                    self.fail(f"expected one of {list(ACCEPTANCE_STATES)}, got {state!r}", row, column,
                              f"acceptance.countries.{code}.{column}")
            rows.append((code, tuple((c, row[c]) for c in ACCEPTANCE_COLUMNS)))
        return Acceptance(self.day(entry["date"], entry, "date", "acceptance.date"),
                          self.string(entry["source"], entry, "source", "acceptance.source"), tuple(rows))

    def destination_texts(self, data, languages):
        if "destination_texts" not in data:
            self.fail("missing required field 'destination_texts' (the checker's sentences about the "
                      f"destination: {list(DESTINATION_TEXTS)})", data, None, "destination_texts")
        table = self.mapping(data["destination_texts"], data, "destination_texts", "destination_texts",
                             dict.fromkeys(DESTINATION_TEXTS, True))
        for case, placeholders in DESTINATION_TEXTS.items():
            yield case, self.template(table[case], table, case, f"destination_texts.{case}", languages,
                                      placeholders)

    def contacts(self, data, languages):
        for ident, entry, texts in self.named_table(data, "contacts", languages, ("name", "how"),
                                                    ("destination_post",)):
            flag = entry.get("destination_post", False)
            if not isinstance(flag, bool):
                self.fail(f"expected true or false, got {flag!r}", entry, "destination_post",
                          f"contacts.{ident}.destination_post")
            yield Contact(ident, *texts, flag)

    def verdicts(self, data, languages):
        table = data["verdicts"]
        if not isinstance(table, dict):
            self.fail("expected a mapping of verdict states", data, "verdicts", "verdicts")
        missing = [state for state in VERDICT_STATES if state not in table]
        unknown = [str(state) for state in table if state not in VERDICT_STATES]
        if missing or unknown:
            self.fail(f"expected a label for each verdict state {list(VERDICT_STATES)}"
                      + (f"; missing {missing}" if missing else "") + (f"; unknown {unknown}" if unknown else ""),
                      data, "verdicts", "verdicts")
        for state, entry in table.items():
            field = f"verdicts.{state}"
            entry = self.mapping(entry, table, state, field, {"label": True, "messages": True})
            cases = VERDICT_MESSAGES[state]
            messages = self.mapping(entry["messages"], entry, "messages", f"{field}.messages",
                                    dict.fromkeys(cases, True))
            yield Verdict(state, self.text(entry["label"], entry, "label", f"{field}.label", languages),
                          tuple((case, self.template(messages[case], messages, case, f"{field}.messages.{case}",
                                                     languages, cases[case]))
                                for case in cases))

    def template(self, value, container, key, field, languages, placeholders) -> Text:
        """Text with {placeholders} that the code fills in: each must be one it knows."""
        text = self.text(value, container, key, field, languages)
        allowed = ", ".join(f"{{{p}}}" for p in placeholders) or "none"
        for _, template in text.values:
            try:
                parts = list(string.Formatter().parse(template))
            except ValueError as e:
                self.fail(f"{e} (a brace that is not a placeholder is written twice: '{{{{' or '}}}}')",
                          container, key, field)
            for _, name, spec, conversion in parts:
                if name is not None and (name not in placeholders or spec or conversion):
                    self.fail(f"unknown placeholder {{{name}{'!' + conversion if conversion else ''}"
                              f"{':' + spec if spec else ''}}}; this text may use: {allowed}",
                              container, key, field)
        return text

    def named_table(self, data, name, languages, text_fields, optional=()):
        """(id, entry, texts) of each entry of a table by id whose fields are text_fields
        (required, customer-facing text) and `optional` ones, left to the caller."""
        table = data[name]
        if not isinstance(table, dict) or not table:
            self.fail(f"expected a mapping of {name} by id", data, name, name)
        for ident, entry in table.items():
            ident = self.identifier(ident, table, ident, name)
            entry = self.mapping(entry, table, ident, f"{name}.{ident}",
                                 {**dict.fromkeys(text_fields, True), **dict.fromkeys(optional, False)})
            texts = [self.text(entry[f], entry, f, f"{name}.{ident}.{f}", languages) for f in text_fields]
            yield ident, entry, texts

    def services(self, data, languages):
        named: dict[str, str] = {}   # folded name -> the service that uses it
        for ident, entry, (name, description) in self.named_table(
                data, "services", languages, ("name", "description"),
                ("aliases", "numbers", "acceptance", "windows_like", "days", "buffer", "changes")):
            field = f"services.{ident}"
            raw = self.list_of(entry.get("aliases", []), entry, "aliases", f"{field}.aliases", allow_empty=True)
            aliases = [self.string(a, raw, i, f"{field}.aliases") for i, a in enumerate(raw)]
            places = [(ident, data["services"], ident, field), (name.en, entry, "name", f"{field}.name"),
                      *((alias, raw, i, f"{field}.aliases") for i, alias in enumerate(aliases))]
            for alias, container, key, where in places:
                other = named.setdefault(fold(alias), ident)
                if other != ident:
                    self.fail(f"'{alias}' already names service '{other}': a paste that says it "
                              f"could not tell the two apart", container, key, where)
            like = entry.get("windows_like")
            if like is not None and (like == ident or like not in data["services"]):
                self.fail(f"expected another service's id, got {like!r}; services: {list(data['services'])}",
                          entry, "windows_like", f"{field}.windows_like")
            if like is not None and isinstance(data["services"][like], dict) \
                    and "windows_like" in data["services"][like]:
                self.fail(f"service '{like}' itself borrows its windows; name one with windows of its own",
                          entry, "windows_like", f"{field}.windows_like")
            letters = self.list_of(entry.get("numbers", []), entry, "numbers", f"{field}.numbers", allow_empty=True)
            for i, letter in enumerate(letters):
                if not isinstance(letter, str) or not re.fullmatch(r"[A-Z]", letter):
                    self.fail(f"expected the capital letter its tracking numbers start with, got {letter!r}",
                              letters, i, f"{field}.numbers")
            column = entry.get("acceptance")
            if column is not None and column not in ACCEPTANCE_COLUMNS:
                self.fail(f"expected one of {list(ACCEPTANCE_COLUMNS)}, got {column!r}", entry, "acceptance",
                          f"{field}.acceptance")
            yield Service(ident, name, description, tuple(aliases), tuple(letters), column, like,
                          self.fact(entry, "days", field, languages, "span") if "days" in entry else None,
                          self.fact(entry, "buffer", field, languages, "duration") if "buffer" in entry else None,
                          self.changes(entry, "changes", field, languages))

    # -- facts that go stale: each with its source and the month it was checked ------------

    def checked(self, value: Any, container: Any, key: Any, field: str) -> str:
        if not isinstance(value, str) or not _CHECKED.match(value):
            self.fail(f"expected the month the fact was checked, like '2026-12', got {value!r}",
                      container, key, field)
        return value

    def day(self, value: Any, container: Any, key: Any, field: str) -> str:
        import datetime as _dt

        if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
            return value.isoformat()
        if not isinstance(value, str) or not _DATE.match(value):
            self.fail(f"expected a date like 2025-08-27, got {value!r}", container, key, field)
        try:
            _dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"no such day: {value!r}", container, key, field)
        return value

    def fact(self, parent, name, owner, languages, kind) -> Fact:
        """A fact {<value field>: …, source, checked, note?}. kind: span | duration | count | text.
        A value needs its source; an unknown value (null) needs a note saying what is missing."""
        field = f"{owner}.{name}"
        value_field = "text" if kind == "text" else "days"
        entry = self.mapping(parent[name], parent, name, field,
                             {value_field: True, "source": False, "checked": True, "note": False})
        raw = entry[value_field]
        where = f"{field}.{value_field}"
        note = self.text(entry["note"], entry, "note", f"{field}.note", languages) if "note" in entry else None
        if raw is None:
            if note is None:
                self.fail("a fact without a value needs a 'note' saying what could not be verified",
                          parent, name, field)
            value = None
        elif kind == "text":
            value = self.text(raw, entry, value_field, where, languages)
        elif kind == "count":
            if not isinstance(raw, int) or isinstance(raw, bool) or raw <= 0:
                self.fail(f"expected a whole number of days, got {_kind(raw)}", entry, value_field, where)
            value = raw
        elif kind == "duration" and isinstance(raw, int) and not isinstance(raw, bool) and raw > 0:
            value = raw     # the JSON copy writes a duration in days
        else:
            try:
                value = parse_duration(raw) if kind == "duration" else parse_span(raw)
            except ValueError as e:
                self.fail(str(e), entry, value_field, where)
        source = self.string(entry["source"], entry, "source", f"{field}.source") if "source" in entry else None
        if value is not None and source is None:
            self.fail("missing required field 'source' (where this figure was read)", parent, name, f"{field}.source")
        return Fact(value, source, self.checked(entry["checked"], entry, "checked", f"{field}.checked"), note)

    def changes(self, parent, name, owner, languages) -> tuple[Change, ...]:
        items = self.list_of(parent.get(name, []), parent, name, f"{owner}.{name}", allow_empty=True)
        changes = []
        for i, item in enumerate(items):
            where = f"{owner}.{name}[{i}]"
            item = self.mapping(item, items, i, where,
                                {"date": True, "state": True, "note": True, "source": True, "checked": True})
            if item["state"] not in CHANGE_STATES:
                self.fail(f"expected one of {list(CHANGE_STATES)}, got {item['state']!r}", item, "state",
                          f"{where}.state")
            change = Change(self.day(item["date"], item, "date", f"{where}.date"), item["state"],
                            self.text(item["note"], item, "note", f"{where}.note", languages),
                            self.string(item["source"], item, "source", f"{where}.source"),
                            self.checked(item["checked"], item, "checked", f"{where}.checked"))
            if changes and change.date < changes[-1].date:
                self.fail(f"changes must be in date order: {change.date} comes after {changes[-1].date}",
                          item, "date", f"{where}.date")
            changes.append(change)
        return tuple(changes)

    def destinations(self, data, languages, services):
        table = data["destinations"]
        if not isinstance(table, dict) or not table:
            self.fail("expected a mapping of destinations by ISO country code", data, "destinations", "destinations")
        service_ids = [s.id for s in services]
        for code, entry in table.items():
            code = self.country(code, table, code, "destinations")
            field = f"destinations.{code}"
            entry = self.mapping(entry, table, code, field, {"name": True, "in_sentence": False, "post": True,
                                                             "hold": True, "duty": True, "days": True,
                                                             "acceptance": False})
            raw_post = self.mapping(entry["post"], entry, "post", f"{field}.post",
                                    {"name": True, "site": True, "track": False, "track_local": False,
                                     "source": True, "checked": True})
            urls = {}
            for name in ("site", "track"):
                if name in raw_post:
                    url = self.string(raw_post[name], raw_post, name, f"{field}.post.{name}")
                    if not url.startswith("https://"):
                        self.fail(f"expected an https:// address, got {url!r}", raw_post, name, f"{field}.post.{name}")
                    urls[name] = url
            if "track" in urls and "{number}" not in urls["track"]:
                self.fail("expected the tracking address with {number} where the tracking number goes",
                          raw_post, "track", f"{field}.post.track")
            local = None
            if "track_local" in raw_post:
                where = f"{field}.post.track_local"
                item = self.mapping(raw_post["track_local"], raw_post, "track_local", where,
                                    {"language": True, "lang": True, "url": True})
                url = self.string(item["url"], item, "url", f"{where}.url")
                if not url.startswith("https://") or "{number}" not in url:
                    self.fail("expected an https:// tracking address with {number} in it", item, "url", f"{where}.url")
                lang = item["lang"]
                if not isinstance(lang, str) or not _LANG.match(lang):
                    self.fail(f"expected a two-letter language code, got {lang!r}", item, "lang", f"{where}.lang")
                local = (self.string(item["language"], item, "language", f"{where}.language"), lang, url)
            post = Post(self.brand(raw_post["name"], raw_post, "name", f"{field}.post.name", languages), urls["site"],
                        urls.get("track"), self.string(raw_post["source"], raw_post, "source", f"{field}.post.source"),
                        self.checked(raw_post["checked"], raw_post, "checked", f"{field}.post.checked"), local)
            days_table = self.mapping(entry["days"], entry, "days", f"{field}.days",
                                      dict.fromkeys(service_ids, False))
            days = tuple((service, self.fact(days_table, service, f"{field}.days", languages, "span"))
                         for service in service_ids if service in days_table)
            yield Destination(code, self.text(entry["name"], entry, "name", f"{field}.name", languages), post,
                              self.fact(entry, "hold", field, languages, "count"),
                              self.fact(entry, "duty", field, languages, "text"), days,
                              self.changes(entry, "acceptance", field, languages),
                              self.text(entry["in_sentence"], entry, "in_sentence", f"{field}.in_sentence", languages)
                              if "in_sentence" in entry else None)

    def sources(self, data):
        table = data["sources"]
        if not isinstance(table, dict) or not table:
            self.fail("expected a mapping of sources by id", data, "sources", "sources")
        for ident, entry in table.items():
            ident = self.identifier(ident, table, ident, "sources")
            field = f"sources.{ident}"
            entry = self.mapping(entry, table, ident, field,
                                 {"name": True, "scope": True, "dates": True, "country": False})
            for name, allowed in (("scope", SOURCE_SCOPES), ("dates", DATE_ORDERS)):
                if entry[name] not in allowed:
                    self.fail(f"expected one of {list(allowed)}, got {entry[name]!r}",
                              entry, name, f"{field}.{name}")
            country = self.country(entry["country"], entry, "country", f"{field}.country") \
                if "country" in entry else None
            yield Source(ident, self.string(entry["name"], entry, "name", f"{field}.name"),
                         entry["scope"], entry["dates"], country)

    # -- reading: the lexicon of actions, places and countries ----------------------------

    def country(self, value: Any, container: Any, key: Any, field: str) -> str:
        from .numbers import COUNTRIES

        if not isinstance(value, str) or not _COUNTRY.match(value) or value not in COUNTRIES:
            self.fail(f"expected an ISO 3166 country code like 'JP', got {value!r}", container, key, field)
        return value

    def reading(self, data, stage_ids: set[str]) -> Lexicon:
        section = self.mapping(data["reading"], data, "reading", "reading", _READING_FIELDS)
        self.seen_words: dict[str, str] = {}   # folded word -> where it was first given
        actions = tuple(self.actions(section, stage_ids))
        places = tuple(self.word_groups(section, "places", PLACE_ROLES))
        sides = tuple(self.word_groups(section, "sides", SIDES))
        offices = tuple(self.offices(section))
        countries = tuple(self.names_by_country(section, "countries"))
        regions = tuple(self.names_by_country(section, "regions"))
        postcodes = tuple(self.postcodes(section))
        home = self.country(section["home"], section, "home", "reading.home") if "home" in section else None
        place_only = section.get("place_only")
        if place_only is not None and place_only not in {a.id for a in actions}:
            self.fail(f"expected the id of an action of reading.actions, got {place_only!r}",
                      section, "place_only", "reading.place_only")
        hedges = self.terms(section["hedges"], section, "hedges", "reading.hedges") if "hedges" in section else ()
        directions = tuple(self.word_groups(section, "directions", DIRECTIONS))
        day_first = tuple(self.day_first_languages(section))
        return Lexicon(actions, places, sides, offices, countries, regions, postcodes, home, place_only, hedges,
                       directions, day_first)

    def day_first_languages(self, section):
        items = self.list_of(section.get("day_first", []), section, "day_first", "reading.day_first", allow_empty=True)
        for i, lang in enumerate(items):
            if not isinstance(lang, str) or not _LANG.match(lang):
                self.fail(f"expected a two-letter language code, got {lang!r}", items, i, "reading.day_first")
            yield lang

    def postcodes(self, section):
        table = section.get("postcodes", {})
        if not isinstance(table, dict):
            self.fail("expected a mapping of ISO country code to a regular expression", section, "postcodes",
                      "reading.postcodes")
        for code, pattern in table.items():
            code = self.country(code, table, code, "reading.postcodes")
            pattern = self.string(pattern, table, code, f"reading.postcodes.{code}")
            try:
                re.compile(pattern)
            except re.error as e:
                self.fail(f"not a valid regular expression: {e}", table, code, f"reading.postcodes.{code}")
            yield code, pattern

    def word(self, value: Any, container: Any, key: Any, field: str, owner: str | None = None) -> str:
        """A lexicon word (owner: the entry it belongs to). A word may belong to one entry of
        each kind: one action, one kind of place, one side, one country; it can also name a
        side or a direction besides anything else ("outward office of exchange", "held by import
        customs", 发往 "sent to"), but nothing else twice."""
        text = self.string(value, container, key, field)
        folded = fold(text)
        if not folded:
            self.fail(f"{text!r} is empty once case, width and punctuation are folded", container, key, field)
        owner = owner or field
        kind = _lexicon_kind(owner)
        earlier = self.seen_words.setdefault(folded, {})
        for other_kind, other in earlier.items():
            if other != owner and (other_kind == kind or not {"side", "direction"} & {other_kind, kind}):
                self.fail(f"{text!r} is already given in {other}: a word may mean one thing only",
                          container, key, field)
        earlier.setdefault(kind, owner)
        return text

    def terms(self, value: Any, container: Any, key: Any, field: str) -> tuple[Term, ...]:
        """{lang: [words]} → terms."""
        table = value
        if not isinstance(table, dict) or not table:
            self.fail(f"expected a mapping of language to a list of words, got {_kind(value)}",
                      container, key, field)
        terms = []
        for lang, words in table.items():
            if not isinstance(lang, str) or not _LANG.match(lang):
                self.fail(f"expected a two-letter language code, got {lang!r}", table, lang, field)
            where = f"{field}.{lang}"
            for i, word in enumerate(self.list_of(words, table, lang, where)):
                terms.append(Term(self.word(word, words, i, where, owner=field), lang))
        return tuple(terms)

    def actions(self, section, stage_ids):
        items = self.list_of(section.get("actions", []), section, "actions", "reading.actions", allow_empty=True)
        seen: set[str] = set()
        for i, item in enumerate(items):
            field = f"reading.actions[{i}]"
            item = self.mapping(item, items, i, field, {"id": True, "words": True, "stages": True, "movement": False,
                                                        "usually": False})
            ident = self.identifier(item["id"], item, "id", f"{field}.id")
            if ident in seen:
                self.fail(f"action '{ident}' is defined twice", item, "id", f"{field}.id")
            seen.add(ident)
            field = f"reading.actions.{ident}"
            words = self.terms(item["words"], item, "words", f"{field}.words")
            table = item["stages"]
            if not isinstance(table, dict) or not table:
                self.fail("expected a mapping of place to stage id", item, "stages", f"{field}.stages")
            places = (*READING_PLACES, "anywhere")
            for where, stage_id in table.items():
                if where not in places:
                    hint = difflib.get_close_matches(str(where), places, n=1)
                    also = f" (did you mean '{hint[0]}'?)" if hint else ""
                    self.fail(f"unknown place '{where}'{also}; expected one of {list(places)}",
                              table, where, f"{field}.stages")
                if stage_id not in stage_ids:
                    hint = difflib.get_close_matches(str(stage_id), stage_ids, n=1)
                    also = f" (did you mean '{hint[0]}'?)" if hint else ""
                    self.fail(f"no stage {stage_id!r}{also}", table, where, f"{field}.stages.{where}")
            if "anywhere" in table and len(table) > 1:
                self.fail("'anywhere' stands for every place: give it alone, or list the places",
                          table, "anywhere", f"{field}.stages")
            movement = item.get("movement")
            if movement is not None and movement not in MOVEMENTS:
                self.fail(f"expected one of {list(MOVEMENTS)}, got {movement!r}", item, "movement",
                          f"{field}.movement")
            usually = item.get("usually")
            if usually is not None and usually not in ENDS:
                self.fail(f"expected one of {list(ENDS)}, got {usually!r}", item, "usually", f"{field}.usually")
            yield Action(ident, words, tuple(table.items()), movement, usually)

    def word_groups(self, section, name, allowed):
        table = section.get(name, {})
        if not isinstance(table, dict):
            self.fail(f"expected a mapping of {' | '.join(allowed)} to words", section, name, f"reading.{name}")
        for group, words in table.items():
            if group not in allowed:
                self.fail(f"expected one of {list(allowed)}, got {group!r}", table, group, f"reading.{name}")
            yield group, self.terms(words, table, group, f"reading.{name}.{group}")

    def offices(self, section):
        items = self.list_of(section.get("offices", []), section, "offices", "reading.offices", allow_empty=True)
        for i, item in enumerate(items):
            field = f"reading.offices[{i}]"
            item = self.mapping(item, items, i, field, {"name": True, "country": True, "role": True})
            name = self.word(item["name"], item, "name", f"{field}.name")
            country = self.country(item["country"], item, "country", f"{field}.country")
            if item["role"] not in PLACE_ROLES:
                self.fail(f"expected one of {list(PLACE_ROLES)}, got {item['role']!r}", item, "role",
                          f"{field}.role")
            yield Office(name, country, item["role"])

    def names_by_country(self, section, name):
        table = section.get(name, {})
        if not isinstance(table, dict):
            self.fail("expected a mapping of ISO country code to a list of names", section, name, f"reading.{name}")
        for code, names in table.items():
            code = self.country(code, table, code, f"reading.{name}")
            where = f"reading.{name}.{code}"
            items = self.list_of(names, table, code, where)
            yield code, tuple(self.word(n, items, i, where) for i, n in enumerate(items))

    def stage(self, raw, stages, index, languages, services, contacts, sources) -> Stage:
        self.stage_id = None
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            self.stage_id = raw["id"]
        raw = self.mapping(raw, stages, index, "", _STAGE_FIELDS)
        stage_id = self.identifier(raw["id"], raw, "id", "id")
        order = raw["order"]
        if not isinstance(order, int) or isinstance(order, bool) or order < 0:
            self.fail(f"expected a whole number ≥ 0, got {order!r}", raw, "order", "order")
        if raw["kind"] not in KINDS:
            self.fail(f"expected one of {list(KINDS)}, got {raw['kind']!r}", raw, "kind", "kind")
        terminal = raw.get("terminal", False)
        if not isinstance(terminal, bool):
            self.fail(f"expected true or false, got {terminal!r}", raw, "terminal", "terminal")
        text = lambda name: self.text(raw[name], raw, name, name, languages)  # noqa: E731
        return Stage(
            id=stage_id, order=order, kind=raw["kind"], title=text("title"), summary=text("summary"),
            wordings=tuple(self.wordings(raw, languages, sources)),
            upu=tuple(self.upu(raw)), meaning=text("meaning"), what_to_do=text("what_to_do"),
            contacts=tuple(self.references(raw, "contacts", [c.id for c in contacts])),
            silence=tuple(self.silence(raw, services, terminal)),
            next=tuple(self.plain_list(raw, "next", allow_empty=True)),
            support_reply=text("support_reply"),
            examples=tuple(self.plain_list(raw, "examples")),
            terminal=terminal,
            guides=tuple(self.guides(raw, languages)),
            destination_notes=tuple(self.references(raw, "destination_notes", DESTINATION_NOTES))
            if "destination_notes" in raw else (),
        )

    def guides(self, raw, languages):
        items = self.list_of(raw.get("guides", []), raw, "guides", "guides", allow_empty=True)
        for i, item in enumerate(items):
            where = f"guides[{i}]"
            item = self.mapping(item, items, i, where, {"page": True, "text": True})
            page = self.string(item["page"], item, "page", f"{where}.page")
            if not _PAGE.match(page):
                self.fail(f"expected a page in docs/ like 'delivered-not-received.md', got {page!r}",
                          item, "page", f"{where}.page")
            if self.docs_dir is not None and not (self.docs_dir / page).is_file():
                self.fail(f"no page {page!r} in {self.docs_dir.name}/", item, "page", f"{where}.page")
            yield Guide(page, self.text(item["text"], item, "text", f"{where}.text", languages))

    def wordings(self, raw, languages, sources):
        source_ids = [s.id for s in sources]
        items = self.list_of(raw["wordings"], raw, "wordings", "wordings")
        for i, item in enumerate(items):
            where = f"wordings[{i}]"
            item = self.mapping(item, items, i, where, _WORDING_FIELDS)
            text = self.string(item["text"], item, "text", f"{where}.text")
            lang = item["lang"]
            if lang not in languages and not (isinstance(lang, str) and _LANG.match(lang)):
                self.fail(f"expected a two-letter language code, got {lang!r}", item, "lang", f"{where}.lang")
            if item["source"] not in source_ids:
                self.fail(f"unknown source {item['source']!r}; expected one of {source_ids}",
                          item, "source", f"{where}.source")
            side = item.get("where")
            if side is not None and side not in WHERE:
                self.fail(f"expected one of {list(WHERE)}, got {side!r}", item, "where", f"{where}.where")
            yield Wording(text, lang, item["source"], side)

    def upu(self, raw):
        items = self.list_of(raw.get("upu", []), raw, "upu", "upu", allow_empty=True)
        for i, item in enumerate(items):
            item = self.mapping(item, items, i, f"upu[{i}]", {"code": True, "text": True})
            code = self.string(item["code"], item, "code", f"upu[{i}].code")
            if not _UPU.match(code):
                self.fail(f"expected a three-letter UPU event code like 'EMC', got {code!r}",
                          item, "code", f"upu[{i}].code")
            yield UpuEvent(code, self.string(item["text"], item, "text", f"upu[{i}].text"))

    def references(self, raw, name, allowed):
        items = self.plain_list(raw, name)
        for i, item in enumerate(items):
            if item not in allowed:
                self.fail(f"unknown {name[:-1]} {item!r}; expected one of {list(allowed)}",
                          raw[name], i, f"{name}[{i}]")
        return items

    def plain_list(self, raw, name, *, allow_empty=False):
        items = self.list_of(raw.get(name, []), raw, name, name, allow_empty=allow_empty)
        return [self.string(item, items, i, f"{name}[{i}]") for i, item in enumerate(items)]

    def silence(self, raw, services, terminal):
        if terminal:
            if "silence" in raw:
                self.fail("a terminal stage has no silence windows; remove 'silence' or 'terminal'",
                          raw, "silence", "silence")
            return
        service_ids = [s.id for s in services]
        own = [s.id for s in services if not s.windows_like]    # the others may borrow
        table = self.mapping(raw.get("silence"), raw, "silence", "silence",
                             {s: s in own for s in service_ids}) if "silence" in raw else None
        if table is None:
            self.fail(f"missing required field 'silence' (windows for {own})", raw, None, "silence")
        borrowed = {s.id: s.windows_like for s in services if s.windows_like}
        for service_id in service_ids:
            service = service_id if service_id in table else borrowed[service_id]
            window = self.mapping(table[service], table, service, f"silence.{service}",
                                  {"normal": True, "act_after": True})
            days = {}
            for name in ("normal", "act_after"):
                try:
                    days[name] = parse_duration(window[name])
                except ValueError as e:
                    self.fail(str(e), window, name, f"silence.{service}.{name}")
            if days["act_after"] < days["normal"]:
                self.fail(f"act_after ({window['act_after']}) is shorter than normal ({window['normal']})",
                          window, "act_after", f"silence.{service}.act_after")
            yield service_id, Window(window["normal"].strip(), window["act_after"].strip())

    def cross_check(self, stages: list[Stage], raw_stages: list) -> None:
        """Checks that span stages: unique ids, known `next`, each wording and code in one stage."""
        seen_ids: dict[str, int] = {}
        for i, stage in enumerate(stages):
            if stage.id in seen_ids:
                raise CatalogError(f"duplicate stage id (first defined at stage #{seen_ids[stage.id] + 1})",
                                   file=self.file, line=_line_of(raw_stages[i], "id"), stage=stage.id, field="id")
            seen_ids[stage.id] = i
        wording_owner: dict[tuple[str, str | None], str] = {}
        code_owner: dict[str, str] = {}
        for i, stage in enumerate(stages):
            raw = raw_stages[i]
            for j, target in enumerate(stage.next):
                if target not in seen_ids:
                    hint = difflib.get_close_matches(target, seen_ids, n=1)
                    also = f" (did you mean '{hint[0]}'?)" if hint else ""
                    raise CatalogError(f"'next' names no stage: {target!r}{also}", file=self.file,
                                       line=_line_of(raw.get("next"), j), stage=stage.id, field=f"next[{j}]")
            for j, wording in enumerate(stage.wordings):
                key = (wording.key, wording.where)
                owner = wording_owner.setdefault(key, stage.id)
                if owner != stage.id:
                    raise CatalogError(
                        f"wording {wording.text!r} is already mapped to stage '{owner}'; a wording may "
                        "belong to one stage only (use 'where: origin|destination' for wordings Japan "
                        "Post shows at both ends)", file=self.file,
                        line=_line_of(raw.get("wordings"), j), stage=stage.id, field=f"wordings[{j}].text")
            for j, event in enumerate(stage.upu):
                owner = code_owner.setdefault(event.code, stage.id)
                if owner != stage.id:
                    raise CatalogError(f"UPU code {event.code} is already mapped to stage '{owner}'",
                                       file=self.file, line=_line_of(raw.get("upu"), j),
                                       stage=stage.id, field=f"upu[{j}].code")


def _lexicon_kind(owner: str) -> str:
    """What a `reading:` entry says of a word: action, place, side or country."""
    section = owner.split(".")[1].split("[")[0]
    return {"actions": "action", "places": "place", "offices": "place", "sides": "side",
            "hedges": "hedge", "directions": "direction"}.get(section, "country")


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    names = {str: "text", int: "a number", float: "a number", bool: "true/false",
             list: "a list", dict: "a mapping"}
    for cls, name in names.items():
        if isinstance(value, cls) and not (cls is int and isinstance(value, bool)):
            return f"{name} ({value!r})" if cls in (str, int, float, bool) else name
    return type(value).__name__
