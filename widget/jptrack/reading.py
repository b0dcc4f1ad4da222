"""Each line of a paste read as structure: the wording it matches, what happened, where, and in
which country.

The second step of the classifier (parse → **reading** → evidence → journey → classify).
A line (`parse.Line`) becomes a `Structure`:

* the catalog wording it contains (`stages[].wordings`, the UPU event texts), the longest one,
  or a bare UPU event code (``EMC``): the strongest evidence there is;
* the actions it names (`reading.actions`: "arrived", "到着", "dispatched" ...), and the one
  that decides (the one listed last in stages.yaml);
* the kind of place it names (`reading.places`: an office of exchange, an airport, a sorting
  centre, a post office, or a known office such as ``TOKYO INT`` or ``JPKWSA``);
* a word that says which end it is ("export", "import");
* the country: a country's name, a prefecture or state, a known office, a postcode's shape;
  a field that names where the item goes ("Destination country : MEXICO") is kept apart,
  for `jptrack.journey` to find the item's two ends with;
* a row with a date and a place but no status is a scan at that place (`reading.place_only`).

Knows nothing of the journey: `jptrack.evidence` weighs the structure against the item's
origin and destination. A word mistyped by one letter (``Arival``) is read as the word
it misses, and the structure says so (``corrected``).

>>> from pathlib import Path
>>> from jptrack.catalog import load
>>> from jptrack.parse import scan
>>> reader = Reader(load(Path(__file__).parents[2] / 'stages.yaml'))
>>> s = reader.read(scan('2022-12-29 12:00  Item Dispatched,Air  Japan,KAWASAKI HIGASHI')[0])
>>> s.action.id, s.role, s.country, s.wording is None
('departed', 'exchange', 'JP', True)
>>> s = reader.read(scan('09/24/2026 06:12  Arrival at inward office of exchange  CHICAGO IL 60688')[0])
>>> s.matched, s.country
('Arrival at inward office of exchange', 'US')
>>> reader.read(scan('2026/09/20 Arival at inwrd ofice of exchange')[0]).corrected
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from . import parse as _parse
from .catalog import PLACE_ROLES
from .normalize import fold
from .numbers import COUNTRIES
from .phrases import PhraseIndex, WORD_CHARS, glued_tokens, is_cjk, tokens

__all__ = ["Reader", "Structure", "without_code_column_countries"]

# ISO short names that are also everyday words or US states on tracking lines (GEORGIA).
_NOT_COUNTRY_NAMES = frozenset({"JE", "GE", "TD"})
_CODE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{3})(?![A-Za-z0-9])")
# A UPU office code (IMPC): country, three letters for the place, one for the office (JPKWSA).
_OFFICE_CODE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2})[A-Z]{3}[A-Z0-9](?![A-Za-z0-9])")
_LATIN_WORD = re.compile(f"[{WORD_CHARS}]+")
# A two-letter country code as a field: at the start or after a tab, bracket, comma or colon,
# and before a tab, bracket, comma or the end.
_COUNTRY_FIELD = re.compile(r"(?:^|[\t\[(,:]) ?([A-Z]{2}) ?(?=$|[\t\]),])")
# A word shorter than this is never read as a typo of another (too many near neighbours).
_MIN_TYPO_LENGTH = 5
# ... and one with a wrong letter only from this length (looked/booked, sorted/ported).
_MIN_SUBSTITUTION_LENGTH = 8


@dataclass(slots=True)
class Structure:
    """What one line says, before anything is known of the journey."""

    wording: tuple | None = None    # the catalog's candidates: ((stage, where, text, source), ...)
    matched: str | None = None      # the wording as stages.yaml writes it, or the UPU code
    code: bool = False              # matched is a bare UPU event code
    action: object = None           # catalog.Action that decides, or None
    role: str | None = None         # exchange | airport | sorting | office
    side: str | None = None         # origin | between | destination, from words like "export"
    country: str | None = None
    office: str | None = None       # a named office or office code
    code_country: str | None = None  # the country of an office code that may be one (CNBJSA)
    named_destination: str | None = None  # a field that names where the item goes ("Destination country : MEXICO")
    bound_for: str | None = None    # a country named after a "to" word (发往中国): where the item is sent
    came_from: str | None = None    # a country (or office code's) named after a "from" word (来自JPKIXH)
    day_first: bool = False         # its words are in a language whose pages write 03/04 for 3 April
    location: str | None = None
    undated_text: str = ""          # the line without its date and time (parse.joined_fields)
    corrected: bool = False         # read through a mistyped word
    loose: bool = False             # an undated line whose actions are only words inside CJK text
    place_only: bool = False        # a dated row naming only a place: read as a scan there
    code_fields: tuple = ()         # two capital letters standing as fields ("HK", "PL"): codes of some kind
    country_by_code: bool = False   # country read from one of them

    @property
    def known(self) -> bool:
        """Does the line say anything the classifier can place?"""
        return self.wording is not None or self.action is not None


class Reader:
    """The catalog's wordings and reading lexicon, indexed for reading lines."""

    def __init__(self, catalog):
        self.catalog = catalog
        self.entries = _wording_entries(catalog)
        self.wordings = PhraseIndex((key, key) for key in self.entries)
        self.codes = {e.code: stage.id for stage in catalog for e in stage.upu}
        self.order = {stage.id: stage.order for stage in catalog}
        lexicon = catalog.reading
        self.actions = {a.id: a for a in lexicon.actions}
        self.rank = {a.id: i for i, a in enumerate(lexicon.actions)}
        phrases = _lexicon_phrases(lexicon)
        self.lexicon = PhraseIndex(phrases.items())
        self.postcodes = [(code, re.compile(pattern)) for code, pattern in lexicon.postcodes]
        self.place_only = self.actions.get(lexicon.place_only)
        ways = sorted((t.text for _, terms in lexicon.directions for t in terms), key=len, reverse=True)
        # a direction word ending the text before an office code: the code is not where the line is
        self.after_direction = re.compile(
            "(?:" + "|".join(r"(?<![^\W\d_])" + re.escape(w) for w in ways) + r")[\s:：]*\Z", re.I) if ways else None
        self.vocabulary = _Vocabulary(list(self.entries) + list(phrases))
        self._cache: dict = {}

    def read(self, line: _parse.Line) -> Structure:
        """The line's structure; lines that differ only in their date and time share one."""
        text = _parse.without_spans(line)
        key = (text, not line.spans)
        structure = self._cache.get(key)
        if structure is None:
            if len(self._cache) > 20000:
                self._cache.clear()
            structure = self._cache[key] = self._read(line, text)
        return structure

    def _read(self, line: _parse.Line, text: str) -> Structure:
        undated = not line.spans
        s = Structure()
        glue = _Glue(line.folded)
        # Words mistyped by a letter are read as the words they miss; an exact wording still
        # has to be there as written to count as one.
        corrected = self.vocabulary.correct(line.toks)
        wording_span = self._wording(s, line, line.toks, glue)
        if s.wording is None and corrected is not None:
            wording_span = self._wording(s, line, corrected, glue)
            s.corrected = s.wording is not None
        sentence = any(map(is_cjk, text)) and not _parse.has_columns(text)
        action_spans = self._lexicon(s, corrected or line.toks, glue, strict=undated, sentence=sentence)
        toks = corrected or line.toks
        if wording_span and s.action is not None and _named_in_quotes(toks, wording_span, action_spans):
            # the wording is a status the line's explanation names ('an event called "Returned
            # to sender"'); the action outside the quotes is what happened
            s.wording = s.matched = wording_span = None
            s.corrected = False
        if wording_span and self._inside_other_action(s, wording_span, action_spans):
            # The wording is part of a longer phrase that means another stage ("Delivered" in
            # Korea Post's "Delivered to Transport companies"): the longer phrase is what was meant.
            s.wording = s.matched = None
            s.corrected = False
        if s.wording is None and corrected is not None and s.action is not None:
            s.corrected = not self._lexicon_without_typos_agrees(s, line, glue, undated, sentence)
        if s.wording is None and s.action is None and not undated and (s.role or s.office) and self.place_only:
            # A row with a date and a place but no status (Korea Post's blank status cells)
            # is the item scanned at that place.
            s.action, s.place_only = self.place_only, True
        s.code_fields = tuple(m.group(1) for m in _COUNTRY_FIELD.finditer(line.norm))
        if s.country is None:
            s.country = _country_code(s.code_fields)
            s.country_by_code = s.country is not None
            s.country = s.country or self._postcode_country(line.norm)
            if s.country == s.named_destination:   # 도착국가 : 중국(CN): the code repeats the field
                s.country = None
        elif s.office is None:
            # A postcode's shape outweighs a country's name: "JAMAICA NY 11430" is in the US.
            s.country = self._postcode_country(line.norm) or s.country
        if s.country is None and s.office is None:
            s.code_country, directed = _office_code_country(line.norm, self.after_direction)
            if directed:   # "来自JPKIXH": the office the item came from
                s.came_from = s.came_from or directed
        remove = (s.matched,) if s.matched and not s.code else ()
        s.location = _parse.location_in(text, remove)
        s.undated_text = _parse.joined_fields(text)
        return s

    def _wording(self, s: Structure, line, toks, glue) -> tuple[int, int] | None:
        """Sets the line's catalog wording; returns the tokens it spans (None for a UPU code)."""
        # A Japanese, Chinese or Korean wording counts where it stands as a word of its own
        # (到着 in a table cell), not inside a sentence (出荷先の国に到着しました).
        glued = glue.glued if len(glue.glued) == len(toks) else None
        hits = self.wordings.findall(toks, accept=lambda i, j: not glue.touches_cjk(toks, i, j), glued=glued)
        if hits:
            # Two statuses on one line ("Arrival at inward office of exchange / In Customs"):
            # the later one in the journey is where the item is.
            start, end, key = max(hits, key=lambda hit: max(self.order[c[0]] for c in self.entries[hit[2]]))
            s.wording = self.entries[key]
            s.matched = s.wording[0][2]
            return start, end
        code = next((c for c in _CODE.findall(line.norm) if c in self.codes), None)
        if code:
            s.wording = ((self.codes[code], None, code, "upu"),)
            s.matched, s.code = code, True
        return None

    def _lexicon(self, s: Structure, toks, glue, strict: bool, sentence: bool) -> list[tuple[int, int, str]]:
        """Actions, kinds of place, sides, offices and countries the line names. strict (on
        undated lines): note when its actions are only CJK words inside longer CJK text, as in
        menu text ("荷物の発送"); sentence: the line is one CJK sentence, not a row of columns."""
        glued = glue.glued if len(glue.glued) == len(toks) else None
        actions, inside, spans = [], [], []
        hits = _unhedged(self.lexicon.findall(toks, None, glued))
        label = _destination_field(toks, hits)
        if label is not None:
            # "Destination country : MEXICO" says where the item goes, not where it is.
            s.named_destination = dict(hits[label + 1][2])["country"]
            hits = hits[:label] + hits[label + 2:]
        heading, last_end = None, 0
        for start, end, facts in hits:
            way = heading if heading and not any(t.isalnum() for t in toks[last_end:start]) else None
            heading, last_end = None, end
            for kind, value in facts:
                if kind == "direction":
                    heading = value
                elif kind == "day-first":
                    s.day_first = True
                elif way and kind in ("office", "country"):
                    # "发往中国", "来自北京": where the item goes or came from, not where it is
                    country = value.country if kind == "office" else value
                    if way == "to":
                        s.bound_for = s.bound_for or country
                        s.named_destination = s.named_destination or country
                    else:
                        s.came_from = s.came_from or country
                elif kind == "action":
                    actions.append(value)
                    spans.append((start, end, value))
                    inside.append(strict and glue.touches_cjk(toks, start, end))
                elif kind == "role":
                    s.role = _stronger_role(s.role, value)
                elif kind == "side":
                    s.side = s.side or value
                elif kind == "office":
                    s.office, s.role = s.office or value.name, _stronger_role(s.role, value.role)
                    s.country = value.country   # the last place named is the line's
                elif kind == "country":
                    s.country = value
        quoted = _quoted(toks) if len(actions) > 1 and not sentence else ()
        if quoted and any(not quoted[start] for start, _, _ in spans):
            # "... an earlier event called 'Returning to sender' ...": a page's explanation
            # names another status; what the line says happened is outside the quotes
            kept = [i for i, (start, _, _) in enumerate(spans) if not quoted[start]]
            actions, inside = [actions[i] for i in kept], [inside[i] for i in kept]
        if actions:
            s.loose = all(inside)
            # Of several, the action ranked last decides, whichever column names it: a courier's
            # description ("Clearance event | Clearance is pending ...") is its status, and a
            # page's explanation ("... will be returned") names no action (reading.hedges). A
            # Japanese, Chinese or Korean sentence ends on what happened last ("税関をパスして
            # ...から発送": passed customs, then was sent on).
            s.action = self.actions[actions[-1] if sentence else max(actions, key=self.rank.__getitem__)]
        return spans

    def _inside_other_action(self, s: Structure, span: tuple[int, int], action_spans) -> bool:
        """Is the wording at span inside a longer action phrase that never means its stage?"""
        stages = {candidate[0] for candidate in s.wording}
        return any(a <= span[0] and span[1] <= b and b - a > span[1] - span[0]
                   and stages.isdisjoint(stage for _, stage in self.actions[action].stages)
                   for a, b, action in action_spans)

    def _lexicon_without_typos_agrees(self, s: Structure, line, glue, undated, sentence) -> bool:
        """Does the line, read as typed, say the same action? (Then no typo was needed.)"""
        plain = Structure()
        self._lexicon(plain, line.toks, glue, strict=undated, sentence=sentence)
        return plain.action is s.action

    def _postcode_country(self, norm: str) -> str | None:
        for code, pattern in self.postcodes:
            if pattern.search(norm):
                return code
        return None


def _country_code(fields: tuple) -> str | None:
    """An ISO country code standing as a field of its own ("HK<tab>Item posted.",
    "[RU,194358]", "(Country: US)"); the last one, as for country names."""
    return next((code for code in reversed(fields) if code in COUNTRIES), None)


def without_code_column_countries(structures: list[Structure]) -> list[Structure]:
    """A paste's two-letter fields are countries only when they look like a country column:
    a courier's event codes (DHL's "PL", "DF", "AF") or a Brazilian state ("SP") name none,
    though some of them are also ISO codes (PL is Poland)."""
    codes = {code for s in structures for code in s.code_fields}
    if len(codes) <= _MAX_COUNTRY_CODES and codes <= COUNTRIES.keys():
        return structures
    return [replace(s, country=None, country_by_code=False) if s.country_by_code else s for s in structures]


# More distinct two-letter fields than this in one paste are not its countries (origin,
# destination and a transit country at most).
_MAX_COUNTRY_CODES = 3


def _destination_field(toks: list[str], hits) -> int | None:
    """The index in hits of a label like "Destination country" followed by a colon and a
    country's name (the field that says where the item goes), or None."""
    for i, (_start, end, facts) in enumerate(hits[:-1]):
        following = hits[i + 1]
        if ("side", "destination") in facts and toks[end:following[0]] == [":"] \
                and any(kind == "country" for kind, _ in following[2]):
            return i
    return None


def _stronger_role(role: str | None, other: str) -> str:
    """Of two kinds of place a line names, the one that says more about the journey: an
    office of exchange over an airport, a sorting centre, a post office ("sorting center in
    the destination country" is where the item entered it)."""
    if role is None:
        return other
    return min(role, other, key=PLACE_ROLES.index)


def _office_code_country(norm: str, after_direction=None) -> tuple[str | None, str | None]:
    """The country of the first token shaped like a UPU office code (CNBJSA), and that of the
    first one right after a direction word ("来自JPKIXH": where the item came from, not where
    the line is). A city in capitals can have that shape too (BERLIN), so evidence.py only
    believes them when the country is one of the item's two ends."""
    here = directed = None
    for m in _OFFICE_CODE.finditer(norm):
        if m.group(1) not in COUNTRIES:
            continue
        if after_direction and after_direction.search(norm, 0, m.start()):
            directed = directed or m.group(1)
        elif here is None:
            here = m.group(1)
    return here, directed


class _Glue:
    """Which tokens of a folded line touch the one before them (no space in between)."""

    def __init__(self, folded: str):
        self.glued = glued_tokens(folded)

    def touches_cjk(self, toks: list[str], start: int, end: int) -> bool:
        """Is the Japanese or Chinese phrase toks[start:end] part of longer CJK text? (Korean
        separates words with spaces, and its particles cling to the word before them.)"""
        if not is_cjk(toks[start]) or _is_hangul(toks[start]) or len(toks) != len(self.glued):
            return False
        glued = self.glued
        return (start > 0 and glued[start] and is_cjk(toks[start - 1])) or \
            (end < len(toks) and glued[end] and is_cjk(toks[end]))


def _is_hangul(token: str) -> bool:
    return "\uac00" <= token[:1] <= "\ud7af"


def _wording_entries(catalog) -> dict[str, tuple]:
    """Folded wording → ((stage, where, text, source), ...); the UPU's own event texts too."""
    entries: dict[str, list] = {}
    for stage in catalog:
        for w in stage.wordings:
            entries.setdefault(w.key, []).append((stage.id, w.where, w.text, w.source))
    for stage in catalog:
        for event in stage.upu:
            key = fold(event.text)
            if key and key not in entries:
                entries[key] = [(stage.id, None, event.text, "upu")]
    return {k: tuple(v) for k, v in entries.items()}


def _named_in_quotes(toks: list[str], span: tuple[int, int], action_spans) -> bool:
    """Is the wording at span inside quotation marks, with an action outside them?"""
    if not _OPENING.keys() & set(toks):
        return False
    quoted = _quoted(toks)
    return quoted[span[0]] and any(not quoted[start] for start, _, _ in action_spans)


def _quoted(toks: list[str]) -> list[bool]:
    """For each token: is it inside quotation marks ('…', "…", “…”, ‘…’)?"""
    inside, opened = [False] * len(toks), None
    for i, tok in enumerate(toks):
        if opened is None and tok in _OPENING:
            opened = (i, _OPENING[tok])
        elif opened is not None and tok == opened[1]:
            for j in range(opened[0] + 1, i):
                inside[j] = True
            opened = None
    return inside


_OPENING = {"'": "'", '"': '"', "“": "”", "‘": "’"}


def _unhedged(hits: list) -> list:
    """The lexicon's hits less the hedges, and less the action of a phrase right after a hedge
    ("may be returned", "poderá ser devolvido": it has not happened)."""
    out, hedge_end = [], None
    for start, end, facts in hits:
        if any(kind == "hedge" for kind, _ in facts):
            hedge_end = end
            continue
        if start == hedge_end:
            facts = tuple(fact for fact in facts if fact[0] != "action")
        hedge_end = None
        out.append((start, end, facts))
    return out


def _lexicon_phrases(lexicon) -> dict[str, tuple]:
    """Folded phrase → its facts ((kind, value), ...): a phrase can name a kind of place and
    a side at once ("outward office of exchange")."""
    facts: dict[str, list] = {}

    def add(key, fact):
        if key:
            facts.setdefault(key, []).append(fact)

    for action in lexicon.actions:
        for t in action.words:
            add(t.key, ("action", action.id))
    for role, terms in lexicon.places:
        for t in terms:
            add(t.key, ("role", role))
    for side, terms in lexicon.sides:
        for t in terms:
            add(t.key, ("side", side))
    for office in lexicon.offices:
        add(office.key, ("office", office))
    for t in lexicon.hedges:
        add(t.key, ("hedge", True))
    day_first = set(lexicon.day_first)
    for action in lexicon.actions:
        for t in action.words:
            if t.lang in day_first:
                add(t.key, ("day-first", True))
    for way, terms in lexicon.directions:
        for t in terms:
            add(t.key, ("direction", way))
    own = {fold(name) for _, names in (*lexicon.countries, *lexicon.regions) for name in names}
    for code, name in COUNTRIES.items():
        if code not in _NOT_COUNTRY_NAMES and fold(name) not in own and fold(name) not in facts:
            add(fold(name), ("country", code))
    for code, names in (*lexicon.countries, *lexicon.regions):
        for name in names:
            add(fold(name), ("country", code))
    return {key: tuple(dict.fromkeys(values)) for key, values in facts.items()}
class _Vocabulary:
    """The Latin words of every wording and lexicon phrase, to read a word mistyped by one
    letter (one missing, extra, wrong or swapped) as the word it was meant to be."""

    def __init__(self, phrases):
        known = {t for phrase in phrases for t in tokens(phrase)}
        words = {t for t in known if len(t) >= _MIN_TYPO_LENGTH and _LATIN_WORD.fullmatch(t) and not t.isdigit()}
        self.words = words
        self.known = known   # a word of the catalog's is no typo, however short ("pelo", not "pelos")
        near: dict[str, str | None] = {}
        for word in words:
            for variant in _deletions(word):
                if variant not in words:
                    near[variant] = word if near.get(variant, word) == word else None
        self.near = near
        self._seen: dict[str, str | None] = {}

    def correct(self, toks: list[str]) -> list[str] | None:
        """toks with each mistyped word replaced, or None when nothing was replaced."""
        out, changed = None, False
        for i, tok in enumerate(toks):
            fixed = self.fix(tok)
            if fixed is not None:
                if out is None:
                    out = list(toks)
                out[i] = fixed
                changed = True
        return out if changed else None

    def fix(self, tok: str) -> str | None:
        if len(tok) < _MIN_TYPO_LENGTH - 1 or tok in self.known or not _LATIN_WORD.fullmatch(tok) \
                or any(c.isdigit() for c in tok):
            return None
        if tok in self._seen:
            return self._seen[tok]
        found = set()
        if tok in self.near and self.near[tok]:
            found.add(self.near[tok])            # a letter missing
        for variant in _deletions(tok):
            if variant in self.words:
                found.add(variant)               # a letter too many
            elif self.near.get(variant) and _slip(tok, self.near[variant]):
                found.add(self.near[variant])    # two letters swapped, or a wrong one in a long word
        result = found.pop() if len(found) == 1 else None
        if len(self._seen) > 10000:
            self._seen.clear()
        self._seen[tok] = result
        return result


def _slip(typed: str, word: str) -> bool:
    """Two neighbouring letters swapped, or (in a long word) one letter wrong: "looked" is a
    word of its own, not a mistyped "booked"."""
    if len(typed) != len(word):
        return False
    diff = [i for i, (a, b) in enumerate(zip(typed, word)) if a != b]
    swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and typed[diff[0]] == word[diff[1]] \
        and typed[diff[1]] == word[diff[0]]
    return swapped or (len(diff) == 1 and len(word) >= _MIN_SUBSTITUTION_LENGTH)


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}
