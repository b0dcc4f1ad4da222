// The memory snapshot: Pyodide started on the trimmed stdlib, the checker imported, the
// catalog loaded and warmed up on its examples. The browser restores it instead of starting
// Python. Deterministic (same inputs, same bytes): frozen entropy and clocks, fixed hash
// seed, random reseeded to 0 before the dump. It only works with the exact stdlib zip it
// was made on: hooks/_assets.py names both by content hash and writes them together.
//
//   node make_snapshot.mjs PYODIDE_DIR ARCHIVE.zip CATALOG.json STDLIB.zip OUT.bin
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { freezeEntropyAndClocks, installChecker, options } from "./common.mjs";

freezeEntropyAndClocks();
const [pyodideDir, archive, catalog, stdlib, out] = process.argv.slice(2);
if (!out) { console.error("usage: node make_snapshot.mjs PYODIDE_DIR ARCHIVE.zip CATALOG.json STDLIB.zip OUT.bin"); process.exit(2); }
const { loadPyodide } = await import(pathToFileURL(resolve(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide(options(pyodideDir, { _makeSnapshot: true, stdLibURL: resolve(stdlib) }));
installChecker(pyodide, archive, catalog);
// Classify the catalog's own examples once before the dump: the first check in a browser then
// finds the checker's lazily made regexes (one per status wording, for the place that
// follows it) and caches already in memory, instead of compiling them in wasm.
pyodide.runPython(`
import jptrack_web as __jptrack_web
__jptrack_web.warm_up()
import random
random.seed(0)
`);
const snapshot = pyodide.makeMemorySnapshot();
writeFileSync(out, snapshot);
console.log(JSON.stringify({ out, bytes: snapshot.length }));
