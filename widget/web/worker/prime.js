// V8 keeps a script's compiled code only once the script has been loaded twice, so the first
// return visit compiled Pyodide's 1.25 MB pyodide.asm.mjs again. After the copies are kept,
// a short-lived worker (this same worker script, sent "prime") loads Pyodide's two modules
// once more from the HTTP cache, and V8 stores their code while the page is idle.

const PRIME_TIMEOUT_MS = 10000;

// Resolves to whether the helper loaded both modules.
export function primeCodeCache(base) {
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
export async function prime(urls) {
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
