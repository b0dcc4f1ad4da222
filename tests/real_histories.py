"""Real tracking histories (tests/histories/): load them, score a classifier on them, vary them.

Used by bench/accuracy.py (the figures) and tests/test_histories.py (the guard). It reads
only the histories and their hand labels, never the classifier's own parsing: a score must
not lean on the code it scores. tests/histories/LABELLING.md says how they were labelled.

Three questions are asked of every history:

* lines: each labelled line gets its label (a line the labeller left unlabelled must get no
  stage);
* current: the whole history's current stage;
* prefixes: the history cut after each event in time order ("where is it now?" asked at
  every moment of the journey), each prefix's current stage.

An answer is confident-wrong when it is wrong and not marked as a guess: a line's wrong
stage with basis "wording", or a wrong current stage whose event is not "inferred".
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable

import yaml

HISTORIES = Path(__file__).resolve().parent / "histories"
_LOWER = re.compile(r"[a-z]")
# Not a place or a postcode: a date or time ("2017-07-15T04:07:00+08:00"), a "key : value" detail.
_NOT_A_PLACE = re.compile(r"\b(?:19|20)\d\d\b|\d:\d\d|:")
# A line that is only a date and time (a heading over the events below it): numeric, or
# with the month's name ("Mar 27, 2014", "Thursday 27 March 2014").
_DATE_ONLY = re.compile(r"[\d\s/:.\-+TZ年月日時分]+"
                        r"|(?:[A-Za-z]+,? )?(?:[A-Za-z]{3,9}\.? \d{1,2},? \d{4}|\d{1,2} [A-Za-z]{3,9}\.? \d{4})")
SETS = ("dev", "heldout")
UNSURE = "?"
_FIELDS = {"source", "found", "published", "retrieved", "kind", "viewer", "language", "origin",
           "destination", "notes", "lines", "current", "order", "attach"}
KINDS = ("verbatim", "rendered", "retold")


@dataclass
class History:
    name: str
    set: str
    kind: str
    text: str
    labels: dict[int, str | None]      # every non-blank line (1-based) → stage id, None or "?"
    current: str                       # a stage id, or "?" when the labeller cannot tell
    order: str | list                  # oldest-first | newest-first | the event lines, oldest first
    attach: str = "auto"               # where unlabelled lines go: auto | after | before (see event_groups)
    meta: dict = field(default_factory=dict)

    @property
    def group(self) -> str:
        """The set it is scored in: real pastes and retold histories apart."""
        return f"{self.set}-{'retold' if self.kind == 'retold' else 'real'}"

    @property
    def events(self) -> list[int]:
        """Line numbers of the labelled events, oldest first."""
        if isinstance(self.order, list):
            return list(self.order)
        lines = [n for n, label in sorted(self.labels.items()) if label is not None]
        return lines if self.order == "oldest-first" else lines[::-1]

    def event_groups(self) -> tuple[list[int], dict[int, list[int]]]:
        """(lines before the first event, {event line: the lines that go with it}).

        An unlabelled line goes with the event above it (after), or below it (before); auto
        puts a line holding only a date with the event below it (a date heading) and any
        other line with the event above it (its place, its postcode)."""
        lines = sorted(self.labels)
        events = set(self.events)
        all_lines = self.text.splitlines()
        if self.attach == "auto":
            header, groups, owner, pending = [], {}, None, []
            for n in lines:
                if n in events:
                    owner = n
                    groups[n] = pending + [n]
                    pending = []
                elif _DATE_ONLY.fullmatch(all_lines[n - 1].strip()):
                    pending.append(n)
                elif owner is None:
                    header += pending + [n]
                    pending = []
                else:
                    groups[owner] += pending + [n]
                    pending = []
            if owner is not None:
                groups[owner] += pending
            else:
                header += pending
            return header, groups
        header, groups, owner = [], {}, None
        if self.attach == "before":
            pending: list[int] = []
            for n in lines:
                pending.append(n)
                if n in events:
                    groups[n], pending = pending, []
            tail = pending
            last = max(events, default=None)
            if last is not None:
                groups[last] += tail
            else:
                header = tail
            return header, groups
        for n in lines:
            if n in events:
                owner = n
                groups[n] = [n]
            elif owner is None:
                header.append(n)
            else:
                groups[owner].append(n)
        return header, groups


class HistoryError(ValueError):
    """A history or its sidecar is malformed (file and field named)."""


def load(stage_ids: set[str], root: Path = HISTORIES) -> list[History]:
    """Every history of every set, checked against its sidecar."""
    histories = []
    for set_name in SETS:
        for txt in sorted((root / set_name).glob("*.txt")):
            histories.append(_load_one(txt, set_name, stage_ids))
    return histories


def _load_one(txt: Path, set_name: str, stage_ids: set[str]) -> History:
    sidecar = txt.with_suffix(".yaml")
    repo = HISTORIES.parent.parent
    where = str(sidecar.relative_to(repo) if sidecar.is_relative_to(repo) else sidecar)
    if not sidecar.exists():
        raise HistoryError(f"{txt}: no sidecar {sidecar.name}")
    meta = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
    if not isinstance(meta, dict):
        raise HistoryError(f"{where}: expected a mapping")
    unknown = set(meta) - _FIELDS
    if unknown:
        raise HistoryError(f"{where}: unknown fields {sorted(unknown)}")
    for name in ("source", "kind", "lines", "current", "order"):
        if name not in meta:
            raise HistoryError(f"{where}: missing field '{name}'")
    if meta["kind"] not in KINDS:
        raise HistoryError(f"{where}: kind must be one of {KINDS}, got {meta['kind']!r}")
    order = meta["order"]
    if order not in ("oldest-first", "newest-first") and not isinstance(order, list):
        raise HistoryError(f"{where}: order must be oldest-first, newest-first or a list of the event lines")
    text = txt.read_text(encoding="utf-8")
    nonblank = {n for n, line in enumerate(text.splitlines(), 1) if line.strip()}
    labels = {int(k): v for k, v in (meta["lines"] or {}).items()}
    if set(labels) != nonblank:
        missing, extra = sorted(nonblank - set(labels)), sorted(set(labels) - nonblank)
        raise HistoryError(f"{where}: 'lines' must label every non-blank line of {txt.name}; "
                           f"unlabelled {missing}, blank or missing {extra}")
    for n, label in labels.items():
        if label is not None and label != UNSURE and label not in stage_ids:
            raise HistoryError(f"{where}: line {n}: unknown stage {label!r}")
    if meta["current"] not in stage_ids and meta["current"] != UNSURE:
        raise HistoryError(f"{where}: current: unknown stage {meta['current']!r}")
    if meta.get("attach", "auto") not in ("auto", "after", "before"):
        raise HistoryError(f"{where}: attach must be auto, after or before")
    events = sorted(n for n, label in labels.items() if label is not None)
    if isinstance(order, list) and sorted(order) != events:
        raise HistoryError(f"{where}: order must list every event line once; events are {events}")
    history = History(txt.stem, set_name, meta["kind"], text, labels, meta["current"], order,
                      meta.get("attach", "auto"), meta)
    latest = history.events[-1] if history.events else None
    if latest is None or labels[latest] not in (meta["current"], UNSURE):
        raise HistoryError(f"{where}: current is {meta['current']!r} but the latest event "
                           f"(line {latest}) is labelled {labels.get(latest)!r}")
    return history


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------

@dataclass
class Score:
    lines_right: int = 0
    lines: int = 0
    lines_confident_wrong: int = 0
    current_right: int = 0
    currents: int = 0
    current_confident_wrong: int = 0
    prefixes_right: int = 0
    prefixes: int = 0
    prefixes_confident_wrong: int = 0
    mistakes: list = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in vars(self):
            if name != "mistakes":
                setattr(self, name, getattr(self, name) + getattr(other, name))
        self.mistakes += other.mistakes

    @staticmethod
    def rate(right: int, total: int) -> float:
        return right / total if total else 1.0

    @property
    def confident_wrong(self) -> int:
        return self.lines_confident_wrong + self.current_confident_wrong + self.prefixes_confident_wrong

    @property
    def answers(self) -> int:
        return self.lines + self.currents + self.prefixes


Classifier = Callable[[str], dict]


def _by_line(result: dict) -> dict[int, dict]:
    return {e["line"]: e for e in result.get("events") or []}


def _current_event(result: dict) -> dict | None:
    """The event that set the current stage (the one whose basis says how sure it is)."""
    if "current_event" in result:
        line = result["current_event"]
        return _by_line(result).get(line) if line else None
    stage = result.get("current_stage")
    for e in reversed(result.get("events") or []):
        if e.get("stage") == stage:
            return e
    return None


def score_lines(history: History, result: dict, score: Score, variant: str = "") -> None:
    events = _by_line(result)
    for n, label in sorted(history.labels.items()):
        if label == UNSURE:
            continue
        event = events.get(n) or {}
        got = event.get("stage")
        if label is None and got is None:
            continue
        score.lines += 1
        if got == label:
            score.lines_right += 1
            continue
        confident = got is not None and event.get("basis", "wording") == "wording"
        score.lines_confident_wrong += confident
        score.mistakes.append(("line", history.name + variant, n, label, got, confident,
                               history.text.splitlines()[n - 1].strip()[:90]))


def score_current(history: History, result: dict, expected: str, score: Score, what: str,
                  shown: str = "") -> None:
    got = result.get("current_stage")
    right = got == expected
    confident = False
    if not right and got is not None:
        event = _current_event(result) or {}
        confident = event.get("basis", "wording") != "inferred"
    if what == "current":
        score.currents += 1
        score.current_right += right
        score.current_confident_wrong += confident
    else:
        score.prefixes += 1
        score.prefixes_right += right
        score.prefixes_confident_wrong += confident
    if not right:
        score.mistakes.append((what, history.name, None, expected, got, confident, shown))


def prefixes(history: History) -> list[tuple[str, str]]:
    """(text, expected current stage) of the history cut after each event, oldest first.

    A cut keeps the lines before the first event (page heading, number) and the lines of
    the k oldest events, in the page's own order."""
    header, groups = history.event_groups()
    all_lines = history.text.splitlines()
    out = []
    kept: set[int] = set(header)
    for n in history.events:
        kept |= set(groups[n])
        if history.labels[n] == UNSURE:
            continue
        text = "\n".join(all_lines[i - 1] for i in sorted(kept))
        out.append((text, history.labels[n]))
    return out


def score(history: History, classify: Classifier, *, with_prefixes: bool = True) -> Score:
    result = classify(history.text)
    s = Score()
    score_lines(history, result, s)
    if history.current != UNSURE:
        score_current(history, result, history.current, s, "current")
    if with_prefixes:
        cuts = [n for n in history.events if history.labels[n] != UNSURE]   # as prefixes() cuts
        page = history.text.splitlines()
        for (text, expected), n in zip(prefixes(history), cuts):
            score_current(history, classify(text), expected, s, "prefix", f"cut at {n}: {page[n - 1].strip()[:80]}")
    return s


# ---------------------------------------------------------------------------
# Variants: the same history as customers also paste it
# ---------------------------------------------------------------------------

def _relabel(history: History, text: str, labels: dict[int, str | None], name: str, order: str | None = None,
             attach: str | None = None) -> History:
    return History(f"{history.name}~{name}", history.set, history.kind, text, labels, history.current,
                   order or history.order, attach or history.attach, history.meta)


def upper_case(history: History) -> History:
    """The page copied from an all-capitals listing (some posts and aggregators)."""
    lines = [line.upper() for line in history.text.splitlines()]
    return _relabel(history, "\n".join(lines), dict(history.labels), "upper")


def reversed_events(history: History) -> History:
    """The same events listed the other way round (newest-first ↔ oldest-first), each event's
    own lines kept together in their order."""
    header, groups = history.event_groups()
    all_lines = history.text.splitlines()
    new_page = header + [n for block in reversed(_heading_blocks(history, groups, all_lines)) for n in block]
    out_lines, labels = [], {}
    for n in new_page:
        out_lines.append(all_lines[n - 1])
        labels[len(out_lines)] = history.labels[n]
    if isinstance(history.order, list):
        new_no = {n: i for i, n in enumerate(new_page, 1)}
        order = [new_no[n] for n in history.order]
    else:
        order = "newest-first" if history.order == "oldest-first" else "oldest-first"
    return _relabel(history, "\n".join(out_lines), labels, "reversed", order)


def _heading_blocks(history: History, groups: dict[int, list[int]], all_lines: list[str]) -> list[list[int]]:
    """The page's lines in blocks that keep their place when the page is reversed: each event
    with its own lines; under a date heading, the heading first and its events reversed."""
    blocks: list[tuple[list[int], list[list[int]]]] = []
    for event in sorted(groups):
        lines = groups[event]
        heading = [n for n in lines[:lines.index(event)]
                   if history.attach == "auto" and _DATE_ONLY.fullmatch(all_lines[n - 1].strip())]
        if heading or not blocks or not blocks[-1][0]:
            blocks.append((heading, []))
        blocks[-1][1].append([n for n in lines if n not in heading])
    return [head + [n for group in reversed(events) for n in group] for head, events in blocks]


def with_typos(history: History, seed: int = 0) -> History:
    """One slip of the keyboard in the longest Latin word of each event line (two
    neighbouring letters swapped), as in a status typed out by hand."""
    rng = random.Random(f"{history.name}:{seed}")
    lines = history.text.splitlines()
    for n, label in history.labels.items():
        if label is None:
            continue
        words = [w for w in lines[n - 1].split() if w.isascii() and w.isalpha() and len(w) >= 5]
        if not words:
            continue
        word = max(words, key=len)
        i = rng.randrange(1, len(word) - 2)
        typo = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        lines[n - 1] = lines[n - 1].replace(word, typo, 1)
    return _relabel(history, "\n".join(lines), dict(history.labels), "typos")


def two_row(history: History) -> History | None:
    """Japan Post's two-row layout: the last field of each tab-separated event line on a row
    of its own when it is a place or a postcode (no lower-case letters; not a date, a time or
    a "key : value" detail), as the postal code is on the real page. None when no line has
    such a field."""
    out_lines, labels, new_no = [], {}, {}
    changed = False
    for n, line in enumerate(history.text.splitlines(), 1):
        label = history.labels.get(n)
        fields = line.rstrip().split("\t")
        last = fields[-1].strip()
        if label is not None and len(fields) >= 3 and last and not _LOWER.search(last) \
                and not _NOT_A_PLACE.search(last):
            out_lines.append("\t".join(fields[:-1]))
            labels[new_no.setdefault(n, len(out_lines))] = label
            out_lines.append(fields[-1])
            labels[len(out_lines)] = None
            changed = True
        else:
            out_lines.append(line)
            if line.strip():
                labels[new_no.setdefault(n, len(out_lines))] = label
    if not changed:
        return None
    order = [new_no[n] for n in history.order] if isinstance(history.order, list) else history.order
    return _relabel(history, "\n".join(out_lines), labels, "two-row", order, attach="after")


VARIANTS = {"upper": upper_case, "reversed": reversed_events, "typos": with_typos, "two-row": two_row}
