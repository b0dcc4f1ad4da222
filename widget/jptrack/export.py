"""Each stage's support reply, in every language, as files a helpdesk imports.

Files only: nothing here calls a helpdesk. Each reply is the stage's `support_reply` from
stages.yaml, opened with a greeting that holds the tool's own placeholder for the customer's
first name, and closed with the stage page's link (stages.yaml `ui:` export_greeting,
export_more). Formats (verified field names: ../shared/reference/07-… §2.4):

    zendesk    {"macros": [macro, ...]}: each the body of POST /api/v2/macros as {"macro": …}
               (title, description, active, actions: comment_value_html, comment_mode_is_public)
    gorgias    {"macros": [...]}: name, external_id, language (ISO 639-1), actions
               setResponseText (body_html, body_text) and addTags
    freshdesk  {"canned_responses": [...]}: title, content_html, visibility (0: all agents),
               folder_id when given (Freshdesk's folder ids are the shop's own)
    csv        stage_id, language, title, url, reply (Help Scout, Gmail templates, anything else)

>>> from pathlib import Path
>>> from jptrack.catalog import load
>>> catalog = load(Path(__file__).parents[2] / 'stages.yaml')
>>> first = catalog.stages[0].id
>>> reply = replies(catalog, "zendesk", site_url="https://help.example/")[0]
>>> reply.greeting, reply.url == f'https://help.example/stages/{first}/'
('Hi {{ticket.requester.first_name}},', True)
>>> replies(catalog, "csv", languages=["ja"], site_url="https://help.example")[0].url == (
...     f'https://help.example/ja/stages/{first}/')
True
"""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import dataclass

from .catalog import Catalog
from .words import Words

FORMATS = ("zendesk", "gorgias", "freshdesk", "csv")
# Each tool's placeholder for the customer's first name (its own placeholder reference).
FIRST_NAME = {"zendesk": "{{ticket.requester.first_name}}", "gorgias": "{{ticket.customer.firstname}}",
              "freshdesk": "{{ticket.requester.firstname}}", "csv": "{first_name}"}
FILE_NAMES = {"zendesk": "helpdesk-zendesk.json", "gorgias": "helpdesk-gorgias.json",
              "freshdesk": "helpdesk-freshdesk.json", "csv": "helpdesk-replies.csv"}
CSV_COLUMNS = ("stage_id", "language", "title", "url", "reply")
TAG = "japan-post-tracking"


def language_folder(lang: str) -> str:
    """The language's folder under the site's root ('' for English): zh-Hans → zh-hans."""
    return "" if lang == "en" else lang.lower()


def stage_path(stage_id: str, lang: str) -> str:
    folder = language_folder(lang)
    return f"{folder}/stages/{stage_id}/" if folder else f"stages/{stage_id}/"


@dataclass(frozen=True)
class Reply:
    stage_id: str
    language: str
    title: str       # the macro's name: "Tracking: Delivered (English)"
    url: str         # the stage page in that language
    greeting: str
    text: str
    more: str        # the closing line, with the url in it

    def plain(self) -> str:
        return f"{self.greeting}\n\n{self.text}\n\n{self.more}"

    def html(self) -> str:
        e = html.escape
        link = f'<a href="{e(self.url)}">{e(self.url)}</a>'
        return f"<p>{e(self.greeting)}</p>\n<p>{e(self.text)}</p>\n<p>{e(self.more).replace(e(self.url), link)}</p>"


def replies(catalog: Catalog, fmt: str, *, languages=None, site_url: str = "") -> list[Reply]:
    """Every stage's reply in each language (the catalog's, English first), for `fmt`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    langs = list(languages or catalog.languages)
    unknown = [x for x in langs if x not in catalog.languages]
    if unknown:
        raise ValueError(f"not a language of the catalog: {', '.join(unknown)}; "
                         f"use one of {', '.join(catalog.languages)}")
    base = site_url if not site_url or site_url.endswith("/") else site_url + "/"
    out = []
    for lang in langs:
        words = Words(catalog, lang)
        for stage in catalog:
            url = base + stage_path(stage.id, lang) if base else "/" + stage_path(stage.id, lang)
            out.append(Reply(
                stage.id, lang,
                words("export_title", title=stage.title.get(lang), language=catalog.language_name(lang)),
                url, words("export_greeting", first_name=FIRST_NAME[fmt]),
                " ".join(stage.support_reply.get(lang).split()), words("export_more", url=url)))
    return out


def render(catalog: Catalog, fmt: str, *, languages=None, site_url: str = "", folder_id: int | None = None) -> str:
    """The import file's text for `fmt` (FORMATS)."""
    items = replies(catalog, fmt, languages=languages, site_url=site_url)
    if fmt == "csv":
        return _csv(items)
    if fmt == "zendesk":
        data = {"macros": [_zendesk(r) for r in items]}
    elif fmt == "gorgias":
        data = {"macros": [_gorgias(r) for r in items]}
    else:
        data = {"canned_responses": [_freshdesk(r, folder_id) for r in items]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _zendesk(r: Reply) -> dict:
    return {"title": r.title, "description": f"{r.stage_id} ({r.language}): {r.url}", "active": True,
            "actions": [{"field": "comment_value_html", "value": r.html()},
                        {"field": "comment_mode_is_public", "value": "true"}]}


def _gorgias(r: Reply) -> dict:
    return {"name": r.title, "external_id": f"{TAG}-{r.stage_id}-{r.language}",
            "language": r.language.split("-")[0],   # ISO 639-1: zh for both Chinese scripts
            "actions": [{"name": "setResponseText", "title": "Add response text", "type": "user",
                         "arguments": {"body_html": r.html(), "body_text": r.plain()}},
                        {"name": "addTags", "title": "Add tags", "type": "user",
                         "arguments": {"tags": f"{TAG},{r.stage_id}"}}]}


def _freshdesk(r: Reply, folder_id: int | None) -> dict:
    item = {"title": r.title, "content_html": r.html(), "visibility": 0}
    if folder_id is not None:
        item["folder_id"] = folder_id
    return item


def _csv(items: list[Reply]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in items:
        writer.writerow((r.stage_id, r.language, r.title, r.url, r.plain()))
    return buffer.getvalue()
