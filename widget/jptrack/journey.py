"""The journey: the events in time order, the item's two ends, and one stage per event.

The fourth step of the classifier (parse → reading → evidence → **journey** → classify).

1. **Time order.** Events are sorted by date and time; undated ones stay next to the dated
   event they are listed with, on pages that list the newest first as on those that list
   the oldest first (which one a page does is read from its dates, else from its wordings).
2. **The two ends.** The origin is the tracking number's country (UPU S10), else the country
   most lines put at the start of the journey; the destination is the other country the
   lines put at its end (a destination post's own wording, a delivery, the last country
   seen). Either may stay unknown.
3. **Decoding.** Each event allows some stages (`jptrack.evidence`); the journey picks one
   per event so that, over the whole history, the stages move forward the way stages.yaml
   orders them (`order`, and `next` for what usually follows). A line that could be several
   stages takes the one its neighbours make likely; a stage can still go back when the
   wording says so. Once an item is returned, every later event is its way back.

>>> from pathlib import Path
>>> from jptrack.catalog import load
>>> catalog = load(Path(__file__).parents[2] / 'stages.yaml')
>>> model = Model(catalog)
>>> model.cost('dispatch-outward-office', 'arrival-inward-office') < model.cost(
...     'dispatch-outward-office', 'departure-inward-office') < model.cost(
...     'arrival-inward-office', 'posting-collection')
True
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date

from .evidence import Ends, Evidence, Weigher

__all__ = ["Event", "Journey", "Model", "plan"]

# Costs of a step from one stage to the next (a path's cost is their sum; the cheapest wins).
_NEXT = 0.1          # to a stage stages.yaml lists in `next` (each later place in the list adds _NEXT_RANK)
_NEXT_RANK = 0.01
_FORWARD = 0.3       # to any later stage, plus _SKIP for each journey stage passed over
_SKIP = 0.2
_BACK = 2.0          # to an earlier stage, plus _SKIP for each journey stage gone back over
_START = 0.05        # for the first event, per journey stage before its stage (a paste starts early)
_STAY_AFTER_LEAVING = 0.4   # to stay at a stage when an arrival follows a departure


@dataclass(slots=True)
class Event:
    """One line that is an event, as it goes through the journey."""
    line: object                  # parse.Line
    structure: object             # reading.Structure
    date: date | None = None
    minutes: int | None = None
    inherited: bool = False       # date taken from a date heading line
    evidence: Evidence | None = None
    stage: str | None = None
    basis: str | None = None      # "wording" | "inferred" | None

    def __post_init__(self):
        self.date, self.minutes = self.line.date, self.line.minutes


@dataclass
class Journey:
    ends: Ends
    ordered: list = field(default_factory=list)   # events, oldest first
    newest_first: bool = False

    @property
    def current(self) -> Event | None:
        for event in reversed(self.ordered):
            if event.stage:
                return event
        return None


class Model:
    """The catalog's stage order as step costs, and the weigher; built once per catalog."""

    def __init__(self, catalog):
        self.catalog = catalog
        self.weigh = Weigher(catalog)
        self.order = {s.id: s.order for s in catalog}
        self._journey_orders = sorted(s.order for s in catalog.journey)
        self.terminal_return = {s.id for s in catalog if s.terminal and s.kind == "exception"}
        # Rows of step costs from one stage to every other, made when a paste first needs them
        # (a catalog of a thousand stages would otherwise fill a million entries up front).
        self._costs = _CostRows(self)
        first = self._journey_orders[0] if self._journey_orders else 0
        self.start = {s.id: _START * self._passed(first - 1, s.order) for s in catalog}

    def _passed(self, low: int, high: int) -> int:
        """How many journey stages lie strictly between two orders."""
        orders = self._journey_orders
        return max(0, bisect.bisect_left(orders, high) - bisect.bisect_right(orders, low))

    def cost(self, a: str, b: str) -> float:
        return self._costs[a][b]

    def _cost(self, a, b) -> float:
        if a.id == b.id:
            return 0.0
        if a.id in self.terminal_return:
            return 0.0          # after a return, every event is the way back
        if b.id in a.next:
            return _NEXT + _NEXT_RANK * a.next.index(b.id)
        if b.order > a.order:
            return _FORWARD + _SKIP * self._passed(a.order, b.order)
        return _BACK + _SKIP * self._passed(b.order, a.order)

    def earliest(self, structure) -> int:
        """The earliest stage a line could be (for ordering events with the same time)."""
        stages = [c[0] for c in structure.wording or ()]
        if not stages and structure.action is not None:
            stages = [s for _, s in structure.action.stages]
        return min((self.order[s] for s in stages), default=-1)


class _CostRows(dict):
    """stage id → {stage id → step cost}, each row worked out on first use."""

    def __init__(self, model: Model):
        super().__init__()
        self.model = model

    def __missing__(self, stage_id: str) -> dict:
        catalog = self.model.catalog
        a = catalog.stage(stage_id)
        row = self[stage_id] = {b.id: self.model._cost(a, b) for b in catalog}
        return row


def plan(events: list[Event], numbers: list, model: Model) -> Journey:
    """Order the events, find the two ends, give each event its stage and basis."""
    journey = Journey(Ends())
    journey.newest_first = _newest_first(events, model)
    journey.ordered = _chronological(events, model, journey.newest_first)
    journey.ends = find_ends(journey.ordered, numbers, model)
    for event in journey.ordered:
        event.evidence = model.weigh(event.structure, journey.ends)
    _decode([e for e in journey.ordered if e.evidence.stages], model)
    _way_back(journey.ordered, model)
    return journey


# ---------------------------------------------------------------------------
# Time order
# ---------------------------------------------------------------------------

def apply_headings(events: list[Event], headers: list) -> None:
    """Undated status lines next to a line holding only a date take its date.

    Pages that print the date on its own line put it either above each status (Australia
    Post) or below it (USPS); the closer heading, counted over the whole paste, says which.
    `headers` holds (position in events, heading event).
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
            to_before, to_after = no - before.line.no, after.line.no - no
            votes += (to_before < to_after) - (to_before > to_after)
    for i in undated:
        before, after = around(i)
        heading = (before or after) if votes >= 0 else (after or before)
        if heading is not None:
            events[i].date, events[i].minutes = heading.date, heading.minutes
            events[i].inherited = True


def _newest_first(events: list[Event], model: Model) -> bool:
    """The list's direction from its dates, else from the stages its wordings name."""
    inc = dec = 0
    previous = None
    for e in events:
        if e.date is None:
            continue
        stamp = (e.date, -1 if e.minutes is None else e.minutes)
        if previous is not None and (stamp[0] != previous[0] or -1 not in (stamp[1], previous[1])):
            inc += stamp > previous   # (a day without a time says nothing against a time that day)
            dec += stamp < previous
        previous = stamp
    if inc != dec:
        return dec > inc
    inc = dec = 0
    previous = None
    for e in events:
        wording = e.structure.wording
        if not wording:
            continue
        order = min(model.order[c[0]] for c in wording)   # a wording shown at both ends: its first
        if previous is not None:
            inc += order > previous
            dec += order < previous
        previous = order
    return dec > inc


def _chronological(events: list[Event], model: Model, newest_first: bool) -> list[Event]:
    """Oldest first: by date and time (the earlier stage first at the same time); an undated
    event right after the dated one it is listed with."""
    n = len(events)
    keys = [None] * n
    anchor = None
    positions = range(n - 1, -1, -1) if newest_first else range(n)
    for rank, i in enumerate(positions):
        e = events[i]
        if e.date is not None:
            # a day without a time of its own comes after the page's event before it that day
            minutes = e.minutes if e.minutes is not None else anchor[1] if anchor and anchor[0] == e.date else -1
            anchor = (e.date, minutes)
            keys[i] = (*anchor, 0, model.earliest(e.structure), rank)
        else:
            keys[i] = (*(anchor or (date.min, -1)), 1, 0, rank)
    return [events[i] for i in sorted(range(n), key=keys.__getitem__)]


# ---------------------------------------------------------------------------
# The two ends
# ---------------------------------------------------------------------------

def find_ends(ordered: list[Event], numbers: list, model: Model) -> Ends:
    """Origin and destination countries, by votes: the tracking number; lines whose country
    and wording or action say which end they are; a national post's wording with no place
    of its own (in the post's country); the first and the last country seen; the catalog's
    home country (`reading.home`) for the origin; a field that names the destination. Each
    kind of evidence counts up to a cap, so that twenty scans of one post cannot outvote the
    rest."""
    votes: dict[tuple[str, str, str], float] = {}

    def vote(country, end, kind, weight):
        key = (country, end, kind)
        votes[key] = min(votes.get(key, 0.0) + weight, _VOTE_CAP[kind])

    number_origin = None
    for entry in numbers:
        if entry.get("kind") == "s10" and entry.get("valid") and entry.get("country"):
            number_origin = entry["country"]
            vote(number_origin, "origin", "number", 5.0)
            break
    countries, sources = [], set()
    lean = {None: 0}   # by country: lines whose words point to the origin, less the destination
    for event in ordered:
        s = event.structure
        line_sources = model.weigh.posts(s)
        sources |= line_sources
        end = _end_named(s, model)
        if s.named_destination:
            vote(s.named_destination, "destination", "field", 2.0)
        for key in {None, s.country}:
            lean[key] = lean.get(key, 0) + (end == "origin") - (end == "destination")
        if s.country:
            countries.append(s.country)
            if end:
                vote(s.country, end, "line", 1.0)
            continue
        for source in line_sources:   # USPS's "Acceptance" with no place: in the US
            country = model.weigh.source_country.get(source)
            if country and end:
                vote(country, end, "post", 1.0)
    if len(set(countries)) > 1:
        vote(countries[0], "origin", "order", 0.75)
        vote(countries[-1], "destination", "order", 0.75)
    elif countries:   # one country alone: the end its lines', else all lines' words point to,
        only = countries[0]   # else the destination if it is not home, else the start
        named = {e.structure.named_destination for e in ordered} - {None, only}
        # ... unless a field names another country as the destination: then it is the origin;
        # or it is named only on the last events, after lines at the origin: then it is where
        # the item went
        leaning = lean.get(only) or (1 if named else -1 if _named_last_after_origin(ordered, only, model)
                                     else lean[None])
        if leaning:
            vote(only, "origin" if leaning > 0 else "destination", "order", 0.75)
        elif model.catalog.reading.home not in (None, only) and not number_origin:
            # nothing says which end: on a site for items from home, another country is where it went
            vote(only, "destination", "order", 0.4)
        else:
            vote(only, "origin", "order", 0.4)
    # The site's home country is the origin when nothing says otherwise: when it is seen, when
    # its post's wording is (Japan Post's page), or when no country is named at all.
    home = model.catalog.reading.home
    if home and (home in countries or not countries
                 or any(model.weigh.post_country.get(source) == home for source in sources)):
        vote(home, "origin", "home", 0.5)
    for source in sources:   # a national post's page: most show items coming to its country
        country = model.weigh.source_country.get(source)
        if country:
            vote(country, "destination", "page", 0.5)
    totals: dict[tuple[str, str], float] = {}
    for (country, end, _), weight in votes.items():
        totals[(country, end)] = totals.get((country, end), 0.0) + weight
    origin, destination = _best(totals, "origin"), _best(totals, "destination")
    if destination is None and origin is not None:   # the last country seen that is not the origin
        destination = next((c for c in reversed(countries) if c != origin), None)
    return Ends(origin, destination)


def _named_last_after_origin(ordered: list[Event], country: str, model: Model) -> bool:
    """Is the country named only on the last events, none of them a departure, and do lines
    before them point to the origin (an aggregator's page that names the destination on its
    final scan)?"""
    first = next(i for i, e in enumerate(ordered) if e.structure.country == country)
    if any(not e.structure.country or (e.structure.action and e.structure.action.movement == "leaves")
           for e in ordered[first:]):
        return False   # ... and the item does not leave it there
    ends = [_end_named(e.structure, model) for e in ordered[:first]]
    return ends.count("origin") > ends.count("destination")


# The most each kind of evidence can add to one country's votes for one end.
_VOTE_CAP = {"number": 5.0, "field": 2.0, "line": 2.0, "post": 1.0, "order": 0.75, "page": 0.5, "home": 0.5}


def _end_named(structure, model: Model) -> str | None:
    """The end a line's own words put it at: its side word, else the side of the only stage
    its action (or a wording shown at both ends of the journey, such as Japan Post's 引受)
    can mean wherever it happens. A national post's wording is left out: stages.yaml files
    it under the stage it has on items coming to that post's country."""
    if structure.side in ("origin", "destination"):
        return structure.side
    stages = {c[0] for c in structure.wording or () if c[3] not in model.weigh.source_country}
    if not stages and structure.action is not None:
        stages = {s for _, s in structure.action.stages}
    sides = {model.weigh.stage_side.get(s) for s in stages}
    return sides.pop() if len(sides) == 1 else None


def _best(votes: dict, end: str) -> str | None:
    """The country with the most votes for this end, among those with more votes for it than
    for the other end (a country is one end or the other; the origin wins a tie)."""
    other = "destination" if end == "origin" else "origin"
    best, score = None, 0.0
    for (country, which), weight in votes.items():
        against = votes.get((country, other), 0.0)
        if which == end and weight > score and (weight > against or (weight == against and end == "origin")):
            best, score = country, weight
    return best


# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------

def _decode(events: list[Event], model: Model) -> None:
    """The cheapest sequence of stages, one per event among its candidates (Viterbi): each
    candidate's own cost plus the cost of each step from the stage before."""
    if not events:
        return
    costs = model._costs
    scores = {stage: model.start[stage] + cost for stage, cost in events[0].evidence.candidates}
    back: list[dict] = []
    for before, event in zip(events, events[1:]):
        current, pointers = {}, {}
        moved = _moved(before.structure.action, event.structure.action)
        for stage, own in event.evidence.candidates:
            best, best_score = None, None
            for previous, score in scores.items():
                total = score + costs[previous][stage] + (_STAY_AFTER_LEAVING if moved and previous == stage else 0.0)
                if best_score is None or total < best_score:
                    best, best_score = previous, total
            current[stage], pointers[stage] = best_score + own, best
        back.append(pointers)
        scores = current
    stage = min(scores, key=scores.__getitem__)
    for event, pointers in zip(reversed(events), reversed([{}] + back)):
        event.stage = stage
        event.basis = "wording" if event.evidence.sure else "inferred"
        stage = pointers.get(stage, stage)
    # An exact wording is sure of its stage only where the journey agrees: a step back to or
    # from it (a post's wording used at another place than the catalog's) leaves it a guess.
    for before, after in zip(events, events[1:]):
        if costs[before.stage][after.stage] >= _BACK:
            for event in (before, after):
                if event.basis == "wording":
                    event.basis = "inferred"


def _moved(before, action) -> bool:
    """Did the item leave one place (before) and arrive at the next (action)?"""
    return before is not None and action is not None and before.movement == "leaves" \
        and action.movement == "arrives"


def _way_back(ordered: list[Event], model: Model) -> None:
    """After a return to sender, every later event is the return trip."""
    returned = None
    for event in ordered:
        if returned is not None and event.stage and event.stage != returned:
            event.stage, event.basis = returned, "inferred"
            event.evidence = Evidence(((returned, 0.0),), why="after the return to sender: the way back")
        elif event.stage in model.terminal_return:
            returned = event.stage
