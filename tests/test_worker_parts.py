"""Parts of the checker's worker (widget/web/worker/), run in Node one by one.

The browser tests see these parts only through a whole start; here they meet inputs a real
start rarely gives them: wasm memory that is not all zeros where the snapshot has zeros,
malformed packed files, and wasm wrapper modules of every kind.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, hook_module

HARNESS = ROOT / "tests" / "pyodide" / "worker_parts.mjs"
MAGIC = hook_module("_assets").PACKED_MAGIC.decode("ascii")   # as the page hands it to the worker


def _node(request: dict, tmp_path) -> dict:
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    (tmp_path / "request.json").write_text(json.dumps(request))
    run = subprocess.run([node, str(HARNESS), str(tmp_path / "request.json")],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


def _image(seed: int, pages: int = 40) -> bytes:
    """A snapshot-like image: runs of data between zero pages, a header at the start, and
    a few odd lengths (the image need not end on a page)."""
    rng = random.Random(seed)
    image = bytearray(pages * 4096 + rng.randrange(4096))
    for page in range(pages):
        if rng.random() < 0.4:
            start = page * 4096 + rng.randrange(4096)
            end = min(start + rng.randrange(1, 6000), len(image))
            image[start:end] = rng.randbytes(end - start)
    image[:48] = b"\x00snp" + rng.randbytes(44)
    return bytes(image)


def test_the_worker_unpacks_the_snapshot_as_the_build_dumped_it(tmp_path):
    # The runs land at their place, zeros between them, whatever the image's shape.
    hook = hook_module("_assets")
    cases, images = [], []
    for seed in range(6):
        image = _image(seed)
        (tmp_path / f"{seed}.bin").write_bytes(hook.pack_snapshot(image))
        cases.append({"packed": str(tmp_path / f"{seed}.bin"), "out": str(tmp_path / f"{seed}.out"), "magic": MAGIC})
        images.append(image)
    output = _node({"unpack": cases}, tmp_path)["unpack"]
    for n, (image, result) in enumerate(zip(images, output)):
        assert result == {"size": len(image)}, n
        written = (tmp_path / f"{n}.out").read_bytes()
        assert len(written) == len(image), n
        differ = [i for i, (a, b) in enumerate(zip(written, image)) if a != b]
        assert not differ, f"image {n}: {len(differ)} bytes differ, the first at {differ[0]}"


def test_the_worker_writes_the_snapshot_runs_straight_into_the_memory(tmp_path):
    # Pyodide copies image.subarray(start) into a memory as long as the image; a SparseImage
    # makes that copy write the runs, from `start` on, and nothing else (the memory is zeros).
    hook = hook_module("_assets")
    cases, images = [], []
    for seed, start in ((1, 48), (2, 4096 + 52), (3, 9000)):
        image = _image(seed)
        (tmp_path / f"{seed}.bin").write_bytes(hook.pack_snapshot(image))
        cases.append({"packed": str(tmp_path / f"{seed}.bin"), "out": str(tmp_path / f"{seed}.out"),
                      "magic": MAGIC, "start": start})
        images.append((image, start))
    output = _node({"sparse": cases}, tmp_path)["sparse"]
    for n, ((image, start), result) in enumerate(zip(images, output)):
        assert result["length"] == len(image) and result["header_bytes"] == start, n
        assert result["header_matches"] == list(image[:16]), n
        assert result["written"] and not result["written_outside"] and result["outside_all_zero"], n
        # A restore that fails leaves Int8Array as it was, and says why.
        assert result["thrown"] == "restore failed" and result["set_restored"], n
        memory = (tmp_path / f"{n + 1}.out").read_bytes()
        assert len(memory) == len(image)
        assert memory[:len(image) - start] == image[start:], n
        assert memory[len(image) - start:] == bytes(start), n


@pytest.mark.parametrize("fault,message", [
    ("magic", "not a packed snapshot"),
    ("cut-table", "snapshot truncated"),
    ("cut-data", "snapshot truncated"),
    ("run-past-the-end", "snapshot truncated"),
    ("runs-overlap", "snapshot runs out of order"),
    ("extra-bytes", "snapshot has the wrong length"),
])
def test_a_malformed_packed_snapshot_is_refused_by_name(tmp_path, fault, message):
    # The worker then falls back to a plain start and reports this message as the reason.
    packed = bytearray(hook_module("_assets").pack_snapshot(_image(7)))
    word = lambda i, n: packed.__setitem__(slice(i, i + 4), n.to_bytes(4, "little"))  # noqa: E731
    read = lambda i: int.from_bytes(packed[i:i + 4], "little")  # noqa: E731
    assert read(8) >= 2, "the test image needs two runs"
    if fault == "magic":
        packed[:4] = b"jpz0"
    elif fault == "cut-table":
        packed = packed[: 12 + 4]
    elif fault == "cut-data":
        packed = packed[:-10]
    elif fault == "run-past-the-end":
        word(12, read(4) - read(16) + 1)          # the first run moved to end past the image
    elif fault == "runs-overlap":
        word(20, read(12))                        # the second run starts where the first does
    elif fault == "extra-bytes":
        packed += b"\0"
    (tmp_path / "bad.bin").write_bytes(bytes(packed))
    output = _node({"unpack": [{"packed": str(tmp_path / "bad.bin"), "out": str(tmp_path / "bad.out"),
                                "magic": MAGIC}]}, tmp_path)
    assert output["unpack"] == [{"error": message}]


def test_tiny_wasm_modules_are_compiled_once_per_content(tmp_path):
    # Emscripten wraps each JavaScript function it puts in the wasm table in a module of its
    # own; the worker compiles each distinct one once. Instances still call their own function.
    modules = _node({"modules": True}, tmp_path)["modules"]
    assert modules == {
        "same_signature_same_module": True,
        "other_signature_other_module": True,
        "big_modules_compiled_each_time": True,
        "is_a_module": True,
        "instances_call_their_own_function": [42, 40, 42],
    }


def test_every_browser_script_parses():
    # A syntax error in a module the browser loads only on some path (a fallback start)
    # would otherwise show up first in a customer's browser.
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    scripts = sorted((ROOT / "widget" / "web").rglob("*.js")) + sorted((ROOT / "widget" / "web").rglob("*.mjs"))
    assert len(scripts) >= 10
    for script in scripts:
        run = subprocess.run([node, "--check", str(script)], capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert run.returncode == 0, f"{script.relative_to(ROOT)}: {run.stderr[-1000:]}"


# ---------------------------------------------------------------------------
# The worker as published: its modules joined into one script (hooks/_assets.py bundle_worker)
# ---------------------------------------------------------------------------

def _modules(tmp_path, files: dict[str, str]):
    folder = tmp_path / "worker"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_worker_bundle_joins_modules_in_import_order(tmp_path):
    folder = _modules(tmp_path, {
        "main.js": 'import { b } from "./b.js";\nimport { a } from "./a.js";\nb(a);\n',
        "a.js": "export const a = 1;\n",
        "b.js": 'import { a } from "./a.js";\nexport function b(x) { return x + a; }\n',
    })
    bundle = hook_module("_assets").bundle_worker(folder).decode()
    assert [line[8:] for line in bundle.splitlines() if line.startswith("// ---- ")] == ["a.js", "b.js", "main.js"]
    assert not re.search(r"^(import|export)\b", bundle, re.MULTILINE)
    assert "const a = 1;" in bundle and "function b(x)" in bundle


@pytest.mark.parametrize("files, message", [
    ({"main.js": 'import { a } from "./a.js";\n', "a.js": 'import { m } from "./main.js";\nexport const a = 1;\n'},
     "import each other in a circle"),
    ({"main.js": 'import { a } from "./gone.js";\n'}, "imports ./gone.js, which is missing"),
    ({"main.js": 'import { a } from "./a.js";\nconst a = 2;\n', "a.js": "export const a = 1;\n"}, "declares a, as a.js does"),
    ({"main.js": 'import * as a from "./a.js";\n', "a.js": "export const a = 1;\n"}, "only takes single-line"),
    ({"main.js": "export default 1;\n"}, "only takes single-line"),
    ({"main.js": "self.x = 1;\n", "stray.js": "const y = 2;\n"}, "stray.js not imported from main.js"),
    ({"a.js": "const y = 2;\n"}, "main.js, which is missing"),
], ids=["circle", "missing", "same-name", "namespace-import", "default-export", "unused", "no-entry"])
def test_a_worker_module_the_bundle_cannot_join_stops_the_build(tmp_path, files, message):
    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError, match=re.escape(message)):
        hook_module("_assets").bundle_worker(_modules(tmp_path, files))


def test_python_inside_a_template_string_is_not_an_import(tmp_path):
    folder = _modules(tmp_path, {"main.js": "const code = `\nimport sys\nfrom os import path\n`;\n"})
    assert "import sys" in hook_module("_assets").bundle_worker(folder).decode()
