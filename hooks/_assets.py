"""The checker's files as the site publishes them, and the asset list the page is given.

Every name is versioned or content-hashed, so a host may cache them for a year:

    assets/pyodide/<version>/            Pyodide's runtime files (from node_modules)
    assets/checker/jptrack-<hash>.zip    widget/jptrack/*.py + jptrack_web.py, deterministic zip
    assets/checker/stages-<hash>.json    the catalog (Catalog.to_json)
    assets/checker/checker-<hash>.js     the page module (widget/web/checker.js)
    assets/checker/checker-<hash>.css    its styles (on every page; small)
    assets/javascripts/case-<hash>.js    a shared link's case on a stage page (on every page; small,
                                         and apart from the checker's files, which other pages never load)
    assets/checker/worker-<hash>.js      the module worker (widget/web/worker/*.js, joined)
    assets/checker/stdlib-<hash>.zip     the trimmed stdlib (hooks/_runtime.py)
    assets/checker/snapshot-<hash>.bin   the memory snapshot, packed (pack_snapshot below)
    assets/javascripts/workers/search-after-checker-<hash>.js
                                         starts Material's search worker once Python has started

The page learns the names, sizes and SHA-256s as JSON in the page (`page_json`), the way
Material hands its own config; checker.js itself is published unchanged.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.exceptions import PluginError

from _runtime import PYODIDE_FILES, PYTHON_LIB, SNAPSHOT_MAGIC, FastStart, Runtime, sha

ASSETS = "assets/checker"
# Material's search worker finds its language files relative to its own address, so the
# wrapper that delays it (widget/web/search-after-checker.js) lives beside it.
SEARCH_WORKERS = "assets/javascripts/workers"
CASE_SCRIPTS = "assets/javascripts"
ZIP_TIME = (2020, 1, 1, 0, 0, 0)   # every zip entry's timestamp: the hash changes only with the code
WORKER_ENTRY = "main.js"
# The BroadcastChannel on which checker.js tells search-after-checker.js that Python has settled.
SEARCH_CHANNEL = "jptrack-search"
PACKED_MAGIC = b"jpz1"
PACK_BLOCK = 4096
# What the worker and this build must agree on, defined once (here and in _runtime.py).
SHARED = {"packedMagic": PACKED_MAGIC.decode("ascii"), "snapshotMagic": SNAPSHOT_MAGIC, "lib": PYTHON_LIB,
          "searchChannel": SEARCH_CHANNEL}


@dataclass
class Assets:
    files: dict[str, bytes | Path] = field(default_factory=dict)   # site uri -> content or source
    page: dict = field(default_factory=dict)   # what the page is told (page_json)
    script: str = ""          # uri of the page module
    stylesheet: str = ""      # uri of the CSS
    case_script: str = ""     # site uri of widget/web/case.js
    search_worker: str = ""   # file name of the wrapper that holds Material's search index

    def page_json(self) -> str:
        # "</" cannot end the <script> element that carries it
        return json.dumps(self.page, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")


def package_archive(root: Path) -> bytes:
    web = root / "widget" / "web"
    return zip_package(root / "widget" / "jptrack", extra={"jptrack_web.py": web / "jptrack_web.py"})


def collect(root: Path, runtime: Runtime, archive: bytes, catalog: bytes, fast: FastStart) -> Assets:
    """Every file of the checker, under its published name, and the page's asset list."""
    web = root / "widget" / "web"
    assets = Assets()
    for name in PYODIDE_FILES:
        assets.files[f"assets/pyodide/{runtime.version}/{name}"] = runtime.folder / name
    packed = pack_snapshot(fast.snapshot)
    stdlib_sha = sha(fast.stdlib)
    named = {
        "archive": hashed("jptrack", "zip", archive),
        "catalog": hashed("stages", "json", catalog),
        "stdlib": (f"stdlib-{stdlib_sha[:12]}.zip", fast.stdlib),
        # the snapshot only fits this stdlib: its name changes with either
        "snapshot": hashed("snapshot", "bin", packed + stdlib_sha.encode()),
    }
    for key, (name, content) in named.items():
        assets.files[f"{ASSETS}/{name}"] = content if key != "snapshot" else packed
    worker = hashed("worker", "js", bundle_worker(web / "worker"))
    assets.files[f"{ASSETS}/{worker[0]}"] = worker[1]
    script = hashed("checker", "js", read(web / "checker.js").encode("utf-8"))
    style = hashed("checker", "css", read(web / "checker.css").encode("utf-8"))
    search = hashed("search-after-checker", "js", read(web / "search-after-checker.js").encode("utf-8"))
    assets.files[f"{ASSETS}/{script[0]}"] = script[1]
    assets.files[f"{ASSETS}/{style[0]}"] = style[1]
    case = hashed("case", "js", read(web / "case.js").encode("utf-8"))
    assets.files[f"{CASE_SCRIPTS}/{case[0]}"] = case[1]
    assets.case_script = f"{CASE_SCRIPTS}/{case[0]}"
    assets.files[f"{SEARCH_WORKERS}/{search[0]}"] = search[1]
    assets.script, assets.stylesheet, assets.search_worker = script[0], style[0], search[0]
    # Names relative to checker.js's folder. The worker checks a kept copy (Cache Storage)
    # of the snapshot or the stdlib against its SHA-256 before using it.
    assets.page = {
        "worker": worker[0],
        "pyodide": f"../pyodide/{runtime.version}/",
        **{key: name for key, (name, _) in named.items()},
        "stdlibBytes": len(fast.stdlib), "buildId": runtime.build_id, "lockInfo": runtime.lock_info,
        "sha256": {"snapshot": sha(packed), "stdlib": stdlib_sha},
        "shared": SHARED,
    }
    return assets


# The worker as the browser gets it: the modules of widget/web/worker/ joined into one
# script in import order (each module's imports dropped, its exports made plain
# declarations), as a bundler would. One request instead of a module graph two levels
# deep, which cost the worker's start a round trip per level.
IMPORT = re.compile(r'^import \{[^}]*\} from "\./([\w.-]+\.js)";\n', re.MULTILINE)
EXPORT = re.compile(r"^export (?=(?:async function|function|const|let|class) )", re.MULTILINE)
# An import or export statement the joining does not understand (Python's `import sys` in
# a template string is not one).
LEFTOVER = re.compile(r"""^(?:import[ \t]*[{*"']|import[ \t]+[\w$]+[ \t]*(?:,|from\b)|export[ \t]).*""", re.MULTILINE)
DECLARED = re.compile(r"^(?:async function|function|const|let|class)\s+([A-Za-z_$][\w$]*)", re.MULTILINE)


def bundle_worker(folder: Path) -> bytes:
    sources = {p.name: read(p) for p in sorted(folder.glob("*.js"))}
    order: list[str] = []

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in order:
            return
        if name in trail:
            raise PluginError(f"{folder}: the worker's modules import each other in a circle: "
                              f"{' -> '.join((*trail, name))}")
        if name not in sources:
            raise PluginError(f"{folder / trail[-1] if trail else folder}: imports ./{name}, which is missing")
        for imported in IMPORT.findall(sources[name]):
            visit(imported, (*trail, name))
        order.append(name)

    visit(WORKER_ENTRY, ())
    declared: dict[str, str] = {}
    parts = []
    for name in order:
        body = EXPORT.sub("", IMPORT.sub("", sources[name]))
        leftover = LEFTOVER.search(body)
        if leftover:
            raise PluginError(f"{folder / name}: the worker bundle only takes single-line "
                              f'`import {{ ... }} from "./x.js";` and `export` declarations, not: {leftover.group(0)}')
        for identifier in DECLARED.findall(body):
            if identifier in declared:
                raise PluginError(f"{folder / name}: declares {identifier}, as {declared[identifier]} does; "
                                  "the worker's modules share one scope once joined")
            declared[identifier] = name
        parts.append(f"// ---- {name}\n{body}")
    unused = sorted(set(sources) - set(order))
    if unused:
        raise PluginError(f"{folder}: {', '.join(unused)} not imported from {WORKER_ENTRY} (directly or not)")
    return ("// The checker's worker: widget/web/worker/*.js joined in import order by hooks/_assets.py.\n"
            + "\n".join(parts)).encode("utf-8")


def zip_package(package: Path, extra: dict[str, Path] | None = None) -> bytes:
    """A deterministic zip of the package: sorted names, fixed timestamps and permissions."""
    sources = sorted(package.glob("*.py"))
    if not any(p.name == "__init__.py" for p in sources):
        raise PluginError(f"{package}: no __init__.py, nothing for the checker to import")
    entries = [(f"jptrack/{p.name}", p.read_bytes()) for p in sources]
    entries += [(name, read(path).encode("utf-8")) for name, path in sorted((extra or {}).items())]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


# Pyodide's image is the whole wasm memory, more than half of it zero pages, which the
# browser would download (or read from its cache) and inflate. The published file leaves
# them out; the worker (widget/web/worker/snapshot.js) writes the runs into the wasm memory.
# Layout, u32 little-endian: magic "jpz1", image size, run count n, n x (offset, length), the runs.
def pack_snapshot(image: bytes) -> bytes:
    runs, start = [], None
    for offset in range(0, len(image), PACK_BLOCK):
        zero = not image[offset:offset + PACK_BLOCK].strip(b"\0")
        if not zero and start is None:
            start = offset
        elif zero and start is not None:
            runs.append((start, offset))
            start = None
    if start is not None:
        runs.append((start, len(image)))
    head = [PACKED_MAGIC, *(n.to_bytes(4, "little") for n in (len(image), len(runs)))]
    head += [n.to_bytes(4, "little") for a, b in runs for n in (a, b - a)]
    return b"".join(head + [image[a:b] for a, b in runs])


def unpack_snapshot(packed: bytes) -> bytes:
    """The inverse of pack_snapshot (the tests use it; the worker has its own in JS)."""
    if packed[:4] != PACKED_MAGIC:
        raise ValueError("not a packed snapshot")
    word = lambda i: int.from_bytes(packed[i:i + 4], "little")  # noqa: E731
    size, count = word(4), word(8)
    image, at = bytearray(size), 12 + 8 * count
    for i in range(count):
        offset, length = word(12 + 8 * i), word(16 + 8 * i)
        image[offset:offset + length] = packed[at:at + length]
        at += length
    if at != len(packed):
        raise ValueError("packed snapshot has the wrong length")
    return bytes(image)


def hashed(stem: str, ext: str, content: bytes) -> tuple[str, bytes]:
    """("name-<hash>.ext", content): the name changes whenever the content does."""
    return f"{stem}-{hashlib.sha256(content).hexdigest()[:12]}.{ext}", content


def read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PluginError(f"{path} is missing (the checker's browser code)") from None
