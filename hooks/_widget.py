"""The checker's markup on the page: the widget the marker becomes, and the page's search
worker started through the wrapper that waits for Python (search-after-checker.js)."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlencode

from mkdocs.exceptions import PluginError

MARKER = re.compile(r"^[ \t]*<!--\s*jptrack:checker\s*-->[ \t]*$", re.MULTILINE)
MATERIAL_CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.DOTALL)
MATERIAL_SEARCH_WORKER = re.compile(r"^search\.[0-9a-f]+\.min\.js$")


# The result's heading level: one below the last Markdown heading above the marker.
def heading_level(before: str) -> int:
    levels = [len(m.group(1)) for m in re.finditer(r"^(#{1,6})[ \t]", before, re.MULTILINE)]
    return min(max(levels[-1] + 1 if levels else 2, 2), 5)


def hold_search_index(output: str, wrapper: str, *, page: str, channel: str) -> str:
    """Point the page's Material config ("search": the worker's URL) at `wrapper`, with
    Material's worker file name and the channel to wait on as its query. A theme without
    search (no "search" key) is left alone; a config this hook cannot read stops the build."""
    match = MATERIAL_CONFIG.search(output)
    if match is None:
        raise PluginError(f"{page}: no Material config (<script id=\"__config\">) in the page; "
                          "hooks/checker.py expects mkdocs-material's base.html")
    try:
        settings = json.loads(match.group(1))
    except json.JSONDecodeError as error:
        raise PluginError(f"{page}: Material's config is not JSON ({error})") from None
    worker = settings.get("search")
    if not worker:
        return output
    name = worker.rpartition("/")[2]
    if not MATERIAL_SEARCH_WORKER.match(name):
        raise PluginError(f"{page}: Material's search worker is {worker!r}; hooks/checker.py "
                          "expected a name like search.<hash>.min.js")
    query = urlencode({"worker": name, "channel": channel})
    old, new = json.dumps(worker), json.dumps(f"{worker[:-len(name)]}{wrapper}?{query}")
    if match.group(1).count(old) != 1:
        raise PluginError(f"{page}: Material's config holds {old} more than once")
    return output[:match.start(1)] + match.group(1).replace(old, new) + output[match.end(1):]



# The stages.yaml `ui:` texts the widget uses (by key prefix): its markup's, and the
# script's, which reads them from the widget's data-jptrack-words attribute.
WORDS = ("checker_", "summary_", "reminder_", "day", "days", "or", "sentence_end", "date_long", "date_month",
         "month_names")


# The widget's markup. Static text only: everything the user pastes is rendered by the JS
# with text nodes. words: the `ui:` texts in the page's language (WORDS). site_root: this
# language's root, relative to the page (the result's stage links start there).
def widget_html(*, script: str, assets: str, statuses: str, max_chars: int, level: int, site_root: str = "..",
                places: list[tuple[str, str]] = (), words: dict[str, str], lang: str = "en") -> str:
    e = lambda s: html.escape(s, quote=True)  # noqa: E731
    w = lambda key: e(words[key])  # noqa: E731
    # Where the parcel goes, when the paste does not say: no `name`, so it never leaves the page.
    where = (
        f'<p class="jptrack__where"><label for="jptrack-to">{w("checker_where")}</label> '
        '<select class="jptrack__to" id="jptrack-to" aria-describedby="jptrack-to-hint">'
        f'<option value="">{w("checker_not_sure")}</option>'
        + "".join(f'<option value="{e(code)}">{e(name)}</option>' for code, name in places)
        + f'</select> <span class="jptrack__hint" id="jptrack-to-hint">{w("checker_where_hint")}</span></p>\n'
    ) if places else ""
    link = f'<a href="{e(statuses)}">{w("checker_statuses_link")}</a>'
    fallback = e(words["checker_fallback"]).replace("{link}", link)
    return (
        f'<div class="jptrack" data-jptrack-widget data-search-exclude data-lang="{e(lang)}" '
        f'data-site-root="{e(site_root)}" '
        # The script's words and the asset list (hooks/_assets.py page_json) as attributes:
        # Material's instant navigation re-creates the content's <script> elements without
        # their attributes, so a JSON <script> would lose its type and its name.
        f'data-jptrack-words="{e(json.dumps(words, ensure_ascii=False))}" data-jptrack-assets="{e(assets)}" '
        f'data-max-chars="{max_chars}" data-heading-level="{level}" data-statuses="{e(statuses)}">\n'
        f'<form class="jptrack__form" novalidate>\n'
        f'<label class="jptrack__label" for="jptrack-input">{w("checker_label")}</label>\n'
        f'<p class="jptrack__hint" id="jptrack-hint">{w("checker_hint")}</p>\n'
        # No `name` on the textarea: a form sent before the script binds it (a slow or
        # blocked script) then carries nothing, instead of the paste in the page's URL.
        f'<textarea class="jptrack__input" id="jptrack-input" rows="7" spellcheck="false" '
        f'autocomplete="off" aria-describedby="jptrack-hint"></textarea>\n'
        + where +
        f'<div class="jptrack__actions">\n'
        f'<button class="md-button md-button--primary jptrack__submit" type="submit">{w("checker_submit")}</button>\n'
        f'<span class="jptrack__shortcut" aria-hidden="true">{w("checker_shortcut")}</span>\n'
        f'</div>\n'
        f'</form>\n'
        f'<div class="jptrack__status" role="status" aria-live="polite"></div>\n'
        f'<div class="jptrack__result" data-jptrack-result></div>\n'
        f'<p class="jptrack__fallback" data-jptrack-fallback>{fallback}</p>\n'
        f'<script type="module" async src="{e(script)}"></script>\n'
        f'</div>'
    )
