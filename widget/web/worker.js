// The checker's module worker: loads the pinned Pyodide, unpacks the jptrack archive,
// and runs jptrack.classify.check on the text the page sends. Nothing here touches the
// network except the site's own asset URLs given in the "init" message.
//
// Messages in:  {type: "init", pyodide, archive, catalog}   (absolute URLs)
//               {type: "check", id, text, today}            (today: "YYYY-MM-DD")
// Messages out: {type: "progress", step, of, label}
//               {type: "ready", ms}
//               {type: "failed", message}                   (loading failed)
//               {type: "reply", id, json, ms}   json: '{"ok": true, "result": {...}}' or
//                                               '{"ok": false, "kind": "too-long", "message"}'
//               {type: "error", id, message}    (an unexpected Python error)
"use strict";

const LIB = "/home/pyodide/jptrack-lib";
const STEPS = 3;

let ready = null;   // Promise of the Python check function

function progress(step, label) {
  self.postMessage({ type: "progress", step, of: STEPS, label });
}

async function fetchOk(url, as) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${response.status} ${response.statusText} for ${new URL(url).pathname}`);
  return as === "text" ? response.text() : response.arrayBuffer();
}

async function load({ pyodide: base, archive, catalog }) {
  const started = performance.now();
  progress(1, "Downloading Python");
  // Start our own two downloads while Pyodide fetches and compiles its runtime.
  const files = Promise.all([fetchOk(archive, "buffer"), fetchOk(catalog, "text")]);
  files.catch(() => {});   // handled below; avoid an unhandled rejection meanwhile
  // Pyodide reports a missing or broken wasm only after slow fallbacks (or never), so check
  // it ourselves in parallel: a HEAD request, answered from the same cache as the download.
  const wasm = fetch(base + "pyodide.asm.wasm", { method: "HEAD", credentials: "same-origin" })
    .then((response) => {
      if (!response.ok) throw new Error(`${response.status} ${response.statusText} for pyodide.asm.wasm`);
    }, () => {});   // a network error here shows up in loadPyodide itself
  const { loadPyodide } = await import(base + "pyodide.mjs");
  const pyodide = await Promise.race([
    loadPyodide({ indexURL: base, packages: [] }),
    wasm.then(() => new Promise(() => {})),   // never wins unless the HEAD check failed
  ]);
  progress(2, "Starting the checker");
  const [zip, stages] = await files;
  pyodide.unpackArchive(zip, "zip", { extractDir: LIB });
  pyodide.FS.writeFile(`${LIB}/stages.json`, stages, { encoding: "utf8" });
  progress(3, "Reading the stage catalogue");
  const namespace = pyodide.globals.get("dict")();
  pyodide.runPython(`
import json, sys
from datetime import date
sys.path.insert(0, ${JSON.stringify(LIB)})
import jptrack.catalog, jptrack.classify
with open(${JSON.stringify(LIB + "/stages.json")}, encoding="utf-8") as f:
    _catalog = jptrack.catalog.load_json(f.read())

def run(text, today):
    day = date.fromisoformat(today) if today else date.today()
    try:
        return json.dumps({"ok": True, "result": jptrack.classify.check(text, _catalog, today=day)})
    except jptrack.classify.InputTooLong as e:
        return json.dumps({"ok": False, "kind": "too-long", "message": str(e)})
`, { globals: namespace });
  const run = namespace.get("run");
  namespace.destroy();
  // Warm up: the first call imports lazily-loaded modules and compiles regexes.
  try { run("", null); } catch { /* a real call will report it */ }
  self.postMessage({ type: "ready", ms: performance.now() - started });
  return run;
}

self.onmessage = async (event) => {
  const message = event.data || {};
  if (message.type === "init") {
    if (!ready) {
      ready = load(message);
      ready.catch((error) => {
        self.postMessage({ type: "failed", message: String((error && error.message) || error) });
      });
    }
    return;
  }
  if (message.type === "check") {
    let run;
    try {
      run = await ready;
    } catch {
      return;   // "failed" was already posted
    }
    const started = performance.now();
    try {
      const json = run(String(message.text), message.today || null);
      self.postMessage({ type: "reply", id: message.id, json, ms: performance.now() - started });
    } catch (error) {
      self.postMessage({ type: "error", id: message.id,
                         message: String((error && error.message) || error).split("\n").slice(-2).join(" ") });
    }
  }
};
