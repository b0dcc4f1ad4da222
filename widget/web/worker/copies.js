// Decoded copies of the snapshot and the trimmed stdlib in Cache Storage, for the next visit:
// the HTTP cache keeps them compressed, and decoding 20 MB on every visit delayed the restore.
// Not the wasm: V8 keeps its compiled code with the HTTP cache's entry, so reading it from
// there costs less than reading and hashing a copy. A small Workbox-style cache-first
// precache, done in the worker itself because a service worker would bring a lifecycle of
// its own.
//
// Any script of the same origin can rewrite Cache Storage (on GitHub Pages that is every
// project site of the account), so nothing read from a copy runs until its SHA-256 is the
// one this build published (`trusted`); a mismatch drops every copy.

const COPIES = "jptrack-runtime";
export const networkFetch = self.fetch.bind(self);

export const copies = {
  urls: new Set(),   // this site build's files kept as copies (absolute URLs)
  read: false,       // did this start read any copy?
  broken: null,      // what was wrong with a copy this start read
  off: !self.caches || !self.crypto || !crypto.subtle, // both need a secure context
  store: null,       // Promise of the Cache, or of null when it cannot be opened
  hashes: new Map(), // URL -> the SHA-256 (hex) this build published for it
  reads: new Map(),  // URL -> Promise of its copy ({buffer, headers, matches}) or null
  found: new Map(),  // URL -> Promise: is there a copy? (known before its bytes are read)

  // This build's files and their hashes, from the init message (a file without one is never copied).
  use({ snapshot, stdlib, sha256 = {} }) {
    this.hashes = new Map([[snapshot, sha256.snapshot], [stdlib, sha256.stdlib]]
      .filter(([url, hash]) => url && hash));
    this.urls = new Set(this.hashes.keys());
  },

  cache() {
    if (!this.store) this.store = caches.open(COPIES).catch(() => null);
    return this.store;
  },

  // The copy of url as a Response (its hash still being checked: see trusted), or null.
  async match(url) {
    const copy = await this.copy(url);
    return copy ? new Response(copy.buffer, { headers: copy.headers }) : null;
  },

  // The bytes of url's copy, or null; the same buffer every time (a Response would copy it).
  async bytes(url) {
    const copy = await this.copy(url);
    return copy ? copy.buffer : null;
  },

  copy(url) {
    if (this.off || !this.urls.has(url)) return Promise.resolve(null);
    let read = this.reads.get(url);
    if (!read) this.reads.set(url, read = this.readCopy(url));
    return read;
  },

  // Is there a copy of url? Answers as soon as Cache Storage does, before the bytes are read.
  has(url) {
    this.copy(url);
    return this.found.get(url) || Promise.resolve(false);
  },

  // The digest runs beside the compile or the restore that reads the same bytes.
  async readCopy(url) {
    const found = caches.match(url, { cacheName: COPIES }).catch(() => null);   // (opens no empty cache)
    this.found.set(url, found.then(Boolean));
    try {
      const copy = await found;
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

  // Copy what the HTTP cache holds of this build's files (never a download of their own);
  // drop copies of other builds. Resolves to how many files are kept.
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

  // Every GET of the snapshot or the stdlib looks for its copy first, the worker's own and
  // Pyodide's (the stdlib zip) alike.
  install() {
    self.fetch = async (input, init) => {
      const url = String(input && input.url ? input.url : input);
      const get = !init || !init.method || init.method.toUpperCase() === "GET";
      const copy = get ? await this.match(url) : null;
      return copy && await this.trusted(url) ? copy : networkFetch(input, init);
    };
  },
};

// A response from the HTTP cache, or null when it does not have url.
export async function fromHttpCache(url) {
  try {
    const response = await fetch(url, { cache: "only-if-cached", mode: "same-origin", credentials: "same-origin" });
    return response.ok ? response : null;
  } catch {
    return null;   // not cached: only-if-cached answers a miss with a network error
  }
}
