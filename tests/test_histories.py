"""Real tracking histories (tests/histories/): the classifier keeps what bench/accuracy.py
measured, on the histories as collected and as customers also paste them.

The floors are the figures measured when they were set, less a small margin: a change that
loses real-world accuracy fails here, and a change that gains some can raise them. The
held-out histories are scored like the others but were never read while tuning
(tests/histories/LABELLING.md).
"""

from __future__ import annotations

import textwrap
from datetime import date

import pytest

import real_histories as rh
from conftest import ROOT
from jptrack.catalog import load
from jptrack.classify import check

CATALOG = load(ROOT / "stages.yaml")
STAGES = {s.id for s in CATALOG}
TODAY = date(2026, 12, 2)
HISTORIES = rh.load(STAGES)
REAL = [h for h in HISTORIES if h.kind != "retold"]

# set -> (lines, current stages, prefixes) as fractions, and confident-wrong answers at most:
# the figures reached, as a guard (the targets are higher). Lowered on 2026-12-02 and on
# 2026-12-03 (six times), when histories collected those days joined both sets before any
# tuning on them; raised to the figures reached at the end of stop 27 (2026-12-03); the
# retold floors lowered again when a ninth batch of retold histories joined, then all
# raised to the figures reached at the end of stop 28 (2026-12-03).
FLOORS = {
    "dev-real": ((0.85, 0.98, 0.81), 0.01),
    "heldout-real": ((0.77, 0.91, 0.76), 0.01),
    "dev-retold": ((0.63, 0.73, 0.68), 0.01),
    "heldout-retold": ((0.34, 0.30, 0.40), 0.02),
}


def classify(text: str) -> dict:
    return check(text, CATALOG, today=TODAY)


def test_enough_real_histories_and_a_third_held_out():
    assert len(REAL) >= 35
    held_out = [h for h in REAL if h.set == "heldout"]
    assert len(held_out) * 3 >= len(REAL)
    assert {h.kind for h in HISTORIES} == {"verbatim", "rendered", "retold"}


@pytest.mark.parametrize("group", sorted(FLOORS))
def test_accuracy_floor(group):
    (lines, current, prefixes), confident = FLOORS[group]
    total = rh.Score()
    for history in (h for h in HISTORIES if h.group == group):
        total.add(rh.score(history, classify))
    got = (rh.Score.rate(total.lines_right, total.lines), rh.Score.rate(total.current_right, total.currents),
           rh.Score.rate(total.prefixes_right, total.prefixes))
    assert all(g >= f for g, f in zip(got, (lines, current, prefixes))), \
        f"{group}: lines, current, prefixes {got} below {(lines, current, prefixes)}; see bench/accuracy.py"
    assert total.confident_wrong <= confident * total.answers, (group, total.confident_wrong, total.answers)


def _stages(result: dict) -> dict[int, str | None]:
    return {e["line"]: e["stage"] for e in result["events"]}


@pytest.mark.parametrize("history", REAL, ids=[h.name for h in REAL])
def test_upper_case_reads_the_same(history):
    """Some pages print everything in capitals: the same stage for every line."""
    varied = rh.upper_case(history)
    assert _stages(classify(varied.text)) == _stages(classify(history.text))


@pytest.mark.parametrize("history", REAL, ids=[h.name for h in REAL])
def test_reversed_page_keeps_its_current_stage(history):
    """Newest first or oldest first, the same item is at the same stage."""
    if classify(history.text)["current_stage"] != history.current:
        pytest.skip("the current stage is wrong on the page as collected (see bench/accuracy.py)")
    assert classify(rh.reversed_events(history).text)["current_stage"] == history.current


def test_typos_keep_most_current_stages():
    """One slip of the keyboard in every event line costs at most one history in ten."""
    same = sum(classify(rh.with_typos(h).text)["current_stage"] == classify(h.text)["current_stage"] for h in REAL)
    assert same >= 0.9 * len(REAL)


def test_two_row_layout_keeps_the_current_stages():
    """A place or postcode on a row of its own under its event (Japan Post's page)."""
    pairs = [(h, rh.two_row(h)) for h in REAL]
    pairs = [(h, v) for h, v in pairs if v is not None]
    assert len(pairs) >= 10
    same = sum(classify(v.text)["current_stage"] == classify(h.text)["current_stage"] for h, v in pairs)
    assert same >= 0.9 * len(pairs)


def test_prefixes_are_cut_in_time_order():
    """A newest-first history cut after its oldest event holds that event only (and the
    page's heading lines)."""
    history = next(h for h in REAL if h.order == "newest-first" and h.name.startswith("usps-"))
    first_text, first_stage = rh.prefixes(history)[0]
    assert first_stage == history.labels[history.events[0]]
    assert len([n for n in history.labels if history.labels[n]]) > 1
    assert history.text.splitlines()[history.events[0] - 1].strip() in first_text
    assert history.text.splitlines()[history.events[-1] - 1].strip() not in first_text


# ---------------------------------------------------------------------------
# A history or sidecar with a mistake is refused, naming file and field
# ---------------------------------------------------------------------------

SIDECAR = textwrap.dedent("""\
    source: https://example.org/a-real-page
    kind: verbatim
    order: oldest-first
    lines:
      1: posting-collection
      2: final-delivery
    current: final-delivery
""")


def _write(tmp_path, sidecar: str, text: str = "2026/09/20 引受\n2026/09/27 お届け済み\n"):
    folder = tmp_path / "dev"
    folder.mkdir()
    (folder / "h.txt").write_text(text, encoding="utf-8")
    (folder / "h.yaml").write_text(sidecar, encoding="utf-8")
    return tmp_path


def test_a_valid_sidecar_loads(tmp_path):
    [history] = rh.load(STAGES, _write(tmp_path, SIDECAR))
    assert (history.name, history.current, history.events) == ("h", "final-delivery", [1, 2])


@pytest.mark.parametrize(("old", "new", "message"), [
    ("kind: verbatim", "kind: made-up", "kind must be one of"),
    ("  2: final-delivery\n", "", "must label every non-blank line"),
    ("  2: final-delivery", "  2: final-delivered", "line 2: unknown stage 'final-delivered'"),
    ("current: final-delivery", "current: posting-collection", "the latest event (line 2)"),
    ("order: oldest-first", "order: sideways", "order must be"),
    ("order: oldest-first", "order: [1]", "order must list every event line once"),
    ("source: https://example.org/a-real-page\n", "", "missing field 'source'"),
    ("kind: verbatim", "kind: verbatim\nsorce: x", "unknown fields ['sorce']"),
], ids=["kind", "unlabelled-line", "stage", "current", "order", "order-list", "source", "unknown-field"])
def test_a_broken_sidecar_is_refused_with_its_file_and_field(tmp_path, old, new, message):
    assert old in SIDECAR
    with pytest.raises(rh.HistoryError, match="h.yaml") as error:
        rh.load(STAGES, _write(tmp_path, SIDECAR.replace(old, new)))
    assert message in str(error.value)


def test_a_history_without_sidecar_is_refused(tmp_path):
    root = _write(tmp_path, SIDECAR)
    (root / "dev" / "h.yaml").unlink()
    with pytest.raises(rh.HistoryError, match="no sidecar h.yaml"):
        rh.load(STAGES, root)
