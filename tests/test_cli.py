"""`jptrack classify` / `jptrack batch`: output, and bad input as one stderr line plus an exit code."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from jptrack.cli import EXIT, main

PASTES = Path(__file__).parent / "fixtures" / "pastes"
EN = str(PASTES / "japanpost-en-us.txt")


def run(args, stdin: bytes = b""):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "widget")}
    return subprocess.run([sys.executable, "-m", "jptrack", *args], input=stdin, capture_output=True,
                          env=env, cwd="/", timeout=60)


def test_python_m_jptrack_json():
    proc = run(["classify", EN, "--json", "--today", "2026-10-01"])
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["current_stage"] == "final-delivery"
    assert result["verdict"]["state"] == "done"


def test_readable_report(capsys):
    assert main(["classify", EN, "--today", "2026-10-01"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Current stage:")
    assert "EG725089303JP" in out and "final-delivery" in out and "posting-collection" in out


def test_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"EMC\n")))
    assert main(["classify", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["current_stage"] == "dispatch-outward-office"


@pytest.mark.parametrize(("stdin", "code"), [
    (b"", "input-empty"), (b"  \n\t\n", "input-empty"), (b"abc\x00def", "input-not-text"),
    (b"\xff\xfe\xfa", "input-not-text"), (b"x" * 10_000_000, "input-too-long"),
], ids=["empty", "blank", "nul-bytes", "invalid-utf8", "10mb"])
def test_bad_input(stdin, code):
    proc = run(["classify", "-"], stdin=stdin)
    assert proc.returncode == EXIT[code]
    assert proc.stderr.decode().count("\n") == 1 and "Traceback" not in proc.stderr.decode()


def test_missing_file_and_broken_catalog(tmp_path):
    proc = run(["classify", str(tmp_path / "nope.txt")])
    assert proc.returncode == EXIT["file-unreadable"] and b"no such file" in proc.stderr
    broken = tmp_path / "stages.yaml"
    broken.write_text("version: 1\nstages: [\n")
    proc = run(["classify", EN, "--catalog", str(broken)])
    assert proc.returncode == EXIT["catalog"] and proc.stderr.count(b"\n") == 1
    proc = run(["classify", EN, "--catalog", str(tmp_path / "missing.yaml")])
    assert proc.returncode == EXIT["catalog"]


def test_usage_errors_and_help():
    assert run(["classify", "--today", "tomorrow"]).returncode == EXIT["usage"]
    assert run([]).returncode == EXIT["usage"]
    helptext = run(["classify", "--help"]).stdout.decode()
    for code in EXIT.values():
        assert f"  {code}  " in helptext


def test_batch_csv(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    files = [EN, str(PASTES / "japanpost-en-parcel-stalled.txt"), str(empty)]
    assert main(["batch", *files, "--csv", "--today", "2026-10-01"]) == EXIT["batch-partial"]
    captured = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(captured.out)))
    assert rows[0] == ["file", "tracking_number", "current_stage", "state", "act_from", "destination", "expected_by"]
    assert rows[1][1:4] == ["EG725089303JP", "final-delivery", "done"]
    assert rows[2][1:3] == ["CN134577206JP", "dispatch-outward-office"] and rows[2][4]
    assert rows[3][3] == "error: input-empty" and "empty" in captured.err


def test_batch_over_a_helpdesk_csv_export(tmp_path, capsys):
    """A support team's ticket export (one paste per row) → one CSV row of stages per ticket."""
    tickets = tmp_path / "tickets.csv"
    with tickets.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["ticket", "customer", "text"])
        writer.writerow(["T-1", "Ann", (PASTES / "japanpost-en-us.txt").read_text(encoding="utf-8")])
        writer.writerow(["T-2", "Bo", "EG123456785JP"])
        writer.writerow(["T-3", "Cy", ""])
    assert main(["batch", "--tickets", str(tickets), "--csv", "--today", "2026-10-01"]) == EXIT["batch-partial"]
    captured = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(captured.out)))
    assert rows[0][0] == "ticket" and [r[0] for r in rows[1:]] == ["T-1", "T-2", "T-3"]
    assert rows[1][1:4] == ["EG725089303JP", "final-delivery", "done"] and rows[1][5] == "US"
    assert rows[2][1:4] == ["EG123456785JP", "", "unknown"]
    assert rows[3][3] == "error: input-empty" and "T-3: the paste is empty" in captured.err
    # a column that is not there is named, with the ones that are
    assert main(["batch", "--tickets", str(tickets), "--text-column", "body"]) == EXIT["usage"]
    assert "no column 'body'; its columns are ['ticket', 'customer', 'text']" in capsys.readouterr().err
    assert main(["batch", "--tickets", str(tickets), EN]) == EXIT["usage"]   # one or the other
    assert main(["batch"]) == EXIT["usage"]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"text\n\xff\xfe\x00\n")
    assert main(["batch", "--tickets", str(bad)]) == EXIT["input-not-text"]


def test_batch_table(capsys):
    assert main(["batch", EN]) == 0
    assert "final-delivery" in capsys.readouterr().out


INDIA = str(ROOT / "tests" / "histories" / "dev" / "india-post-in-jp-satte-2022-a.txt")


def test_explain_says_why_and_marks_inferred_stages(capsys):
    from jptrack.catalog import load

    label = load(ROOT / "stages.yaml").inferred[0].en
    assert main(["classify", INDIA, "--explain", "--today", "2023-01-05"]) == 0
    out = capsys.readouterr().out
    assert f"Current stage: Delivered (final-delivery) ({label})" in out.splitlines()[0]
    assert "Route: IN → JP" in out
    assert out.count("why: action “") >= 10
    # An exact wording is not marked, and --explain is off by default.
    assert main(["classify", EN, "--today", "2026-10-01"]) == 0
    plain = capsys.readouterr().out
    assert f"({label})" not in plain and "why:" not in plain


def test_explain_json_has_a_why_per_event(capsys):
    assert main(["classify", INDIA, "--json", "--explain"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert all(e["why"] for e in result["events"])
    assert (result["origin"], result["destination"]["country"], result["current_basis"]) == ("IN", "JP", "inferred")


def test_classify_prints_the_stage_link_that_carries_the_case(capsys, catalog):
    from datetime import date

    from jptrack.classify import check
    from jptrack.words import Words

    path = PASTES / "japanpost-en-parcel-stalled.txt"
    expected = check(path.read_text(encoding="utf-8"), catalog, today=date(2026, 10, 1), lang="ja")
    assert main(["classify", str(path), "--today", "2026-10-01", "--lang", "ja",
                 "--site-url", "https://help.example.com"]) == EXIT["ok"]
    out = capsys.readouterr().out
    link = Words(catalog, "ja")("report_link", url=f"https://help.example.com/ja/{expected['case_link']}")
    assert f"{link}\n" in out
    assert expected["case_link"].startswith(f"stages/{expected['current_stage']}/#since=")
    assert main(["classify", str(path), "--today", "2026-10-01"]) == EXIT["ok"]
    assert f"Link: /{expected['case_link']}\n" in capsys.readouterr().out


@pytest.mark.parametrize("lang", ["en", "ja", "ko"])
def test_the_report_is_in_the_language_asked_for(capsys, catalog, lang):
    from jptrack.words import Words

    t = Words(catalog, lang)
    assert main(["classify", str(PASTES / "japanpost-en-parcel-stalled.txt"), "--today", "2026-10-01",
                 "--lang", lang]) == EXIT["ok"]
    out = capsys.readouterr().out
    stage = catalog.stage("dispatch-outward-office")
    assert out.startswith(t("report_current", stage=f"{stage.title.get(lang)} ({stage.id})"))
    for key in ("report_numbers", "report_lines"):
        assert f"\n{t(key)}\n" in out
    from datetime import date

    from jptrack.classify import check

    act_from = check((PASTES / "japanpost-en-parcel-stalled.txt").read_text(encoding="utf-8"), catalog,
                     today=date(2026, 10, 1))["verdict"]["act_from"]
    assert t("report_act_from", date=t.long_date(act_from)) in out
    if lang != "en":
        assert "Current stage" not in out and "Tracking numbers" not in out


# ---------------------------------------------------------------------------
# A shop's own shop.yaml (jptrack.shop): the command answers as the shop's site does
# ---------------------------------------------------------------------------

SHOP_PASTE = "2026/09/20 20:14 引受 新宿郵便局 163-8799 東京都\n"   # no number, no service word


def _shop_file(folder: Path, **changes) -> Path:
    import yaml

    data = {**yaml.safe_load((ROOT / "shop.example.yaml").read_text(encoding="utf-8")), **changes}
    path = folder / "shop.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _classify_json(args, monkeypatch, capsys) -> dict:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SHOP_PASTE.encode())))
    assert main(["classify", "-", "--json", "--today", "2026-10-20", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_classify_with_a_shop_names_it_and_assumes_among_its_services(tmp_path, monkeypatch, capsys):
    import yaml

    shop = yaml.safe_load((ROOT / "shop.example.yaml").read_text(encoding="utf-8"))
    neutral = _classify_json([], monkeypatch, capsys)
    own = _classify_json(["--shop", str(_shop_file(tmp_path, services=["ems"]))], monkeypatch, capsys)
    assert neutral["verdict"]["service"] != "ems"   # else the service check proves nothing
    assert own["verdict"]["service"] == "ems" and own["service"]["assumed"] is False
    assert shop["name"]["en"] in [c["name"] for c in own["current"]["contacts"]]
    assert shop["name"]["en"] not in json.dumps(neutral, ensure_ascii=False)


def test_a_shop_file_beside_the_catalog_is_read_without_asking(tmp_path, monkeypatch, capsys):
    import shutil

    shutil.copy(ROOT / "stages.yaml", tmp_path / "stages.yaml")
    catalog = ["--catalog", str(tmp_path / "stages.yaml"), "--lang", "ja"]
    assert "例茶園" not in json.dumps(_classify_json(catalog, monkeypatch, capsys), ensure_ascii=False)
    _shop_file(tmp_path)
    assert "例茶園" in json.dumps(_classify_json(catalog, monkeypatch, capsys), ensure_ascii=False)


@pytest.mark.parametrize("command", [["classify", EN], ["batch", EN], ["export", "--format", "csv", "-"]])
def test_a_broken_shop_file_stops_with_its_line(tmp_path, command):
    path = _shop_file(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("support@example.com", "support at example"),
                    encoding="utf-8")
    proc = run([*command, "--shop", str(path)])
    err = proc.stderr.decode()
    assert proc.returncode == EXIT["catalog"] and err.count("\n") == 1, err
    assert "shop.yaml:" in err and "'contact.email'" in err and "Traceback" not in err


def test_export_with_a_shop_writes_the_languages_its_site_is_built_in(tmp_path):
    import yaml

    data = yaml.safe_load((ROOT / "shop.example.yaml").read_text(encoding="utf-8"))
    lacking_ko = {key: {lang: text for lang, text in value.items() if lang != "ko"}
                  for key, value in data["policies"].items()}
    path = _shop_file(tmp_path, languages=["en", "ja"], policies=lacking_ko)
    proc = run(["export", "--format", "csv", "--shop", str(path), "-"])
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout.decode())))
    assert {row["language"] for row in rows} == {"en", "ja"}
    # asked for a language the shop has no texts in: said, with the line to write them at
    proc = run(["export", "--format", "csv", "--shop", str(path), "--lang", "ko", "-"])
    err = proc.stderr.decode()
    assert proc.returncode == EXIT["catalog"] and "no ko text" in err and "shop.yaml:" in err, err
