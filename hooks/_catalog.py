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

Text = _model.Text

_cache: dict[str, tuple[float, _model.Catalog]] = {}


# Load (or reuse) the catalog next to mkdocs.yml; a broken file, or a text missing in the
# build's language (hooks/languages.py), stops the build.
def load(config) -> _model.Catalog:
    path = Path(config.config_file_path).resolve().parent / "stages.yaml"
    mtime = path.stat().st_mtime if path.exists() else 0.0
    language = config.extra.get("language")
    key = f"{path}|{language}"
    cached = _cache.get(key)
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        catalog = _model.load(path, docs_dir=config["docs_dir"], language=language)
    except _model.CatalogError as e:
        raise PluginError(f"Invalid stage catalog. {e}") from None
    _cache[key] = (mtime, catalog)
    return catalog
