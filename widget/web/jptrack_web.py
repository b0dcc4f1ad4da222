"""The checker's entry point inside Pyodide. hooks/_assets.py adds this file to the jptrack
archive; the worker (plain load) and the build-time memory snapshot both import it, so the
two start paths run the very same code.

    load(path)          read the catalog JSON (a file, so no JS proxy ends up in a snapshot)
    run(text, today, to)  -> JSON string for the page (see widget/web/worker/main.js); to: the
                        country the customer chose, used when the paste does not say
    warm_up()           one check of the catalog's own examples (see the worker's warmUp)
    stdlib_zip_size()   which stdlib Python imports from (the worker checks it)
    resume()            after a snapshot restore: reseed, and stdlib_zip_size()

The page renders at most MAX_EVENTS events and MAX_UNRECOGNISED unrecognised lines, so the
result is cut to that here, in the worker: a 10,000-line paste then sends a few kB to the
main thread instead of megabytes to JSON.parse there.
"""

import importlib
import json
import os
import pkgutil
import random
import sys
from datetime import date

import jptrack
import jptrack.catalog
import jptrack.classify

# Every module of the package (but its command line), imported up front: after a snapshot
# restore the package's files are not on the (fresh) file system, so a lazy import later
# would fail (the worker would then fall back to a plain load).
for _module in pkgutil.iter_modules(jptrack.__path__):
    if _module.name not in ("cli", "__main__"):
        importlib.import_module(f"jptrack.{_module.name}")
del _module

MAX_EVENTS = 200
MAX_UNRECOGNISED = 50

_catalog = None
_examples = None


def load(path):
    global _catalog
    with open(path, encoding="utf-8") as f:
        _catalog = jptrack.catalog.load_json(f.read())
    return len(list(_catalog))


def _trim(result):
    events = result.get("events") or []
    in_events = {e.get("line") for e in events}
    unknown = [n for n in (result.get("unrecognised") or []) if n not in in_events]
    recognised = [e for e in events if e.get("stage")]
    view = {"events_total": len(events), "unrecognised_total": len(unknown),
            "last_recognised": recognised[-1] if recognised else None}
    result["events"] = events[:MAX_EVENTS]
    result["unrecognised"] = unknown[:MAX_UNRECOGNISED]
    return view


def run(text, today, to=None, lang="en"):
    day = date.fromisoformat(today) if today else date.today()
    if lang not in _catalog.languages:   # a page of a language this catalog has no texts for
        lang = "en"
    try:
        with jptrack.classify.cyclic_gc_paused():    # the worker's Python is ours alone
            result = jptrack.classify.check(text, _catalog, today=day, destination=to or None, lang=lang)
    except jptrack.classify.InputTooLong as e:
        return json.dumps({"ok": False, "kind": "too-long", "message": str(e)})
    view = _trim(result)
    return json.dumps({"ok": True, "result": result, "view": view})


def warm_up():
    """Classify every `examples:` line of the catalog once; the result is thrown away.

    After a snapshot start V8 has not yet optimised the interpreter's wasm (a plain start
    gets that while Python boots), so the first checks run 3-4x slower; the worker calls
    this in the background until they are fast. The text is the catalog's own test vectors.
    The site build also runs it once before taking the memory snapshot (make_snapshot.mjs),
    so the regexes and caches a first check makes are in the snapshot already.
    """
    global _examples
    if _examples is None:
        _examples = "\n".join(line for stage in _catalog for line in stage.examples)
    jptrack.classify.check(_examples, _catalog, today=date(2026, 1, 1))


def stdlib_zip_size():
    """The size of the stdlib zip Python imports from (-1: none): the worker checks it is
    the trimmed one it asked for (Pyodide only logs a failed download)."""
    zips = [path for path in sys.path if path.endswith(".zip") and os.path.isfile(path)]
    return os.path.getsize(zips[0]) if zips else -1


def resume():
    """After a snapshot restore: seed `random` afresh (the build seeded it with 0, so that
    the snapshot is deterministic), and return stdlib_zip_size().

    One call from the worker, where two `runPython` calls compiled their source in wasm
    that V8 has not optimised yet, on the way to the first result."""
    random.seed()
    return stdlib_zip_size()
