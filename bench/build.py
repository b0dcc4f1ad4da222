"""Build time of the real site against synthetic catalogs of 100 and 1,000 stages.

Each synthetic catalog is the real stages.yaml with its stages cloned (new ids, new
wordings, new UPU codes, `next` pointing along the clones), written into a temp copy of
the project; each project is built strictly, twice, in a fresh process, and the faster
run counts. The table shows total and per-stage time, so super-linear growth (for example
a nav that lists every stage on every page) shows as a rising per-stage column.

    .venv/bin/python bench/build.py [--sizes 100,1000] [--no-nav]

It also measures the alternative the site does not use: every stage page listed in a
"Stages" nav section (Material then writes the whole nav into every page), instead of
InclusionLevel.NOT_IN_NAV. `--no-nav` skips that (about 3 of the 4 minutes).
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


# A copy of the project (config, hooks, docs, overrides, widget) with the given catalog.
def make_project(dest: Path, stages_yaml: str, nav: bool) -> Path:
    dest.mkdir(parents=True)
    for name in ("hooks", "docs", "overrides", "widget"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("node_modules", "package.json", "package-lock.json"):
        if (ROOT / name).exists():
            (dest / name).symlink_to(ROOT / name)
    (dest / "stages.yaml").write_text(stages_yaml, encoding="utf-8")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if nav:
        config += nav_block(dest, yaml.safe_load(stages_yaml))
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    return dest


# An explicit nav: the hand-written pages, then a "Stages" section listing every stage page.
def nav_block(project: Path, data: dict) -> str:
    docs = sorted(p.relative_to(project / "docs").as_posix() for p in (project / "docs").rglob("*.md"))
    docs.remove("index.md")
    lines = ["\nnav:", "  - index.md"] + [f"  - {d}" for d in docs] + ["  - statuses.md", "  - Stages:"]
    lines += [f"      - stages/{s['id']}.md" for s in data["stages"]]
    return "\n".join(lines) + "\n"


# The real catalog with its stages cloned to reach `count` (ids, wordings and codes made unique).
def synthetic(count: int) -> str:
    data = yaml.safe_load((ROOT / "stages.yaml").read_text(encoding="utf-8"))
    real = data["stages"]
    codes = ("".join(c) for c in itertools.product("QRSTUVWXYZ", string.ascii_uppercase, string.ascii_uppercase))
    stages = []
    for i in range(count):
        base = real[i % len(real)]
        stage = {**base, "id": f"{base['id']}-{i}", "order": i}
        stage["wordings"] = [{**w, "text": f"{w['text']} {i}"} for w in base["wordings"]]
        stage["upu"] = [{**u, "code": next(codes)} for u in base.get("upu", [])]
        stage["next"] = [f"{real[(i + 1) % len(real)]['id']}-{i + 1}"] if i + 1 < count else []
        stage["examples"] = [f"{e} {i}" for e in base["examples"]]
        stages.append(stage)
    data["stages"] = stages
    # The reading lexicon names stages: its first clones stand for them.
    first_clone = {base["id"]: f"{base['id']}-{k}" for k, base in enumerate(real)}
    for action in data.get("reading", {}).get("actions", []):
        action["stages"] = {where: first_clone[stage] for where, stage in action["stages"].items()}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


# Seconds for one strict build in a fresh process (imports included, as `mkdocs build` pays them).
def build_time(project: Path, site: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    subprocess.run([PY, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(project / "mkdocs.yml"),
                    "-d", str(site)], check=True, env=env, cwd=project)
    return time.perf_counter() - start


def measure(label: str, stages_yaml: str, count: int, nav: bool, tmp: Path, runs: int) -> dict:
    project = make_project(tmp / f"{label}-{'nav' if nav else 'nonav'}", stages_yaml, nav)
    seconds = min(build_time(project, project / "site") for _ in range(runs))
    pages = sum(1 for _ in (project / "site").rglob("index.html"))
    size = sum(f.stat().st_size for f in (project / "site").rglob("*.html")) / 1e6
    shutil.rmtree(project)
    return {"label": label, "stages": count, "nav": nav, "s": seconds, "pages": pages, "mb": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="synthetic stage counts")
    parser.add_argument("--no-nav", action="store_true", help="skip the stages-in-nav comparison")
    parser.add_argument("--runs", type=int, default=2, help="builds per size (the fastest counts)")
    args = parser.parse_args()

    real_yaml = (ROOT / "stages.yaml").read_text(encoding="utf-8")
    real_count = len(yaml.safe_load(real_yaml)["stages"])
    cases = [("real", real_yaml, real_count)]
    cases += [(f"synthetic-{n}", synthetic(n), n) for n in map(int, args.sizes.split(","))]
    modes = [False] if args.no_nav else [False, True]

    rows = []
    with tempfile.TemporaryDirectory(prefix="jptrack-bench-") as tmp:
        for nav in modes:
            for label, text, count in cases:
                runs = args.runs if count <= 100 else 1
                rows.append(measure(label, text, count, nav, Path(tmp), runs))
                print(f"  built {label} ({'stages in nav' if nav else 'stages not in nav'}): "
                      f"{rows[-1]['s']:.2f} s", file=sys.stderr, flush=True)

    base = {nav: next(r for r in rows if r["nav"] == nav) for nav in modes}
    print(f"{'catalog':<16}{'nav':<13}{'stages':>7}{'pages':>7}{'build s':>9}"
          f"{'ms/stage':>10}{'vs real':>9}{'HTML MB':>9}")
    for r in rows:
        print(f"{r['label']:<16}{'stages listed' if r['nav'] else 'not in nav':<13}{r['stages']:>7}"
              f"{r['pages']:>7}{r['s']:>9.2f}{1000 * r['s'] / r['stages']:>10.1f}"
              f"{r['s'] / base[r['nav']]['s']:>8.1f}x{r['mb']:>9.1f}")


if __name__ == "__main__":
    main()
