"""One build per language: English at the site's root, each other language of stages.yaml
under its own folder (/ja/, /zh-hans/, /zh-hant/, /ko/) with the same page paths.

`SITE_LANG=ja mkdocs build` builds the Japanese site into site/ja/; `make build` builds every
language listed under `extra.languages` in mkdocs.yml, English first (`python
hooks/languages.py` prints that list). This hook runs before the others and sets, for the language:
Material's language (its interface strings and `<html lang>`), the site's name, description
and footer (stages.yaml `ui:`), the output folder, the site's address, and the language
switcher's entries. Hand-written pages come per language as
`docs/<page>.<lang>.md` next to the English `docs/<page>.md`; the build uses the one of its
language in the English page's place, and fails when a page has none.
"""

from __future__ import annotations

import os
import posixpath
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import _catalog
from jptrack import export
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

# Material's name for a language where it differs from the catalog's (Material has no
# zh-Hans partial: overrides/partials/languages/zh-Hans.html adds one).
_MATERIAL = {"en": "en", "ja": "ja", "ko": "ko", "zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant"}


def build_language() -> str:
    """The language this build is in (SITE_LANG, English by default)."""
    return os.environ.get("SITE_LANG") or "en"


def folder(lang: str) -> str:
    """The language's folder under the site's root ('' for English): zh-Hans → zh-hans."""
    return export.language_folder(lang)


# Set the language, output folder, address and switcher before any other hook reads them.
@event_priority(100)
def on_config(config: MkDocsConfig) -> None:
    lang = build_language()
    config.extra["language"] = lang
    catalog = _catalog.load(config)
    if lang not in catalog.languages:
        raise PluginError(f"SITE_LANG={lang!r} is not one of the languages of stages.yaml: "
                          f"{', '.join(catalog.languages)}")
    shop = _catalog.load_shop(config, catalog)
    built = list(shop.languages if shop and shop.languages else config.extra.get("languages") or ["en"])
    config.extra["languages"] = built
    unknown = [x for x in built if x not in catalog.languages]
    if unknown or lang not in built:
        raise PluginError(f"mkdocs.yml extra.languages: {unknown or [lang]} not among the languages built "
                          f"from stages.yaml ({', '.join(catalog.languages)})")
    config.theme["language"] = _MATERIAL.get(lang, lang)
    for name in ("site_name", "site_description", "copyright"):
        config[name] = catalog.ui_text(name).get(lang)
    sub = folder(lang)
    config.extra["language_folder"] = sub   # hooks/checker.py: where the shared checker files are
    if sub:
        config.site_dir = os.path.join(config.site_dir, sub)
        if config.site_url:
            config.site_url = config.site_url.rstrip("/") + f"/{sub}/"
    # The switcher's links, relative to this build's root (the `url` filter resolves them),
    # and each language's root address, for the sitemap's hreflang alternates.
    up = "../" if sub else ""
    entries = []
    for other in built:
        link = up + (folder(other) + "/" if folder(other) else "") or "./"
        entries.append({"name": catalog.language_name(other), "lang": other, "link": link,
                        "root": urljoin(config.site_url, link) if config.site_url else ""})
    config.extra["alternate"] = Switcher(tuple(entries)) if len(built) > 1 else None


class Switcher:
    """config.extra.alternate: the header's language switcher (overrides/partials/alternate.html
    lists `languages`). Truthy, so Material's header includes the switcher, but not iterable,
    so Material's base.html writes no `<link rel="alternate">` to each language's home page:
    its script would fetch every such language's sitemap.xml on every page load, for a switch
    to the twin page that our switcher's links already make. The hreflang alternates are in
    each language's sitemap.xml instead (overrides/sitemap.xml), each to the twin page."""

    def __init__(self, languages: tuple[dict, ...]):
        self.languages = languages


# Use each hand-written page's translation in the English page's place.
def on_files(files: Files, /, *, config: MkDocsConfig) -> Files:
    from mkdocs.structure.files import File

    lang = config.extra["language"]
    catalog = _catalog.load(config)
    others = [x for x in catalog.languages if x != "en"]
    translations = {f.src_uri: f for f in files if f.src_uri.endswith(".md") and _suffix(f.src_uri, others)}
    for file in translations.values():
        files.remove(file)
    if lang == "en":
        return files
    for page in [f for f in files if f.src_uri.endswith(".md") and not f.generated_by]:
        twin = translations.get(page.src_uri[:-3] + f".{lang}.md")
        if twin is None:
            raise PluginError(f"docs/{page.src_uri}: no {lang} version; write docs/{page.src_uri[:-3]}.{lang}.md")
        files.remove(page)
        files.append(File.generated(config, page.src_uri, abs_src_path=twin.abs_src_path))
    return files


def _suffix(src_uri: str, langs: list[str]) -> str | None:
    stem = posixpath.splitext(src_uri)[0]
    for lang in langs:
        if stem.endswith("." + lang):
            return lang
    return None


def built_languages(mkdocs_yml: str = "mkdocs.yml") -> list[str]:
    """The languages `make build` builds: shop.yaml's `languages` if it has them, else
    extra.languages of mkdocs.yml."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)   # !ENV and other tags
    with open(mkdocs_yml, encoding="utf-8") as f:
        config = yaml.load(f, Loader=Loader)
    shop = os.path.join(os.path.dirname(os.path.abspath(mkdocs_yml)), _catalog.SHOP_FILE)
    if os.path.exists(shop):
        with open(shop, encoding="utf-8") as f:
            own = yaml.safe_load(f)
        if isinstance(own, dict) and isinstance(own.get("languages"), list):
            return [str(lang) for lang in own["languages"]]   # the build checks them
    return list((config.get("extra") or {}).get("languages") or ["en"])


if __name__ == "__main__":
    print(" ".join(built_languages()))
