"""`pip install` of the project (a wheel, not editable, in a fresh venv, used from another
folder) gives a working `jptrack` command and `jptrack.check()`, with the catalog packaged
as JSON and no PyYAML installed."""

from __future__ import annotations

import json
import subprocess
import sys
import venv

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    wheels = tmp / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, cwd=tmp, timeout=600)
    wheel = next(wheels.glob("jptrack-*.whl"))
    env = tmp / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, timeout=600)
    return python, env / "bin" / "jptrack", tmp


def test_the_wheel_carries_the_catalog_and_no_yaml_is_needed(installed):
    python, _, tmp = installed
    out = subprocess.run([str(python), "-c", (
        "import importlib.util, jptrack; from importlib.resources import files;"
        "print(importlib.util.find_spec('yaml') is None, files('jptrack').joinpath('stages.json').is_file(),"
        "files('jptrack').joinpath('py.typed').is_file())")],
        capture_output=True, text=True, cwd=tmp, check=True).stdout.split()
    assert out == ["True", "True", "True"]


def test_the_installed_command_classifies_a_paste(installed, catalog):
    _, command, tmp = installed
    paste = tmp / "paste.txt"
    paste.write_text((ROOT / "tests" / "fixtures" / "pastes" / "japanpost-en-us.txt").read_text(encoding="utf-8"),
                     encoding="utf-8")
    run = subprocess.run([str(command), "classify", str(paste), "--json", "--today", "2026-10-01"],
                         capture_output=True, text=True, cwd=tmp, timeout=120)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["current_stage"] == "final-delivery"
    assert result["destination"]["post"] == catalog.destination("US").post.name.en


def test_the_installed_library_api(installed):
    python, _, tmp = installed
    code = ("import jptrack, datetime, json;"
            "r = jptrack.check('2026/09/20 20:14 引受 新宿郵便局 163-8799 東京都', today=datetime.date(2026, 9, 21));"
            "print(json.dumps([r['current_stage'], r['verdict']['state']]));"
            "c = jptrack.default_catalog(); print(len(list(c)) > 10)")
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=tmp, check=True).stdout
    assert out.splitlines() == ['["posting-collection", "normal"]', "True"]


def test_the_installed_command_exports_helpdesk_replies(installed, catalog):
    _, command, tmp = installed
    run = subprocess.run([str(command), "export", "--format", "csv", "--lang", "ko", "-"],
                         capture_output=True, text=True, cwd=tmp, timeout=120)
    assert run.returncode == 0, run.stderr
    rows = run.stdout.splitlines()
    assert rows[0] == "stage_id,language,title,url,reply"
    assert catalog.stages[0].title.get("ko") in run.stdout


def test_the_installed_library_ships_the_open_catalog_schema(installed):
    python, _, tmp = installed
    code = ("import jptrack.opendata as o, jptrack;"
            "print(o.schema()['properties']['api_version']['const'], "
            "o.open_catalog(jptrack.default_catalog())['api_version'])")
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=tmp, check=True).stdout
    assert out.split() == ["1", "1"]
