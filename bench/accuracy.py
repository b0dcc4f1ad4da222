"""How often the classifier is right on real tracking histories, next to a plain wording table.

Run: .venv/bin/python bench/accuracy.py [--baseline DIR] [--mistakes SET] [--variants]

For each set of tests/histories/ (dev and held-out; real pastes and retold histories
apart) it prints, side by side for each classifier:

  lines      labelled lines given their label (and unlabelled lines given no stage)
  current    histories whose current stage is right
  prefixes   the history cut after each event in time order: current stage right
  conf-wrong wrong answers not marked as guesses (a wrong line with basis "wording", a
             wrong current stage whose event is not "inferred"), over all answers

Classifiers: `table` looks each line up in the catalog's wordings and UPU texts (longest
match, first stage listed; the current stage is the latest dated match): what a tracker
with a table of published wordings does. `jptrack` is the package in widget/. With
--baseline DIR, `old` is an older copy of the package (e.g. `git worktree add /tmp/old
<commit>`, then DIR=/tmp/old/widget/jptrack).

--mistakes SET lists every wrong answer of jptrack on that set (dev-real, ...). Never ask
it for a held-out set while tuning: those are scored, not read.
--dev scores the dev sets only: what to run while tuning.
A second table scores the items posted in or bound for the catalog's home country (Japan),
the traffic the site is for. --variants also scores the dev and held-out real sets in upper case, reversed, with typos
and in the two-row layout (tests/real_histories.py).

Targets (issue 15): held-out ≥ 95% lines, current stages and prefixes; confident-wrong ≤ 1%.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "widget"))
sys.path.insert(0, str(ROOT / "tests"))

import real_histories as rh  # noqa: E402
from jptrack.catalog import load  # noqa: E402
from jptrack.normalize import fold  # noqa: E402
from jptrack import parse  # noqa: E402
from jptrack.phrases import PhraseIndex  # noqa: E402

TODAY = date(2026, 12, 2)   # the day the histories were collected


def wording_table(catalog):
    """The baseline: every line looked up in the published wordings, nothing inferred."""
    phrases = []
    for stage in catalog:
        for wording in stage.wordings:
            phrases.append((wording.key, stage.id))
        for event in stage.upu:
            phrases.append((fold(event.text), stage.id))
            phrases.append((event.code.casefold(), stage.id))
    seen, unique = set(), []
    for key, stage_id in phrases:      # the first stage listed keeps a shared wording
        if key not in seen:
            seen.add(key)
            unique.append((key, stage_id))
    index = PhraseIndex(unique)

    def classify(text: str) -> dict:
        events = []
        for line in parse.scan(text, today=TODAY):
            hit = index.search(line.toks)
            if hit:
                events.append({"line": line.no, "stage": hit[2], "basis": "wording",
                               "_when": (line.date or date.min, line.minutes or -1)})
        dated = [e for e in events if e["_when"][0] != date.min]
        latest = max(dated, key=lambda e: e["_when"]) if dated else (events[-1] if events else None)
        return {"events": events, "current_stage": latest["stage"] if latest else None}

    return classify


def package_classifier(module_name: str, catalog_path: Path):
    catalog_module = importlib.import_module(f"{module_name}.catalog")
    classify_module = importlib.import_module(f"{module_name}.classify")
    catalog = catalog_module.load(catalog_path)
    return lambda text: classify_module.check(text, catalog, today=TODAY)


def percent(right: int, total: int) -> str:
    return f"{100 * rh.Score.rate(right, total):5.1f}% ({right}/{total})"


def table(groups: dict[str, list], classifiers: dict) -> tuple[str, dict]:
    scores = {}
    out = []
    names = list(classifiers)
    head = f"{'set':<24}{'n':>4}  {'classifier':<9}{'lines':>20}{'current':>18}{'prefixes':>20}{'conf-wrong':>20}"
    out.append(head)
    for group, histories in groups.items():
        for name in names:
            total = rh.Score()
            for history in histories:
                total.add(rh.score(history, classifiers[name]))
            scores[(group, name)] = total
            out.append(f"{group if name == names[0] else '':<24}{len(histories) if name == names[0] else '':>4}  "
                       f"{name:<9}{percent(total.lines_right, total.lines):>20}"
                       f"{percent(total.current_right, total.currents):>18}"
                       f"{percent(total.prefixes_right, total.prefixes):>20}"
                       f"{percent(total.confident_wrong, total.answers):>20}")
    return "\n".join(out), scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="folder of an older jptrack package to compare with")
    parser.add_argument("--mistakes", metavar="SET",
                        help="list jptrack's wrong answers on this set (with --variants, also 'dev-real two-row', ...)")
    parser.add_argument("--variants", action="store_true", help="also score the real sets' variants")
    parser.add_argument("--dev", action="store_true", help="score the dev sets only (while tuning)")
    args = parser.parse_args()

    catalog_path = ROOT / "stages.yaml"
    catalog = load(catalog_path)
    histories = rh.load({s.id for s in catalog})
    groups: dict[str, list] = {}
    for history in histories:
        groups.setdefault(history.group, []).append(history)
    groups = {g: groups[g] for g in sorted(groups, key=lambda g: (not g.startswith("dev"), g))
              if g.startswith("dev") or not args.dev}

    classifiers = {"table": wording_table(catalog)}
    with tempfile.TemporaryDirectory() as tmp:
        if args.baseline:
            shutil.copytree(args.baseline, Path(tmp) / "jptrack_old",
                            ignore=shutil.ignore_patterns("__pycache__"))
            sys.path.insert(0, tmp)
            classifiers["old"] = package_classifier("jptrack_old", catalog_path)
        classifiers["jptrack"] = package_classifier("jptrack", catalog_path)

        print(f"Real tracking histories (tests/histories/), {len(histories)} in all; today = {TODAY}")
        text, scores = table(groups, classifiers)
        print(text)
        home = catalog.reading.home
        ours = {f"{group} {home}": [h for h in items if home in (h.meta.get("origin"), h.meta.get("destination"))]
                for group, items in groups.items()}
        print(f"\nOf which items posted in {home} or bound for it (the site's own traffic; jptrack only)")
        print(table({g: items for g, items in ours.items() if items}, {"jptrack": classifiers["jptrack"]})[0]
              .split("\n", 1)[1])
        if args.variants:
            print("\nVariants of the real sets (jptrack only)")
            for name, make in rh.VARIANTS.items():
                varied = {}
                for group, items in groups.items():
                    if group.endswith("-real") and (group.startswith("dev") or not args.dev):
                        varied[f"{group} {name}"] = [v for v in map(make, items) if v is not None]
                text, varied_scores = table(varied, {"jptrack": classifiers["jptrack"]})
                print(text.split("\n", 1)[1])
                groups.update(varied)   # --mistakes "dev-real two-row" lists a variant's
                scores.update(varied_scores)
        if args.mistakes:
            if args.mistakes not in groups:
                raise SystemExit(f"no set {args.mistakes!r}; the sets are {list(groups)}")
            print(f"\nWrong answers of jptrack on {args.mistakes} (kind, history, line, expected, got, confident)")
            for mistake in scores[(args.mistakes, "jptrack")].mistakes:
                kind, name, line, expected, got, confident, text = mistake
                flag = "CONFIDENT " if confident else ""
                print(f"  {flag}{kind:<7} {name}:{line or ''}  want {expected}  got {got}  {text}")


if __name__ == "__main__":
    main()
