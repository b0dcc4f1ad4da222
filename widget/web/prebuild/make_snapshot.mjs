// The memory snapshot: Pyodide started on the trimmed stdlib, the checker imported, the
// catalog loaded and one warm-up check run. The browser restores it instead of starting
// Python. Deterministic (same inputs, same bytes): frozen entropy and clocks, fixed hash
// seed, random reseeded to 0 before the dump. It only works with the exact stdlib zip it
// was made on: hooks/checker.py names both by content hash and writes them together.
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
pyodide.runPython(`
import jptrack_web as __jptrack_web
import random
random.seed(0)
`);
const snapshot = pyodide.makeMemorySnapshot();
writeFileSync(out, snapshot);
console.log(JSON.stringify({ out, bytes: snapshot.length }));
