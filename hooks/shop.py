"""The shop whose site this is (shop.yaml beside mkdocs.yml; jptrack.shop reads it): its name
in the site's name and footer, its logo and colours, and its policies where a page asks for
them with `<!-- jptrack:shop-policies inquiry reship -->` (nothing without a shop). Its contact
and services reach every page and the checker through the catalog (hooks/_catalog.py applies
the shop). Without shop.yaml the site is neutral.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import _catalog
from mkdocs.structure.files import File, Files

POLICY_MARKER = re.compile(r"^[ \t]*<!--\s*jptrack:shop-policies((?:\s+[a-z_]+)+)\s*-->[ \t]*$", re.MULTILINE)
SHOP_CSS = "assets/stylesheets/shop.css"


# After hooks/languages.py (priority 100): the shop's name in the site's name and footer.
def on_config(config):
    shop = _catalog.load_shop(config)
    if shop is None:
        return config
    catalog, lang = _catalog.load(config), config.extra.get("language", "en")
    name = shop.name.get(lang)
    config.site_name = catalog.ui_text("shop_site_name").get(lang).format(shop=name)
    config.copyright = catalog.ui_text("shop_copyright").get(lang).format(shop=name)
    if shop.logo:
        config.theme["logo"] = shop.logo
    if shop.primary and SHOP_CSS not in config.extra_css:
        config.extra_css.append(SHOP_CSS)
    return config


# `make serve LANG=…` rebuilds when shop.yaml changes (mkdocs.yml's watch: needs files that exist).
def on_serve(server, /, *, config, builder):
    path = Path(config.config_file_path).resolve().parent / _catalog.SHOP_FILE
    if path.exists():
        server.watch(str(path))
    return server


# The shop's colours over the site's (docs/assets/stylesheets/site.css), light scheme.
def on_files(files: Files, /, *, config) -> Files:
    shop = _catalog.load_shop(config)
    if shop is None or not shop.primary:
        return files
    accent = shop.accent or shop.primary
    css = (":root {\n"
           f"  --md-primary-fg-color: {shop.primary};\n  --md-primary-fg-color--light: {shop.primary};\n"
           f"  --md-primary-fg-color--dark: {shop.primary};\n  --md-accent-fg-color: {accent};\n"
           f"  --md-accent-fg-color--transparent: {accent}1a;\n}}\n"
           # the checker's own button and link colours (widget/web/checker.css), light scheme
           f'[data-md-color-scheme="default"] .jptrack {{\n  --jptrack-button: {shop.primary};\n'
           f"  --jptrack-button-hover: {shop.primary};\n  --jptrack-link: {shop.primary};\n}}\n")
    files.append(File.generated(config, SHOP_CSS, content=f"/* shop.yaml's colours (hooks/shop.py) */\n{css}"))
    return files


# Put the shop's policies where a page asks for them; without a shop, the marker goes.
def on_page_markdown(markdown: str, /, *, page, config, files) -> str | None:
    if not POLICY_MARKER.search(markdown):
        return None
    shop = _catalog.load_shop(config)
    lang = config.extra.get("language", "en")
    catalog = _catalog.load(config)

    def policies(match: re.Match) -> str:
        keys = match.group(1).split()
        unknown = [k for k in keys if k not in _catalog.SHOP_POLICIES]
        if unknown:
            raise _catalog.PluginError(f"docs/{page.file.src_uri}: jptrack:shop-policies {' '.join(unknown)}: "
                                       f"expected some of {', '.join(_catalog.SHOP_POLICIES)}")
        given = [(k, shop.policy(k)) for k in keys if shop and shop.policy(k)]
        if not given:
            return ""
        title = catalog.ui_text("shop_policies").get(lang).format(shop=shop.name.get(lang))
        items = "".join(f"<p><strong>{html.escape(catalog.ui_text('policy_' + key).get(lang))}</strong> "
                        f"{html.escape(text.get(lang))}</p>\n" for key, text in given)
        return (f'<div class="admonition info jp-shop-policy">\n<p class="admonition-title">{html.escape(title)}</p>\n'
                f"{items}</div>")

    return POLICY_MARKER.sub(policies, markdown)
