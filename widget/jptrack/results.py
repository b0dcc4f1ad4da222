"""The shape of check()'s result (the JSON contract of `jptrack classify --json` and of the
browser checker), as TypedDicts for type checkers and readers. check() returns plain dicts
that JSON-serialise as they are; tests/test_results.py keeps these keys and the real ones
equal.
"""

from __future__ import annotations

from typing import TypedDict


class Contact(TypedDict, total=False):
    id: str
    name: str            # the destination's post by name ("Canada Post") once it is known
    how: str
    url: str             # its tracking link, for the destination's post


class GuideLink(TypedDict):
    url: str
    text: str


class CurrentStage(TypedDict):
    id: str
    title: str
    summary: str
    meaning: str
    what_to_do: str
    url: str             # the stage page, relative to the site: stages/<id>/
    contacts: list[Contact]
    kind: str            # journey | exception
    terminal: bool
    guides: list[GuideLink]


class Event(TypedDict, total=False):
    line: int            # 1-based line of the paste
    time: str | None  # YYYY-MM-DD or YYYY-MM-DDTHH:MM
    text: str
    undated_text: str    # text without its date and time, its fields joined by " · "
    stage: str | None
    stage_title: str | None
    basis: str | None  # "wording" | "inferred"
    location: str | None
    country: str | None
    matched: str | None
    why: str             # only with explain=True


class TrackingNumber(TypedDict):
    number: str
    kind: str            # s10 | jp-domestic
    valid: bool
    service: str | None
    product: str | None
    country: str | None
    country_name: str | None
    message: str


class Verdict(TypedDict):
    state: str           # normal | act | done | unknown
    label: str
    message: str
    service: str | None
    service_name: str | None
    service_assumed: bool
    last_event: str | None
    days_since: int | None
    normal_days: int | None
    act_after_days: int | None
    act_from: str | None
    contacts: list[str]


class Destination(TypedDict):
    country: str         # ISO 3166 code
    name: str
    called: str          # as a sentence says it ("the United States")
    post: str | None
    tracking_url: str | None
    page: str | None  # destinations/<cc>/ when the site has a page for it
    source: str          # paste | chosen


class Service(TypedDict):
    id: str
    name: str
    assumed: bool
    note: str | None  # why a service Japan Post no longer offered then is worth a word


class Expected(TypedDict):
    from_: str           # JSON key "from" (a Python keyword): see Result
    to: str
    days: list[int]
    posted: str
    basis: str           # destination | service
    source: str
    checked: str
    message: str


class TrackingLink(TypedDict):
    post: str
    url: str
    language: str | None
    lang: str | None


class Inferred(TypedDict):
    label: str
    note: str


class InputSize(TypedDict):
    lines: int
    chars: int


class Result(TypedDict):
    current_stage: str | None
    current_basis: str | None
    current_event: int | None
    current: CurrentStage | None
    origin: str | None
    destination: Destination | None
    inferred: Inferred | None
    events: list[Event]
    unrecognised: list[int]
    tracking_numbers: list[TrackingNumber]
    verdict: Verdict
    service: Service | None
    expected: dict | None       # Expected, with "from" for from_
    destination_notes: dict        # collect_by, duty, acceptance, expected_unknown: each optional
    tracking_links: list[TrackingLink]
    case_link: str | None       # stages/<id>/#since=…&service=…&to=… (relative to the language's root)
    language: str               # the language of the texts (one of the catalog's languages)
    input: InputSize
