// The checker's module worker: starts Python (start.js) and runs the classifier on the text
// the page sends, in the shape of Pyodide's "Using Pyodide in a web worker" pattern. Nothing
// here touches the network except the site's own asset URLs given in the "init" message.
//
// Messages in:  {type: "init", pyodide, archive, catalog, snapshot?, stdlib?, stdlibBytes?,
//                buildId?, lockInfo?, sha256?, shared, snapshotPolicy?: "auto" | "always" | "never"}
//               {type: "check", id, text, today, to, lang}  (today: "YYYY-MM-DD")
// Messages out: {type: "progress", step, of, label}
//               {type: "ready", ms, mode: "snapshot" | "trimmed" | "plain", fallback?: reason,
//                rate?: bytes/s the wasm arrived at, copies: read from Cache Storage?, marks}
//               {type: "marks", marks}          (background work done: "warm", "copied")
//               {type: "failed", message}       (loading failed)
//               {type: "reply", id, json, ms}   json: '{"ok": true, "result", "view"}' or
//                                               '{"ok": false, "kind": "too-long", "message"}'
//               {type: "error", id, message}    (an unexpected Python error)
import { describe, mark, marks, replied } from "./common.js";
import { copies } from "./copies.js";
import { load } from "./start.js";
import { memoTinyModules } from "./wasm.js";

mark("worker");
memoTinyModules();
copies.install();

let ready = null;   // Promise of {run, mode}
let init = null;    // the init message, kept for a late fallback

async function started(message, options) {
  const begun = performance.now();
  const python = await load(message, options);
  self.postMessage({ type: "ready", ms: performance.now() - begun, mode: python.mode, fallback: python.fallback,
                     rate: python.rate === undefined ? null : python.rate, copies: python.copies, marks });
  return python;
}

const isImportError = (error) => /\b(ModuleNotFoundError|ImportError)\b/.test(describe(error));

async function check({ id, text, today, to, lang }) {
  let python;
  try {
    python = await ready;
  } catch {
    return;   // "failed" was already posted
  }
  const begun = performance.now();
  const run = (p) => p.run(String(text), today || null, to || null, lang || "en");
  try {
    let json;
    try {
      json = run(python);
    } catch (error) {
      // The trimmed stdlib lacks a module this paste needs: start again on the full one.
      if (python.mode === "plain" || !isImportError(error)) throw error;
      ready = started(init, { forcePlain: true, reason: "a module was missing from the trimmed stdlib" });
      json = run(await ready);
    }
    self.postMessage({ type: "reply", id, json, ms: performance.now() - begun });
    replied();
  } catch (error) {
    self.postMessage({ type: "error", id, message: describe(error).split("\n").slice(-2).join(" ") });
  }
}

self.onmessage = async ({ data }) => {
  const message = data || {};
  if (message.type === "init" && !ready) {
    init = message;
    ready = started(message);
    ready.catch((error) => self.postMessage({ type: "failed", message: describe(error) }));
  } else if (message.type === "check") {
    await check(message);
  }
};
