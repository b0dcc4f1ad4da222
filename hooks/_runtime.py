"""The pinned Pyodide runtime, and the fast-start files Node makes from it at build time.

`find_pyodide` locates node_modules/pyodide (a missing one stops the build with the fix).
`fast_start` runs widget/web/prebuild/make_stdlib.mjs and make_snapshot.mjs: a trimmed,
precompiled stdlib and a memory snapshot of Python started on it with the checker imported
and warmed up. Both are cached in .cache/checker/<key>/ by the hash of every input, so a
rebuild with unchanged inputs costs nothing; an entry whose files no longer match its
manifest is made again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger(__name__)

PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm",
                 "python_stdlib.zip", "pyodide-lock.json")
SNAPSHOT_MAGIC = 0x706e7300   # the first u32 of a Pyodide memory snapshot
PYTHON_LIB = "/home/pyodide/jptrack-lib"   # where the checker's package sits in Python's file system
CACHE = ".cache/checker"
CACHE_KEEP = 4                # newest cache entries kept


@dataclass(frozen=True)
class Runtime:
    folder: Path        # node_modules/pyodide
    version: str
    build_id: str       # a snapshot only restores into the very same build
    lock_info: dict     # pyodide-lock.json's "info", handed to loadPyodide


@dataclass(frozen=True)
class FastStart:
    stdlib: bytes       # the trimmed stdlib zip, as read from the cache
    snapshot: bytes     # the memory snapshot, as read from the cache (unpacked)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def find_pyodide(root: Path) -> Runtime:
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
    match = re.search(r'BUILD_ID:"([0-9a-f]{64})"', (folder / "pyodide.mjs").read_text(encoding="utf-8"))
    if not match:
        raise PluginError(f"{folder / 'pyodide.mjs'}: no BUILD_ID found; is this a Pyodide release? "
                          f"Run `npm ci`.")
    lock_info = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))["info"]
    return Runtime(folder, version, match.group(1), lock_info)


def fast_start(root: Path, runtime: Runtime, archive: bytes, catalog: bytes) -> FastStart:
    """The trimmed stdlib and the snapshot for this jptrack archive and catalog."""
    scripts = root / "widget" / "web" / "prebuild"
    script_files = sorted(scripts.glob("*.mjs"))
    if not script_files:
        raise PluginError(f"{scripts}: the checker's Node build scripts are missing")
    key = sha("\n".join([
        "v1", PYTHON_LIB, runtime.version, runtime.build_id, sha((runtime.folder / "python_stdlib.zip").read_bytes()),
        sha(archive), sha(catalog), *(f"{p.name}:{sha(p.read_bytes())}" for p in script_files),
    ]).encode())[:20]
    cache = root / CACHE
    folder = cache / key
    if not (folder / "manifest.json").is_file() or (made := reuse(folder)) is None:
        _make(cache, folder, scripts, runtime, archive, catalog)
        made = reuse(folder)
        if made is None:
            raise PluginError(f"{folder}: the fast-start files changed while the build read them")
    return made


def reuse(folder: Path) -> FastStart | None:
    """A cache entry's files, read once and checked against its manifest; None (and the
    entry removed) when one was changed or lost: what is published is what was checked."""
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    files = {}
    for name, field in (("stdlib.zip", "stdlib_sha"), ("snapshot.bin", "snapshot_sha")):
        path = folder / name
        files[name] = path.read_bytes() if path.is_file() else None
        if files[name] is None or sha(files[name]) != data.get(field):
            log.warning(f"checker: {path} does not match its build cache manifest; building it again")
            shutil.rmtree(folder, ignore_errors=True)
            return None
    os.utime(folder)
    return FastStart(stdlib=files["stdlib.zip"], snapshot=files["snapshot.bin"])


# Run the two Node scripts in a scratch folder, then move it into place as the entry.
def _make(cache: Path, folder: Path, scripts: Path, runtime: Runtime, archive: bytes, catalog: bytes) -> None:
    node = shutil.which("node")
    if not node:
        raise PluginError("The checker's build needs Node.js (`node`) to make the Pyodide snapshot; "
                          "install Node 20+ and run `npm ci`.")
    cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix=f"{folder.name}.", dir=cache))
    try:
        (work / "jptrack.zip").write_bytes(archive)
        (work / "stages.json").write_bytes(catalog)
        env = {**os.environ, "PYTHONHASHSEED": "0", "TZ": "UTC", "JPTRACK_LIB": PYTHON_LIB}
        for script, args in (("make_stdlib.mjs", ["stdlib.zip"]),
                             ("make_snapshot.mjs", ["stdlib.zip", "snapshot.bin"])):
            command = [node, str(scripts / script), str(runtime.folder), "jptrack.zip", "stages.json", *args]
            run = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=600)
            if run.returncode != 0:
                raise PluginError(f"The checker's snapshot build failed in {script} (exit {run.returncode}):\n"
                                  f"{(run.stderr or run.stdout)[-3000:]}")
        stdlib, snapshot = (work / "stdlib.zip").read_bytes(), (work / "snapshot.bin").read_bytes()
        if snapshot[:4] != SNAPSHOT_MAGIC.to_bytes(4, "little"):
            raise PluginError("make_snapshot.mjs: the snapshot has no Pyodide snapshot header")
        seconds = round(time.perf_counter() - started, 1)
        manifest = {"stdlib_sha": sha(stdlib), "snapshot_sha": sha(snapshot), "seconds": seconds}
        for name in ("jptrack.zip", "stages.json"):
            (work / name).unlink()
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        try:
            work.rename(folder)
        except OSError:        # another build made it meanwhile
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    log.info(f"checker: made the stdlib and snapshot in {seconds} s (cached in {folder})")
    entries = sorted((p for p in cache.iterdir() if p.is_dir() and "." not in p.name),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[CACHE_KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
