// Run parts of the checker's worker (widget/web/worker/) in Node, where a test can look at
// them one by one: the reader of the packed snapshot and the compile-once memo of tiny wasm
// modules. They are ES modules, imported as they are; `self` is a stand-in for the worker's.
//
//   node tests/pyodide/worker_parts.mjs REQUEST.json
//
// REQUEST: {"unpack": [{packed, out, magic}], "sparse": [{packed, out, magic, start}], "modules": true}
//   unpack   each packed file is read with PackedSnapshot and its image saved to `out`; or
//            the reader's error message is reported.
//   sparse   each packed file as a SparseImage, copied as Pyodide's restore copies it (into
//            a zeroed memory as long as the image, from `start` on) inside restoringSparse,
//            the memory saved to `out`; and the same copy outside it, and a restore that throws.
//   modules  compile wasm modules through the worker's WebAssembly.Module and report which
//            came out as the same object.
// Prints {"unpack": [{size, error?}], "modules": {...}} as JSON.
import { readFileSync, writeFileSync } from "node:fs";

const request = JSON.parse(readFileSync(process.argv[2], "utf8"));
globalThis.self = { fetch: async () => { throw new Error("no network here"); }, postMessage() {},
                    location: { href: "http://localhost/main.js", origin: "http://localhost" } };
const { PackedSnapshot, SparseImage, restoringSparse } = await import("../../widget/web/worker/snapshot.js");
const { memoTinyModules } = await import("../../widget/web/worker/wasm.js");

const output = {};
if (request.unpack) {
  output.unpack = request.unpack.map(({ packed, out, magic }) => {
    const bytes = readFileSync(packed);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    try {
      const snapshot = new PackedSnapshot(buffer, magic);
      writeFileSync(out, snapshot.image());
      return { size: snapshot.size };
    } catch (error) {
      return { error: String(error.message) };
    }
  });
}

const read = (path) => {
  const bytes = readFileSync(path);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
};

if (request.sparse) {
  const set = Int8Array.prototype.set;
  output.sparse = [];
  for (const { packed, out, magic, start } of request.sparse) {
    const image = new SparseImage(new PackedSnapshot(read(packed), magic), start);
    const memory = new Int8Array(image.length);   // Pyodide: INITIAL_MEMORY = image.length
    const outside = new Int8Array(image.length);
    outside.set(image.subarray(start));
    const writtenOutside = image.written;
    await restoringSparse(async () => memory.set(image.subarray(start)));
    writeFileSync(out, memory);
    let thrown = null;
    try {
      await restoringSparse(async () => { throw new Error("restore failed"); });
    } catch (error) {
      thrown = error.message;
    }
    output.sparse.push({
      length: image.length, header_bytes: image.byteLength, written: image.written, written_outside: writtenOutside,
      outside_all_zero: outside.every((b) => b === 0), thrown, set_restored: Int8Array.prototype.set === set,
      header_matches: Array.from(image.subarray(0, 16)),
    });
  }
}

// A module importing one function of the given signature and exporting it (what
// Emscripten's convertJsFunctionToWasm makes): params and results as wasm type codes.
const Bytes = Uint8Array;
function wrapper(params, results) {
  const type = [0x60, params.length, ...params, results.length, ...results];
  return Bytes.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    1, type.length + 1, 1, ...type,                  // type section
    2, 7, 1, 1, 0x65, 1, 0x66, 0, 0,                 // import "e" "f": function of type 0
    7, 5, 1, 1, 0x66, 0, 0);                         // export "f": function 0
}

if (request.modules) {
  const Original = WebAssembly.Module;
  memoTinyModules(WebAssembly);
  const Module = WebAssembly.Module;
  const Instance = WebAssembly.Instance;
  const i32 = 0x7f;
  const a = new Module(wrapper([i32], [i32]));
  const b = new Module(wrapper([i32], [i32]));
  const c = new Module(wrapper([i32, i32], [i32]));
  // A module over the size limit: the same bytes, padded with a custom section.
  const padding = new Uint8Array(300);
  const size = padding.length + 2;   // the name's length and the name "x", then the padding
  const big = (bytes) => Bytes.of(...bytes, 0, (size & 0x7f) | 0x80, size >> 7, 1, 0x78, ...padding);
  const d = new Module(big(wrapper([i32], [i32])));
  const e = new Module(big(wrapper([i32], [i32])));
  const add = (x) => x + 1;
  const twice = (x, y) => x * y;
  output.modules = {
    same_signature_same_module: a === b,
    other_signature_other_module: a !== c,
    big_modules_compiled_each_time: d !== e,
    is_a_module: a instanceof Original && Original.prototype === Object.getPrototypeOf(a),
    instances_call_their_own_function: [
      new Instance(a, { e: { f: add } }).exports.f(41),
      new Instance(b, { e: { f: (x) => x - 1 } }).exports.f(41),
      new Instance(c, { e: { f: twice } }).exports.f(6, 7),
    ],
  };
}
console.log(JSON.stringify(output));
