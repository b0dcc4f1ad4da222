// The "trimmed" and "plain" starts: boot Python (on the trimmed stdlib, or Pyodide's full one),
// unpack the jptrack archive, write the catalog and import the checker.
import { checkTrimmedStdlib, fetchOk, lockFile, mark, progress } from "./common.js";
import { wasmMissing } from "./wasm.js";

// Resolves to {run, warmUp: null}: booting Python already got the wasm optimised.
export async function startPython({ pyodide: base, archive, catalog, lockInfo, stdlibBytes, shared = {} },
                                  loader, stdlib = null) {
  const lib = shared.lib;
  // Our own two downloads run while Pyodide fetches and compiles its runtime.
  const files = Promise.all([fetchOk(archive, "buffer"), fetchOk(catalog, "text")]);
  files.catch(() => {});   // handled below; avoid an unhandled rejection meanwhile
  const { loadPyodide } = await loader;
  mark("pyodide.mjs");
  const pyodide = await Promise.race([
    loadPyodide({ indexURL: base, packages: [], ...lockFile(lockInfo), ...(stdlib ? { stdLibURL: stdlib } : {}) }),
    wasmMissing(base),
  ]);
  mark("booted");
  progress(2, "start");
  const [zip, stages] = await files;
  pyodide.unpackArchive(zip, "zip", { extractDir: lib });
  pyodide.FS.writeFile(`${lib}/stages.json`, stages, { encoding: "utf8" });
  progress(3, "catalog");
  const web = pyodide.runPython(`
import sys
sys.path.insert(0, ${JSON.stringify(lib)})
import jptrack_web
jptrack_web.load(${JSON.stringify(lib + "/stages.json")})
jptrack_web
`);
  // (A trimmed stdlib that did not load at all already failed that import.)
  if (stdlib) checkTrimmedStdlib(web.stdlib_zip_size(), stdlibBytes);
  const run = web.run;
  try { run("", null); } catch { /* the first call compiles regexes; a real call reports errors */ }
  return { run, warmUp: null };
}
