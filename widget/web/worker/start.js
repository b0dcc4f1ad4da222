// Which start, tried in order, fastest first (the page's data-engine says which one ran):
//   "snapshot"  snapshot.js: restore the memory snapshot. With the "auto" policy, used when
//               the HTTP cache (or a kept copy) holds it, or when the wasm arrives fast
//               enough that the snapshot's extra download costs less than the boot it saves.
//   "trimmed"   python.js on the trimmed, precompiled stdlib: a slow first visit's start.
//   "plain"     python.js on Pyodide's full stdlib: the fallback for anything wrong with the
//               two above, and for a module missing from the trimmed stdlib later on.
import { firstLine, mark, marks, progress, quiet } from "./common.js";
import { copies, fromHttpCache } from "./copies.js";
import { startPython } from "./python.js";
import { snapshotImage, startFromSnapshot, warmUp } from "./snapshot.js";
import { SNAPSHOT_MIN_RATE, precompile, wasmProblem } from "./wasm.js";

// Start Python for the init message; resolves to {run, mode, fallback, rate, copies} once
// it answers. Background work (warm-up, copies for the next visit) goes on after that.
export async function load(message, { forcePlain = false, reason = null } = {}) {
  progress(1, "download");   // the label is a key of stages.yaml ui: checker_step_*
  copies.use(message);
  // Both of Pyodide's modules at once (loadPyodide would import the second one itself, later).
  const loader = Promise.all([import(message.pyodide + "pyodide.mjs"), import(message.pyodide + "pyodide.asm.mjs")])
    .then(([{ loadPyodide }, { default: createPyodideModule }]) => ({ loadPyodide, createPyodideModule }));
  loader.catch(() => {});
  let python;
  try {
    python = await start(message, loader, forcePlain, reason);
  } catch (error) {
    if (!copies.read) throw error;
    await copies.drop();   // a broken copy may be the cause: once more, from the network
    python = await start(message, loader, forcePlain, `a kept copy failed: ${firstLine(error)}`);
  }
  copies.reads.clear();   // what was read is in Python's memory now; free our copy of it
  python.fallback = python.fallback || copies.broken;
  if (python.fallback && copies.read) copies.drop();
  python.copies = copies.read;
  mark("ready");
  if (python.warmUp) afterSnapshotStart(python, message);
  return python;
}

async function start(message, loader, forcePlain, reason) {
  if (!message.snapshot || !message.stdlib || forcePlain) {
    return { ...await startPython(message, loader), mode: "plain", fallback: reason };
  }
  const policy = message.snapshotPolicy || "auto";
  const { cached, wasmCached } = policy === "auto" ? await inCache(message) : {};
  const wasm = precompile(message.pyodide, policy === "auto" && !cached && !wasmCached, wasmCached);
  let fallback = reason;
  try {
    const rate = await wasm.rate;
    if (policy === "always" || cached || rate >= SNAPSHOT_MIN_RATE) {
      const snapshot = snapshotImage(message, cached);
      snapshot.catch(() => {});
      try {
        return { ...await startFromSnapshot(message, snapshot, loader), mode: "snapshot", fallback, rate };
      } catch (error) {
        return { ...await startPython(message, loader), mode: "plain", fallback: firstLine(error) };
      }
    }
    try {
      return { ...await startPython(message, loader, message.stdlib), mode: "trimmed", fallback, rate };
    } catch (error) {
      if (await wasmProblem(message.pyodide)) throw error;   // the same again on the full stdlib
      fallback = firstLine(error);
    }
  } finally {
    wasm.restore();
  }
  return { ...await startPython(message, loader), mode: "plain", fallback };
}

// Ask the caches first, before our own wasm request could fill the HTTP cache: a wasm from
// the cache says nothing about the network. `cached`: true when the snapshot has a kept copy
// (snapshotImage reads it), else its Response from the HTTP cache, or null. `wasmCached`: the
// wasm's Response from the HTTP cache, compiled from there. Answers before any body is read,
// so the compile starts at once.
async function inCache(message) {
  const [kept, wasmCached] = await Promise.all(
    [copies.has(message.snapshot), fromHttpCache(message.pyodide + "pyodide.asm.wasm")]);
  return { cached: kept || await fromHttpCache(message.snapshot), wasmCached };
}

// After a snapshot start: warm up, then (if nothing fell back) keep copies for the next
// visit and have V8 cache Pyodide's code. Checks that came in meanwhile run first.
async function afterSnapshotStart(python, message) {
  const warm = await warmUp(python.warmUp);
  if (warm) self.postMessage({ type: "marks", marks: { warm: marks.warm } });
  if (python.mode !== "snapshot" || python.fallback) return;
  await quiet();
  if (!await copies.keep()) return;
  mark("copied");
  self.postMessage({ type: "marks", marks: { copied: marks.copied } });
}
