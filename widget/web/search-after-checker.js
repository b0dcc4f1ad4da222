// Material's search worker, held back until the checker on the page has loaded or failed.
//
// On pages with the checker, hooks/_widget.py points Material's config at this file, with
// the name of Material's own worker and the channel to wait on as its query
// ("search-after-checker-<hash>.js?worker=search.<hash>.min.js&channel=..."); it sits in
// Material's workers folder, because Material's worker finds its
// language files relative to the worker's address. Material builds the search index as soon
// as a page opens, a few hundred ms of CPU that on a small machine competes with the wasm
// compile and the snapshot restore. So this worker keeps what the page sends (the index),
// and hands it to Material's worker, in order, once the checker says it is settled and has
// answered what was pasted meanwhile (checker.js, on the BroadcastChannel below), or after
// HOLD_MS at the latest: search never waits long for a checker that hangs or never starts.
// A search typed meanwhile is answered once the index is built, as it is while Material
// builds it.
"use strict";

const HOLD_MS = 3000;
const QUERY = new URLSearchParams(self.location.search);
const CHANNEL = QUERY.get("channel");   // checker.js posts "settled" there when it is ready or failed
const MATERIAL_WORKER = /^search\.[0-9a-f]+\.min\.js$/;

const held = [];
const hold = (event) => { held.push(event.data); };
self.addEventListener("message", hold);

const channel = typeof BroadcastChannel === "function" && CHANNEL ? new BroadcastChannel(CHANNEL) : null;
let released = false;
const timer = setTimeout(release, HOLD_MS);

function release() {
  if (released) return;
  released = true;
  clearTimeout(timer);
  if (channel) channel.close();
  self.removeEventListener("message", hold);
  const material = QUERY.get("worker") || "";
  if (!MATERIAL_WORKER.test(material)) {
    throw new Error(`search-after-checker: expected Material's search worker as the query, got "${material}"`);
  }
  importScripts(material);   // adds Material's own "message" listener
  for (const data of held.splice(0)) self.dispatchEvent(new MessageEvent("message", { data }));
}

if (channel) {
  channel.onmessage = ({ data }) => { if (data === "settled") release(); };
  channel.postMessage("waiting");   // a checker that is already settled answers at once
}
