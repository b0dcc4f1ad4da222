// Run bench/classify.py's timing loop under the pinned Pyodide in Node.
//
//   node bench/pyodide.mjs BENCH.zip
//
// BENCH.zip is what `bench/classify.py --pyodide` writes: the package(s) to time, the
// bench module itself, the catalog JSON, the paste lines and the sizes. Prints the rows
// as JSON on stdout. Loading Pyodide follows tests/pyodide/run.mjs.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const [archive] = process.argv.slice(2);
if (!archive) {
  console.error("usage: node bench/pyodide.mjs BENCH.zip");
  process.exit(2);
}

const { loadPyodide } = await import(resolve(ROOT, "node_modules/pyodide/pyodide.mjs"));
const pyodide = await loadPyodide({ indexURL: resolve(ROOT, "node_modules/pyodide") + "/" });
const LIB = "/home/pyodide/jptrack-bench";
pyodide.unpackArchive(new Uint8Array(readFileSync(archive)), "zip", { extractDir: LIB });

const output = pyodide.runPython(`
import sys
sys.path.insert(0, ${JSON.stringify(LIB)})
import bench_classify
bench_classify.pyodide_main(${JSON.stringify(LIB)})
`);
process.stdout.write(output);
