// The trimmed standard library: only the modules Pyodide's start-up and the checker import
// (found by running every path: each catalog example, an empty paste, a too-long paste,
// today's date, a Python error crossing into JS), precompiled to .pyc and STORED (the
// HTTP layer compresses; deflate inside the zip would only stop it doing better).
//
//   node make_stdlib.mjs PYODIDE_DIR ARCHIVE.zip CATALOG.json OUT.zip
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { freezeEntropyAndClocks, installChecker, options, LIB } from "./common.mjs";

freezeEntropyAndClocks();
const [pyodideDir, archive, catalog, out] = process.argv.slice(2);
if (!out) { console.error("usage: node make_stdlib.mjs PYODIDE_DIR ARCHIVE.zip CATALOG.json OUT.zip"); process.exit(2); }
const { loadPyodide } = await import(pathToFileURL(resolve(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide(options(pyodideDir));
installChecker(pyodide, archive, catalog);
pyodide.runPython(`
import json, random, jptrack_web, jptrack.classify
random.seed()
cat = jptrack_web._catalog
for stage in cat:
    for text in stage.examples:
        jptrack_web.run(text, "2026-10-01")
        jptrack_web.run(text, None)
jptrack_web.run("EG123456785JP", None)
jptrack_web.run("x" * (jptrack.classify.MAX_INPUT_CHARS + 1), None)
json.loads(jptrack_web.run("2026/09/20 20:14 引受 新宿郵便局\\n09/21/2026 10:00 Nonsense", "2026-10-01"))
import traceback
try:
    1 / 0
except ZeroDivisionError:
    traceback.format_exc()
`);
try { pyodide.runPython("raise ValueError('x')"); } catch { /* the JS side of a Python error */ }
const count = pyodide.runPython(`
import sys, zipfile, importlib._bootstrap_external as be
SRC = "/lib/python" + "".join(map(str, sys.version_info[:2])) + ".zip"
source = zipfile.ZipFile(SRC)
names = set(source.namelist())
want = set()
for module in list(sys.modules.values()):
    f = getattr(module, "__file__", None) or ""
    if f.startswith(SRC + "/"):
        want.add(f[len(SRC) + 1:])
# Codecs are looked up lazily: keep the whole encodings package, and sysconfig's data.
want |= {n for n in names if n.startswith("encodings/") and n.endswith(".py")}
want |= {n for n in names if n.startswith("_sysconfigdata")}
for w in list(want):
    parts = w.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        init = "/".join(parts[:i]) + "/__init__.py"
        if init in names:
            want.add(init)
target = zipfile.ZipFile("/tmp/stdlib.zip", "w", zipfile.ZIP_STORED)
for d in sorted({w.rsplit("/", 1)[0] + "/" for w in want if "/" in w}):
    info = zipfile.ZipInfo(d, (1980, 1, 1, 0, 0, 0))
    info.external_attr = 0o40755 << 16
    target.writestr(info, b"")
for w in sorted(want):
    data, name = source.read(w), w
    if w.endswith(".py"):
        code = compile(data, SRC + "/" + w, "exec", dont_inherit=True, optimize=0)
        data, name = bytes(be._code_to_hash_pyc(code, b"\\0" * 8, checked=False)), w + "c"
    info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
    info.external_attr = 0o644 << 16
    target.writestr(info, data)
target.close()
len(want)
`);
const bytes = pyodide.FS.readFile("/tmp/stdlib.zip");
writeFileSync(out, bytes);
console.log(JSON.stringify({ out, modules: count, bytes: bytes.length }));
