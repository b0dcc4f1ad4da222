"""The live checker: puts the classifier, its catalog and a pinned Pyodide into the site.

A page asks for the checker with the marker `<!-- jptrack:checker -->` on its own line.
The marker becomes the widget's HTML (a form with a labelled textarea, a status region,
an empty result container and a static fallback for file:// and no-JS) plus one module
script. Only those pages load the widget's JS; Pyodide itself starts later, in a module
Web Worker, on the first focus, paste or click, or when the browser is idle.

Files added to the site (every name versioned or content-hashed, so they can be cached
for a long time):

    assets/pyodide/<version>/   pyodide.mjs, pyodide.asm.mjs, pyodide.asm.wasm,
                                python_stdlib.zip, pyodide-lock.json (from node_modules)
    assets/checker/jptrack-<hash>.zip    widget/jptrack/*.py, deterministic zip
    assets/checker/stages-<hash>.json    catalog.to_json()
    assets/checker/checker-<hash>.js     page module (widget/web/checker.js + asset names)
    assets/checker/worker-<hash>.js      module worker (widget/web/worker.js)
    assets/checker/checker-<hash>.css    styles (on every page via extra_css; small)
    assets/javascripts/workers/search-after-checker-<hash>.js
                                         on pages with the checker, Material's search
                                         worker starts through it, once Python has started
    assets/checker/stdlib-<hash>.zip     trimmed standard library, precompiled .pyc, stored
    assets/checker/snapshot-<hash>.bin   memory snapshot: Python started on that stdlib with
                                         the checker imported, the catalog loaded and its
                                         examples classified once (lazy regexes made)

Fast start. The worker restores the snapshot (`loadPyodide({_loadSnapshot})`) with the
trimmed stdlib as `stdLibURL` instead of starting Python and importing the checker; that
is several times faster than a bare `loadPyodide()`. Both files are made here, at build
time, by Node (widget/web/prebuild/make_stdlib.mjs, make_snapshot.mjs) from the pinned
node_modules/pyodide, deterministically, and cached in .cache/checker/<key>/ by the hash
of every input (Pyodide version + build id, its stdlib zip, the jptrack archive, the
catalog, the build scripts), so a rebuild with unchanged inputs costs nothing. A snapshot
only fits the exact Pyodide build and stdlib zip it was made with: the page carries the
expected build id and both hashed names together, the worker checks the snapshot header
before using it, and falls back to a plain load (full stdlib, archive + catalog) on any
mismatch, HTTP error, restore error or a module missing from the trimmed stdlib.

Serving (a static host's job; the test and bench servers do the same):
  * Cache-Control: public, max-age=31536000, immutable   for assets/pyodide/<version>/ and
    assets/checker/*-<hash>.*  (every name there changes when its content does)
  * compression (gzip or brotli) for .wasm, .zip, .bin, .mjs, .js, .json: the snapshot is
    31 MB raw and ~4.7 MB gzipped; the .pyc in the stdlib zip are stored uncompressed so
    the HTTP layer compresses them well (4.3 MB raw, ~1.6 MB gzipped).
  * application/wasm for .wasm (streaming compile).
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

import _catalog

log = get_plugin_logger(__name__)

MARKER = re.compile(r"^[ \t]*<!--\s*jptrack:checker\s*-->[ \t]*$", re.MULTILINE)
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm",
                 "python_stdlib.zip", "pyodide-lock.json")
ASSETS = "assets/checker"
# Fixed timestamp for every zip entry, so the archive (and its hash) only changes with the code.
ZIP_TIME = (2020, 1, 1, 0, 0, 0)
CACHE = ".cache/checker"
CACHE_KEEP = 4                      # newest cache entries kept
# Material's search worker finds its language files relative to its own address, so the
# wrapper that delays it (widget/web/search-after-checker.js) lives beside it.
SEARCH_WORKERS = "assets/javascripts/workers"
MATERIAL_CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.DOTALL)
MATERIAL_SEARCH_WORKER = re.compile(r"^search\.[0-9a-f]+\.min\.js$")


@dataclass
class _Build:
    pyodide_dir: Path
    version: str
    files: dict[str, bytes | Path] = field(default_factory=dict)   # site uri -> content or source
    script: str = ""          # uri of the page module
    search_worker: str = ""   # file name of the wrapper that holds Material's search index
    stylesheet: str = ""      # uri of the CSS
    max_chars: int = 1_000_000


_build: _Build | None = None


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------

# Check the pinned Pyodide is installed, build every checker asset, and add the CSS.
def on_config(config):
    global _build
    root = Path(config.config_file_path).resolve().parent
    catalog = _catalog.load(config)
    build = _Build(*_pyodide(root))
    for name in PYODIDE_FILES:
        build.files[f"assets/pyodide/{build.version}/{name}"] = build.pyodide_dir / name

    package = root / "widget" / "jptrack"
    build.max_chars = _max_chars()
    web = root / "widget" / "web"
    archive = _hashed("jptrack", "zip", _zip_package(package, extra={"jptrack_web.py": web / "jptrack_web.py"}))
    stages = _hashed("stages", "json", catalog.to_json().encode("utf-8"))
    worker = _hashed("worker", "js", _read(web / "worker.js").encode("utf-8"))
    fast = _fast_start(root, build, archive[1], stages[1])
    # Named after the bytes read now, which are the bytes published (not the manifest's word).
    stdlib = (fast["dir"] / "stdlib.zip").read_bytes()
    stdlib_sha = _sha(stdlib)
    stdlib_name = f"stdlib-{stdlib_sha[:12]}.zip"
    snapshot = pack_snapshot((fast["dir"] / "snapshot.bin").read_bytes())
    snapshot_name = _hashed("snapshot", "bin", snapshot + stdlib_sha.encode())[0]
    build.files[f"{ASSETS}/{stdlib_name}"] = stdlib
    build.files[f"{ASSETS}/{snapshot_name}"] = snapshot
    names = {"worker": worker[0], "archive": archive[0], "catalog": stages[0],
             "pyodide": f"../pyodide/{build.version}/",
             "stdlib": stdlib_name, "stdlibBytes": len(stdlib),
             "snapshot": snapshot_name, "buildId": fast["build_id"],
             "lockInfo": fast["lock_info"],
             # What the worker checks a kept copy (Cache Storage) against before using it.
             "sha256": {"wasm": _sha((build.pyodide_dir / "pyodide.asm.wasm").read_bytes()),
                        "snapshot": _sha(snapshot), "stdlib": stdlib_sha}}
    module = _read(web / "checker.js").replace(
        "const ASSETS = {};", "const ASSETS = " + json.dumps(names, sort_keys=True) + ";", 1)
    if "const ASSETS = {};" in module or names["worker"] not in module:
        raise PluginError("widget/web/checker.js must contain the line 'const ASSETS = {};' "
                          "(hooks/checker.py fills in the asset names there).")
    script = _hashed("checker", "js", module.encode("utf-8"))
    style = _hashed("checker", "css", _read(web / "checker.css").encode("utf-8"))
    for name, content in (archive, stages, worker, script, style):
        build.files[f"{ASSETS}/{name}"] = content
    search = _hashed("search-after-checker", "js", _read(web / "search-after-checker.js").encode("utf-8"))
    build.files[f"{SEARCH_WORKERS}/{search[0]}"] = search[1]
    build.script, build.stylesheet, build.search_worker = script[0], style[0], search[0]
    if f"{ASSETS}/{build.stylesheet}" not in config.extra_css:
        config.extra_css.append(f"{ASSETS}/{build.stylesheet}")
    _build = build
    return config


# Add the runtime and the checker's files to the site.
def on_files(files: Files, /, *, config) -> Files:
    assert _build is not None
    for uri, content in _build.files.items():
        existing = files.get_file_from_path(uri)
        if existing:
            files.remove(existing)
        if isinstance(content, Path):
            files.append(File.generated(config, uri, abs_src_path=str(content)))
        else:
            files.append(File.generated(config, uri, content=content))
    return files


# Expand the marker into the widget's HTML; pages without it are left alone.
def on_page_markdown(markdown: str, /, *, page, config, files) -> str | None:
    if not MARKER.search(markdown):
        return None
    assert _build is not None
    statuses = files.get_file_from_path("statuses.md")
    if statuses is None:
        log.info("statuses.md is not in the site yet: the checker's fallback link will be broken")
        statuses_url = "statuses/" if config.use_directory_urls else "statuses.html"
    else:
        statuses_url = statuses.url
    rel = lambda url: get_relative_url(url, page.url)  # noqa: E731
    page.meta["jptrack_script"] = rel(f"{ASSETS}/{_build.script}")   # overrides/main.html: in <head>
    places = sorted(((d.code, d.name.en) for d in _catalog.load(config).destinations), key=lambda p: p[1])
    return MARKER.sub(lambda match: _widget_html(
        script=rel(f"{ASSETS}/{_build.script}"), statuses=rel(statuses_url),
        max_chars=_build.max_chars, level=_heading_level(markdown[:match.start()]), places=places), markdown)


# On pages with the checker, start Material's search worker through the wrapper that holds
# the index until Python has started (widget/web/search-after-checker.js says why).
def on_post_page(output: str, /, *, page, config) -> str | None:
    if not (page.meta or {}).get("jptrack_script"):
        return None
    assert _build is not None
    return hold_search_index(output, _build.search_worker, page=page.file.src_uri)


def hold_search_index(output: str, wrapper: str, *, page: str) -> str:
    """Point the page's Material config ("search": the worker's URL) at `wrapper`, with
    Material's worker file name as its query. A theme without search (no "search" key)
    is left alone; a config this hook cannot read stops the build."""
    match = MATERIAL_CONFIG.search(output)
    if match is None:
        raise PluginError(f"{page}: no Material config (<script id=\"__config\">) in the page; "
                          "hooks/checker.py expects mkdocs-material's base.html")
    try:
        settings = json.loads(match.group(1))
    except json.JSONDecodeError as error:
        raise PluginError(f"{page}: Material's config is not JSON ({error})") from None
    worker = settings.get("search")
    if not worker:
        return output
    name = worker.rpartition("/")[2]
    if not MATERIAL_SEARCH_WORKER.match(name):
        raise PluginError(f"{page}: Material's search worker is {worker!r}; hooks/checker.py "
                          "expected a name like search.<hash>.min.js")
    old, new = json.dumps(worker), json.dumps(f"{worker[:-len(name)]}{wrapper}?{name}")
    if match.group(1).count(old) != 1:
        raise PluginError(f"{page}: Material's config holds {old} more than once")
    return output[:match.start(1)] + match.group(1).replace(old, new) + output[match.end(1):]


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

# Locate the pinned Pyodide runtime; a missing one stops the build with the fix.
def _pyodide(root: Path) -> tuple[Path, str]:
    folder = root / "node_modules" / "pyodide"
    missing = [n for n in ("package.json", *PYODIDE_FILES) if not (folder / n).is_file()]
    if missing:
        raise PluginError(
            f"The checker needs the pinned Pyodide runtime in {folder}, but "
            f"{', '.join(missing)} is missing. Run `npm ci` in {root} (package-lock.json pins it).")
    try:
        version = json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]
    except (ValueError, KeyError) as e:
        raise PluginError(f"{folder / 'package.json'}: cannot read the Pyodide version ({e}). "
                          f"Run `npm ci` again.") from None
    if not re.fullmatch(r"[0-9A-Za-z.+-]+", version):
        raise PluginError(f"{folder / 'package.json'}: unexpected Pyodide version {version!r}")
    return folder, version


# The input limit the classifier enforces, so the page can refuse a huge paste up front.
def _max_chars() -> int:
    try:
        from jptrack import classify
    except ImportError:
        return 1_000_000
    return int(getattr(classify, "MAX_INPUT_CHARS", 1_000_000))


# The result's heading level: one below the last Markdown heading above the marker.
def _heading_level(before: str) -> int:
    levels = [len(m.group(1)) for m in re.finditer(r"^(#{1,6})[ \t]", before, re.MULTILINE)]
    return min(max(levels[-1] + 1 if levels else 2, 2), 5)


# A deterministic zip of the package: sorted names, fixed timestamps, fixed permissions.
def _zip_package(package: Path, extra: dict[str, Path] | None = None) -> bytes:
    sources = sorted(package.glob("*.py"))
    if not any(p.name == "__init__.py" for p in sources):
        raise PluginError(f"{package}: no __init__.py, nothing for the checker to import")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sources:
            info = zipfile.ZipInfo(f"jptrack/{path.name}", date_time=ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
        for name, path in sorted((extra or {}).items()):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, _read(path).encode("utf-8"))
    return buffer.getvalue()


# Pyodide's build id (a snapshot only restores into the very same build).
def _build_id(pyodide_dir: Path) -> str:
    match = re.search(r'BUILD_ID:"([0-9a-f]{64})"', (pyodide_dir / "pyodide.mjs").read_text(encoding="utf-8"))
    if not match:
        raise PluginError(f"{pyodide_dir / 'pyodide.mjs'}: no BUILD_ID found; is this a Pyodide release? "
                          f"Run `npm ci`.")
    return match.group(1)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# The trimmed stdlib and the memory snapshot, made by Node from the pinned Pyodide, cached
# by the hash of every input. Returns {dir, stdlib_sha, snapshot_sha, build_id, lock_info}.
def _fast_start(root: Path, build: _Build, archive: bytes, catalog: bytes) -> dict:
    pyodide_dir = build.pyodide_dir
    build_id = _build_id(pyodide_dir)
    lock_info = json.loads((pyodide_dir / "pyodide-lock.json").read_text(encoding="utf-8"))["info"]
    scripts = root / "widget" / "web" / "prebuild"
    script_files = sorted(scripts.glob("*.mjs"))
    if not script_files:
        raise PluginError(f"{scripts}: the checker's Node build scripts are missing")
    key = _sha("\n".join([
        "v1", build.version, build_id, _sha((pyodide_dir / "python_stdlib.zip").read_bytes()),
        _sha(archive), _sha(catalog), *(f"{p.name}:{_sha(p.read_bytes())}" for p in script_files),
    ]).encode())[:20]
    cache = root / CACHE
    folder = cache / key
    manifest = folder / "manifest.json"
    if manifest.is_file():
        reused = _reuse(folder, manifest)
        if reused is not None:
            return reused
    node = shutil.which("node")
    if not node:
        raise PluginError("The checker's build needs Node.js (`node`) to make the Pyodide snapshot; "
                          "install Node 20+ and run `npm ci`.")
    cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix=f"{key}.", dir=cache))
    try:
        (work / "jptrack.zip").write_bytes(archive)
        (work / "stages.json").write_bytes(catalog)
        env = {**os.environ, "PYTHONHASHSEED": "0", "TZ": "UTC"}
        for script, args in (
                ("make_stdlib.mjs", ["stdlib.zip"]),
                ("make_snapshot.mjs", ["stdlib.zip", "snapshot.bin"])):
            command = [node, str(scripts / script), str(pyodide_dir), "jptrack.zip", "stages.json", *args]
            run = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=600)
            if run.returncode != 0:
                raise PluginError(f"The checker's snapshot build failed in {script} (exit {run.returncode}):\n"
                                  f"{(run.stderr or run.stdout)[-3000:]}")
        stdlib, snapshot = (work / "stdlib.zip").read_bytes(), (work / "snapshot.bin").read_bytes()
        if snapshot[:4] != (0x706e7300).to_bytes(4, "little"):
            raise PluginError(f"{script}: the snapshot has no Pyodide snapshot header")
        data = {"stdlib_sha": _sha(stdlib), "snapshot_sha": _sha(snapshot), "build_id": build_id,
                "lock_info": lock_info, "seconds": round(time.perf_counter() - started, 1)}
        for name in ("jptrack.zip", "stages.json"):
            (work / name).unlink()
        (work / "manifest.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
        try:
            work.rename(folder)
        except OSError:        # another build made it meanwhile
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    log.info(f"checker: made the stdlib and snapshot in {data['seconds']} s (cached in {folder})")
    entries = sorted((p for p in cache.iterdir() if p.is_dir() and "." not in p.name),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[CACHE_KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
    return {**json.loads((folder / "manifest.json").read_text(encoding="utf-8")), "dir": folder}


# A cache entry's files as its manifest recorded them, or None (the entry is removed) when a
# file was changed or lost since: what is published is named after the bytes read here.
def _reuse(folder: Path, manifest: Path) -> dict | None:
    data = json.loads(manifest.read_text(encoding="utf-8"))
    for name, key in (("stdlib.zip", "stdlib_sha"), ("snapshot.bin", "snapshot_sha")):
        path = folder / name
        if not path.is_file() or _sha(path.read_bytes()) != data.get(key):
            log.warning(f"checker: {path} does not match its build cache manifest; building it again")
            shutil.rmtree(folder, ignore_errors=True)
            return None
    os.utime(folder)
    return {**data, "dir": folder}


# The snapshot as published: Pyodide's image is the whole wasm memory (31 MB), more than half
# of it zero pages. Gzip shrinks those on the wire anyway, but the browser still inflates and
# copies every byte; leaving them out makes the download, the cache read and the copy into
# the worker less than half as long. The worker (widget/web/worker.js PackedSnapshot) writes
# the runs straight into the wasm memory, zeros between them. Layout, u32 little-endian:
# magic "jpz1", image size, run count n, then n runs (offset, length), then the runs' bytes.
PACKED_MAGIC = b"jpz1"
PACK_BLOCK = 4096


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


# ("name-<hash>.ext", content): the name changes whenever the content does.
def _hashed(stem: str, ext: str, content: bytes) -> tuple[str, bytes]:
    return f"{stem}-{hashlib.sha256(content).hexdigest()[:12]}.{ext}", content


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PluginError(f"{path} is missing (the checker's browser code)") from None


# The widget's markup. Static text only: everything the user pastes is rendered by the JS
# with text nodes.
def _widget_html(*, script: str, statuses: str, max_chars: int, level: int,
                 places: list[tuple[str, str]] = ()) -> str:
    e = lambda s: html.escape(s, quote=True)  # noqa: E731
    # Where the parcel goes, when the paste does not say: no `name`, so it never leaves the page.
    where = (
        '<p class="jptrack__where"><label for="jptrack-to">Where is it going?</label> '
        '<select class="jptrack__to" id="jptrack-to" aria-describedby="jptrack-to-hint">'
        '<option value="">Not sure</option>'
        + "".join(f'<option value="{e(code)}">{e(name)}</option>' for code, name in places)
        + '</select> <span class="jptrack__hint" id="jptrack-to-hint">Optional: used only when your '
        'tracking does not show the country.</span></p>\n') if places else ""
    return (
        f'<div class="jptrack" data-jptrack-widget data-search-exclude '
        f'data-max-chars="{max_chars}" data-heading-level="{level}" data-statuses="{e(statuses)}">\n'
        f'<form class="jptrack__form" novalidate>\n'
        f'<label class="jptrack__label" for="jptrack-input">Paste your tracking history or tracking number</label>\n'
        f'<p class="jptrack__hint" id="jptrack-hint">Copy the whole tracking page (Japan Post, your local post or a '
        f'tracking app) and paste it here. It is checked in your browser: nothing you paste leaves this page.</p>\n'
        # No `name` on the textarea: a form sent before the script binds it (a slow or
        # blocked script) then carries nothing, instead of the paste in the page's URL.
        f'<textarea class="jptrack__input" id="jptrack-input" rows="7" spellcheck="false" '
        f'autocomplete="off" aria-describedby="jptrack-hint"></textarea>\n'
        + where +
        f'<div class="jptrack__actions">\n'
        f'<button class="md-button md-button--primary jptrack__submit" type="submit">Check</button>\n'
        f'<span class="jptrack__shortcut" aria-hidden="true">or press Ctrl+Enter</span>\n'
        f'</div>\n'
        f'</form>\n'
        f'<div class="jptrack__status" role="status" aria-live="polite"></div>\n'
        f'<div class="jptrack__result" data-jptrack-result></div>\n'
        f'<p class="jptrack__fallback" data-jptrack-fallback>The checker needs this site to be served over '
        f'http(s); open the <a href="{e(statuses)}">all-statuses page</a> to look up a status.</p>\n'
        f'<script type="module" async src="{e(script)}"></script>\n'
        f'</div>'
    )
