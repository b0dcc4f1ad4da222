"""The built site: one page per stage with everything stages.yaml says about it, the
all-statuses page, the UPU-code short links, no broken internal links, and a broken
stages.yaml that stops the build with file:line and the stage id.

Expected values come from the catalog, never from literals, so content edits don't break
these tests; only a page that stops saying what the catalog says does.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from mkdocs.exceptions import PluginError

from conftest import ROOT, build_site, hook_module, page_assets


def _page(site: Path, path: str) -> str:
    file = site / path
    assert file.is_file(), f"{path} was not built"
    return html.unescape(file.read_text(encoding="utf-8"))


def _text(markup: str) -> str:
    """Visible text with whitespace collapsed (Markdown may wrap lines)."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append((tag, value))


def _links(markup: str) -> list[tuple[str, str]]:
    parser = _Links()
    parser.feed(markup)
    return parser.links


# ---------------------------------------------------------------------------
# Stage pages
# ---------------------------------------------------------------------------

def test_every_stage_page_says_what_the_catalog_says(built_site, catalog):
    problems = []
    for stage in catalog:
        text = _text(_page(built_site, f"stages/{stage.id}/index.html"))
        expected = [str(stage.title), str(stage.meaning), str(stage.what_to_do),
                    str(stage.support_reply)]
        expected += [w.text for w in stage.wordings]
        expected += [s for u in stage.upu for s in (u.code, u.text)]
        expected += [str(catalog.contact(c).name) for c in stage.contacts]
        expected += [str(catalog.contact(c).how) for c in stage.contacts]
        expected += [str(catalog.stage(n).title) for n in stage.next]
        for service, window in stage.silence:
            expected += [str(catalog.service(service).name), f"{window.normal} {window.act_after}"]
        for value in expected:
            if " ".join(value.split()) not in text:
                problems.append(f"stages/{stage.id}/: missing {value!r}")
        if stage.terminal and "no further updates" not in text:
            problems.append(f"stages/{stage.id}/: terminal stage does not say so")
    assert not problems, "\n".join(problems)


def test_silence_table_rows_pair_each_service_with_its_window(built_site, catalog):
    # The windows above are checked as text; here, cell by cell, so columns can't swap.
    for stage in catalog:
        markup = _page(built_site, f"stages/{stage.id}/index.html")
        rows = [[_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
                for row in re.findall(r"<tr>(.*?)</tr>", markup, flags=re.S)]
        for service, window in stage.silence:
            name = str(catalog.service(service).name)
            row = next((r for r in rows if r and r[0].startswith(name)), None)
            assert row and row[1:] == [window.normal, window.act_after], f"stages/{stage.id}/: no row for {service}"
            latest = (catalog.service(service).changes or [None])[-1]
            # a service Japan Post suspended or changed says so next to its name
            assert (latest is None or latest.state == "offered") == (row[0] == name), row[0]


def test_support_reply_is_a_copyable_code_block(built_site, catalog):
    for stage in catalog:
        markup = _page(built_site, f"stages/{stage.id}/index.html")
        block = re.search(r'<div class="jp-reply[^"]*">.*?<code>(.*?)</code>', markup, flags=re.S)
        assert block, f"stages/{stage.id}/: no support reply block"
        assert _text(block.group(1)) == " ".join(str(stage.support_reply).split())


def test_every_heading_has_a_permalink(built_site, catalog):
    for stage in catalog:
        markup = _page(built_site, f"stages/{stage.id}/index.html")
        content = markup[markup.index('<article'):markup.index('</article>')]
        for level, attrs, inner in re.findall(r"<h([1-6])([^>]*)>(.*?)</h\1>", content, flags=re.S):
            if level == "1":
                continue
            assert 'id="' in attrs and 'class="headerlink"' in inner, \
                f"stages/{stage.id}/: heading without permalink: {_text(inner)!r}"


def test_next_stages_are_linked(built_site, catalog):
    for stage in catalog:
        hrefs = {h for _, h in _links(_page(built_site, f"stages/{stage.id}/index.html"))}
        for target in stage.next:
            assert f"../{target}/" in hrefs, f"stages/{stage.id}/ does not link to {target}"


def test_stage_pages_link_their_guides(built_site, catalog):
    guided = [stage for stage in catalog if stage.guides]
    assert guided, "stages.yaml gives no stage a guide"
    for stage in guided:
        markup = _page(built_site, f"stages/{stage.id}/index.html")
        for guide in stage.guides:
            link = re.search(rf'<a href="\.\./\.\./{re.escape(guide.url)}">(.*?)</a>', markup)
            assert link, f"stages/{stage.id}/ does not link {guide.page}"
            assert _text(link.group(1)) == guide.text.en
            assert (built_site / guide.url / "index.html").is_file()


# ---------------------------------------------------------------------------
# Home page, all statuses, short links
# ---------------------------------------------------------------------------

def test_home_page_lists_the_journey_in_order_then_the_exceptions(built_site, catalog):
    markup = _page(built_site, "index.html")
    assert "jptrack:journey" not in markup
    hrefs = [h for _, h in _links(markup) if h.startswith("stages/")]
    wanted = [f"stages/{s.id}/" for s in catalog.journey] + [f"stages/{s.id}/" for s in catalog.exceptions]
    positions = [hrefs.index(w) for w in wanted]
    assert positions == sorted(positions), "journey links are out of order"
    text = _text(markup)
    for stage in catalog:
        assert " ".join(str(stage.summary).split()) in text


def test_all_statuses_page_links_every_wording_to_its_stage(built_site, catalog):
    markup = _page(built_site, "statuses/index.html")
    rows = re.findall(r"<tr>(.*?)</tr>", markup, flags=re.S)
    table = {}
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        if cells:
            link = re.search(r'href="\.\./stages/([^/"]+)/"', cells[-1])
            table.setdefault(_text(cells[0]), set()).add(link.group(1) if link else None)
    missing = []
    for stage in catalog:
        for text in [w.text for w in stage.wordings] + [f"{u.code} {u.text}" for u in stage.upu]:
            if stage.id not in table.get(" ".join(text.split()), set()):
                missing.append(f"{text!r} → {stage.id}")
    assert not missing, "all-statuses page lacks:\n" + "\n".join(missing)


def test_upu_code_short_links_redirect_to_their_stage(built_site, catalog):
    for stage in catalog:
        for event in stage.upu:
            markup = _page(built_site, f"status/{event.code}/index.html")
            target = f"../../stages/{stage.id}/"
            assert f'http-equiv="refresh" content="0; url={target}"' in markup
            assert f'<a href="{target}">' in markup
            assert re.search(rf'<link rel="canonical" href="[^"]*/stages/{stage.id}/">', markup)
            assert (built_site / "status" / event.code / target / "index.html").resolve().is_file()


# ---------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------

def test_no_broken_internal_links(built_site):
    broken = []
    for file in built_site.rglob("*.html"):
        for tag, ref in _links(file.read_text(encoding="utf-8")):
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or ref.startswith(("#", "/", "data:", "javascript:", "mailto:")):
                continue
            target = (file.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{file.relative_to(built_site)}: <{tag}> {ref}")
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(sorted(set(broken))[:50])


# ---------------------------------------------------------------------------
# A broken stages.yaml stops the build with a message an editor can act on
# ---------------------------------------------------------------------------

def _project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project)
    for name in ("hooks", "docs", "overrides", "widget"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("node_modules", "package.json", "package-lock.json"):  # the checker's runtime
        if (ROOT / name).exists():
            (project / name).symlink_to(ROOT / name)
    return project


def test_broken_stages_yaml_fails_the_build_with_line_and_stage(tmp_path, catalog, caplog):
    project = _project_copy(tmp_path)
    source = (ROOT / "stages.yaml").read_text(encoding="utf-8")
    stage = catalog.stages[1]
    # Point the stage's first `next` at a stage that does not exist.
    lines = source.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if re.match(rf"\s*- id: {re.escape(stage.id)}\s*$", line))
    nxt = next(i for i in range(start, len(lines)) if re.match(r"\s*next:", lines[i]))
    lines[nxt] = re.sub(r"next:.*", "next: [no-such-stage]", lines[nxt])
    (project / "stages.yaml").write_text("".join(lines), encoding="utf-8")

    from mkdocs.exceptions import MkDocsException

    with pytest.raises(MkDocsException) as info:
        build_site(tmp_path / "site", config_file=project / "mkdocs.yml")
    # MkDocs logs a plugin's error and raises a generic Abort; the editor reads the log line.
    message = "\n".join([str(info.value)] + [r.getMessage() for r in caplog.records])
    assert f"stages.yaml:{nxt + 1}" in message, message
    assert stage.id in message, message


def test_a_guide_that_is_not_in_docs_fails_the_build_with_its_line(tmp_path, catalog, caplog):
    project = _project_copy(tmp_path)
    source = (ROOT / "stages.yaml").read_text(encoding="utf-8")
    page = next(stage for stage in catalog if stage.guides).guides[0].page
    assert f"page: {page}," in source
    (project / "stages.yaml").write_text(source.replace(f"page: {page},", "page: no-such-guide.md,", 1),
                                         encoding="utf-8")
    line = next(i for i, text in enumerate(source.splitlines(), 1) if f"page: {page}," in text)

    from mkdocs.exceptions import MkDocsException

    with pytest.raises(MkDocsException) as info:
        build_site(tmp_path / "site", config_file=project / "mkdocs.yml")
    message = "\n".join([str(info.value)] + [r.getMessage() for r in caplog.records])
    assert f"stages.yaml:{line}" in message and "no page 'no-such-guide.md' in docs/" in message, message


# ---------------------------------------------------------------------------
# Search on pages with the checker (tests/browser/test_search_after_checker.py: in a browser)
# ---------------------------------------------------------------------------

def _search_worker(markup: str) -> str:
    config = re.search(r'<script id="__config" type="application/json">(.*?)</script>', markup, re.S)
    assert config, "no Material config in the page"
    return json.loads(config.group(1))["search"]


def test_only_pages_with_the_checker_hold_the_search_index(built_site):
    wrapped = plain = 0
    for page in sorted(built_site.rglob("*.html")):
        markup = page.read_text(encoding="utf-8")
        if 'id="__config"' not in markup:
            continue   # redirect stubs
        worker = urlsplit(_search_worker(markup))
        base = built_site if worker.path.startswith("/") else page.parent   # 404.html: absolute
        path = (base / unquote(worker.path).lstrip("/")).resolve()
        assert path.is_file(), f"{page.relative_to(built_site)}: {worker.path} is not in the site"
        if "data-jptrack-widget" in markup:
            wrapped += 1
            assert re.fullmatch(r"search-after-checker-[0-9a-f]{12}\.js", path.name), page
            query = parse_qs(worker.query)
            material, channel = query["worker"][0], query["channel"][0]
            assert (path.parent / material).is_file(), f"{material} (Material's worker) is not in the site"
            assert channel == page_assets(page)["shared"]["searchChannel"], page   # the one checker.js posts on
        else:
            plain += 1
            assert not worker.query and path.name.startswith("search."), page
    assert wrapped >= 2 and plain > 0, (wrapped, plain)   # the home page and check/, and the rest


PAGE = ('<html><head><script id="__config" type="application/json">'
        '{"base": "..", "search": "../assets/javascripts/workers/search.a7633da7.min.js", "tags": null}'
        '</script></head><body></body></html>')


def test_the_hook_points_search_at_the_wrapper_and_keeps_the_rest():
    out = hook_module("_widget").hold_search_index(PAGE, "search-after-checker-0123456789ab.js", page="check.md",
                                                  channel="jptrack-search")
    assert _search_worker(out) == ("../assets/javascripts/workers/search-after-checker-0123456789ab.js"
                                   "?worker=search.a7633da7.min.js&channel=jptrack-search")
    assert out.replace(_search_worker(out), "") == PAGE.replace(_search_worker(PAGE), "")


@pytest.mark.parametrize("page, message", [
    ("<html><body>no config</body></html>", "check.md: no Material config"),
    (PAGE.replace("search.a7633da7.min.js", "lunr.js"), "check.md: Material's search worker is"),
    (PAGE.replace('"tags": null}', '"tags": null'), "check.md: Material's config is not JSON"),
])
def test_the_hook_stops_on_a_config_it_cannot_read(page, message):
    with pytest.raises(PluginError, match=re.escape(message)):
        hook_module("_widget").hold_search_index(page, "search-after-checker-0123456789ab.js", page="check.md", channel="c")


def test_the_hook_leaves_a_site_without_search_alone():
    page = PAGE.replace('"search": "../assets/javascripts/workers/search.a7633da7.min.js", ', "")
    assert hook_module("_widget").hold_search_index(page, "search-after-checker-0123456789ab.js", page="x.md",
                                                    channel="c") == page


# ---------------------------------------------------------------------------
# Services and destinations
# ---------------------------------------------------------------------------

def _month(checked: str) -> str:
    """'2026-12' as the pages write it ('December 2026')."""
    import calendar

    year, month = checked.split("-")
    return f"{calendar.month_name[int(month)]} {year}"


def test_every_destination_page_says_what_the_catalog_says(built_site, catalog):
    assert catalog.destinations, "stages.yaml has destinations"
    problems = []
    for place in catalog.destinations:
        path = f"destinations/{place.code.lower()}/index.html"
        markup = _page(built_site, path)
        text = _text(markup)
        expected = [str(place.called), place.post.name.en, place.duty.value.en, place.duty.source,
                    f"checked {_month(place.duty.checked)}", place.post.source]
        expected += [c.note.en for c in place.acceptance] + [c.source for c in place.acceptance]
        expected += [f"{place.hold.value} days"] if place.hold.value else [place.hold.note.en]
        for _service, fact in place.days:
            expected.append(fact.source if fact.value is not None else fact.note.en)
        for value in expected:
            if " ".join(str(value).split()) not in text:
                problems.append(f"{path}: missing {value!r}")
        if f'href="{place.post.site}"' not in markup:
            problems.append(f"{path}: no link to {place.post.site}")
    assert not problems, "\n".join(problems)


def test_the_us_page_shows_the_suspension_from_the_data(built_site, catalog):
    place = catalog.destination("US")
    markup = _page(built_site, "destinations/us/index.html")
    warning = re.search(r'<div class="admonition warning">(.*?)</div>', markup, flags=re.S)
    assert warning, "the US page has no warning box"
    change = place.acceptance[-1]
    assert " ".join(change.note.en.split()) in _text(warning.group(1))
    assert f"checked {_month(change.checked)}" in _text(warning.group(1))


def test_the_services_page_lists_each_service_and_what_changed(built_site, catalog):
    text = _text(_page(built_site, "services/index.html"))
    for service in catalog.services:
        assert str(service.name) in text and " ".join(str(service.description).split()) in text
        for change in service.changes:
            assert " ".join(change.note.en.split()) in text and change.source in text
            assert f"checked {_month(change.checked)}" in text


def test_the_destinations_index_links_every_country(built_site, catalog):
    markup = _page(built_site, "destinations/index.html")
    for place in catalog.destinations:
        assert f'href="{place.code.lower()}/"' in markup, place.code


def test_stage_pages_with_country_advice_link_the_destination_pages(built_site, catalog):
    for stage in catalog:
        markup = _page(built_site, f"stages/{stage.id}/index.html")
        linked = all(f'href="../../destinations/{d.code.lower()}/"' in markup for d in catalog.destinations)
        country_advice = bool(stage.destination_notes) or any(
            catalog.contact(c).destination_post for c in stage.contacts)
        assert linked == country_advice, stage.id


# ---------------------------------------------------------------------------
# The checker's build cache (.cache/checker/): reused only while its files are as made
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("tamper", ["stdlib.zip", "snapshot.bin", "missing"])
def test_a_tampered_build_cache_entry_is_made_again(tmp_path, tamper):
    runtime = hook_module("_runtime")
    folder = tmp_path / "entry"
    folder.mkdir()
    files = {"stdlib.zip": b"PK stdlib bytes", "snapshot.bin": b"snapshot bytes"}
    for name, content in files.items():
        (folder / name).write_bytes(content)
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps({"stdlib_sha": runtime.sha(files["stdlib.zip"]),
                                    "snapshot_sha": runtime.sha(files["snapshot.bin"])}), encoding="utf-8")
    reused = runtime.reuse(folder)
    assert reused == runtime.FastStart(stdlib=files["stdlib.zip"], snapshot=files["snapshot.bin"])
    if tamper == "missing":
        (folder / "stdlib.zip").unlink()
    else:
        (folder / tamper).write_bytes(files[tamper] + b" and something else")
    assert runtime.reuse(folder) is None
    assert not folder.exists()    # removed: the build makes the entry again


def test_the_published_runtime_is_named_after_its_own_bytes(built_site):
    import hashlib

    folder = built_site / "assets" / "checker"
    stdlib = next(folder.glob("stdlib-*.zip"))
    assert stdlib.name == f"stdlib-{hashlib.sha256(stdlib.read_bytes()).hexdigest()[:12]}.zip"
    assets = page_assets(built_site / "check" / "index.html")
    snapshot = folder / assets["snapshot"]
    # the hashes the worker checks kept copies against are those of the published files
    assert assets["sha256"]["stdlib"] == hashlib.sha256(stdlib.read_bytes()).hexdigest()
    assert assets["sha256"]["snapshot"] == hashlib.sha256(snapshot.read_bytes()).hexdigest()
    assert set(assets["sha256"]) == {"stdlib", "snapshot"}   # the wasm is read from the HTTP cache only
