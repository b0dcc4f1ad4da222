"""The checker's fast start: the memory snapshot and the trimmed stdlib the site build makes.

The worker restores the snapshot when its header carries the pinned Pyodide's build id,
and must fall back to a plain load (full stdlib, archive + catalog) whenever the snapshot
or its stdlib is missing, corrupted or made for another build. By default it only takes
the snapshot when the HTTP cache holds it or the wasm arrived fast; on a slow first visit
it boots on the trimmed stdlib. The root's `data-engine` says which start was used
("snapshot", "trimmed", "plain"). The build must make the same bytes from the same inputs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, emulate_network, hook_module, page_assets
from test_checker import (  # noqa: F401  (fixtures are used by name)
    HISTORIES, WIDGET, checker_site, checker_url, configure, served_checker_site, shown, submit,
)

TEXT = HISTORIES["japan-post-en"]["text"]


# The English checker's files (every language's snapshot and catalog share the folder).
def assets(site, *keys: str):
    folder = site / "assets" / "checker"
    listed = page_assets(site / "check" / "index.html")
    return tuple(folder / listed[key] for key in (keys or ("snapshot", "stdlib")))


def check_and_engine(page, url, **settings):
    configure(page, **settings)
    page.goto(url + "check/")
    assert submit(page, TEXT) == "result"
    assert shown(page)["stage"]
    return (page.get_attribute(WIDGET, "data-engine"), page.get_attribute(WIDGET, "data-engine-fallback"))


def test_site_ships_a_snapshot_for_the_pinned_build(checker_site):
    snapshot, stdlib = assets(checker_site)
    packed = snapshot.read_bytes()
    hook = hook_module("_assets")
    image = hook.unpack_snapshot(packed)
    # every all-zero block of the memory is left out: the packed file holds at most the others
    block = hook.PACK_BLOCK
    nonzero = sum(1 for i in range(0, len(image), block) if image[i:i + block].strip(b"\0"))
    runs = int.from_bytes(packed[8:12], "little")
    assert nonzero * block < len(image), "the memory has zero blocks to leave out"
    assert len(packed) <= 12 + 8 * runs + nonzero * block, "the zero pages should be left out"
    assert hook.pack_snapshot(image) == packed
    head = image[:48]
    assert int.from_bytes(head[:4], "little") == 0x706E7300
    build_id = re.search(r'BUILD_ID:"([0-9a-f]{64})"',
                         (ROOT / "node_modules/pyodide/pyodide.mjs").read_text()).group(1)
    words = [int.from_bytes(head[i:i + 4], "little") for i in range(16, 48, 4)]
    assert "".join(f"{w:08x}" for w in words) == build_id
    listed = page_assets(checker_site / "check" / "index.html")
    assert (listed["snapshot"], listed["stdlib"], listed["buildId"]) == (snapshot.name, stdlib.name, build_id)


def test_restores_the_snapshot(page, checker_url):
    assert check_and_engine(page, checker_url, snapshot="always") == ("snapshot", None)


def test_warms_up_in_the_background_after_a_snapshot_start(page, checker_url):
    # A snapshot start skips Python's boot, so the worker runs the catalog's examples for a
    # moment to get V8 to optimise the interpreter; checks keep working during and after it.
    assert check_and_engine(page, checker_url, snapshot="always") == ("snapshot", None)
    page.wait_for_function("performance.getEntriesByName('jptrack:warm').length > 0", timeout=30_000)
    ready = page.evaluate("performance.getEntriesByName('jptrack:ready')[0].startTime")
    warm = page.evaluate("performance.getEntriesByName('jptrack:warm')[0].startTime")
    assert warm > ready
    assert submit(page, TEXT) == "result" and shown(page)["stage"]


def test_plain_load_when_asked(page, checker_url):
    configure(page, snapshot=False)
    page.goto(checker_url + "check/")
    assert submit(page, TEXT) == "result"
    assert page.get_attribute(WIDGET, "data-engine") == "plain"


def _corrupt_build_id(packed: bytes) -> bytes:
    hook = hook_module("_assets")
    image = hook.unpack_snapshot(packed)
    return hook.pack_snapshot(image[:20] + bytes([image[20] ^ 0xFF]) + image[21:])


@pytest.mark.parametrize("fault", ["404", "500", "garbage", "other-build", "truncated"])
def test_falls_back_when_the_snapshot_is_bad(page, checker_url, checker_site, fault):
    snapshot, _ = assets(checker_site)
    data = snapshot.read_bytes()
    body = {"garbage": b"\x00not a snapshot" * 4096, "other-build": _corrupt_build_id(data),
            "truncated": data[: len(data) // 3]}.get(fault)
    status = {"404": 404, "500": 500}.get(fault, 200)

    def handle(route):
        if body is None:
            route.fulfill(status=status, body="nope")
        else:
            route.fulfill(status=200, body=body, headers={"Content-Type": "application/octet-stream"})

    page.route("**/assets/checker/snapshot-*.bin", handle)
    engine, reason = check_and_engine(page, checker_url, snapshot="always")
    assert engine == "plain", reason
    assert reason


@pytest.mark.parametrize("policy", ["always", "never"])   # after a snapshot, or booting on it
def test_falls_back_when_the_trimmed_stdlib_is_missing(page, checker_url, policy):
    page.route("**/assets/checker/stdlib-*.zip", lambda route: route.fulfill(status=404, body="nope"))
    engine, reason = check_and_engine(page, checker_url, snapshot=policy)
    assert engine == "plain"
    assert reason


@pytest.mark.parametrize("policy, engine", [("always", "snapshot"), ("never", "trimmed")])
def test_the_wasm_is_requested_once_per_start(page, checker_url, policy, engine):
    # The worker compiles the wasm from its own request and answers Pyodide's with a
    # stand-in: a second request read the 9.6 MB again (from the cache on a repeat visit,
    # where the network service's gzip decoding competed with the compile for the CPU).
    wasm_gets = []
    page.on("request", lambda r: r.method == "GET" and r.url.endswith("/pyodide.asm.wasm")
            and wasm_gets.append(r.url))
    assert check_and_engine(page, checker_url, snapshot=policy) == (engine, None)
    assert len(wasm_gets) == 1, wasm_gets


def test_same_answers_from_every_start(browser, checker_url):
    answers = {}
    for snapshot in ("always", "never", False):
        context = browser.new_context()
        page = context.new_page()
        configure(page, snapshot=snapshot)
        page.goto(checker_url + "check/")
        answers[snapshot] = []
        for name, history in HISTORIES.items():
            page.evaluate(f"document.querySelector('{WIDGET}').dataset.today = {json.dumps(history.get('today') or '2026-10-01')}")
            assert submit(page, history["text"]) == "result"
            answers[snapshot].append((name, shown(page)))
        expected = {"always": "snapshot", "never": "trimmed", False: "plain"}[snapshot]
        assert page.get_attribute(WIDGET, "data-engine") == expected
        context.close()
    differences = [f"{name} {field}: " + " | ".join(f"{start}: {dict(answers[start])[name][field]!r}"
                                                    for start in answers)
                   for name, shown_plain in answers[False] for field in shown_plain
                   if len({repr(dict(answers[start])[name][field]) for start in answers}) > 1]
    assert not differences, "\n".join(differences)


# ---------------------------------------------------------------------------
# Which start a visitor gets ("auto"): needs a real disk cache, so a persistent profile
# ---------------------------------------------------------------------------

@pytest.fixture
def profile(browser, tmp_path):
    """A browser profile with a disk HTTP cache, as a visitor's browser has (Playwright's
    new_context() keeps only a small in-memory cache)."""
    context = browser.browser_type.launch_persistent_context(
        tmp_path / "profile", executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield context
    context.close()


def visit(context, url, *, throttle=None, **settings):
    """Open check/ in a new page, check TEXT; return (engine, rate, snapshot requested?)."""
    page = context.new_page()
    if throttle:
        emulate_network(context, page, throttle)
    requested = []   # answered, from the network or the cache (a cache-only probe that misses fails)
    page.on("requestfinished", lambda r: requested.append(r.url))
    check_and_engine(page, url, **settings)
    engine, rate = page.get_attribute(WIDGET, "data-engine"), page.get_attribute(WIDGET, "data-engine-rate")
    page.wait_for_timeout(300)   # let the cache entries be written
    page.close()
    return engine, rate, any("/snapshot-" in u for u in requested)


# 40 Mbit/s: the test server does not compress, so the wasm arrives at 5 MB/s, below the
# worker's SNAPSHOT_MIN_RATE; little latency, so the test stays short.
MIN_RATE = float(re.search(r"const SNAPSHOT_MIN_RATE = ([0-9.e]+);",
                           (ROOT / "widget/web/worker/wasm.js").read_text()).group(1))
SLOW = dict(offline=False, latency=20, downloadThroughput=40e6 / 8, uploadThroughput=5e6 / 8)


def test_a_slow_first_visit_boots_on_the_trimmed_stdlib_and_so_does_the_next(profile, checker_url):
    engine, rate, fetched = visit(profile, checker_url, throttle=SLOW)
    assert (engine, fetched) == ("trimmed", False)
    assert 1e6 < float(rate) < MIN_RATE
    # Back later on a fast link: the runtime is in the cache, the snapshot is not, and a
    # start from the cache beats downloading it; the network is not measured.
    assert visit(profile, checker_url) == ("trimmed", None, False)


def traced_visit(context, url, categories, *, throttle=None, dwell_ms=0) -> list[dict]:
    """Visit check/ in a new page traced with Chromium's `categories`, staying dwell_ms after
    the result; the trace events of that time."""
    page = context.new_page()
    if throttle:
        emulate_network(context, page, throttle)
    cdp = context.new_cdp_session(page)
    events, done = [], []
    cdp.on("Tracing.dataCollected", lambda e: events.extend(e["value"]))
    cdp.on("Tracing.tracingComplete", lambda e: done.append(True))
    cdp.send("Tracing.start", {"categories": categories, "transferMode": "ReportEvents"})
    check_and_engine(page, url)
    page.wait_for_timeout(dwell_ms)
    cdp.send("Tracing.end")
    while not done:
        page.wait_for_timeout(100)
    page.close()
    return events


def wasm_code_cache_events(context, url, *, throttle=None, dwell_ms=0):
    """The names of V8's wasm code cache events during a visit (traced_visit)."""
    events = traced_visit(context, url, "disabled-by-default-v8.wasm.detailed", throttle=throttle, dwell_ms=dwell_ms)
    return {e["name"] for e in events if e["name"] in ("wasm.SerializeModule", "wasm.Deserialize")}


def test_a_slow_first_visit_leaves_the_compiled_wasm_for_the_next(profile, checker_url):
    # A returning visitor whose first visit booted Python (trimmed start) starts from V8's
    # stored wasm code: it compiles nothing, and the interpreter is already optimised. V8
    # stores it once a Python boot has tiered enough code up, from the response the worker
    # compiles itself (see precompile in worker/wasm.js). (A snapshot start runs too little
    # Python for V8 to store anything; traced, and measured no loss: deserialising the
    # stored code made a snapshot restore slower, not faster.)
    assert "wasm.SerializeModule" in wasm_code_cache_events(profile, checker_url, throttle=SLOW, dwell_ms=6000)
    assert "wasm.Deserialize" in wasm_code_cache_events(profile, checker_url)


def test_a_returning_visitor_restores_the_cached_snapshot(profile, checker_url):
    assert visit(profile, checker_url, snapshot="always")[::2] == ("snapshot", True)
    assert visit(profile, checker_url, throttle=SLOW) == ("snapshot", None, True)


def test_a_fast_first_visit_downloads_the_snapshot(profile, checker_url):
    engine, rate, fetched = visit(profile, checker_url)
    if float(rate) < MIN_RATE:
        pytest.skip(f"loopback measured at {float(rate) / 1e6:.1f} MB/s: this machine is too busy to tell")
    assert (engine, fetched) == ("snapshot", True)


# ---------------------------------------------------------------------------
# Decoded copies of the runtime in Cache Storage (worker/copies.js)
# ---------------------------------------------------------------------------

COPIES = re.search(r'const COPIES = "([^"]+)";', (ROOT / "widget/web/worker/copies.js").read_text()).group(1)
RUNTIME = ("pyodide.asm.wasm", "/snapshot-", "/stdlib-")
KEPT = ("/snapshot-", "/stdlib-")   # the wasm is not: V8 keeps its compiled code with the HTTP cache entry


def stay_until_copied(context, url, **settings):
    """A first visit that stays until the worker has kept its copies; their URLs."""
    page = context.new_page()
    check_and_engine(page, url, **settings)
    page.wait_for_function("performance.getEntriesByName('jptrack:copied').length > 0", timeout=30_000)
    keys = page.evaluate(f"caches.open({json.dumps(COPIES)}).then((c) => c.keys()).then((k) => k.map((r) => r.url))")
    page.close()
    return keys


def runtime_requests(page):
    requested = []
    # GETs only: the worker's HEAD request, which checks the wasm is on the site, stays
    page.on("request", lambda r: requested.append(r.url)
            if r.method == "GET" and any(f in r.url for f in RUNTIME) else None)
    return requested


def test_a_returning_visitor_reads_the_runtime_from_its_kept_copies(profile, checker_url, checker_site):
    keys = stay_until_copied(profile, checker_url, snapshot="always")
    snapshot, stdlib = assets(checker_site)
    assert sorted(k.removeprefix(checker_url) for k in keys) == sorted([
        f"assets/checker/{snapshot.name}", f"assets/checker/{stdlib.name}"])
    assert all(k.startswith(checker_url + "assets/") for k in keys)   # site files only, no text
    page = profile.new_page()
    requested = runtime_requests(page)
    engine = check_and_engine(page, checker_url)
    assert engine == ("snapshot", None)
    assert page.get_attribute(WIDGET, "data-engine-from") == "copies"
    # the snapshot and the stdlib came from their copies; the wasm from the HTTP cache
    assert [url.rsplit("/", 1)[-1] for url in requested] == ["pyodide.asm.wasm"]


def test_a_trimmed_start_keeps_no_copies(profile, checker_url):
    # Its Python boot leaves V8's compiled wasm with the HTTP cache entry instead (above).
    page = profile.new_page()
    check_and_engine(page, checker_url, snapshot="never")
    page.wait_for_timeout(4000)
    assert page.evaluate(f"caches.has({json.dumps(COPIES)})") is False
    page.close()


def test_copies_of_another_build_are_dropped(profile, checker_url):
    page = profile.new_page()
    page.goto(checker_url + "404.html")
    page.evaluate(f"""caches.open({json.dumps(COPIES)}).then((c) => c.put(
        new URL("assets/pyodide/0.0.1/pyodide.asm.wasm", location.href).href, new Response("old")))""")
    page.close()
    keys = stay_until_copied(profile, checker_url, snapshot="always")
    assert len(keys) == len(KEPT) and not any("/0.0.1/" in k for k in keys)


@pytest.mark.parametrize("broken", KEPT)
def test_a_broken_copy_is_dropped_and_the_checker_still_answers(profile, checker_url, broken):
    keys = stay_until_copied(profile, checker_url, snapshot="always")
    url = next(k for k in keys if broken in k)
    page = profile.new_page()
    page.goto(checker_url + "404.html")
    page.evaluate(f"""caches.open({json.dumps(COPIES)}).then((c) => c.put({json.dumps(url)},
        new Response(new Uint8Array(4096).fill(7))))""")
    page.close()
    page = profile.new_page()
    engine, fallback = check_and_engine(page, checker_url)
    assert engine in ("snapshot", "plain") and fallback, "the broken copy should show as a fallback"
    assert page.get_attribute(WIDGET, "data-engine-from") == "copies"
    assert page.evaluate(f"caches.has({json.dumps(COPIES)})") is False
    page.close()
    # The next visit starts from the HTTP cache again, and makes fresh copies.
    assert len(stay_until_copied(profile, checker_url)) == len(KEPT)


# Another page of the same origin rewrites a kept copy so that it still loads: a snapshot
# whose stage title reads "PWNED…", a stdlib zip with a comment. Each function gets the
# copy's bytes (Uint8Array) and the title to hijack.
POISON = {
    "/snapshot-": """(bytes, title) => {
        const from = new TextEncoder().encode(title);
        const to = new TextEncoder().encode("PWNED".padEnd(title.length, "!").slice(0, title.length));
        let found = 0;
        for (let i = bytes.indexOf(from[0]); i >= 0; i = bytes.indexOf(from[0], i + 1)) {
            if (from.every((b, j) => bytes[i + j] === b)) { bytes.set(to, i); found++; }
        }
        if (!found) throw new Error("title not in the snapshot");
        return bytes;
    }""",
    "/stdlib-": """(bytes) => {
        let end = -1;   // the zip's end-of-central-directory record
        for (let i = bytes.length - 22; i >= 0; i--) {
            if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 5 && bytes[i + 3] === 6) { end = i; break; }
        }
        if (end < 0) throw new Error("not a zip");
        const comment = new TextEncoder().encode("pwned");
        const out = new Uint8Array(end + 22 + comment.length);
        out.set(bytes.subarray(0, end + 22));
        out[end + 20] = comment.length; out[end + 21] = 0;
        out.set(comment, end + 22);
        return out;
    }""",
}


@pytest.mark.parametrize("target", list(POISON))
def test_a_poisoned_copy_is_never_run(profile, checker_url, target):
    """A copy another page of the site rewrote is caught by its SHA-256 before use: the next
    visit shows the right result, says why it fell back, and has dropped every copy."""
    page = profile.new_page()
    configure(page)
    page.goto(checker_url + "check/")
    assert submit(page, TEXT) == "result"
    title = page.inner_text(f"{WIDGET} .jptrack__stage a")
    page.close()
    keys = stay_until_copied(profile, checker_url, snapshot="always")
    url = next(k for k in keys if target in k)
    page = profile.new_page()
    page.goto(checker_url + "404.html")
    page.evaluate(f"""async () => {{
        const cache = await caches.open({json.dumps(COPIES)});
        const copy = await cache.match({json.dumps(url)});
        const poisoned = ({POISON[target]})(new Uint8Array(await copy.arrayBuffer()), {json.dumps(title)});
        await cache.put({json.dumps(url)}, new Response(poisoned, {{headers: copy.headers}}));
    }}""")
    page.close()
    page = profile.new_page()
    engine, fallback = check_and_engine(page, checker_url)
    assert page.inner_text(f"{WIDGET} .jptrack__stage a") == title
    assert "PWNED" not in page.inner_text(WIDGET)
    assert engine == "snapshot" and fallback and "SHA-256" in fallback, (engine, fallback)
    assert page.evaluate(f"caches.has({json.dumps(COPIES)})") is False
    page.close()


def test_a_wasm_planted_in_the_copies_is_never_read(profile, checker_url, checker_site):
    """No copy of the wasm is kept or read: one that another page of the site puts beside the
    copies (with an extra custom section, so it would still compile) is ignored, and the next
    visit compiles the wasm from the HTTP cache, with no fallback."""
    stay_until_copied(profile, checker_url, snapshot="always")
    wasm = next((checker_site / "assets" / "pyodide").glob("*/pyodide.asm.wasm"))
    url = checker_url + wasm.relative_to(checker_site).as_posix()
    page = profile.new_page()
    page.goto(checker_url + "404.html")
    page.evaluate(f"""async () => {{
        const bytes = new Uint8Array(await (await fetch({json.dumps(url)})).arrayBuffer());
        const section = [0x00, 10, 5, ...new TextEncoder().encode("pwned"), 1, 2, 3, 4];
        const planted = new Uint8Array(bytes.length + section.length);
        planted.set(bytes); planted.set(section, bytes.length);
        await (await caches.open({json.dumps(COPIES)})).put({json.dumps(url)},
            new Response(planted, {{headers: {{"Content-Type": "application/wasm"}}}}));
    }}""")
    page.close()
    page = profile.new_page()
    requested = runtime_requests(page)
    assert check_and_engine(page, checker_url) == ("snapshot", None)
    assert page.get_attribute(WIDGET, "data-engine-from") == "copies"
    assert [u.rsplit("/", 1)[-1] for u in requested] == ["pyodide.asm.wasm"]
    page.close()


@pytest.mark.pyodide   # slow: two Node runs (~25 s)
def test_build_makes_the_same_bytes_again(checker_site, tmp_path):
    """Make the stdlib and snapshot again from the site's own archive and catalog, in a fresh
    folder: the bytes must equal what the site build (or its cache) produced."""
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    snapshot, stdlib = assets(checker_site)
    archive, catalog = assets(checker_site, "archive", "catalog")
    scripts = ROOT / "widget" / "web" / "prebuild"
    pyodide = ROOT / "node_modules" / "pyodide"
    for script, extra in (("make_stdlib.mjs", ["stdlib.zip"]), ("make_snapshot.mjs", ["stdlib.zip", "snapshot.bin"])):
        run = subprocess.run([node, str(scripts / script), str(pyodide), str(archive), str(catalog), *extra],
                             cwd=tmp_path, capture_output=True, text=True, timeout=600,
                             env={"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0", "TZ": "UTC",
                                  "JPTRACK_LIB": hook_module("_runtime").PYTHON_LIB})
        assert run.returncode == 0, run.stderr[-2000:]
    assert (tmp_path / "stdlib.zip").read_bytes() == stdlib.read_bytes()
    assert hook_module("_assets").pack_snapshot((tmp_path / "snapshot.bin").read_bytes()) == snapshot.read_bytes()
