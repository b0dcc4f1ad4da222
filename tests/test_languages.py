"""The site in each language it is built in (hooks/languages.py): the same pages under
/<lang>/, each with its <html lang>, its texts from stages.yaml in that language, a switcher
that links each page's twin, and hand-written pages from docs/<page>.<lang>.md.

Expected texts come from the catalog and the docs, never from literals here.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

import conftest
from conftest import ROOT, build_site
from test_site import _project_copy

conftest.checker_hook()   # hooks/ on sys.path, as MkDocs puts it
import languages  # noqa: E402  (hooks/languages.py)

BUILT = languages.built_languages(str(ROOT / "mkdocs.yml"))
HAND_WRITTEN = sorted(p.name for p in (ROOT / "docs").glob("*.md") if p.name.count(".") == 1)


def _page(site: Path, lang: str, path: str) -> str:
    file = site / languages.folder(lang) / path if languages.folder(lang) else site / path
    assert file.is_file(), f"{file.relative_to(site)} was not built"
    return html.unescape(file.read_text(encoding="utf-8"))


def _front_title(markdown: str) -> str:
    return re.search(r"^title:\s*(.+)$", markdown, re.M).group(1).strip().strip('"')


@pytest.mark.parametrize("lang", BUILT)
def test_every_stage_page_is_built_in_the_language_with_its_lang(built_site, catalog, lang):
    for stage in catalog:
        page = _page(built_site, lang, f"stages/{stage.id}/index.html")
        assert f'<html lang="{lang}"' in page
        assert stage.title.get(lang) in page and stage.support_reply.get(lang).split("\n")[0][:40] in page


@pytest.mark.parametrize("lang", BUILT)
def test_the_switcher_links_each_page_to_its_twin(built_site, catalog, lang):
    stage = catalog.stages[3]
    page = _page(built_site, lang, f"stages/{stage.id}/index.html")
    links = dict((hreflang, href) for href, hreflang in re.findall(
        r'<a href="([^"]+)" hreflang="([^"]+)"[^>]*class="md-select__link"', page))
    assert set(links) == set(BUILT) if len(BUILT) > 1 else not links
    here = built_site / (languages.folder(lang) or ".") / "stages" / stage.id
    for other, href in links.items():
        twin = (here / href).resolve() / "index.html"
        assert twin.is_file() and f'<html lang="{other}"' in twin.read_text(encoding="utf-8"), (other, href)


@pytest.mark.parametrize("lang", BUILT)
def test_the_sitemap_gives_every_page_its_twins_as_hreflang_alternates(built_site, site_address, lang):
    import xml.etree.ElementTree as ET
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring(_page(built_site, lang, "sitemap.xml"))
    urls = root.findall("s:url", ns)
    assert len(urls) > 20
    for url in urls:
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)}
        assert set(alternates) == ({*BUILT, "x-default"} if len(BUILT) > 1 else set()), url.findtext("s:loc", None, ns)
        assert alternates.get(lang, url.findtext("s:loc", None, ns)) == url.findtext("s:loc", None, ns)
        for other, href in alternates.items():
            assert href.startswith(site_address), href   # absolute, as search engines require
            other = "en" if other == "x-default" else other
            twin = built_site / href[len(site_address):] / "index.html"
            assert twin.is_file() and f'<html lang="{other}"' in twin.read_text(encoding="utf-8"), (lang, href)


@pytest.mark.parametrize("lang", BUILT)
def test_no_page_head_links_the_language_homes(built_site, catalog, lang):
    # Material's script fetches the sitemap.xml of every <link rel="alternate"> on every
    # page load, for a switch our own switcher makes: the alternates are in the sitemap.
    for path in ("index.html", "check/index.html", f"stages/{catalog.stages[0].id}/index.html"):
        head = _page(built_site, lang, path).split("</head>", 1)[0]
        assert not re.findall(r'<link rel="alternate"[^>]*hreflang', head), path


@pytest.mark.parametrize("lang", [x for x in BUILT if x != "en"])
def test_each_language_checker_runs_from_the_one_copy_of_the_runtime_at_the_root(built_site, lang):
    folder = built_site / languages.folder(lang)
    page = folder / "check" / "index.html"
    scripts = set(re.findall(r'<script type="module" async src="([^"]+)"', page.read_text(encoding="utf-8")))
    assert len(scripts) == 1, scripts
    script = (page.parent / scripts.pop()).resolve()
    assert script.is_file() and script.parent == (built_site / "assets" / "checker").resolve(), script
    assets = conftest.page_assets(page)
    english = conftest.page_assets(built_site / "check" / "index.html")
    for key in ("worker", "archive", "catalog", "snapshot", "stdlib"):
        assert (script.parent / assets[key]).is_file(), (key, assets[key])
    assert (script.parent / assets["pyodide"] / "pyodide.asm.wasm").is_file()
    # its own catalog and snapshot (its language's texts), the rest shared with English
    assert assets["catalog"] != english["catalog"] and assets["snapshot"] != english["snapshot"]
    assert {k: assets[k] for k in ("worker", "archive", "stdlib", "pyodide")} == \
        {k: english[k] for k in ("worker", "archive", "stdlib", "pyodide")}
    assert not (folder / "assets" / "pyodide").exists()
    # only every page's stylesheet is the language's own
    assert [p.name for p in (folder / "assets" / "checker").iterdir()] == \
        [p.name for p in (built_site / "assets" / "checker").glob("checker-*.css")]


@pytest.mark.parametrize("lang", [x for x in BUILT if x != "en"])
def test_hand_written_pages_come_from_their_translation(built_site, lang):
    for name in HAND_WRITTEN:
        translated = (ROOT / "docs" / name.replace(".md", f".{lang}.md")).read_text(encoding="utf-8")
        path = "index.html" if name == "index.md" else f"{name[:-3]}/index.html"
        assert _front_title(translated) in _page(built_site, lang, path), name
    assert not list((built_site / languages.folder(lang)).glob(f"*.{lang}/index.html"))


def test_english_pages_do_not_publish_translations_as_pages_of_their_own(built_site):
    assert not [p for p in built_site.glob("*/index.html") if "." in p.parent.name]


def _project(tmp_path: Path) -> Path:
    """A copy of the project (test_site's), with its stages.yaml."""
    import shutil

    project = _project_copy(tmp_path)
    shutil.copy(ROOT / "stages.yaml", project)
    return project


def test_a_build_in_a_language_stops_at_the_first_text_it_lacks(tmp_path, caplog):
    from mkdocs.exceptions import MkDocsException

    project = _project(tmp_path)
    source = (project / "stages.yaml").read_text(encoding="utf-8")
    line, old = next((i, text) for i, text in enumerate(source.splitlines(), 1)
                     if re.match(r"\s+ja: .*\S", text) and not re.match(r"\s+ja: \[", text))
    (project / "stages.yaml").write_text(source.replace(old + "\n", "", 1), encoding="utf-8")
    with pytest.raises(MkDocsException) as info:
        build_site(tmp_path / "site", config_file=project / "mkdocs.yml", languages=["ja"])
    message = "\n".join([str(info.value)] + [r.getMessage() for r in caplog.records])
    assert "no ja text" in message and re.search(r"stages\.yaml:\d+", message), message


def test_a_build_in_a_language_stops_at_a_page_it_lacks(tmp_path, caplog):
    from mkdocs.exceptions import MkDocsException

    project = _project(tmp_path)
    (project / "docs" / "check.ja.md").unlink()
    with pytest.raises(MkDocsException) as info:
        build_site(tmp_path / "site", config_file=project / "mkdocs.yml", languages=["ja"])
    message = "\n".join([str(info.value)] + [r.getMessage() for r in caplog.records])
    assert "docs/check.md: no ja version; write docs/check.ja.md" in message, message


# ---------------------------------------------------------------------------
# The classifier's result in a language (the checker and `jptrack classify --lang`)
# ---------------------------------------------------------------------------

PASTE = "2026/09/20 20:14 引受 新宿郵便局 163-8799 東京都\n2026/09/24 06:12 国際交換局に到着 ISC CHICAGO IL 60688 アメリカ合衆国\n"


@pytest.mark.parametrize("lang", [x for x in BUILT if x != "en"] or ["ja"])
def test_the_result_is_in_the_language_asked_for_whatever_the_paste(catalog, lang):
    from datetime import date

    from jptrack.classify import check

    result = check(PASTE, catalog, today=date(2026, 10, 20), lang=lang)
    stage = catalog.stage(result["current_stage"])
    assert result["language"] == lang
    assert result["current"]["title"] == stage.title.get(lang) != stage.title.en
    assert result["current"]["what_to_do"] == stage.what_to_do.get(lang)
    assert {e["stage_title"] for e in result["events"]} <= {s.title.get(lang) for s in catalog}
    verdict = result["verdict"]
    assert verdict["label"] == catalog.verdict_label(verdict["state"]).get(lang)
    days = catalog.ui_text("days").get(lang).format(n=verdict["days_since"])
    assert days in verdict["message"] and catalog.ui_text("days").en.format(n=verdict["days_since"]) not in \
        verdict["message"]


def test_a_language_the_catalog_lacks_is_refused(catalog):
    from jptrack.classify import InvalidInput, check

    with pytest.raises(InvalidInput, match="no language 'xx'"):
        check(PASTE, catalog, lang="xx")


def test_jptrack_classify_lang_prints_the_result_in_that_language(catalog, capsys):
    from jptrack import cli

    assert cli.main(["classify", "--lang", "ko", "--today", "2026-10-20", "--json",
                     str(ROOT / "tests/histories/dev/otya-jp-us-ems-chicago.txt")]) == 0
    import json

    result = json.loads(capsys.readouterr().out)
    assert result["current"]["title"] == catalog.stage(result["current_stage"]).title.get("ko")
    assert cli.main(["classify", "--lang", "xx", "-"]) == cli.EXIT["usage"]
    assert "--lang xx: not a language of the catalog" in capsys.readouterr().err


@pytest.mark.parametrize("lang", BUILT)
def test_each_stage_page_has_the_support_reply_in_every_language(built_site, catalog, lang):
    stage = catalog.stage("customs-held")
    page = _page(built_site, lang, f"stages/{stage.id}/index.html")
    blocks = re.findall(r'<span class="jp-reply-other" lang="[^"]+">(.*?)</span>', page, flags=re.S)
    others = [x for x in BUILT if x != lang]
    assert len(blocks) == len(others)
    for other, block in zip(others, blocks):
        assert " ".join(html.unescape(re.sub(r"<[^>]+>", "", block)).split()) == \
            " ".join(stage.support_reply.get(other).split()), other
    window = stage.window(stage.silence[0][0])
    assert catalog.ui_text("weeks" if window.act_after_days % 7 == 0 else "days").get(lang).format(
        n=window.act_after_days // 7 if window.act_after_days % 7 == 0 else window.act_after_days) in page


@pytest.mark.parametrize("lang", BUILT)
def test_posts_are_named_as_they_name_themselves_in_the_language(catalog, lang):
    from datetime import date

    from jptrack.classify import check

    paste = (ROOT / "tests" / "fixtures" / "pastes" / "japanpost-en-us.txt").read_text(encoding="utf-8")
    result = check(paste, catalog, today=date(2026, 10, 1), lang=lang)
    japan_post, usps = catalog.destination("JP").post.name, catalog.destination("US").post.name
    assert [link["post"] for link in result["tracking_links"]][:1] == [japan_post.get(lang)]
    assert result["destination"]["post"] == usps.get(lang) == usps.en   # a brand written one way everywhere
    assert (japan_post.get(lang) != japan_post.en) == (lang != "en")   # Japan Post has its own name in each


def test_a_post_name_in_an_unknown_language_is_refused():
    from jptrack import catalog as model

    source = (ROOT / "stages.yaml").read_text(encoding="utf-8").replace(
        'name: {en: Korea Post, ko: "우정사업본부(우체국)"}', 'name: {en: Korea Post, kr: "우정사업본부(우체국)"}')
    with pytest.raises(model.CatalogError, match=r"destinations\.KR\.post\.name\.kr.*unknown language 'kr'"):
        model.loads(source)
