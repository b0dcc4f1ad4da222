// Shared by make_stdlib.mjs and make_snapshot.mjs (run by hooks/_runtime.py at site build).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";

// Make a Node build reproducible: Emscripten seeds getentropy() from crypto.randomFillSync
// and stamps files/clocks from Date.now and performance.now. Freeze all three.
export function freezeEntropyAndClocks() {
  const nodeCrypto = createRequire(import.meta.url)("node:crypto");
  let counter = 0;
  nodeCrypto.randomFillSync = (view) => {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    for (let i = 0; i < bytes.length; i++) bytes[i] = ((counter++ * 1103515245 + 12345) >>> 16) & 255;
    return view;
  };
  const fixed = Date.UTC(2020, 0, 1);
  Date.now = () => fixed;
  let tick = 0;
  performance.now = () => (tick += 1);
}

// Where the checker's package goes in Python's file system: hooks/_runtime.py PYTHON_LIB,
// which the browser worker gets in the page's asset list.
export const LIB = process.env.JPTRACK_LIB;
if (!LIB) throw new Error("JPTRACK_LIB is not set: hooks/_runtime.py runs these scripts and sets it");

// The packages and lock file the browser worker passes (widget/web/worker/); env and
// _sysExecutable only make this build reproducible.
export function options(pyodideDir, extra = {}) {
  const dir = resolve(pyodideDir) + "/";
  const info = JSON.parse(readFileSync(dir + "pyodide-lock.json", "utf8")).info;
  return {
    indexURL: dir, packages: [], env: { PYTHONHASHSEED: "0" }, _sysExecutable: "python",
    lockFileContents: { info, packages: {} },
    ...extra,
  };
}

// Unpack the site's jptrack archive, write the catalog, import the checker and warm it up.
export function installChecker(pyodide, archivePath, catalogPath) {
  pyodide.unpackArchive(new Uint8Array(readFileSync(archivePath)), "zip", { extractDir: LIB });
  pyodide.FS.writeFile(`${LIB}/stages.json`, readFileSync(catalogPath, "utf8"), { encoding: "utf8" });
  pyodide.runPython(`
import importlib, sys
importlib.invalidate_caches()   # Date.now is frozen: the new folder's mtime looks unchanged
sys.path.insert(0, ${JSON.stringify(LIB)})
import jptrack_web
jptrack_web.load(${JSON.stringify(LIB + "/stages.json")})
jptrack_web.run("", "2026-10-01")
`);
}
