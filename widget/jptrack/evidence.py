"""Evidence per line: the stages a line's structure allows once the item's two ends are known.

The third step of the classifier (parse → reading → **evidence** → journey → classify).
A line's country is the origin, the destination or a third country; with the kind of place
it names that says where the action happened (`catalog.READING_PLACES`), and the action's
row in stages.yaml (`reading.actions[].stages`) says which stage that is. A line that says
too little to place it (no country, no kind of place) keeps every stage its action can
mean, and the journey's order decides (`jptrack.journey`).

An exact catalog wording is the strongest evidence: it names its stage on its own. A
wording Japan Post writes at both ends (国際交換局に到着) is settled by the side, and a
destination post's wording ("Arrived at USPS Regional Facility") seen at the origin (an item
posted in the US to Japan) is read through its action instead.

>>> from pathlib import Path
>>> from jptrack.catalog import load
>>> from jptrack.parse import scan
>>> from jptrack.reading import Reader
>>> catalog = load(Path(__file__).parents[2] / 'stages.yaml')
>>> weigh = Weigher(catalog)
>>> line = Reader(catalog).read(scan('2022-12-29 12:00  Item Dispatched,Air  Japan,KAWASAKI HIGASHI')[0])
>>> weigh(line, Ends('IN', 'JP')).candidates[0]
('departure-inward-office', 0.0)
>>> weigh(line, Ends('JP', 'US')).candidates[0]
('dispatch-outward-office', 0.0)
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import SIDES
from .normalize import fold

__all__ = ["Ends", "Evidence", "Weigher", "side_of"]

# Where an action can have happened, by the line's side and the kind of place it names.
_PLACES = {
    ("origin", "exchange"): ("origin-exchange",),
    ("origin", "airport"): ("origin-airport",),
    ("origin", "sorting"): ("origin-post",),
    ("origin", "office"): ("origin-post",),
    ("origin", None): ("origin-post", "origin-exchange", "origin-airport"),
    ("between", "exchange"): ("between",),
    ("between", "airport"): ("between",),
    ("between", "sorting"): ("between",),
    ("between", "office"): ("between",),
    ("between", None): ("between",),
    ("destination", "exchange"): ("destination-exchange",),
    ("destination", "airport"): ("destination-airport",),
    ("destination", "sorting"): ("destination-post", "destination-exchange"),
    ("destination", "office"): ("delivery-office",),
    ("destination", None): ("destination-airport", "destination-exchange", "destination-post", "delivery-office"),
}
# What it costs (in the journey's units, see jptrack.journey) to read a line at another side
# than its own words put it: a country, a word like "export", or (less sure) the country of
# the post whose wording it is.
_OTHER_SIDE = {"country": 2.0, "word": 2.0, "post": 1.0, "sent abroad": 2.0}
# A line that says nothing of its side is read at either end for free, in a third country
# at this cost: most items go straight from one country to the other.
_UNSAID_BETWEEN = 0.6
# ... and at the end its action rarely happens at (`usually`: customs words with no side
# word are import customs far more often than export customs).
_UNUSUAL_END = 1.5
# What it costs to read a wording written for one side (国際交換局に到着) at the other, or
# to read a wording's own action rather than the wording.
_OTHER_WORDING = 1.0
# The first "processing centre" an item reaches in the destination country may be its office
# of exchange; the journey settles it, at this extra cost over a plain sorting centre. (At the
# origin the same reading turned the last domestic scan of a cut history into "left Japan".)
_SORTING_AS_EXCHANGE = 0.3
_PLACE_COST = {("destination", "sorting", "destination-exchange"): _SORTING_AS_EXCHANGE}


@dataclass(frozen=True, slots=True)
class Ends:
    """The item's origin and destination countries (ISO codes), either unknown (None)."""
    origin: str | None = None
    destination: str | None = None


@dataclass(slots=True)
class Evidence:
    """What one line allows: its candidate stages, each with a cost (0 for the reading its
    own words give), and whether an exact wording alone settles it."""
    candidates: tuple[tuple[str, float], ...] = ()
    sure: bool = False            # an exact catalog wording names the one stage (basis "wording")
    why: str = ""                 # how the line was read, for `jptrack classify --explain`

    @property
    def stages(self) -> tuple[str, ...]:
        return tuple(stage for stage, _ in self.candidates)


def side_of(country: str | None, ends: Ends) -> str | None:
    """Which end a country is: origin, destination, between (a third country) or None."""
    if not country:
        return None
    if country == ends.origin:
        return "origin"
    if country == ends.destination:
        return "destination"
    if ends.origin and ends.destination:
        return "between"
    if ends.origin:
        return "destination"
    if ends.destination:
        return "origin"
    return None


class Weigher:
    """Turns a line's structure into evidence; built once per catalog."""

    def __init__(self, catalog):
        self.catalog = catalog
        self.stage_side = _stage_sides(catalog)
        self.final = {s.id for s in catalog if s.terminal}
        # A national post's own country: its wordings happen there.
        self.source_country = {s.id: s.country for s in catalog.sources if s.country and s.scope == "national"}
        self.post_country = {s.id: s.country for s in catalog.sources if s.country}
        # A wording that is also a phrase of the reading lexicon ("Delivered", "Customs
        # Clearance") is printed by every post: it says nothing of whose page the line is from.
        plain = {t.key for action in catalog.reading.actions for t in action.words}
        texts = [w.text for stage in catalog for w in stage.wordings]
        texts += [text for stage in catalog for e in stage.upu for text in (e.text, e.code)]
        self._plain_texts = frozenset(text for text in texts if fold(text) in plain)

    def posts(self, structure) -> set[str]:
        """The sources whose own wording the line is (USPS for "Arrived at USPS Regional Facility")."""
        return {c[3] for c in structure.wording or () if c[2] not in self._plain_texts}

    def __call__(self, structure, ends: Ends) -> Evidence:
        side, why_side = self._side(structure, ends)
        evidence = None
        if structure.wording:
            evidence = self._wording(structure, side, why_side)
        if evidence is None and structure.action is not None:
            evidence = self._action(structure, side, why_side)
        return evidence or Evidence()

    def _side(self, structure, ends: Ends) -> tuple[str | None, str | None]:
        """The line's side and what says so: "country", "word", "post" or "sent abroad"."""
        side = side_of(structure.country, ends)
        if side:
            return side, "country"
        if structure.code_country and structure.code_country in (ends.origin, ends.destination):
            return side_of(structure.code_country, ends), "country"
        if structure.side:
            return structure.side, "word"
        # Sent to the destination country from here, or arrived here from the origin's
        movement = structure.action.movement if structure.action is not None else None
        if movement == "leaves" and structure.bound_for and structure.bound_for == ends.destination:
            return "origin", "sent abroad"   # it left from where items leave the country
        if movement == "arrives" and structure.came_from and structure.came_from == ends.origin:
            return "destination", "word"
        # A line with no place of its own, in a national post's wording, is in its country.
        for source in self.posts(structure):
            side = side_of(self.source_country.get(source), ends)
            if side:
                return side, "post"
        return None, None

    def _wording(self, structure, side, why_side) -> Evidence | None:
        candidates = structure.wording
        matched = f"wording “{structure.matched}”"
        typo = " (read through a typo)" if structure.corrected else ""
        if len(candidates) > 1:   # written at both ends: the side settles it
            at = side if side in ("origin", "destination") else None
            # the other end's reading costs what reading any line against its own place costs
            other = max(_OTHER_WORDING, _OTHER_SIDE[why_side]) if at else 0.0
            options = {c[0]: (0.0 if at is None or c[1] == at else other) for c in candidates}
            if at and structure.action is not None:
                for stage, cost in self._action_options(structure, at, why_side):
                    options.setdefault(stage, cost + _OTHER_WORDING)
            where = f" at the {at} ({structure.country or structure.code_country or structure.side})" if at else \
                ", shown at both ends"
            return Evidence(tuple(options.items()), sure=False, why=matched + typo + where)
        stage = candidates[0][0]
        own_side = self.stage_side.get(stage)
        if own_side and side in ("origin", "destination") and own_side != side \
                and structure.action is not None:
            if why_side != "post":
                return None   # a destination post's wording at the origin: read its action instead
            # Only the post's country says so (USPS also words what happens abroad): the
            # wording stays a candidate beside its action.
            options = dict(self._action_options(structure, side, why_side))
            options[stage] = min(options.get(stage, _OTHER_SIDE["post"]), _OTHER_SIDE["post"])
            return Evidence(tuple(options.items()), why=f"{matched}{typo}, a {side} post's wording")
        if structure.action is not None:
            options = self._action_options(structure, side, why_side)
            readings = {s for s, cost in options if cost == 0.0}
            if stage not in readings:
                # The wording and the line's own action disagree (an aggregator's "Arrival at
                # Sorting Center" at a sorting centre of the origin): both stay candidates,
                # the wording first, and neither is sure; an end of the journey (returned)
                # read only from the action is a far guess, for it would settle every line after.
                alternatives = {s: cost + _OTHER_WORDING / 2 + (_OTHER_WORDING * 1.5 if s in self.final else 0)
                                for s, cost in options if s != stage}
                return Evidence(((stage, 0.0), *alternatives.items()),
                                why=f"{matched}{typo}; its action “{structure.action.id}” reads otherwise here")
        return Evidence(((stage, 0.0),), sure=not structure.corrected, why=matched + typo)

    def _action(self, structure, side, why_side) -> Evidence:
        options = dict(self._action_options(structure, side, why_side))
        where = ", ".join(x for x in (side and f"at the {side}" + (f" ({why_side})" if why_side else ""),
                                      structure.role and f"a place of kind {structure.role}",
                                      structure.country) if x) or "place unknown"
        typo = " (read through a typo)" if structure.corrected else ""
        what = f"a place alone, read as “{structure.action.id}” there" if structure.place_only else \
            f"action “{structure.action.id}”{typo}"
        return Evidence(tuple(options.items()), why=f"{what}, {where}")

    def _action_options(self, structure, side, why_side) -> list[tuple[str, float]]:
        """(stage, cost) of the action at each place it can have happened."""
        action, role = structure.action, structure.role
        options: dict[str, float] = {}
        for each in SIDES:
            if side is None:
                cost = _UNSAID_BETWEEN if each == "between" else \
                    _UNUSUAL_END if action.usually and each != action.usually else 0.0
            else:
                cost = 0.0 if each == side else _OTHER_SIDE[why_side]
            here = "exchange" if why_side == "sent abroad" and each == "origin" else role
            places = _PLACES.get((each, here)) or _PLACES[(each, None)]
            for place in places:
                stage = action.stage_at(place)
                total = cost + _PLACE_COST.get((each, here, place), 0.0)
                if stage and total < options.get(stage, float("inf")):
                    options[stage] = total
        return sorted(options.items(), key=lambda item: item[1])


def _stage_sides(catalog) -> dict[str, str]:
    """The end each stage happens at, from where the reading actions put it: origin,
    destination, or no entry for stages that happen at either end or between."""
    places: dict[str, set] = {}
    for action in catalog.reading.actions:
        for where, stage in action.stages:
            if where != "anywhere":
                places.setdefault(stage, set()).add(where)
    sides = {}
    for stage, wheres in places.items():
        ends = {"origin" if w.startswith("origin") else "between" if w == "between" else "destination"
                for w in wheres}
        if len(ends) == 1 and "between" not in ends:
            sides[stage] = ends.pop()
    # Delivery and its mishaps (delivered, attempted, waiting for collection) happen at the
    # destination though their actions read the same anywhere; a return can start at either end.
    for stage in catalog:
        if stage.id not in places and (stage.kind == "journey") == stage.terminal:
            sides[stage.id] = "destination"
    return sides
