"""The shape of check()'s result (the JSON contract of `jptrack classify --json` and of the
browser checker), as TypedDicts for type checkers and readers. check() returns plain dicts
that JSON-serialise as they are; tests/test_results.py keeps these keys and the real ones
equal.
"""

from __future__ import annotations

from typing import Optional, TypedDict


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
    time: Optional[str]  # YYYY-MM-DD or YYYY-MM-DDTHH:MM
    text: str
    stage: Optional[str]
    stage_title: Optional[str]
    basis: Optional[str]  # "wording" | "inferred"
    location: Optional[str]
    country: Optional[str]
    matched: Optional[str]
    why: str             # only with explain=True


class TrackingNumber(TypedDict):
    number: str
    kind: str            # s10 | jp-domestic
    valid: bool
    service: Optional[str]
    product: Optional[str]
    country: Optional[str]
    country_name: Optional[str]
    message: str


class Verdict(TypedDict):
    state: str           # normal | act | done | unknown
    label: str
    message: str
    service: Optional[str]
    service_name: Optional[str]
    service_assumed: bool
    last_event: Optional[str]
    days_since: Optional[int]
    normal_days: Optional[int]
    act_after_days: Optional[int]
    act_from: Optional[str]
    contacts: list[str]


class Destination(TypedDict):
    country: str         # ISO 3166 code
    name: str
    called: str          # as a sentence says it ("the United States")
    post: Optional[str]
    tracking_url: Optional[str]
    page: Optional[str]  # destinations/<cc>/ when the site has a page for it
    source: str          # paste | chosen


class Service(TypedDict):
    id: str
    name: str
    assumed: bool
    note: Optional[str]  # why a service Japan Post no longer offered then is worth a word


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
    language: Optional[str]
    lang: Optional[str]


class Inferred(TypedDict):
    label: str
    note: str


class InputSize(TypedDict):
    lines: int
    chars: int


class Result(TypedDict):
    current_stage: Optional[str]
    current_basis: Optional[str]
    current_event: Optional[int]
    current: Optional[CurrentStage]
    origin: Optional[str]
    destination: Optional[Destination]
    inferred: Optional[Inferred]
    events: list[Event]
    unrecognised: list[int]
    tracking_numbers: list[TrackingNumber]
    verdict: Verdict
    service: Optional[Service]
    expected: Optional[dict]       # Expected, with "from" for from_
    destination_notes: dict        # collect_by, duty, acceptance, expected_unknown: each optional
    tracking_links: list[TrackingLink]
    input: InputSize
