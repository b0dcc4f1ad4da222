// Run jptrack.classify.check under the pinned Pyodide in Node, on the same files the site
// serves, and print the results as JSON (one object: {pyodide, python, platform, start,
// patterns_at_start, stdlib_zip_bytes, stdlib_file_bytes, reseeded, results: [...]};
// patterns_at_start: the checker's per-wording regexes already in memory before the first
// case, which the snapshot's build-time warm-up makes; stdlib_zip_bytes: the size of the
// stdlib zip Python reads, as jptrack_web reports it to the worker, and stdlib_file_bytes
// the file's that was given; reseeded: whether jptrack_web.resume() reseeded random).
//
//   node tests/pyodide/run.mjs ARCHIVE.zip CATALOG.json CASES.json [SNAPSHOT.bin STDLIB.zip]
//
// With SNAPSHOT and STDLIB (the site's fast start, hooks/_runtime.py): restore the memory
// snapshot on the trimmed stdlib instead, and use the catalog and modules inside it, so
// the trimmed stdlib is exercised on every case. SNAPSHOT is the file the site publishes
// (packed), restored by the worker's own code (widget/web/worker/snapshot.js), with the
// magic numbers of the asset list's "shared" in JPTRACK_SHARED (JSON).
//
// ARCHIVE is the zip hooks/_assets.py builds from widget/jptrack/*.py, CATALOG is
// catalog.to_json(), CASES is [{id, text, today}]. tests/test_parity.py builds all three,
// runs this once per session, and compares each result with CPython field for field.
import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const [archive, catalog, cases, snapshot, stdlib] = process.argv.slice(2);
if (!cases) {
  console.error("usage: node tests/pyodide/run.mjs ARCHIVE.zip CATALOG.json CASES.json");
  process.exit(2);
}

const { loadPyodide } = await import(resolve(ROOT, "node_modules/pyodide/pyodide.mjs"));
const indexURL = resolve(ROOT, "node_modules/pyodide") + "/";
const LIB = process.env.JPTRACK_LIB;   // hooks/_runtime.py PYTHON_LIB (tests/test_parity.py sets it)
let pyodide;
if (snapshot) {
  const info = JSON.parse(readFileSync(indexURL + "pyodide-lock.json", "utf8")).info;
  globalThis.self ??= { fetch: globalThis.fetch, postMessage() {} };   // what the worker's modules expect
  const { restoringSparse, sparseImage } = await import("../../widget/web/worker/snapshot.js");
  const bytes = readFileSync(snapshot);
  const image = sparseImage(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), null,
                            JSON.parse(process.env.JPTRACK_SHARED));
  pyodide = await restoringSparse(() => loadPyodide({ indexURL, stdLibURL: resolve(stdlib), packages: [],
                                                      lockFileContents: { info, packages: {} }, _loadSnapshot: image }));
  if (!image.written) throw new Error("the snapshot's runs were never written into the memory");
  pyodide.FS.mkdirTree(LIB);
} else {
  pyodide = await loadPyodide({ indexURL });
  pyodide.unpackArchive(new Uint8Array(readFileSync(archive)), "zip", { extractDir: LIB });
  pyodide.FS.writeFile(`${LIB}/stages.json`, readFileSync(catalog, "utf8"), { encoding: "utf8" });
}
pyodide.FS.writeFile(`${LIB}/cases.json`, readFileSync(cases, "utf8"), { encoding: "utf8" });

// The same calls the site's worker makes (widget/web/worker/).
const output = pyodide.runPython(`
import json, sys
from datetime import date
if ${snapshot ? "True" : "False"}:
    import jptrack.classify        # already in the snapshot's memory, with the catalog
    catalog = __jptrack_web._catalog
else:
    sys.path.insert(0, ${JSON.stringify(LIB)})
    import jptrack.catalog, jptrack.classify
    with open(${JSON.stringify(LIB + "/stages.json")}, encoding="utf-8") as f:
        catalog = jptrack.catalog.load_json(f.read())
with open(${JSON.stringify(LIB + "/cases.json")}, encoding="utf-8") as f:
    cases = json.load(f)
import jptrack.parse
patterns_at_start = len(jptrack.parse._pattern_cache)   # made by checks before this one
# What the worker checks once Python is up: which stdlib zip Python reads, and (after a
# restore) that random no longer replays the build's seed.
import random
if ${snapshot ? "True" : "False"}:
    stdlib_zip_bytes = __jptrack_web.resume()
    reseeded = random.random() != random.Random(0).random()
else:
    import jptrack_web
    stdlib_zip_bytes = jptrack_web.stdlib_zip_size()
    reseeded = None
results = []
for case in cases:
    today = date.fromisoformat(case["today"]) if case.get("today") else None
    try:
        results.append({"id": case["id"], "ok": True,
                        "result": jptrack.classify.check(case["text"], catalog, today=today)})
    except ValueError as e:
        results.append({"id": case["id"], "ok": False, "error": type(e).__name__, "message": str(e)})
json.dumps({"pyodide": ${JSON.stringify(pyodide.version)}, "python": ".".join(map(str, sys.version_info[:3])),
            "platform": sys.platform, "start": ${JSON.stringify(snapshot ? "snapshot" : "plain")},
            "patterns_at_start": patterns_at_start, "stdlib_zip_bytes": stdlib_zip_bytes,
            "stdlib_file_bytes": ${statSync(snapshot ? stdlib : indexURL + "python_stdlib.zip").size},
            "reseeded": reseeded, "results": results}, ensure_ascii=False)
`);
process.stdout.write(output);
