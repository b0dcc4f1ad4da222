"""Helpdesk exports (widget/jptrack/export.py, `jptrack export`, the site's downloads/):
each format holds every stage's reply in every language asked for, with the fields its
tool requires, the tool's own first-name placeholder and the stage page's link.

Expected texts come from the catalog, never from literals here.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest

import conftest
from jptrack import cli, export

SITE = "https://help.example.com/"
ISO_639_1 = re.compile(r"^[a-z]{2}$")


def _reply_text(catalog, stage_id: str, lang: str) -> str:
    return " ".join(catalog.stage(stage_id).support_reply.get(lang).split())


def _expected_pairs(catalog, langs):
    return [(stage.id, lang) for lang in langs for stage in catalog]


def _check_body(catalog, stage_id, lang, body: str, fmt: str, *, is_html: bool):
    text = _reply_text(catalog, stage_id, lang)
    assert (html.escape(text) if is_html else text) in body, (fmt, stage_id, lang)
    assert export.FIRST_NAME[fmt] in body
    url = SITE + export.stage_path(stage_id, lang)
    assert (f'href="{url}"' if is_html else url) in body


@pytest.mark.parametrize("langs", [None, ["ja", "ko"]])
def test_zendesk_macros_have_the_fields_zendesk_requires(catalog, langs):
    data = json.loads(export.render(catalog, "zendesk", languages=langs, site_url=SITE))
    macros = data["macros"]
    seen = []
    for macro in macros:
        assert isinstance(macro["title"], str) and macro["title"] and macro["active"] is True
        actions = {a["field"]: a["value"] for a in macro["actions"]}
        assert set(actions) == {"comment_value_html", "comment_mode_is_public"}
        assert actions["comment_mode_is_public"] == "true"
        stage_id, lang = re.match(r"^([\w-]+) \(([\w-]+)\)", macro["description"]).groups()
        _check_body(catalog, stage_id, lang, actions["comment_value_html"], "zendesk", is_html=True)
        assert catalog.stage(stage_id).title.get(lang) in macro["title"]
        seen.append((stage_id, lang))
    assert seen == _expected_pairs(catalog, langs or catalog.languages)
    assert len({m["title"] for m in macros}) == len(macros)   # one name per macro


def test_gorgias_macros_carry_their_language_and_tags(catalog):
    macros = json.loads(export.render(catalog, "gorgias", site_url=SITE))["macros"]
    assert len({m["external_id"] for m in macros}) == len(macros) == len(catalog.stages) * len(catalog.languages)
    for macro, (stage_id, lang) in zip(macros, _expected_pairs(catalog, catalog.languages)):
        assert macro["name"] and ISO_639_1.match(macro["language"]) and lang.startswith(macro["language"])
        actions = {a["name"]: a for a in macro["actions"]}
        assert set(actions) == {"setResponseText", "addTags"}
        assert all(a["type"] == "user" and a["title"] for a in macro["actions"])
        text = actions["setResponseText"]["arguments"]
        _check_body(catalog, stage_id, lang, text["body_html"], "gorgias", is_html=True)
        _check_body(catalog, stage_id, lang, text["body_text"], "gorgias", is_html=False)
        assert actions["addTags"]["arguments"]["tags"].split(",") == [export.TAG, stage_id]


@pytest.mark.parametrize("folder_id", [None, 42])
def test_freshdesk_canned_responses_have_title_content_visibility_and_the_folder_given(catalog, folder_id):
    items = json.loads(export.render(catalog, "freshdesk", site_url=SITE, folder_id=folder_id))["canned_responses"]
    for item, (stage_id, lang) in zip(items, _expected_pairs(catalog, catalog.languages), strict=True):
        assert item["title"] and item["visibility"] in (0, 1, 2)
        _check_body(catalog, stage_id, lang, item["content_html"], "freshdesk", is_html=True)
        assert item.get("folder_id") == folder_id


def test_the_csv_has_one_row_per_stage_and_language_with_the_reply(catalog):
    text = export.render(catalog, "csv", languages=["zh-Hant"], site_url=SITE)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == export.CSV_COLUMNS
    assert [(r[0], r[1]) for r in rows[1:]] == _expected_pairs(catalog, ["zh-Hant"])
    for stage_id, lang, title, url, reply in rows[1:]:
        assert title == export.Words(catalog, lang)("export_title", title=catalog.stage(stage_id).title.get(lang),
                                                    language=catalog.language_name(lang))
        assert url == SITE + export.stage_path(stage_id, lang)
        _check_body(catalog, stage_id, lang, reply, "csv", is_html=False)


def test_html_bodies_escape_the_reply_text(catalog):
    body = export.replies(catalog, "zendesk", site_url=SITE)[0]
    odd = export.Reply(body.stage_id, "en", "t", SITE, "Hi <b>,", 'a "quote" & <script>', f"more: {SITE}")
    assert "<script>" not in odd.html() and "&lt;script&gt;" in odd.html() and f'<a href="{SITE}">' in odd.html()


def test_jptrack_export_writes_the_file_and_refuses_bad_arguments(catalog, tmp_path, capsys):
    out = tmp_path / "zendesk.json"
    assert cli.main(["export", "--format", "zendesk", "--lang", "ja", "--lang", "ko,en",
                     "--site-url", SITE, str(out)]) == cli.EXIT["ok"]
    macros = json.loads(out.read_text(encoding="utf-8"))["macros"]
    assert len(macros) == 3 * len(catalog.stages)
    assert f"{out}: {len(macros)} replies for zendesk" in capsys.readouterr().err
    for argv, code, message in [
        (["export", "--format", "csv", "--lang", "xx", "-"], "usage", "not a language of the catalog: xx"),
        (["export", "--format", "csv", "--site-url", "help.example.com", "-"], "usage", "expected an address"),
        (["export", "--format", "csv", "--folder-id", "3", "-"], "usage", "--folder-id is for --format freshdesk"),
        (["export", "--format", "csv", str(tmp_path / "missing" / "x.csv")], "output-unwritable", "cannot write"),
        (["export", "--format", "kayako", "-"], "usage", ""),
    ]:
        assert cli.main(argv) == cli.EXIT[code], argv
        assert message in capsys.readouterr().err
    assert not (tmp_path / "missing").exists()


def test_the_site_publishes_the_exports_and_each_language_support_page_links_them(built_site, catalog):
    languages = conftest.built_languages()
    home = (built_site / "index.html").read_text(encoding="utf-8")
    site = re.search(r'<link rel="canonical" href="([^"]+)"', home).group(1)   # the build's site_url
    for fmt in export.FORMATS:
        published = (built_site / "downloads" / export.FILE_NAMES[fmt]).read_bytes().decode("utf-8")
        assert published == export.render(catalog, fmt, languages=languages, site_url=site)
    for lang in languages:
        folder = export.language_folder(lang)
        page = built_site / folder / "support" / "index.html"
        content = page.read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in content
        assert html.escape(catalog.ui_text("support_intro").get(lang), quote=False) in content
        links = re.findall(r'<a href="([^"]+)" download>', content)
        assert [link.rsplit("/", 1)[1] for link in links] == [export.FILE_NAMES[f] for f in export.FORMATS]
        for link in links:
            assert (page.parent / link).resolve().is_file(), (lang, link)
