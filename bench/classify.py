"""Classify time per paste at 30, 1,000 and 100,000 lines, next to a bare str.splitlines() pass.

Run: .venv/bin/python bench/classify.py
Target: a 30-line paste in about 1 ms on CPython; cost per line flat as pastes grow.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "widget"))

from jptrack.catalog import load  # noqa: E402
from jptrack.classify import MAX_INPUT_CHARS, check  # noqa: E402

PASTES = ROOT / "tests" / "fixtures" / "pastes"


def paste(lines: int) -> str:
    """Real fixture lines (Japan Post EN/JA, aggregators, destination posts) repeated to size."""
    pool = []
    for path in sorted(PASTES.glob("*.txt")):
        pool += path.read_text(encoding="utf-8").splitlines()
    return "\n".join((pool * (lines // len(pool) + 1))[:lines])


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    catalog = load(ROOT / "stages.yaml")
    check("warm up", catalog)  # builds the matcher once, as the widget does on first use
    today = date(2026, 10, 1)
    rows = []
    for n, repeat in ((30, 200), (1_000, 20), (100_000, 3)):
        text = paste(n)
        t_check = best(lambda: check(text, catalog, today=today, max_chars=None), repeat)
        t_split = best(lambda: text.splitlines(), max(repeat, 20))
        rows.append((n, len(text), t_check, t_split))
    print(f"{'lines':>8} {'chars':>10} {'classify':>12} {'per line':>10} {'splitlines':>12} {'ratio':>8}")
    for n, chars, t_check, t_split in rows:
        print(f"{n:>8,} {chars:>10,} {t_check * 1e3:>9.3f} ms {t_check / n * 1e6:>7.2f} µs "
              f"{t_split * 1e3:>9.3f} ms {t_check / t_split:>7.0f}x")
    print(f"(max input accepted by check(): {MAX_INPUT_CHARS:,} characters; the 100,000-line paste "
          "is measured with max_chars=None)")
    per_line = [r[2] / r[0] for r in rows]
    print(f"growth of per-line cost 30 → 100,000 lines: {per_line[-1] / per_line[0]:.2f}x (1.0 = linear)")


if __name__ == "__main__":
    main()
