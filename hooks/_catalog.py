"""Shared by the hooks: load stages.yaml once per build through jptrack.catalog.

MkDocs imports each hook file by path with its own folder on sys.path, so the hooks
import this module as `_catalog`. `widget/` is not on the path; it is added here so a
fresh checkout builds even before `pip install -e .`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "widget") not in sys.path:
    sys.path.insert(0, str(ROOT / "widget"))

from jptrack import catalog as _model  # noqa: E402
from jptrack import shop as _shop  # noqa: E402

Text = _model.Text
SHOP_POLICIES = _shop.POLICIES
SHOP_FILE = _shop.SHOP_FILE

_cache: dict[str, tuple[float, _model.Catalog]] = {}


# Load (or reuse) the catalog next to mkdocs.yml; a broken file, or a text missing in the
# build's language (hooks/languages.py), stops the build.
def load(config) -> _model.Catalog:
    path = Path(config.config_file_path).resolve().parent / "stages.yaml"
    shop_file = path.parent / SHOP_FILE
    # a change to either file (mkdocs serve) loads both again
    mtime = (path.stat().st_mtime if path.exists() else 0.0, shop_file.stat().st_mtime if shop_file.exists() else 0.0)
    language = config.extra.get("language")
    key = f"{path}|{language}"
    cached = _cache.get(key)
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        catalog = _model.load(path, docs_dir=config["docs_dir"], language=language)
    except _model.CatalogError as e:
        raise PluginError(f"Invalid stage catalog. {e}") from None
    catalog = _shop.apply(catalog, load_shop(config, catalog))
    _cache[key] = (mtime, catalog)
    return catalog


_shops: dict[str, tuple[float, _shop.Shop | None]] = {}


# shop.yaml next to mkdocs.yml (None without one): the shop whose site this is.
def load_shop(config, catalog: _model.Catalog | None = None) -> _shop.Shop | None:
    path = Path(config.config_file_path).resolve().parent / SHOP_FILE
    if not path.exists():
        return None
    language = config.extra.get("language")
    key = f"{path}|{language}"
    mtime = path.stat().st_mtime
    cached = _shops.get(key)
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        shop = _shop.load_shop(path, catalog or load(config), docs_dir=config["docs_dir"],
                               languages=(language,) if language else ())
    except _model.CatalogError as e:
        raise PluginError(f"Invalid shop file. {e}") from None
    _shops[key] = (mtime, shop)
    return shop
