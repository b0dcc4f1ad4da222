"""The live checker's MkDocs events: the classifier, its catalog and a pinned Pyodide, put
into the site.

A page asks for the checker with `<!-- jptrack:checker -->` on its own line; the marker
becomes the widget (a form, a status region, a result container, a no-JS fallback), the
page's asset list as JSON, and one module script. Only those pages load the checker's JS;
Python starts in a module worker (widget/web/worker/main.js).

The work is in three modules beside this one, read in this order:
    _runtime.py   the pinned Pyodide, and the trimmed stdlib and memory snapshot Node makes
                  from it at build time (cached in .cache/checker/)
    _assets.py    every file the checker publishes, under content-hashed names, and the
                  asset list the page is given
    _widget.py    the widget's markup, and Material's search worker held back on its pages

Serving (a static host's job; `_headers` from hooks/headers.py says it for hosts that read
one, and the test and bench servers do the same): everything under assets/pyodide/ and
assets/checker/ is immutable; compress .wasm, .zip, .bin, .mjs, .js and .json; serve .wasm
as application/wasm.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

import _assets
import _catalog
import _runtime
import _widget

log = get_plugin_logger(__name__)

_assets_built: _assets.Assets | None = None
_command = "build"   # or "serve" (on_startup)
# Files every language's checker shares; the language builds under English's folder publish
# them once, at the site's root (_shared_root): Pyodide, the stdlib, the code, the worker.
_shared_root: Path | None = None
_SHARED = (f"{_assets.ASSETS}/", "assets/pyodide/")


def on_startup(*, command, dirty) -> None:
    global _command
    _command = command


def _built() -> _assets.Assets:
    if _assets_built is None:
        raise PluginError("hooks/checker.py: on_config did not run (is the hook listed in mkdocs.yml?)")
    return _assets_built


# Build every checker file (the snapshot from the cache when its inputs are unchanged).
def on_config(config):
    global _assets_built
    root = Path(config.config_file_path).resolve().parent
    # The page's language and English only: the other languages' texts would only make the
    # memory snapshot bigger and slower to restore.
    catalog = _catalog.load(config).to_json((config.extra.get("language", "en"),)).encode("utf-8")
    runtime = _runtime.find_pyodide(root)
    archive = _assets.package_archive(root)
    fast = _runtime.fast_start(root, runtime, archive, catalog)
    _assets_built = _assets.collect(root, runtime, archive, catalog, fast)
    _set_shared_root(config)
    stylesheet = f"{_assets.ASSETS}/{_assets_built.stylesheet}"
    if stylesheet not in config.extra_css:
        config.extra_css.append(stylesheet)
    if _assets_built.case_script not in config.extra_javascript:
        config.extra_javascript.append(_assets_built.case_script)
    return config


# A language's build under the English site's folder (/ja/) takes the checker's files from
# the root, where it writes them after the build: a reader who changes language downloads
# nothing again, and the site holds one copy. `mkdocs serve` of one language keeps its own.
def _set_shared_root(config) -> None:
    global _shared_root
    sub = config.extra.get("language_folder") or ""
    site_dir = Path(config.site_dir)
    _shared_root = site_dir.parent if sub and _command != "serve" and site_dir.name == sub else None


def _is_shared(uri: str) -> bool:
    # every page's stylesheet (extra_css) stays in the language's folder
    return _shared_root is not None and uri.startswith(_SHARED) and uri != f"{_assets.ASSETS}/{_built().stylesheet}"


# Add the runtime and the checker's files to the site (the shared ones: on_post_build).
def on_files(files: Files, /, *, config) -> Files:
    for uri, content in _built().files.items():
        existing = files.get_file_from_path(uri)
        if existing:
            files.remove(existing)
        if _is_shared(uri):
            continue
        if isinstance(content, Path):
            files.append(File.generated(config, uri, abs_src_path=str(content)))
        else:
            files.append(File.generated(config, uri, content=content))
    return files


# Expand the marker into the widget's HTML; pages without it are left alone.
def on_page_markdown(markdown: str, /, *, page, config, files) -> str | None:
    if not _widget.MARKER.search(markdown):
        return None
    built = _built()
    statuses = files.get_file_from_path("statuses.md")
    if statuses is None:
        log.info("statuses.md is not in the site yet: the checker's fallback link will be broken")
        statuses_url = "statuses/" if config.use_directory_urls else "statuses.html"
    else:
        statuses_url = statuses.url
    script = get_relative_url(f"{_assets.ASSETS}/{built.script}", page.url)
    if _shared_root is not None:
        script = "../" + script   # the root's copy (the language's folder is one level down)
    # overrides/main.html: the module and the asset list in <head>, so Python starts at once
    page.meta["jptrack_script"] = script
    page.meta["jptrack_assets"] = built.page_json()
    catalog, lang = _catalog.load(config), config.extra.get("language", "en")
    places = sorted(((d.code, d.name.get(lang)) for d in catalog.destinations), key=lambda p: p[1])
    words = {key: text.get(lang) for key, text in catalog.ui if key.startswith(_widget.WORDS)}
    return _widget.MARKER.sub(lambda match: _widget.widget_html(
        script=script, assets=built.page_json(), statuses=get_relative_url(statuses_url, page.url),
        site_root=get_relative_url(".", page.url), max_chars=_max_chars(),
        level=_widget.heading_level(markdown[:match.start()]), places=places,
        words=words, lang=lang), markdown)


# On pages with the checker, start Material's search worker through the wrapper that holds
# the index until Python has started (widget/web/search-after-checker.js says why).
def on_post_page(output: str, /, *, page, config) -> str | None:
    if not (page.meta or {}).get("jptrack_script"):
        return None
    return _widget.hold_search_index(output, _built().search_worker, page=page.file.src_uri,
                                     channel=_assets.SEARCH_CHANNEL)


# Write the shared files into the root's folder once (their names change with their bytes).
def on_post_build(*, config) -> None:
    if _shared_root is None:
        return
    for uri, content in _built().files.items():
        if not _is_shared(uri):
            continue
        target = _shared_root / uri
        data = content.read_bytes() if isinstance(content, Path) else content
        if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


# The input limit the classifier enforces, so the page can refuse a huge paste up front.
def _max_chars() -> int:
    from jptrack import classify   # (_catalog put widget/ on the path)
    return classify.MAX_INPUT_CHARS
