// Pyodide's wasm: compiled by the worker itself as soon as it starts, whichever start follows,
// and how fast it arrives (which decides between the snapshot and a trimmed start).
import { networkFetch } from "./copies.js";
import { mark } from "./common.js";

// How fast the wasm must arrive (decoded) for the snapshot's extra download to cost less than
// the Python boot it saves; measured over RATE_SAMPLE bytes, or RATE_EARLY on a clearly fast link.
export const SNAPSHOT_MIN_RATE = 10e6;
const RATE_SAMPLE = 2e6;
const RATE_EARLY = 256e3;
const RATE_EARLY_FACTOR = 3;
const TINY_MODULE = 256;   // bytes; Emscripten's function wrappers are 30-60

// Emscripten's dynamic linker wraps each JavaScript function it puts in the wasm table in a
// tiny module of its own, hundreds per start but few different: compile each different one once.
export function memoTinyModules(wasm = WebAssembly) {
  const tiny = new Map();   // the module's bytes as a string -> the compiled module
  wasm.Module = new Proxy(wasm.Module, {
    construct(target, args, newTarget) {
      const bytes = args[0];
      if (!(bytes instanceof Uint8Array) || bytes.length > TINY_MODULE) return Reflect.construct(target, args, newTarget);
      const key = String.fromCharCode.apply(null, bytes);
      let module = tiny.get(key);
      if (!module) tiny.set(key, module = Reflect.construct(target, args, newTarget));
      return module;
    },
  });
}

// Compile the wasm now (V8 finds its compiled code with the HTTP cache's entry on a later
// visit), and hand the module to Pyodide when it asks: its own request is answered with an
// empty stand-in, so the 9.6 MB are read and decoded once. `restore()` takes the two patches
// back. With `measure`, also `rate`: how fast the wasm arrived, in bytes/s. `cached`: the
// wasm's response already taken from the HTTP cache, if any.
export function precompile(base, measure, cached = null) {
  const url = base + "pyodide.asm.wasm";
  const response = cached ? Promise.resolve(cached) : networkFetch(url, { credentials: "same-origin" });
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
    } catch {
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
// bytes or the end (or RATE_EARLY bytes, when they came clearly fast); the first chunk's
// own wait (latency) is left out.
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

// What is wrong with the wasm (a HEAD request, answered from the same cache), or null:
// Pyodide reports a missing wasm only after slow fallbacks, or never.
export function wasmProblem(base) {
  return fetch(base + "pyodide.asm.wasm", { method: "HEAD", credentials: "same-origin" }).then(
    (response) => (response.ok ? null : `${response.status} ${response.statusText} for pyodide.asm.wasm`),
    () => null);
}

// Rejects when the wasm is missing; never settles otherwise (for a Promise.race).
export function wasmMissing(base) {
  return wasmProblem(base).then((problem) => {
    if (problem) throw new Error(problem);
    return new Promise(() => {});
  });
}
