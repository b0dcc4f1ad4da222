"""Stage pages, the journey list, the all-statuses page and short UPU-code links.

Everything comes from stages.yaml through `_catalog.load` (one validated model). The
pages are Markdown rendered from the Jinja2 templates next to this file; the `render_*`
functions are plain (catalog in, text out), so another builder can call them without
MkDocs. The hook functions below only place their output into the MkDocs build.

Generated files:
  stages/<id>.md          one page per stage (not in the nav: reached from the home page's
                          journey, the all-statuses page and each other's "comes next")
  statuses.md             every wording in one table
  status/<CODE>/index.html  a redirect from a UPU event code to its stage page
  services.md             Japan Post's services, with what changed and when
  destinations.md         every destination country in one table
  destinations/<cc>.md    one page per destination (lower-case ISO code)
"""

from __future__ import annotations

import functools
import html
import json
import logging
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING

import _catalog
import jinja2
from jptrack import export, opendata
from jptrack import words as jptrack_words

try:
    from mkdocs.plugins import event_priority
except ImportError:        # the render_* functions, used without MkDocs
    def event_priority(priority):
        return lambda fn: fn

if TYPE_CHECKING:
    from jptrack.catalog import Catalog, Stage
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------


# Load the catalog once per build, so a broken stages.yaml stops the build before any page renders.
def on_config(config: MkDocsConfig) -> None:
    _catalog.load(config)


# Add the generated stage pages, the all-statuses page and the UPU-code redirects.
def on_files(files: Files, /, *, config: MkDocsConfig) -> Files:
    from mkdocs.structure.files import File, InclusionLevel

    catalog = _catalog.load(config)
    lang = config.extra.get("language", "en")
    built = tuple(config.extra.get("languages") or ())
    generated: list[File] = []
    for stage in catalog:
        page = File.generated(config, f"stages/{stage.id}.md", content=render_stage(stage, catalog, lang, built),
                              inclusion=InclusionLevel.NOT_IN_NAV)
        generated.append(page)
    generated.append(File.generated(config, STATUSES_PAGE, content=render_statuses(catalog, lang=lang)))
    if catalog.destinations:
        generated.append(File.generated(config, SERVICES_PAGE, content=render_services(catalog, lang)))
        generated.append(File.generated(config, DESTINATIONS_PAGE, content=render_destinations(catalog, lang)))
        for place in catalog.destinations:
            generated.append(File.generated(config, f"destinations/{place.code.lower()}.md",
                                            content=render_destination(place, catalog, lang),
                                            inclusion=InclusionLevel.NOT_IN_NAV))
    folder = config.extra.get("language_folder") or ""
    site = _root_site_url(config.site_url or "", folder)
    generated.append(File.generated(config, EMBED_PAGE, content=render_embed(catalog, lang),
                                    inclusion=InclusionLevel.NOT_IN_NAV))
    generated.append(File.generated(config, SUPPORT_PAGE, content=render_support(
        catalog, lang, site_url=site, downloads_prefix="../../" if folder else "../")))
    if not folder:   # every language's replies and the open data, once, at the site's root
        for fmt in export.FORMATS:
            generated.append(File.generated(config, f"{DOWNLOADS}/{export.FILE_NAMES[fmt]}", content=export.render(
                catalog, fmt, languages=built or None, site_url=site)))
        generated.append(File.generated(config, opendata.PUBLISHED, content=opendata.to_json(
            catalog, site_url=site, built=built or None)))
        generated.append(File.generated(config, opendata.PUBLISHED_SCHEMA,
                                        content=json.dumps(opendata.schema(), ensure_ascii=False, indent=1) + "\n"))
    for code, stage in upu_codes(catalog):
        generated.append(File.generated(
            config, f"status/{code}/index.html",
            content=render_redirect(code, stage, catalog, site_url=config.site_url or "", lang=lang)))
    for file in generated:
        if file.src_uri.endswith(".md"):
            file.edit_uri = "stages.yaml"
        if old := files.get_file_from_path(file.src_uri):
            files.remove(old)
        files.append(file)
    return files


# The English site's address (a language's build has its folder's: https://…/ja/).
def _root_site_url(site_url: str, folder: str) -> str:
    suffix = f"/{folder}/"
    return site_url[:-len(suffix) + 1] if folder and site_url.endswith(suffix) else site_url


# Expand the journey marker on the page that carries it (the home page).
def on_page_markdown(markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    if JOURNEY_MARKER not in markdown:
        return None
    catalog = _catalog.load(config)
    base = posixpath.dirname(page.file.src_uri)
    journey = render_journey(catalog, lambda stage: posixpath.relpath(f"stages/{stage.id}.md", base or "."),
                             config.extra.get("language", "en"))
    return markdown.replace(JOURNEY_MARKER, journey)


# ---------------------------------------------------------------------------
# Page generators (no MkDocs needed)
# ---------------------------------------------------------------------------


# Markdown of one stage page.
def render_stage(stage: Stage, catalog: Catalog, lang: str = "en", languages: tuple[str, ...] = ()) -> str:
    """languages: the languages the site is built in; the support reply is shown in each."""
    order = {s.id: i for i, s in enumerate(catalog.sources)}
    shown, codes = _headings(stage, catalog)
    t = Words(catalog, lang)
    return _env().get_template("stage.md.j2").render(
        t=t,
        other_languages=[x for x in languages if x != lang],
        language_name=catalog.language_name,
        stage=stage,
        boost=STAGE_BOOST,
        japan_post=[w for w in shown if w.source == "japan-post"],
        upu=codes,
        upu_wordings=[w for w in shown if w.source == "upu"],
        others=sorted((w for w in shown if w.source not in ("japan-post", "upu")),
                      key=lambda w: order.get(w.source, len(order))),
        contacts=[catalog.contact(c) for c in stage.contacts],
        windows=[(catalog.service(service), window, t.service_state(catalog.service(service)))
                 for service, window in stage.silence],
        places=sorted(catalog.destinations, key=lambda d: d.name.get(lang)) if stage.destination_notes or any(
            catalog.contact(c).destination_post for c in stage.contacts) else [],
        next=[catalog.stage(s) for s in stage.next],
        case_data=_case_data(stage, catalog, t),
    )


# What widget/web/case.js needs to say a shared link's case at the top of a stage page: the
# stage's windows by service ([normal, act after] days), the names, and the words.
CASE_WORDS = ("case_", "checker_service", "checker_assumed", "checker_going_to", "date_long", "month_names",
              "stage_what_to_do")


def _case_data(stage: Stage, catalog: Catalog, t: Words) -> str:
    data = {
        "terminal": stage.terminal,
        "windows": {service: [w.normal_days, w.act_after_days] for service, w in stage.silence},
        "services": {service: catalog.service(service).name.get(t.lang) for service, _ in stage.silence},
        "places": {d.code: d.name.get(t.lang) for d in catalog.destinations},
        "words": {key: text.get(t.lang) for key, text in catalog.ui if key.startswith(CASE_WORDS)},
    }
    # an attribute, escaped (Material's instant navigation drops a <script>'s attributes)
    return html.escape(json.dumps(data, ensure_ascii=False, sort_keys=True), quote=True)


# Search boost of each status heading's section, by its location in the search index
# ("stages/<id>/#<anchor>"). Material's search scores a section by the query words in its
# heading (title boost 1000) and ranks a page by its best section, but it gives the page's own
# entry a bonus and matches every query word as a prefix ("in" also matches "international").
# So a short status ("In Customs") lost to another stage whose title merely shares a prefix,
# and a status whose words are all inside a longer one ("Votre colis est livré") tied with it.
# Each status heading's section is therefore boosted above the rest of its page, plus a small
# share for short headings (the length normalisation Material's lunr setup turns off, b=0), so
# the heading that *is* the pasted text wins a tie. A UPU code's heading counts as one word:
# the code is what people paste.
def wording_boosts(catalog: Catalog, separator: str, lang: str = "en") -> dict[str, float]:
    split = re.compile(separator)
    short = SHORT_HEADING_BOOST.get(lang, SHORT_HEADING_BOOST["*"])
    boosts = {}
    for stage in catalog:
        shown, codes = _headings(stage, catalog)
        for text, anchor in [(w.text, w.anchor) for w in shown] + [(c.code, c.anchor) for c in codes]:
            words = len([t for t in split.split(text) if t]) or 1
            boosts[f"stages/{stage.id}/#{anchor}"] = WORDING_BOOST * (1 + short / words)
    return boosts


# Set those boosts in the search index the search plugin has just written (hence the low
# priority: after the plugin's own on_post_build).
@event_priority(-100)
def on_post_build(*, config: MkDocsConfig) -> None:
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():     # search plugin disabled
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    boosts = wording_boosts(_catalog.load(config), index["config"]["separator"], config.extra.get("language", "en"))
    for doc in index["docs"]:
        if doc["location"] in boosts:
            doc["boost"] = round(boosts.pop(doc["location"]), 4)
    if boosts:   # a heading's anchor or the index format changed: --strict stops on this
        logging.getLogger("mkdocs.hooks.stages").warning(
            "search: no index entry for status heading(s) %s", ", ".join(sorted(boosts)))
    path.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")


# Markdown of the services page: each service, its door-to-door days and its dated changes.
def render_services(catalog: Catalog, lang: str = "en") -> str:
    t = Words(catalog, lang)
    services = []
    for s in catalog.services:
        latest = s.changes[-1] if s.changes else None
        now = t("state_offered") if latest is None else t("since", state=t.state(latest.state),
                                                          date=t.long_date(latest.date))
        services.append({"id": s.id, "name": s.name, "description": s.description, "numbers": s.numbers,
                         "changes": s.changes, "days": s.days, "buffer": s.buffer, "now": now,
                         "days_text": t.span(s.days.value) if s.days else t("services_days_by_country"),
                         "buffer_text": t.span((s.buffer.value,) * 2) if s.buffer else ""})
    return _env().get_template("services.md.j2").render(t=t, services=services)


# The checker alone, for a shop's <iframe> (overrides/embed.html has no header or footer).
def render_embed(catalog: Catalog, lang: str = "en") -> str:
    title = Words(catalog, lang)("embed_title")
    return (f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ntemplate: embed.html\n"
            "search:\n  exclude: true\nhide:\n  - navigation\n  - toc\n---\n\n"
            f"# {_escape(title)} {{ .jp-embed-title }}\n\n<!-- jptrack:checker -->\n")


# Markdown of the page for support staff: the helpdesk exports (published once, at the site's
# root, by the English build: downloads_prefix leads there from this page).
def render_support(catalog: Catalog, lang: str = "en", *, site_url: str = "", downloads_prefix: str = "../") -> str:
    t = Words(catalog, lang)
    tools = {"zendesk": "Zendesk", "gorgias": "Gorgias", "freshdesk": "Freshdesk", "csv": t("support_spreadsheet")}
    rows = [{"tool": tools[fmt], "file": export.FILE_NAMES[fmt],
             "href": f"{downloads_prefix}{DOWNLOADS}/{export.FILE_NAMES[fmt]}",
             "what": t(f"support_{fmt}", placeholder=export.FIRST_NAME["csv"])} for fmt in export.FORMATS]
    link = lambda uri: f'<a href="{downloads_prefix}{uri}">{uri}</a>'  # noqa: E731
    open_data = {"catalog": link(opendata.PUBLISHED), "schema": link(opendata.PUBLISHED_SCHEMA)}
    return _env().get_template("support.md.j2").render(t=t, rows=rows, lang=lang, open_data=open_data,
                                                       site=site_url or "http://127.0.0.1:8000/")


# Markdown of the destinations index: one row per country.
def render_destinations(catalog: Catalog, lang: str = "en") -> str:
    places = sorted(catalog.destinations, key=lambda d: d.name.get(lang))
    return _env().get_template("destinations.md.j2").render(t=Words(catalog, lang), places=places)


# Markdown of one destination's page: its post, hold period, duty, and days by service.
def render_destination(place, catalog: Catalog, lang: str = "en") -> str:
    t = Words(catalog, lang)
    days = []
    for service in catalog.services:
        fact, anywhere = place.days_for(service.id), False
        if (fact is None or fact.value is None) and service.days:
            fact, anywhere = service.days, True
        if fact is None:
            continue
        if fact.value is None:
            text, source = t("not_verified"), f"{t.text(fact.note)} {t('checked', month=t.month(fact.checked))}"
        else:
            text = t.span(fact.value)
            if service.buffer:
                text = t("plus_about", span=text, extra=t.span((service.buffer.value,) * 2))
            text = t("any_country", text=text) if anywhere else text
            source = t("source_checked", source=fact.source, month=t.month(fact.checked)).rstrip(".")
        latest = service.changes[-1] if service.changes else None
        if latest and latest.state in ("suspended", "ended"):
            text = t("with_since", text=text, since=t("since", state=t.state(latest.state),
                                                          date=t.long_date(latest.date)))
        days.append({"service": service, "text": text, "source": source})
    # the stages where the destination's facts apply, or its post is the first to contact
    stages = [s for s in catalog if s.destination_notes or (
        s.contacts and catalog.contact(s.contacts[0]).destination_post)]
    listed = []
    if catalog.acceptance and dict(catalog.acceptance.countries).get(place.code):
        listed = [(service, t(f"listed_{catalog.acceptance.state(place.code, service.acceptance)}"))
                  for service in catalog.services if service.acceptance]
    return _env().get_template("destination.md.j2").render(t=t, place=place, days=days, stages=stages,
                                                           listed=listed, acceptance=catalog.acceptance)


# Markdown list of the journey stages in order, then the exceptions; `link(stage)` gives each href.
def render_journey(catalog: Catalog, link=lambda stage: f"stages/{stage.id}.md", lang: str = "en") -> str:
    return _env().get_template("journey.md.j2").render(t=Words(catalog, lang), catalog=catalog, link=link)


# Markdown of the all-statuses page: one row per wording and per UPU event.
def render_statuses(catalog: Catalog, *, exclude_from_search: bool = True, lang: str = "en") -> str:
    rows = []
    for stage in catalog:
        codes = [u.code for u in stage.upu]
        for w in stage.wordings:
            rows.append({"wording": _wording(w), "lang": w.lang, "stage": stage, "codes": codes,
                         "source": catalog.source(w.source).name})
        for u in stage.upu:
            rows.append({"wording": f"**{u.code}** {_table_cell(u.text)}", "lang": "en", "stage": stage,
                         "codes": [u.code], "source": catalog.source("upu").name
                         if "upu" in {s.id for s in catalog.sources} else "UPU"})
    return _env().get_template("statuses.md.j2").render(
        t=Words(catalog, lang), rows=rows, exclude_from_search=exclude_from_search)


# Static HTML that sends a UPU-code short link to its stage page.
def render_redirect(code: str, stage: Stage, catalog: Catalog, *, site_url: str = "", lang: str = "en") -> str:
    target = f"../../stages/{stage.id}/"
    canonical = (site_url.rstrip("/") + f"/stages/{stage.id}/") if site_url else target
    return _env().get_template("redirect.html.j2").render(
        t=Words(catalog, lang), lang=lang, code=code, stage=stage, target=target,
        canonical=canonical)


# (code, stage) for every UPU event code in the catalog.
def upu_codes(catalog: Catalog) -> list[tuple[str, Stage]]:
    return [(u.code, stage) for stage in catalog for u in stage.upu]


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


# The Jinja2 environment for hooks/templates (HTML templates escape, Markdown ones don't).
@functools.cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        # `{#id}` is Markdown's heading-id syntax here, so Jinja comments are `{## … ##}`.
        comment_start_string="{##", comment_end_string="##}",
    )
    env.finalize = jinja2.pass_context(lambda ctx, value: _words(ctx).text(value) if _is_text(value) else value)
    env.filters.update(md=_inline, cell=_cell, yaml=_yaml, wording=_wording, language=_via("language"),
                       where=_via("where"), long_date=_via("long_date"), month=_via("month"),
                       state=_via("state"), first_sentence=_first_sentence)
    return env


def _words(ctx) -> Words:
    return ctx["t"]


def _is_text(value) -> bool:
    return isinstance(value, _catalog.Text)


# A filter that is one of the page language's ways of saying things (Words.<name>).
def _via(name: str):
    return jinja2.pass_context(lambda ctx, value: getattr(_words(ctx), name)(value))


# Escape text for inline Markdown: raw HTML and emphasis/link characters become literal.
@jinja2.pass_context
def _inline(ctx, text) -> str:
    return _escape(_words(ctx).text(text))


def _escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\g<0>", html.escape(text, quote=False))


# Inline Markdown that also fits in one table cell.
@jinja2.pass_context
def _cell(ctx, text) -> str:
    return _table_cell(_words(ctx).text(text))


def _table_cell(text: str) -> str:
    return " ".join(_escape(text).split()).replace("|", "\\|")


# A scalar for YAML front matter (JSON strings are valid YAML).
@jinja2.pass_context
def _yaml(ctx, text) -> str:
    return json.dumps(" ".join(_words(ctx).text(text).split()), ensure_ascii=False)


# A wording in bold, marked with its language so screen readers pronounce it right.
def _wording(w) -> str:
    text = f"**{_table_cell(w.text)}**"
    return text if w.lang == "en" else f'<span lang="{w.lang}">{text}</span>'


class Words(jptrack_words.Words):
    """jptrack's words of one language (ui: texts, dates, durations), with what only the
    pages need: service states, language names, the home page's "where"."""

    def state(self, state: str) -> str:
        return self(f"state_{state}")

    def language(self, code: str) -> str:
        try:
            return self(f"lang_{code}")
        except KeyError:
            return code

    def where(self, where: str) -> str:
        return self(f"where_{where}")

    # "suspended since 2 April 2020" for a service Japan Post no longer offers as it was, else "".
    def service_state(self, service) -> str:
        latest = service.changes[-1] if service.changes else None
        if latest is None or latest.state == "offered":
            return ""
        return self("since", state=self.state(latest.state), date=self.long_date(latest.date))


@jinja2.pass_context
def _first_sentence(ctx, text) -> str:
    text = _words(ctx).text(text)
    for stop in (". ", "。"):
        head, dot, _ = text.partition(stop)
        if dot:
            return head + dot.strip()
    return text


# The status headings of one stage page: its wordings (as _Shown) and its UPU codes (as
# _Code), each with the heading anchor the page uses.
def _headings(stage: Stage, catalog: Catalog) -> tuple[list[_Shown], list[_Code]]:
    anchors = _Anchors()
    shown = [_Shown(w, catalog.source(w.source).name, anchors.add(w.text, w.lang)) for w in stage.wordings]
    return shown, [_Code(u.code, u.text, anchors.add(u.code, "en")) for u in stage.upu]


# A wording with its source's display name and its heading's anchor.
class _Shown:
    def __init__(self, wording, source_name: str, anchor: str):
        self.text, self.lang, self.where = wording.text, wording.lang, wording.where
        self.source, self.source_name, self.anchor = wording.source, source_name, anchor


class _Code:
    def __init__(self, code: str, text: str, anchor: str):
        self.code, self.text, self.anchor = code, text, anchor


# Stable, unique heading ids for one page: a slug of the wording, or lang + number for
# wordings with no Latin letters (Japanese), so each status has a link of its own.
class _Anchors:
    def __init__(self):
        self.used: set[str] = set()

    def add(self, text: str, lang: str) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
        base = f"status-{slug}" if slug else f"status-{lang}"
        n = 1
        anchor = base if slug else f"{base}-{n}"
        while anchor in self.used:
            n += 1
            anchor = f"{base}-{n}"
        self.used.add(anchor)
        return anchor


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------

TEMPLATES = Path(__file__).resolve().parent / "templates"
JOURNEY_MARKER = "<!-- jptrack:journey -->"
STATUSES_PAGE = "statuses.md"
SERVICES_PAGE = "services.md"
DESTINATIONS_PAGE = "destinations.md"
SUPPORT_PAGE = "support.md"
EMBED_PAGE = "embed.md"
DOWNLOADS = "downloads"

# Search boost for stage pages, so they rank above pages that only mention a status.
STAGE_BOOST = 2
# ... and for the section under each status heading (wording_boosts). Measured over every
# wording in stages.yaml (tests/browser/test_search.py): all first for 2.5 to 3.2 with a short-
# heading share from 0.01 to 0.2; 3.5 puts "Held in Customs" on import-customs first; 2 (the
# page's boost, i.e. no section boost) leaves 4 statuses second or third.
WORDING_BOOST = 3
# In the other languages' builds the stage titles are Japanese, Chinese or Korean, indexed
# per character, so a title that shares one character with a short status (到着, 中継) also
# matched it: there a short heading needs a larger share (1.5 puts every ja wording first,
# tests/browser/test_languages.py; 0.5 left four of 68 second).
SHORT_HEADING_BOOST = {"en": 0.1, "*": 1.5}

_MD_SPECIAL = re.compile(r"[\\`*_\[\]]")


