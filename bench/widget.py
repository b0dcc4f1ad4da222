"""How much the checker adds on top of Pyodide itself, in one run, on one served site.

    .venv/bin/python bench/widget.py [--runs 5]

Builds the site into a temp dir (site_url = the address it is served on), adds a bare
page that only does loadPyodide() + runPython("1") in a module worker from the same
files, then in fresh Chromium contexts (cold each time, alternating) measures:

* cold: navigation start → first result, pasting a 30-event history right away; next to
  bare: navigation start → runPython("1") done. Median of --runs each, and the ratio.
* warm round trip (Check pressed → result rendered) for 30 and 10,000 lines.
* main-thread long tasks (> 50 ms, PerformanceObserver "longtask") during load and checks.

Targets: cold ratio ≤ 1.15, warm 30 lines ≤ 5 ms, 10,000 lines ≤ 500 ms, 0 long tasks
from the checker.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import CHROMIUM, CHROMIUM_ARGS, build_site, serve  # noqa: E402

LONGTASKS = """
window.__longtasks = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push({start: e.startTime, ms: e.duration});
  }).observe({type: "longtask", buffered: true});
} catch (e) {}
window.jptrackConfig = {today: "2026-10-01"};
"""

BARE_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bare Pyodide</title>
<script type="module" src="bare.js"></script></head><body><p>bare Pyodide</p></body></html>
"""
BARE_JS = """const worker = new Worker(new URL("bare-worker.js", import.meta.url), {type: "module"});
worker.onmessage = () => { performance.mark("bare:ready"); document.body.dataset.done = "1"; };
"""
BARE_WORKER = """import {{ loadPyodide }} from "./assets/pyodide/{version}/pyodide.mjs";
const pyodide = await loadPyodide({{ indexURL: new URL("./assets/pyodide/{version}/", import.meta.url).href }});
pyodide.runPython("1");
self.postMessage("ready");
"""

EVENTS = [
    ("Posting/Collection", "SHINJUKU", "TOKYO"),
    ("Arrival at outward office of exchange", "TOKYO INTERNATIONAL", "TOKYO"),
    ("Dispatch from outward office of exchange", "TOKYO INTERNATIONAL", "TOKYO"),
    ("Arrival at inward office of exchange", "CHICAGO IL 60666", "UNITED STATES OF AMERICA"),
    ("Item presented to import Customs", "CHICAGO IL 60666", "UNITED STATES OF AMERICA"),
    ("Item returned from import Customs", "CHICAGO IL 60666", "UNITED STATES OF AMERICA"),
]


def history(lines: int) -> str:
    """A Japan Post table paste with `lines` events, dated in order."""
    out = ["Tracking Number: EG123456785JP",
           "Date and time of shipping\tShipping track record\tDetails\tOffice\tZIP code\tPrefecture"]
    for i in range(lines):
        status, office, region = EVENTS[min(i * len(EVENTS) // lines, len(EVENTS) - 1)]
        day, minute = 1 + (i * 27 // max(lines, 1)), i % 60
        out.append(f"09/{day:02d}/2026 {8 + (i // 60) % 12:02d}:{minute:02d}\t{status}\t\t{office}\t\t{region}")
    return "\n".join(out) + "\n"


def wait_state(page, timeout=120_000):
    page.wait_for_function(
        "['result', 'error'].includes(document.querySelector('[data-jptrack-widget]').dataset.state)",
        timeout=timeout)


def cold_checker(browser, url, text):
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(LONGTASKS)
    page.goto(url + "check/", wait_until="commit")
    page.wait_for_selector("[data-jptrack-widget][data-bound]")
    page.evaluate("""(text) => {
        const input = document.querySelector('[data-jptrack-widget] textarea');
        input.value = text;
        input.dispatchEvent(new Event('paste', {bubbles: true}));
    }""", text)
    wait_state(page)
    ms = page.evaluate("performance.getEntriesByName('jptrack:result')[0].startTime")
    return context, page, ms


def cold_bare(browser, url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "bare.html", wait_until="commit")
    page.wait_for_function("document.body && document.body.dataset.done === '1'", timeout=120_000)
    ms = page.evaluate("performance.getEntriesByName('bare:ready')[0].startTime")
    context.close()
    return ms


def warm(page, text, repeat):
    """Median round trip and Python's share; long tasks counted from the click on (setting a
    large textarea value makes Chromium lay it out, which is the browser's cost, not ours)."""
    times, python, longtasks = [], [], []
    page.evaluate("""(text) => {
        const root = document.querySelector('[data-jptrack-widget]');
        root.querySelector('textarea').value = text;
    }""", text)
    page.evaluate("new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))")
    for _ in range(repeat):
        page.evaluate("""() => {
            window.__longtasks = [];
            const root = document.querySelector('[data-jptrack-widget]');
            root.dataset.state = 'waiting';
            root.querySelector('button[type=submit]').click();
        }""")
        wait_state(page)
        page.evaluate("new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))")
        times.append(float(page.get_attribute("[data-jptrack-widget]", "data-last-ms")))
        python.append(float(page.get_attribute("[data-jptrack-widget]", "data-worker-ms")))
        longtasks.extend(page.evaluate("window.__longtasks"))
    return statistics.median(times), statistics.median(python), longtasks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        url, server = serve(site)
        started = time.perf_counter()
        build_site(site, site_url=url)
        build_s = time.perf_counter() - started
        version = json.loads((ROOT / "node_modules/pyodide/package.json").read_text())["version"]
        (site / "bare.html").write_text(BARE_HTML)
        (site / "bare.js").write_text(BARE_JS)
        (site / "bare-worker.js").write_text(BARE_WORKER.format(version=version))

        h30, h10k = history(30), history(10_000)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            cold_bare(browser, url)                         # warm the OS file cache once
            checker_ms, bare_ms, load_longtasks = [], [], []
            for _ in range(args.runs):
                bare_ms.append(cold_bare(browser, url))
                context, page, ms = cold_checker(browser, url, h30)
                checker_ms.append(ms)
                load_longtasks.extend(page.evaluate("window.__longtasks"))
                context.close()
            context, page, _ = cold_checker(browser, url, h30)
            warm30, py30, lt30 = warm(page, h30, 15)
            warm10k, py10k, lt10k = warm(page, h10k, 5)
            check_longtasks = lt30 + lt10k
            context.close()
            browser.close()
        server.shutdown()

    cold, bare = statistics.median(checker_ms), statistics.median(bare_ms)
    ratio = cold / bare
    rows = [
        ("site build (s)", f"{build_s:.2f}", ""),
        (f"cold: bare loadPyodide + runPython('1'), median of {args.runs} (ms)",
         f"{bare:.0f}", ", ".join(f"{x:.0f}" for x in bare_ms)),
        (f"cold: checker, navigation → first result (30 events), median of {args.runs} (ms)",
         f"{cold:.0f}", ", ".join(f"{x:.0f}" for x in checker_ms)),
        ("cold ratio checker / bare (target ≤ 1.15)", f"{ratio:.2f}", "ok" if ratio <= 1.15 else "OVER"),
        ("warm round trip, 30 lines, median of 15 (ms; target ≤ 5)", f"{warm30:.1f}",
         f"{'ok' if warm30 <= 5 else 'OVER'}; of which check() in the worker {py30:.1f}"),
        ("warm round trip, 10,000 lines, median of 5 (ms; target ≤ 500)", f"{warm10k:.1f}",
         f"{'ok' if warm10k <= 500 else 'OVER'}; of which check() in the worker {py10k:.1f}"),
        ("main-thread long tasks > 50 ms during cold loads (all runs)", str(len(load_longtasks)),
         ", ".join(f"{t['ms']:.0f} ms @ {t['start']:.0f}" for t in load_longtasks)),
        ("main-thread long tasks > 50 ms from click to rendered result (warm)", str(len(check_longtasks)),
         ", ".join(f"{t['ms']:.0f} ms" for t in check_longtasks)),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>8}  notes")
    print("-" * (width + 40))
    for name, value, notes in rows:
        print(f"{name:<{width}}  {value:>8}  {notes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
