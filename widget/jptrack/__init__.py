"""jptrack: classify Japan Post international tracking text (CPython and Pyodide alike).

Data flow: stages.yaml → `catalog` (one validated model); a paste goes one way down
`parse` (text → dated lines) → `reading` (line → wording, action, place, country) →
`evidence` (→ the stages each line allows) → `journey` (time order, origin and destination,
one stage per event) → `classify` (the result) → `verdict` (is the silence normal?).
Standard library only, so the browser loads nothing but this package.

Use it from Python (an installed wheel carries its catalog; no PyYAML needed):

>>> import jptrack
>>> from datetime import date
>>> result = jptrack.check("2026/09/20 20:14 引受 新宿郵便局 163-8799 東京都", today=date(2026, 9, 21))
>>> result["current_stage"], result["verdict"]["state"]
('posting-collection', 'normal')
>>> jptrack.check(b"bytes")
Traceback (most recent call last):
    ...
jptrack.classify.InvalidInput: expected text, got bytes; decode it as UTF-8 first
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

__version__ = "0.1.0"
__all__ = ["check", "load_catalog", "default_catalog", "CatalogError", "InvalidInput", "InputTooLong", "Result"]

from .catalog import Catalog, CatalogError  # noqa: E402
from .classify import InputTooLong, InvalidInput  # noqa: E402
from .results import Result  # noqa: E402

_default: Catalog | None = None


def load_catalog(path: str | Path) -> Catalog:
    """A catalog file: stages.yaml (needs PyYAML) or the JSON copy the build and the wheel
    ship (standard library only). Raises CatalogError naming file, line and field."""
    from . import catalog

    path = Path(path)
    if path.suffix == ".json":
        try:
            return catalog.load_json(path.read_bytes(), file=path.name)
        except FileNotFoundError:
            raise CatalogError("file not found", file=str(path)) from None
    return catalog.load(path)


def default_catalog() -> Catalog:
    """The repo's stages.yaml in a source checkout, else the catalog packaged with the wheel."""
    global _default
    if _default is None:
        source = Path(__file__).resolve().parents[2] / "stages.yaml"
        if source.is_file():
            _default = load_catalog(source)
        else:
            from importlib.resources import files

            from . import catalog

            _default = catalog.load_json(files(__name__).joinpath("stages.json").read_bytes())
    return _default


def check(text: str, *, today: date | None = None, catalog: Catalog | None = None,
          destination: str | None = None, lang: str = "en") -> Result:
    """Classify pasted tracking text: the same JSON-ready result as `jptrack classify --json`
    (current stage, events, verdict, destination, expected dates). today defaults to the
    system date; catalog to default_catalog(); lang picks the language of the texts (en, ja,
    zh-Hans, zh-Hant, ko)."""
    from . import classify

    return classify.check(text, catalog or default_catalog(), today=today, destination=destination, lang=lang)
