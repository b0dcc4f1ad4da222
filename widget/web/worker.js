// The checker's module worker: starts Python and runs the classifier on the text the page
// sends. Nothing here touches the network except the site's own asset URLs given in the
// "init" message.
//
// Fast start: restore the memory snapshot made at site build (Python already started on
// the trimmed stdlib, jptrack imported, catalog loaded). Its header must carry the build id
// of the pinned Pyodide; on a mismatch, an HTTP error, a failed restore, or later a module
// missing from the trimmed stdlib, fall back to a plain load: full stdlib, the jptrack
// archive and the catalog, then import (the same jptrack_web module either way).
//
// Messages in:  {type: "init", pyodide, archive, catalog, snapshot?, stdlib?, stdlibBytes?,
//                buildId?, lockInfo?}
//               {type: "check", id, text, today}            (today: "YYYY-MM-DD")
// Messages out: {type: "progress", step, of, label}
//               {type: "ready", ms, mode: "snapshot" | "plain", fallback?: reason}
//               {type: "failed", message}                   (loading failed)
//               {type: "reply", id, json, ms}   json: '{"ok": true, "result": {...}, "view": {...}}' or
//                                               '{"ok": false, "kind": "too-long", "message"}'
//               {type: "error", id, message}    (an unexpected Python error)
"use strict";

const LIB = "/home/pyodide/jptrack-lib";
const STEPS = 3;
const SNAPSHOT_MAGIC = 0x706e7300;

let ready = null;   // Promise of the Python run function
let mode = null;    // "snapshot" | "plain"
let init = null;    // the init message, kept for a late fallback
const WARM_UP_MS = 1500;   // background warm-up after a snapshot start (see warmUp)
const marks = {};   // name -> ms since the epoch (performance.timeOrigin based), for the bench
const mark = (name) => { marks[name] = performance.timeOrigin + performance.now(); };
mark("worker");

function progress(step, label) {
  self.postMessage({ type: "progress", step, of: STEPS, label });
}

async function fetchOk(url, as) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${response.status} ${response.statusText} for ${new URL(url).pathname}`);
  return as === "text" ? response.text() : response.arrayBuffer();
}

// Pyodide reports a missing or broken wasm only after slow fallbacks (or never), so check it
// ourselves in parallel: a HEAD request, answered from the same cache as the download.
function wasmMissing(base) {
  return fetch(base + "pyodide.asm.wasm", { method: "HEAD", credentials: "same-origin" })
    .then((response) => {
      if (!response.ok) throw new Error(`${response.status} ${response.statusText} for pyodide.asm.wasm`);
      return new Promise(() => {});   // never settles when the wasm is there
    }, () => new Promise(() => {}));  // a network error shows up in loadPyodide itself
}

function lockFile(lockInfo) {
  return lockInfo ? { lockFileContents: { info: lockInfo, packages: {} } } : {};
}

// The snapshot's header: u32 magic, ..., the Pyodide build id as 8 u32 at bytes 16-48.
function checkHeader(buffer, buildId) {
  if (buffer.byteLength < 64) throw new Error("snapshot too short");
  const words = new Uint32Array(buffer, 0, 12);
  if (words[0] !== SNAPSHOT_MAGIC) throw new Error("not a Pyodide snapshot");
  if (buildId) {
    const id = Array.from(words.slice(4, 12), (w) => w.toString(16).padStart(8, "0")).join("");
    if (id !== buildId) throw new Error(`snapshot made for another Pyodide build (${id.slice(0, 12)}…)`);
  }
  return new Uint8Array(buffer);
}

// loadPyodide only instantiates the wasm once the snapshot is in (it sizes the memory from
// it), so its streaming compile would wait for the snapshot download. Compile it ourselves
// meanwhile and hand the module over when Pyodide asks; its own request for the wasm then
// reads the same HTTP cache entry, and its body is dropped unread.
function precompile(base) {
  const compiled = WebAssembly.compileStreaming(fetch(base + "pyodide.asm.wasm", { credentials: "same-origin" }))
    .then((module) => { mark("compiled"); return module; });
  compiled.catch(() => {});
  const original = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async function (source, imports) {
    WebAssembly.instantiateStreaming = original;
    let module;
    try {
      module = await compiled;
    } catch {
      return original.call(WebAssembly, source, imports);
    }
    Promise.resolve(source).then((response) => response.body && response.body.cancel(), () => {});
    return { module, instance: await WebAssembly.instantiate(module, imports) };
  };
  return () => { WebAssembly.instantiateStreaming = original; };
}

async function loadSnapshot({ pyodide: base, snapshot, stdlib, stdlibBytes: expected, buildId, lockInfo }, loader) {
  const image = fetchOk(snapshot, "buffer").then((buffer) => { mark("snapshot"); return checkHeader(buffer, buildId); });
  image.catch(() => {});
  const restore = precompile(base);
  try {
    return await startFromSnapshot(base, image, stdlib, expected, lockInfo, loader);
  } finally {
    restore();
  }
}

async function startFromSnapshot(base, image, stdlib, expected, lockInfo, loader) {
  const { loadPyodide } = await loader;
  mark("pyodide.mjs");
  // loadPyodide starts the wasm download at once and awaits the image before instantiating,
  // so a bad header (or an HTTP error) rejects here without a wasted instantiation.
  const pyodide = await Promise.race([
    loadPyodide({ indexURL: base, stdLibURL: stdlib, packages: [], ...lockFile(lockInfo), _loadSnapshot: image }),
    wasmMissing(base),
  ]);
  mark("restored");
  progress(2, "Starting the checker");
  // Pyodide only logs a failed stdlib download; the snapshot would then run until the
  // first import that is not in memory yet. Check the zip is there, and is ours.
  const stdlibBytes = pyodide.runPython(`
import os, sys
_zips = [p for p in sys.path if p.endswith(".zip") and os.path.isfile(p)]
os.path.getsize(_zips[0]) if _zips else -1
`);
  if (stdlibBytes < 0 || (expected && stdlibBytes !== expected)) {
    throw new Error(`the trimmed stdlib did not load (${stdlibBytes} bytes)`);
  }
  const run = pyodide.runPython(`
import random
random.seed()   # not the build's fixed seed
del _zips
__jptrack_web.run
`);
  const check = JSON.parse(run("", "2026-10-01"));
  if (!check.ok) throw new Error("the snapshot's checker does not answer");
  return { run, warmUp: pyodide.runPython("__jptrack_web.warm_up") };
}

async function loadPlain({ pyodide: base, archive, catalog, lockInfo }, loader) {
  // Start our own two downloads while Pyodide fetches and compiles its runtime.
  const files = Promise.all([fetchOk(archive, "buffer"), fetchOk(catalog, "text")]);
  files.catch(() => {});   // handled below; avoid an unhandled rejection meanwhile
  const { loadPyodide } = await loader;
  const pyodide = await Promise.race([
    loadPyodide({ indexURL: base, packages: [], ...lockFile(lockInfo) }),
    wasmMissing(base),
  ]);
  progress(2, "Starting the checker");
  const [zip, stages] = await files;
  pyodide.unpackArchive(zip, "zip", { extractDir: LIB });
  pyodide.FS.writeFile(`${LIB}/stages.json`, stages, { encoding: "utf8" });
  progress(3, "Reading the stage catalogue");
  const run = pyodide.runPython(`
import sys
sys.path.insert(0, ${JSON.stringify(LIB)})
import jptrack_web
jptrack_web.load(${JSON.stringify(LIB + "/stages.json")})
jptrack_web.run
`);
  // Warm up: the first call compiles regexes.
  try { run("", null); } catch { /* a real call will report it */ }
  return { run, warmUp: null };   // booting Python already got the wasm optimised
}

async function load(message, { forcePlain = false, reason = null } = {}) {
  const started = performance.now();
  progress(1, "Downloading Python");
  const loader = import(message.pyodide + "pyodide.mjs");
  loader.catch(() => {});
  let python = null;
  let fallback = reason;
  if (message.snapshot && message.stdlib && !forcePlain) {
    try {
      python = await loadSnapshot(message, loader);
      mode = "snapshot";
    } catch (error) {
      fallback = String((error && error.message) || error).split("\n")[0].slice(0, 200);
    }
  }
  if (!python) {
    python = await loadPlain(message, loader);
    mode = "plain";
  }
  mark("ready");
  self.postMessage({ type: "ready", ms: performance.now() - started, mode, fallback, marks });
  if (python.warmUp) warmUp(python.warmUp);
  return python.run;
}

// A snapshot start skips Python's boot, which is what makes V8 optimise the interpreter's
// wasm; until it has, checks run 3-4x slower (measured: 9.7 ms → 2.0 ms for 30 lines).
// So keep the classifier busy on the catalog's examples for a while, one run per task:
// a real check waits behind one run at most.
async function warmUp(warm) {
  const until = performance.now() + WARM_UP_MS;
  while (performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    try {
      warm();
    } catch {
      return;   // a broken warm-up must not break the checker; a real check reports errors
    }
  }
  mark("warm");
  self.postMessage({ type: "warm", marks: { warm: marks.warm } });
}

function isImportError(error) {
  return /\b(ModuleNotFoundError|ImportError)\b/.test(String((error && error.message) || error));
}

self.onmessage = async (event) => {
  const message = event.data || {};
  if (message.type === "init") {
    if (!ready) {
      init = message;
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
      let json;
      try {
        json = run(String(message.text), message.today || null);
      } catch (error) {
        // The trimmed stdlib lacks a module this paste needs: start again on the full one.
        if (mode !== "snapshot" || !isImportError(error)) throw error;
        ready = load(init, { forcePlain: true, reason: "a module was missing from the trimmed stdlib" });
        run = await ready;
        json = run(String(message.text), message.today || null);
      }
      self.postMessage({ type: "reply", id: message.id, json, ms: performance.now() - started });
    } catch (error) {
      self.postMessage({ type: "error", id: message.id,
                         message: String((error && error.message) || error).split("\n").slice(-2).join(" ") });
    }
  }
};
