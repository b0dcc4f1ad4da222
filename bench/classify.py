"""Classify time per paste at 30, 1,000, 10,000 and 100,000 lines, and how it grows.

Run: .venv/bin/python bench/classify.py [--baseline DIR] [--pyodide]

  --baseline DIR  also time an older copy of the package (DIR holds its *.py files: e.g.
                  `cp -r widget/jptrack /tmp/jptrack_old` before editing) and print both
                  side by side. The two copies run interleaved, so load from other
                  processes hits both alike.
  --pyodide       also run the same bench in Node under the pinned Pyodide
                  (node_modules/pyodide), as the browser worker runs check().

Targets: a 30-line paste in about 1 ms on CPython (≤ 5 ms for the browser round trip);
cost per line flat as pastes grow (growth 1.0).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "widget" / "jptrack"
PASTES = ROOT / "tests" / "fixtures" / "pastes"
TODAY = date(2026, 10, 1)

# (lines, repeats): the minimum of the repeats is reported.
CPYTHON_SIZES = ((30, 200), (1_000, 20), (10_000, 5), (100_000, 3))
PYODIDE_SIZES = ((30, 50), (1_000, 5), (10_000, 3))


SPLITLINES = "str.splitlines()"


def pool_lines(pastes: Path = PASTES) -> list[str]:
    """Real fixture lines (Japan Post EN/JA, aggregators, destination posts)."""
    pool = []
    for path in sorted(pastes.glob("*.txt")):
        pool += path.read_text(encoding="utf-8").splitlines()
    return pool


def paste(pool: list[str], lines: int) -> str:
    """The pool repeated to the given number of lines."""
    return "\n".join((pool * (lines // len(pool) + 1))[:lines])


def measure(packages: list[str], catalog_json: str, pool: list[str], sizes) -> dict:
    """{package: [(lines, chars, seconds)]}, the packages' runs interleaved per repeat."""
    checks = {}
    for name in packages:
        catalog = importlib.import_module(f"{name}.catalog").load_json(catalog_json)
        classify = importlib.import_module(f"{name}.classify")
        paused = getattr(classify, "cyclic_gc_paused", contextlib.nullcontext)
        check = classify.check
        check("warm up", catalog)  # builds the matcher once, as the widget does on first use
        checks[name] = (check, catalog, paused)
    rows = {name: [] for name in packages}
    rows[SPLITLINES] = []
    for lines, repeat in sizes:
        text = paste(pool, lines)
        best = dict.fromkeys(packages, float("inf"))
        best[SPLITLINES] = min(_timed(text.splitlines) for _ in range(max(repeat, 20)))
        for _ in range(repeat):
            for name, (check, catalog, paused) in checks.items():
                gc.collect()  # start each run with no garbage left by the other package's run
                t0 = time.perf_counter()
                with paused():   # as the command and the browser worker run it
                    check(text, catalog, today=TODAY, max_chars=None)
                best[name] = min(best[name], time.perf_counter() - t0)
        for name in rows:
            rows[name].append((lines, len(text), best[name]))
    return rows


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def table(title: str, rows: dict) -> str:
    """Side-by-side table: ms and µs per line for each package, its ratio to a bare
    str.splitlines() pass over the same text, and the speed-up when comparing two packages."""
    split = rows.pop(SPLITLINES)
    names = list(rows)
    head = f"{'lines':>8} {'chars':>10} {'splitlines ms':>14}" + "".join(
        f" {n + ' ms':>14} {'µs/line':>8} {'/split':>7}" for n in names)
    if len(names) == 2:
        head += f" {'speed-up':>9}"
    out = [title, head]
    for i, (lines, chars, split_time) in enumerate(split):
        row = f"{lines:>8,} {chars:>10,} {split_time * 1e3:>14.3f}"
        times = [rows[n][i][2] for n in names]
        row += "".join(f" {t * 1e3:>14.3f} {t / lines * 1e6:>8.2f} {t / split_time:>6.0f}x" for t in times)
        if len(names) == 2:
            row += f" {times[0] / times[1]:>8.2f}x"
        out.append(row)
    growth = "  ".join(f"{n}: {r[-1][2] / r[-1][0] / (r[0][2] / r[0][0]):.2f}x" for n, r in rows.items())
    out.append(f"growth of per-line cost {rows[names[0]][0][0]:,} → {rows[names[0]][-1][0]:,} lines "
               f"(1.0 = linear): {growth}")
    return "\n".join(out)


def _baseline_package(source: Path, workdir: Path) -> Path:
    """A copy of the baseline package importable as `jptrack_old` (it uses relative imports)."""
    target = workdir / "jptrack_old"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _catalog_json() -> str:
    sys.path.insert(0, str(PACKAGE.parent))
    from jptrack.catalog import load

    return load(ROOT / "stages.yaml").to_json()


def run_pyodide(packages: dict[str, Path], catalog_json: str) -> dict:
    """The same bench in Node under Pyodide: zip the packages, this file and the pastes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, folder in packages.items():
            for path in sorted(folder.glob("*.py")):
                archive.write(path, f"{name}/{path.name}")
        archive.write(__file__, "bench_classify.py")
        archive.writestr("stages.json", catalog_json)
        archive.writestr("pool.json", json.dumps(pool_lines(), ensure_ascii=False))
        archive.writestr("args.json", json.dumps({"packages": list(packages), "sizes": PYODIDE_SIZES}))
    with tempfile.TemporaryDirectory() as tmp:
        zip_path = Path(tmp) / "bench.zip"
        zip_path.write_bytes(buffer.getvalue())
        run = subprocess.run(["node", str(ROOT / "bench" / "pyodide.mjs"), str(zip_path)],
                             capture_output=True, text=True, cwd=ROOT, timeout=1800)
    if run.returncode:
        raise SystemExit(run.stderr[-3000:])
    return json.loads(run.stdout)


def pyodide_main(folder: str) -> str:
    """Entry point inside Pyodide (bench/pyodide.mjs): the bench's rows as JSON."""
    base = Path(folder)
    args = json.loads((base / "args.json").read_text(encoding="utf-8"))
    pool = json.loads((base / "pool.json").read_text(encoding="utf-8"))
    catalog_json = (base / "stages.json").read_text(encoding="utf-8")
    return json.dumps(measure(args["packages"], catalog_json, pool, args["sizes"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="folder of an older jptrack package to compare with")
    parser.add_argument("--pyodide", action="store_true", help="also run under Pyodide in Node")
    args = parser.parse_args()

    catalog_json = _catalog_json()
    packages = {"jptrack": PACKAGE}
    with tempfile.TemporaryDirectory() as tmp:
        if args.baseline:
            packages = {"jptrack_old": _baseline_package(args.baseline, Path(tmp)), **packages}
            sys.path.insert(0, tmp)
        rows = measure(list(packages), catalog_json, pool_lines(), CPYTHON_SIZES)
        print(table(f"CPython {sys.version.split()[0]}", rows))
        if args.pyodide:
            print()
            print(table("Pyodide in Node", run_pyodide(packages, catalog_json)))


if __name__ == "__main__":
    main()
