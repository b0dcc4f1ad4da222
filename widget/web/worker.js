// The checker's module worker: starts Python and runs the classifier on the text the page
// sends. Nothing here touches the network except the site's own asset URLs given in the
// "init" message.
//
// Three starts, fastest first (data-engine on the page says which one ran):
//   "snapshot"  restore the memory snapshot made at site build (Python already started on
//               the trimmed stdlib, jptrack imported, catalog loaded, warmed up on its
//               examples). Its 4-5 MB only pay off on a fast link or from the HTTP cache,
//               so by default ("auto") it is used when the cache holds it or the wasm
//               arrived fast (see start()).
//   "trimmed"   a plain Python start on the trimmed, precompiled stdlib, then the jptrack
//               archive and the catalog: a slow first visit's start (fewer bytes than
//               Pyodide's own, and no bytecode to compile), and a later visit's from the cache.
//   "plain"     the same on Pyodide's full stdlib: the fallback for anything wrong with the
//               snapshot (header, build id, HTTP error, restore) or the trimmed stdlib, and
//               for a module missing from it later, at the first check that needs it.
//
// Messages in:  {type: "init", pyodide, archive, catalog, snapshot?, stdlib?, stdlibBytes?,
//                buildId?, lockInfo?, snapshotPolicy?: "auto" | "always" | "never"}
//               {type: "check", id, text, today}            (today: "YYYY-MM-DD")
//               {type: "prime", urls}   (only to the short-lived helper of primeCodeCache)
// Messages out: {type: "progress", step, of, label}
//               {type: "ready", ms, mode: "snapshot" | "trimmed" | "plain", fallback?: reason,
//                rate?: bytes/s the wasm arrived at, when it decided the start,
//                copies: whether runtime files came from the copies in Cache Storage}
//               {type: "marks", marks}          (background work done: the warm-up, "warm",
//                                                or the copies for the next visit, "copied",
//                                                and V8's code cache made for it, "primed")
//               {type: "failed", message}                   (loading failed)
//               {type: "reply", id, json, ms}   json: '{"ok": true, "result": {...}, "view": {...}}' or
//                                               '{"ok": false, "kind": "too-long", "message"}'
//               {type: "error", id, message}    (an unexpected Python error)
//               {type: "primed", loaded}        (from primeCodeCache's helper, to its parent)
"use strict";

const LIB = "/home/pyodide/jptrack-lib";
const STEPS = 3;
const SNAPSHOT_MAGIC = 0x706e7300;
const PACKED_MAGIC = 0x317a706a;   // "jpz1", little-endian
const MAX_IMAGE = 2 ** 31;         // a wasm32 memory image is smaller than this
const HEADER_FIELDS = 48;          // a Pyodide snapshot's fixed header fields (checkHeader)
const MAX_HEADER = 2 ** 16;        // with its metadata (JSON) after them; 144 bytes in this build

let ready = null;   // Promise of the Python run function
let mode = null;    // "snapshot" | "trimmed" | "plain"
let init = null;    // the init message, kept for a late fallback
const WARM_UP_MS = 1500;   // background warm-up after a snapshot start (see warmUp)
// The warm-up pauses this long after each reply, so the page's render of the result does
// not share the machine's cores with it (on 2 cores the first render became a long task).
const QUIET_AFTER_REPLY_MS = 250;
const PRIME_TIMEOUT_MS = 10000;   // primeCodeCache's helper: it loads two cached modules
let quietUntil = 0;
// The snapshot is 4-5 MB more to download than a trimmed start, which saves about a second
// of Python boot (more on a phone): even at about 30 Mbit/s. Decoded wasm arrives ~2.7x
// faster than it crosses the wire (gzip), so ask for 10 MB/s decoded, measured over
// RATE_SAMPLE bytes. Near that rate the two starts differ little; a busy CPU reads low
// (loopback measured 5-15 MB/s while the machine was loaded, 27-1500 when it was not).
const SNAPSHOT_MIN_RATE = 10e6;
const RATE_SAMPLE = 2e6;
// A clearly fast link is told sooner: once RATE_EARLY bytes came at several times the
// rate asked for, the snapshot is requested at once (on a loopback cold load that saved
// ~100 ms of waiting for the full sample). Slow starts (TCP) only ever read low early.
const RATE_EARLY = 256e3;
const RATE_EARLY_FACTOR = 3;
const marks = {};   // name -> ms since the epoch (performance.timeOrigin based), for the bench
const mark = (name) => { marks[name] = performance.timeOrigin + performance.now(); };
mark("worker");

// Emscripten's dynamic linker wraps each JavaScript function it puts in the wasm table in a
// tiny module of its own (convertJsFunctionToWasm): every start compiled 260 of them, only
// 29 different. Compile each different one once; a module can be instantiated many times.
const TINY_MODULE = 256;   // bytes; those wrappers are 30-60
WebAssembly.Module = new Proxy(WebAssembly.Module, {
  tiny: new Map(),   // the module's bytes as a string -> the compiled module
  construct(target, args, newTarget) {
    const bytes = args[0];
    if (!(bytes instanceof Uint8Array) || bytes.length > TINY_MODULE) return Reflect.construct(target, args, newTarget);
    const key = String.fromCharCode.apply(null, bytes);
    let module = this.tiny.get(key);
    if (!module) this.tiny.set(key, module = Reflect.construct(target, args, newTarget));
    return module;
  },
});

// ---------------------------------------------------------------------------
// Decoded copies of the runtime in Cache Storage, for the next visit
// ---------------------------------------------------------------------------
// The HTTP cache keeps the wasm, the snapshot and the trimmed stdlib as they crossed the
// wire (gzip), so every repeat visit decoded their 28 MB again, on the same cores as the
// wasm compile (traced: the network service's IO thread busy 360-470 ms of it). Cache
// Storage keeps a body as the worker received it, decoded. Side by side, repeat visits read
// from there showed their first result 26% sooner (median of 6: 1251 -> 921 ms).
// The copies are made after a snapshot start that went without a fallback, once its
// warm-up is over, and only ever from the HTTP cache ("only-if-cached": never a download of
// their own). Not after a trimmed start: its Python boot makes V8 store the compiled wasm
// with the HTTP cache's entry, and a start from a copy would not find it. (After a snapshot
// start V8 stores it too, and only a compile from the HTTP cache's response finds it: that
// saves ~400 ms of compiling CPU, yet its gunzip made the repeat visit 4% slower on 2 cores,
// 584 -> 608 ms median of 10. Worth measuring again where hosts send brotli.) The URLs are
// versioned (Pyodide's folder) or content-hashed, and the cache holds nothing else: a new
// site build's copies replace the old ones. A start that went wrong while it read copies
// drops them all, and a load that failed is tried again without them.
// Any script of the same origin can rewrite Cache Storage (on GitHub Pages that is every
// project site of the account), so nothing from a copy runs until its SHA-256 is found to
// be the one this build published (the page's assets carry it): the wasm may compile and
// the snapshot be read meanwhile, but the module is instantiated, the snapshot restored
// and the stdlib handed to Python only after `trusted(url)`. A mismatch drops all copies
// and that file comes from the HTTP cache instead.
const COPIES = "jptrack-runtime";
const copies = {
  urls: new Set(),   // this site build's runtime files (absolute URLs)
  wasm: null,        // the wasm's URL: only precompile() reads its copy (see there)
  read: false,       // did this start read any copy?
  broken: null,      // what was wrong with a copy this start read
  off: !self.caches || !self.crypto || !crypto.subtle, // both need a secure context
  store: null,       // Promise of the Cache, or of null when it cannot be opened
  hashes: new Map(), // URL -> the SHA-256 (hex) this build published for it
  reads: new Map(),  // URL -> Promise of its copy ({buffer, headers, matches}) or null

  cache() {
    if (!this.store) this.store = caches.open(COPIES).catch(() => null);
    return this.store;
  },

  // The copy of url as a Response (its hash still being checked: see trusted), or null.
  async match(url) {
    if (this.off || !this.urls.has(url)) return null;
    let read = this.reads.get(url);
    if (!read) this.reads.set(url, read = this.readCopy(url));
    const copy = await read;
    return copy ? new Response(copy.buffer, { headers: copy.headers }) : null;
  },

  async readCopy(url) {
    try {
      const copy = await caches.match(url, { cacheName: COPIES });   // (opens no empty cache)
      if (!copy) return null;
      this.read = true;
      const buffer = await copy.arrayBuffer();
      const matches = crypto.subtle.digest("SHA-256", buffer).then((digest) => Array.from(
        new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("") === this.hashes.get(url),
        () => false);
      return { buffer, headers: copy.headers, matches };
    } catch {
      return null;   // unreadable: the HTTP cache has the file
    }
  },

  // May what was read of url run? True when no copy of it was read, or when the copy read
  // is this build's; otherwise every copy is dropped, and false.
  async trusted(url) {
    const copy = await (this.reads.get(url) || null);
    if (!copy || await copy.matches) return true;
    this.broken = `the kept copy of ${new URL(url).pathname.split("/").pop()} is not this build's ` +
      "(SHA-256 mismatch): all kept copies dropped";
    await this.drop();
    return false;
  },

  // Copy what the HTTP cache holds of this build's files; drop copies of other builds.
  async keep() {
    if (this.off) return 0;
    const cache = await this.cache();
    if (!cache) return 0;
    let kept = 0;
    try {
      for (const request of await cache.keys()) {
        if (!this.urls.has(request.url)) await cache.delete(request);
      }
      for (const url of this.urls) {
        if (await cache.match(url)) { kept++; continue; }
        const response = await networkFetch(url, { cache: "only-if-cached", mode: "same-origin" }).catch(() => null);
        if (response && response.ok) { await cache.put(url, response); kept++; }
      }
    } catch {
      // Storage full or turned off: the next visit reads the HTTP cache, as without copies.
    }
    return kept;
  },

  async drop() {
    this.off = true;   // for the rest of this worker's life
    try { await caches.delete(COPIES); } catch { /* nothing to drop */ }
  },
};

// Every GET of the snapshot or the stdlib looks for its copy first: the worker's own requests
// and Pyodide's (the stdlib zip) alike. A broken copy of either fails the checks of a
// snapshot start, which then falls back. Not the wasm: Pyodide waits forever on a wasm that
// does not compile, so only precompile() reads that copy, and it knows what to do then.
const networkFetch = self.fetch.bind(self);
self.fetch = async function (input, init) {
  const url = String(input && input.url ? input.url : input);
  const get = !init || !init.method || init.method.toUpperCase() === "GET";
  const copy = get && url !== copies.wasm ? await copies.match(url) : null;
  return copy && await copies.trusted(url) ? copy : networkFetch(input, init);
};

function progress(step, label) {
  self.postMessage({ type: "progress", step, of: STEPS, label });
}

// The body of url (from `response` when one is already at hand), or an error naming the file.
async function fetchOk(url, as, response = null) {
  response = response || await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${response.status} ${response.statusText} for ${new URL(url).pathname}`);
  return as === "text" ? response.text() : response.arrayBuffer();
}

// Pyodide reports a missing or broken wasm only after slow fallbacks (or never), so check it
// ourselves in parallel: a HEAD request, answered from the same cache as the download.
// Resolves to what is wrong, or null (a network error shows up in loadPyodide itself).
function wasmProblem(base) {
  return fetch(base + "pyodide.asm.wasm", { method: "HEAD", credentials: "same-origin" }).then(
    (response) => (response.ok ? null : `${response.status} ${response.statusText} for pyodide.asm.wasm`),
    () => null);
}

// Rejects when the wasm is missing; never settles otherwise (for a Promise.race).
function wasmMissing(base) {
  return wasmProblem(base).then((problem) => {
    if (problem) throw new Error(problem);
    return new Promise(() => {});
  });
}

function lockFile(lockInfo) {
  return lockInfo ? { lockFileContents: { info: lockInfo, packages: {} } } : {};
}

// The snapshot's header: u32 magic, where the memory begins, ..., the Pyodide build id as
// 8 u32 at bytes 16-48. Returns where the memory begins.
function checkHeader(buffer, buildId) {
  if (buffer.byteLength < 64) throw new Error("snapshot too short");
  const words = new Uint32Array(buffer, 0, 12);
  if (words[0] !== SNAPSHOT_MAGIC) throw new Error("not a Pyodide snapshot");
  if (buildId) {
    const id = Array.from(words.slice(4, 12), (w) => w.toString(16).padStart(8, "0")).join("");
    if (id !== buildId) throw new Error(`snapshot made for another Pyodide build (${id.slice(0, 12)}…)`);
  }
  if (words[1] % 4 || words[1] < HEADER_FIELDS || words[1] > MAX_HEADER) throw new Error("snapshot header malformed");
  return words[1];
}

// Compile the wasm ourselves, as soon as the worker starts, whichever start follows (for a
// snapshot start loadPyodide would only begin once the snapshot is in, since it sizes the
// memory from it), and hand the module over when Pyodide asks. Pyodide's own request for
// the wasm is answered with an empty stand-in: a second real one read the 9.6 MB again
// from the HTTP cache, and the network service's gzip decoding of it competed with the
// compile for the CPU (traced on a repeat visit: ~450 ms of that thread's time).
// The wasm comes from its kept copy when there is one (see "copies" above).
// With `measure`, also how fast the wasm arrives (see downloadRate): `rate`, in bytes/s.
function precompile(base, measure) {
  const url = base + "pyodide.asm.wasm";
  let fromCopy = false;
  const response = copies.match(url).then((copy) => {
    fromCopy = Boolean(copy);
    return copy || networkFetch(url, { credentials: "same-origin" });   // (self.fetch is patched below)
  });
  const rate = !measure ? Promise.resolve(null)
    : response.then((r) => (r.ok && r.body ? downloadRate(r.clone()) : 0), () => 0);
  const compiled = WebAssembly.compileStreaming(response)
    .then((module) => { mark("compiled"); return module; });
  compiled.catch(() => {});
  const originalFetch = self.fetch;
  const originalInstantiate = WebAssembly.instantiateStreaming;
  self.fetch = function (input, init) {
    const get = !init || !init.method || init.method.toUpperCase() === "GET";
    if (get && String(input && input.url ? input.url : input) === url) {
      self.fetch = originalFetch;   // once: Pyodide asks for the wasm one time
      return Promise.resolve(new Response(null, { headers: { "Content-Type": "application/wasm" } }));
    }
    return originalFetch.call(this, input, init);
  };
  WebAssembly.instantiateStreaming = async function (source, imports) {
    WebAssembly.instantiateStreaming = originalInstantiate;
    Promise.resolve(source).then((r) => r.body && r.body.cancel(), () => {});
    let module;
    try {
      module = await compiled;
      if (fromCopy && !await copies.trusted(url)) throw new Error("not this build's wasm");
    } catch (error) {
      if (fromCopy) {   // a broken copy: drop them all, and take the wasm from the network
        copies.broken = copies.broken || `the kept copy of the wasm did not compile (${firstLine(error)})`;
        await copies.drop();
      }
      // Our compile failed (a network error, say): Pyodide's own way, from a real request.
      return originalInstantiate.call(WebAssembly, originalFetch(url, { credentials: "same-origin" }), imports);
    }
    return { module, instance: await WebAssembly.instantiate(module, imports) };
  };
  const restore = () => {
    WebAssembly.instantiateStreaming = originalInstantiate;
    self.fetch = originalFetch;
  };
  return { rate, restore };
}

// Bytes per second of a response body (decoded), from its first chunk until RATE_SAMPLE
// bytes or the end, whichever comes first (or RATE_EARLY bytes, when they came clearly
// fast); the first chunk's own wait (latency) is left out.
async function downloadRate(response) {
  const reader = response.body.getReader();
  let first = 0, bytes = 0, firstAt = 0;
  const rate = () => {
    const seconds = (performance.now() - firstAt) / 1000;
    return bytes > first && seconds > 0 ? (bytes - first) / seconds : Infinity;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!firstAt) { firstAt = performance.now(); first = value.byteLength; }
      bytes += value.byteLength;
      if (bytes >= RATE_SAMPLE) break;
      if (bytes - first >= RATE_EARLY && rate() >= RATE_EARLY_FACTOR * SNAPSHOT_MIN_RATE) break;
    }
  } catch {
    return 0;
  } finally {
    reader.cancel().catch(() => {});   // only this branch of the tee; the compile goes on
  }
  return rate();
}

// A response from a kept copy or the HTTP cache, or null when neither has it.
async function fromCache(url) {
  const copy = await copies.match(url);
  if (copy) return copy;
  try {
    const response = await fetch(url, { cache: "only-if-cached", mode: "same-origin", credentials: "same-origin" });
    return response.ok ? response : null;
  } catch {
    return null;   // not cached: only-if-cached answers a miss with a network error
  }
}

// The snapshot, checked: from the cached response, or downloaded. Only its header is
// unpacked here, into an image-sized array whose other pages stay untouched zeros (Pyodide
// sizes the wasm memory from the image's length); restoringDirectly writes the rest.
async function snapshotImage({ snapshot, buildId }, cached) {
  let bytes = await fetchOk(snapshot, "buffer", cached);
  if (!await copies.trusted(snapshot)) bytes = await fetchOk(snapshot, "buffer");   // (copies are off now)
  const packed = new PackedSnapshot(bytes);
  mark("snapshot");
  const image = new Uint8Array(packed.size);
  packed.writeInto(image, 0, Math.min(packed.size, MAX_HEADER));   // (Pyodide reads no further)
  return { image, packed, memoryAt: checkHeader(image.buffer, buildId) };
}

// The site publishes the snapshot without its zero pages (hooks/checker.py pack_snapshot):
// u32 magic "jpz1", image size, run count n, n × (offset, length), then the runs' bytes.
class PackedSnapshot {
  constructor(buffer) {
    const view = new DataView(buffer);
    if (buffer.byteLength < 12 || view.getUint32(0, true) !== PACKED_MAGIC) throw new Error("not a packed snapshot");
    this.size = view.getUint32(4, true);
    const count = view.getUint32(8, true);
    let at = 12 + 8 * count;
    if (at > buffer.byteLength || this.size > MAX_IMAGE) throw new Error("snapshot truncated");
    this.runs = [];   // [offset in the image, bytes]
    for (let i = 0; i < count; i++) {
      const offset = view.getUint32(12 + 8 * i, true);
      const length = view.getUint32(16 + 8 * i, true);
      const last = this.runs[this.runs.length - 1];
      if (offset + length > this.size || at + length > buffer.byteLength) throw new Error("snapshot truncated");
      if (last && offset < last[0] + last[1].length) throw new Error("snapshot runs out of order");
      this.runs.push([offset, new Uint8Array(buffer, at, length)]);
      at += length;
    }
    if (at !== buffer.byteLength) throw new Error("snapshot has the wrong length");
  }

  // The image's bytes [from, to) into target[0, to - from): the runs' bytes, and zeros
  // between them unless the target is known to be zeros there (`zeroed`).
  writeInto(target, from, to, { zeroed = true } = {}) {
    let done = from;   // target holds the image up to here
    for (const [offset, bytes] of this.runs) {
      const start = Math.max(offset, from), end = Math.min(offset + bytes.length, to);
      if (end <= start) continue;
      if (!zeroed && start > done) target.fill(0, done - from, start - from);
      target.set(bytes.subarray(start - offset, end - offset), start - from);
      done = end;
    }
    if (!zeroed && to > done) target.fill(0, done - from, to - from);
  }
}

async function loadSnapshot({ pyodide: base, stdlib, stdlibBytes: expected, lockInfo }, snapshot, loader) {
  const { loadPyodide, createPyodideModule } = await loader;
  mark("pyodide.mjs");
  // loadPyodide awaits the image before instantiating, so a bad header (or an HTTP error)
  // rejects here without a wasted instantiation.
  const pyodide = await Promise.race([
    loadPyodide({ indexURL: base, stdLibURL: stdlib, packages: [], ...lockFile(lockInfo),
                  _loadSnapshot: snapshot.then(({ image }) => image),
                  createPyodideModule: restoringDirectly(createPyodideModule, snapshot) }),
    wasmMissing(base),
  ]);
  mark("restored");
  progress(2, "Starting the checker");
  const web = pyodide.globals.get("__jptrack_web");
  checkTrimmedStdlib(web.resume(), expected);
  const run = web.run;
  const check = JSON.parse(run("", "2026-10-01"));
  if (!check.ok) throw new Error("the snapshot's checker does not answer");
  return { run, warmUp: pyodide.runPython("__jptrack_web.warm_up") };
}

// Pyodide restores a snapshot by copying the whole image into the wasm memory: 31 MB, most
// of it zeros, which had to be unpacked into an array of that size first. Instead Pyodide
// checks the header and reads its metadata, and the memory's runs go straight from the
// packed file into the wasm memory, with zeros between them: the data segments and the
// runtime's start wrote to that memory already (in this build all inside the runs, but
// nothing promises so). Side by side, 8 rounds, with the tiny-module memo above: a repeat
// visit's first result 648 -> 620 ms, a cold one's 875 -> 859 ms (median).
function restoringDirectly(createPyodideModule, snapshot) {
  return async (settings) => {
    const module = await createPyodideModule(settings);
    const { packed, memoryAt } = await snapshot;
    const restore = module.API && module.API.restoreSnapshot;
    if (typeof restore !== "function") throw new Error("this Pyodide has no restoreSnapshot");
    module.API.restoreSnapshot = (image) => {
      const metadata = restore(image.subarray(0, memoryAt));
      const memory = new Uint8Array(module.HEAP8.buffer);
      if (memory.length < packed.size - memoryAt) throw new Error("the wasm memory is smaller than the snapshot");
      packed.writeInto(memory, memoryAt, packed.size, { zeroed: false });
      return metadata;
    };
    return module;
  };
}

// Pyodide only logs a failed stdlib download; Python would then run until the first import
// that is not in memory yet. Check the zip is there and is ours (`bytes`: its size, from
// jptrack_web.stdlib_zip_size).
function checkTrimmedStdlib(bytes, expected) {
  if (bytes < 0 || (expected && bytes !== expected)) {
    throw new Error(`the trimmed stdlib did not load (${bytes} bytes)`);
  }
}

// A Python start from scratch, on the trimmed stdlib (stdlib given) or Pyodide's full one.
async function loadPlain({ pyodide: base, archive, catalog, lockInfo, stdlibBytes }, loader, stdlib = null) {
  // Start our own two downloads while Pyodide fetches and compiles its runtime.
  const files = Promise.all([fetchOk(archive, "buffer"), fetchOk(catalog, "text")]);
  files.catch(() => {});   // handled below; avoid an unhandled rejection meanwhile
  const { loadPyodide } = await loader;
  mark("pyodide.mjs");
  const pyodide = await Promise.race([
    loadPyodide({ indexURL: base, packages: [], ...lockFile(lockInfo), ...(stdlib ? { stdLibURL: stdlib } : {}) }),
    wasmMissing(base),
  ]);
  mark("booted");
  progress(2, "Starting the checker");
  const [zip, stages] = await files;
  pyodide.unpackArchive(zip, "zip", { extractDir: LIB });
  pyodide.FS.writeFile(`${LIB}/stages.json`, stages, { encoding: "utf8" });
  progress(3, "Reading the stage catalogue");
  const web = pyodide.runPython(`
import sys
sys.path.insert(0, ${JSON.stringify(LIB)})
import jptrack_web
jptrack_web.load(${JSON.stringify(LIB + "/stages.json")})
jptrack_web
`);
  // (A trimmed stdlib that did not load at all already failed that import.)
  if (stdlib) checkTrimmedStdlib(web.stdlib_zip_size(), stdlibBytes);
  const run = web.run;
  // Warm up: the first call compiles regexes.
  try { run("", null); } catch { /* a real call will report it */ }
  return { run, warmUp: null };   // booting Python already got the wasm optimised
}

const firstLine = (error) => String((error && error.message) || error).split("\n")[0].slice(0, 200);

// Which start, and why the faster ones were not used (`fallback`). With the "auto" policy
// the snapshot is used when the HTTP cache already holds it, or on a first visit when the
// network is fast enough that its download costs less than the Python boot it saves
// (measured on the wasm, which every start needs); otherwise Python boots on the trimmed
// stdlib, which on a slow link is sooner and 4-5 MB less. "always" and "never" force it.
async function start(message, loader, forcePlain, reason) {
  if (!message.snapshot || !message.stdlib || forcePlain) {
    return { ...await loadPlain(message, loader), mode: "plain", fallback: reason };
  }
  const policy = message.snapshotPolicy || "auto";
  const { cached, wasmCached } = policy === "auto" ? await inCache(message) : {};
  const wasm = precompile(message.pyodide, policy === "auto" && !cached && !wasmCached);
  let fallback = reason;
  try {
    const rate = await wasm.rate;
    if (policy === "always" || cached || rate >= SNAPSHOT_MIN_RATE) {
      const snapshot = snapshotImage(message, cached);
      snapshot.catch(() => {});
      try {
        return { ...await loadSnapshot(message, snapshot, loader), mode: "snapshot", fallback, rate };
      } catch (error) {
        return { ...await loadPlain(message, loader), mode: "plain", fallback: firstLine(error) };
      }
    }
    try {
      return { ...await loadPlain(message, loader, message.stdlib), mode: "trimmed", fallback, rate };
    } catch (error) {
      if (await wasmProblem(message.pyodide)) throw error;   // the same again on the full stdlib
      fallback = firstLine(error);
    }
  } finally {
    wasm.restore();
  }
  return { ...await loadPlain(message, loader), mode: "plain", fallback };
}

// Ask the HTTP cache first (a few ms, before our own wasm request could fill it): a wasm
// that comes from the cache says nothing about the network, and a returning visitor whose
// first visit went without the snapshot starts from the cache sooner than they could
// download it.
async function inCache(message) {
  const [cached, wasmCached] = await Promise.all(
    [fromCache(message.snapshot), fromCache(message.pyodide + "pyodide.asm.wasm")]);
  if (wasmCached) wasmCached.body.cancel().catch(() => {});
  return { cached, wasmCached: Boolean(wasmCached) };
}

async function load(message, { forcePlain = false, reason = null } = {}) {
  const started = performance.now();
  progress(1, "Downloading Python");
  copies.wasm = message.pyodide + "pyodide.asm.wasm";
  const sha256 = message.sha256 || {};
  copies.hashes = new Map([[copies.wasm, sha256.wasm], [message.snapshot, sha256.snapshot],
                           [message.stdlib, sha256.stdlib]].filter(([url, hash]) => url && hash));
  copies.urls = new Set(copies.hashes.keys());   // a file without a published hash is never copied
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
  mode = python.mode;
  mark("ready");
  self.postMessage({ type: "ready", ms: performance.now() - started, mode, fallback: python.fallback,
                     rate: python.rate === undefined ? null : python.rate, copies: copies.read, marks });
  // Checks that came in while Python loaded await `ready`, which this return resolves before
  // the warm-up's first timer fires: they run first.
  if (python.warmUp) {
    const warm = warmUp(python.warmUp);
    if (mode === "snapshot" && !python.fallback) warm.then(keepCopies);
  }
  return python.run;
}

async function keepCopies() {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, quietUntil - performance.now())));
  if (!await copies.keep()) return;
  mark("copied");
  const done = { copied: marks.copied };
  if (await primeCodeCache(init.pyodide)) {
    mark("primed");
    done.primed = marks.primed;
  }
  self.postMessage({ type: "marks", marks: done });
}

// Chromium has V8 make a script's code cache on its second load (the first load only notes
// the time), so the first return visit compiled the 1.25 MB pyodide.asm.mjs again and made
// its code cache, on the way to the first result (traced: 31 + 13 ms); only later visits
// read it. Loading Pyodide's two modules once more now, in a short-lived worker (this same
// script, sent "prime"), has the cache made while the page is idle. Only after the copies
// were kept: the HTTP cache holds the runtime then, so this downloads nothing. Side by side,
// 6 fresh profiles x 4 visits: the first return visit 624 -> 595 ms (median), the ones after
// it unchanged (610, 606 -> 597, 603). Resolves to whether the helper loaded both.
function primeCodeCache(base) {
  return new Promise((resolve) => {
    let helper;
    try {
      helper = new Worker(self.location.href, { type: "module", name: "jptrack-prime" });
    } catch {
      resolve(false);   // no workers inside workers here: nothing lost but the head start
      return;
    }
    const done = (loaded) => {
      clearTimeout(timer);
      helper.terminate();
      resolve(loaded);
    };
    const timer = setTimeout(() => done(false), PRIME_TIMEOUT_MS);
    helper.onmessage = ({ data }) => done(Boolean(data && data.type === "primed" && data.loaded));
    helper.onerror = (event) => {
      event.preventDefault();
      done(false);
    };
    helper.postMessage({ type: "prime", urls: [base + "pyodide.mjs", base + "pyodide.asm.mjs"] });
  });
}

// The helper's side: import the modules (same-origin only), which is all V8 needs to see.
async function prime(urls) {
  let loaded = urls.length > 0;
  for (const url of urls) {
    try {
      if (new URL(url).origin !== self.location.origin) throw new Error("not this site's");
      await import(url);
    } catch {
      loaded = false;
    }
  }
  self.postMessage({ type: "primed", loaded });
}

// A snapshot start skips Python's boot, which is what makes V8 optimise the interpreter's
// wasm; until it has, checks run 3-4x slower (measured: 9.7 ms → 2.0 ms for 30 lines).
// So keep the classifier busy on the catalog's examples for a while, one run per task:
// a real check waits behind one run at most.
async function warmUp(warm) {
  const until = performance.now() + WARM_UP_MS;
  while (performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, quietUntil - performance.now())));
    try {
      warm();
    } catch {
      return;   // a broken warm-up must not break the checker; a real check reports errors
    }
  }
  mark("warm");
  self.postMessage({ type: "marks", marks: { warm: marks.warm } });
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
  if (message.type === "prime") {
    await prime(Array.isArray(message.urls) ? message.urls.map(String) : []);
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
        json = run(String(message.text), message.today || null, message.to || null);
      } catch (error) {
        // The trimmed stdlib lacks a module this paste needs: start again on the full one.
        if (mode === "plain" || !isImportError(error)) throw error;
        ready = load(init, { forcePlain: true, reason: "a module was missing from the trimmed stdlib" });
        run = await ready;
        json = run(String(message.text), message.today || null, message.to || null);
      }
      self.postMessage({ type: "reply", id: message.id, json, ms: performance.now() - started });
      quietUntil = performance.now() + QUIET_AFTER_REPLY_MS;
    } catch (error) {
      self.postMessage({ type: "error", id: message.id,
                         message: String((error && error.message) || error).split("\n").slice(-2).join(" ") });
    }
  }
};
