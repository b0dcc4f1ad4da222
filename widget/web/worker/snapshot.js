// The "snapshot" start: restore the memory snapshot made at site build (Python started on the
// trimmed stdlib, jptrack imported, the catalog loaded, warmed up on its examples), then keep
// warming the interpreter up in the background.
import { checkTrimmedStdlib, fetchOk, lockFile, mark, progress, quiet } from "./common.js";
import { copies } from "./copies.js";
import { wasmMissing } from "./wasm.js";

const MAX_IMAGE = 2 ** 31;     // a wasm32 memory image is smaller than this
const HEADER_FIELDS = 48;      // a Pyodide snapshot's fixed header fields (checkHeader)
const MAX_HEADER = 2 ** 16;    // with its metadata (JSON) after them
const MIN_SNAPSHOT = 64;       // bytes that checkHeader reads
const WARM_UP_MS = 1500;

// The snapshot image, checked: from the kept copy's bytes (as read: a Response would copy
// them), the response from the HTTP cache, or downloaded.
export async function snapshotImage({ snapshot, buildId, shared = {} }, cached) {
  let bytes = await copies.bytes(snapshot)
    || await fetchOk(snapshot, "buffer", cached instanceof Response ? cached : null);
  if (!await copies.trusted(snapshot)) bytes = await fetchOk(snapshot, "buffer");   // (copies are off now)
  const image = sparseImage(bytes, buildId, shared);
  mark("snapshot");
  return { image };
}

// The published (packed) snapshot's bytes as the image loadPyodide takes, header checked.
export function sparseImage(bytes, buildId, { packedMagic, snapshotMagic }) {
  const packed = new PackedSnapshot(bytes, packedMagic);
  return new SparseImage(packed, checkHeader(packed.head(MIN_SNAPSHOT), buildId, snapshotMagic));
}

// The snapshot's header: u32 magic, where the memory begins, ..., the Pyodide build id as
// 8 u32 at bytes 16-48. Returns where the memory begins.
export function checkHeader(buffer, buildId, magic) {
  if (buffer.byteLength < MIN_SNAPSHOT) throw new Error("snapshot too short");
  const words = new Uint32Array(buffer, 0, 12);
  if (words[0] !== magic) throw new Error("not a Pyodide snapshot");
  if (buildId) {
    const id = Array.from(words.slice(4, 12), (w) => w.toString(16).padStart(8, "0")).join("");
    if (id !== buildId) throw new Error(`snapshot made for another Pyodide build (${id.slice(0, 12)}…)`);
  }
  if (words[1] % 4 || words[1] < HEADER_FIELDS || words[1] > MAX_HEADER) throw new Error("snapshot header malformed");
  return words[1];
}

// The published snapshot leaves out its zero pages (hooks/_assets.py pack_snapshot): u32
// magic, image size, run count n, n × (offset, length), then the runs' bytes.
export class PackedSnapshot {
  constructor(buffer, magic) {
    const view = new DataView(buffer);
    const head = buffer.byteLength < 12 ? "" : String.fromCharCode(...new Uint8Array(buffer, 0, 4));
    if (!magic || head !== magic) throw new Error("not a packed snapshot");
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

  // The whole image: the runs at their offsets, zeros between them.
  image() {
    const image = new Uint8Array(this.size);
    for (const [offset, bytes] of this.runs) image.set(bytes, offset);
    return image;
  }

  // The image's first `length` bytes, as a buffer of their own.
  head(length) {
    const head = new Uint8Array(Math.min(length, this.size));
    for (const [offset, bytes] of this.runs) {
      if (offset >= head.length) break;
      head.set(bytes.subarray(0, head.length - offset), offset);
    }
    return head.buffer;
  }

  // Write the image from byte `from` on into `memory` (a Uint8Array of zeros): the runs only.
  writeFrom(from, memory) {
    for (const [offset, bytes] of this.runs) {
      if (offset + bytes.length <= from) continue;
      const skip = Math.max(0, from - offset);
      memory.set(skip ? bytes.subarray(skip) : bytes, offset + skip - from);
    }
  }
}

// Pyodide restores a snapshot by copying the whole image into a new memory of its size
// (HEAP8.set(image.subarray(start))), zeros and all, after we unpacked it into one more
// copy. A SparseImage is the image's header, as long as the whole image; the copy of the
// rest, handed to Int8Array's set in restoringSparse, writes the runs straight into the memory.
export class SparseImage extends Uint8Array {
  static get [Symbol.species]() { return Uint8Array; }

  constructor(packed, start) {
    super(packed.head(start));
    this.packed = packed;
    this.start = start;     // where the memory begins in the image
    this.written = false;   // did Pyodide's copy reach us?
  }

  get length() { return this.packed.size; }

  subarray(begin, end) {
    return begin === this.start && end === undefined ? new ImageRest(this) : super.subarray(begin, end);
  }
}

// Run restore() with Int8Array's set writing an ImageRest's runs into the memory it is set on.
export async function restoringSparse(restore) {
  const set = Int8Array.prototype.set;
  Int8Array.prototype.set = function (source, offset = 0) {
    if (!(source instanceof ImageRest)) return set.call(this, source, offset);
    source.image.packed.writeFrom(source.image.start, new Uint8Array(this.buffer, this.byteOffset + offset));
    source.image.written = true;
    return undefined;
  };
  try {
    return await restore();
  } finally {
    Int8Array.prototype.set = set;
  }
}

// The image after its header: empty itself, so a copy outside restoringSparse copies nothing.
class ImageRest extends Uint8Array {
  constructor(image) {
    super(0);
    this.image = image;
  }
}

// Restore: loadPyodide awaits the image before instantiating, so a bad header (or an HTTP
// error) rejects here without a wasted instantiation. Resolves to {run, warmUp}.
export async function startFromSnapshot({ pyodide: base, stdlib, stdlibBytes: expected, lockInfo }, snapshot, loader) {
  const { loadPyodide } = await loader;
  mark("pyodide.mjs");
  const pyodide = await restoringSparse(() => Promise.race([
    loadPyodide({ indexURL: base, stdLibURL: stdlib, packages: [], ...lockFile(lockInfo),
                  _loadSnapshot: snapshot.then(({ image }) => image) }),
    wasmMissing(base),
  ]));
  if (!(await snapshot).image.written) throw new Error("Pyodide restored the snapshot in a way this checker does not know");
  mark("restored");
  progress(2, "start");
  const web = pyodide.globals.get("__jptrack_web");
  checkTrimmedStdlib(web.resume(), expected);
  const run = web.run;
  const check = JSON.parse(run("", "2026-10-01"));
  if (!check.ok) throw new Error("the snapshot's checker does not answer");
  return { run, warmUp: pyodide.runPython("__jptrack_web.warm_up") };
}

// A snapshot start skips the boot that gets V8 to optimise the interpreter's wasm, so the
// first checks would run several times slower: run the catalog's examples for a while, one
// run per task, so a real check waits behind one run at most. Resolves when done.
export async function warmUp(warm) {
  const until = performance.now() + WARM_UP_MS;
  while (performance.now() < until) {
    await quiet();
    try {
      warm();
    } catch {
      return false;   // a broken warm-up must not break the checker; a real check reports errors
    }
  }
  mark("warm");
  return true;
}
