"""The classifier gives the same answers under Pyodide as under CPython.

The browser runs `jptrack.classify.check` from the zip the site build makes; here Node
loads the pinned Pyodide (node_modules/pyodide), unpacks that same zip and the catalog
JSON, and runs every `examples:` vector from stages.yaml plus the realistic histories in
tests/pyodide/histories.json. Each result must equal CPython's, field for field.
Pyodide in Node takes a few seconds to load, so it runs once per session per start: a plain
load, and the site's fast start (memory snapshot on the trimmed stdlib, hooks/_runtime.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from conftest import ROOT, hook_module

pytestmark = pytest.mark.pyodide

HERE = ROOT / "tests" / "pyodide"
EXAMPLES_TODAY = "2026-10-01"


def _cases(catalog) -> list[dict]:
    cases = []
    for stage in catalog:
        for n, text in enumerate(stage.examples):
            cases.append({"id": f"example:{stage.id}:{n}", "text": text, "today": EXAMPLES_TODAY})
    histories = json.loads((HERE / "histories.json").read_text(encoding="utf-8"))
    for name, history in histories.items():
        cases.append({"id": f"history:{name}", **history})
    pastes = ROOT / "tests" / "fixtures" / "pastes"
    for path in sorted(pastes.glob("*.txt")) if pastes.is_dir() else ():
        cases.append({"id": f"paste:{path.name}", "text": path.read_text(encoding="utf-8"),
                      "today": EXAMPLES_TODAY})
    return cases


@pytest.fixture(scope="session", params=["plain", "snapshot"])
def parity(catalog, tmp_path_factory, request):
    pytest.importorskip("jptrack.classify")
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    if not (ROOT / "node_modules" / "pyodide" / "pyodide.mjs").exists():
        pytest.fail("node_modules/pyodide is missing: run `npm ci`")
    tmp = tmp_path_factory.mktemp("parity")
    archive = hook_module("_assets").package_archive(ROOT)
    (tmp / "jptrack.zip").write_bytes(archive)
    (tmp / "stages.json").write_text(catalog.to_json(), encoding="utf-8")
    cases = _cases(catalog)
    (tmp / "cases.json").write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    fast = []
    if request.param == "snapshot":
        # The site's fast start (same cache as the build): snapshot on the trimmed stdlib.
        runtime = hook_module("_runtime")
        made = runtime.fast_start(ROOT, runtime.find_pyodide(ROOT), archive, catalog.to_json().encode("utf-8"))
        (tmp / "snapshot.bin").write_bytes(hook_module("_assets").pack_snapshot(made.snapshot))   # as published
        (tmp / "stdlib.zip").write_bytes(made.stdlib)
        fast = [str(tmp / "snapshot.bin"), str(tmp / "stdlib.zip")]
    run = subprocess.run(
        [node, str(HERE / "run.mjs"), str(tmp / "jptrack.zip"), str(tmp / "stages.json"), str(tmp / "cases.json"),
         *fast], capture_output=True, text=True, timeout=180, cwd=ROOT,
        env={**os.environ, "JPTRACK_LIB": hook_module("_runtime").PYTHON_LIB,
             "JPTRACK_SHARED": json.dumps(hook_module("_assets").SHARED)})
    assert run.returncode == 0, run.stderr[-3000:]
    return cases, json.loads(run.stdout)


def _cpython(case: dict, catalog) -> dict:
    from datetime import date

    from jptrack.classify import check

    today = date.fromisoformat(case["today"]) if case.get("today") else None
    try:
        # Through JSON, as the browser sees it (tuples become lists, and so on).
        return {"id": case["id"], "ok": True, "result": json.loads(json.dumps(check(case["text"], catalog, today=today)))}
    except ValueError as e:
        return {"id": case["id"], "ok": False, "error": type(e).__name__, "message": str(e)}


def test_runs_under_pyodide(parity):
    cases, output = parity
    assert output["platform"] == "emscripten"
    assert output["pyodide"] == json.loads((ROOT / "node_modules/pyodide/package.json").read_text())["version"]
    assert [r["id"] for r in output["results"]] == [c["id"] for c in cases]
    assert any(c["id"].startswith("example:") for c in cases)


def test_the_snapshot_holds_the_checker_warmed_up(parity):
    # make_snapshot.mjs classifies the catalog's examples before the dump, so a browser's
    # first check finds the regexes compiled that a first check makes (one per status
    # wording, to cut it from the place); a plain start makes them as it goes.
    cases, output = parity
    if output["start"] == "snapshot":
        assert output["patterns_at_start"] > 10
    else:
        assert output["patterns_at_start"] == 0


def test_python_reports_the_stdlib_it_reads(parity):
    # The worker compares this with the trimmed zip's size it expects (jptrack_web.resume
    # after a restore, stdlib_zip_size after a boot): a wrong or missing zip means a fallback.
    cases, output = parity
    assert output["stdlib_zip_bytes"] == output["stdlib_file_bytes"] > 0


def test_a_restored_snapshot_does_not_replay_the_builds_random_seed(parity):
    # The build seeds random with 0 before the dump, so that the snapshot is deterministic.
    cases, output = parity
    assert output["reseeded"] is (True if output["start"] == "snapshot" else None)


def test_same_results_field_for_field(parity, catalog):
    cases, output = parity
    mismatches = []
    for case, browser in zip(cases, output["results"]):
        expected = _cpython(case, catalog)
        if browser != expected:
            fields = sorted(k for k in set(expected.get("result", {})) | set(browser.get("result", {}))
                            if expected.get("result", {}).get(k) != browser.get("result", {}).get(k))
            mismatches.append(f"{case['id']}: differs in {fields or 'ok/error'}")
    assert not mismatches, "\n".join(mismatches)


def test_examples_classify_to_their_stage_under_pyodide(parity):
    cases, output = parity
    wrong = [f"{r['id']} -> {r.get('result', {}).get('current_stage')}"
             for r in output["results"] if r["id"].startswith("example:")
             and r.get("result", {}).get("current_stage") != r["id"].split(":")[1]]
    assert not wrong, "\n".join(wrong)
