"""The small words of one language: stages.yaml's `ui:` texts filled in, dates and durations
as that language writes them. The verdict's sentences and the site's pages share them
(hooks/stages.py adds what only pages need).

>>> from pathlib import Path
>>> from jptrack.catalog import load
>>> catalog = load(Path(__file__).parents[2] / 'stages.yaml')
>>> Words(catalog, 'en').long_date('2026-09-27'), Words(catalog, 'ja').long_date('2026-09-27')
('27 September 2026', '2026年9月27日')
>>> Words(catalog, 'en').span((14, 21)), Words(catalog, 'en').days(1)
('2–3 weeks', '1 day')
"""

from __future__ import annotations

from .catalog import Catalog, Text


class Words:
    """stages.yaml's `ui:` texts in one language (filled in with str.format), and the
    catalog's texts, dates and durations as that language writes them."""

    def __init__(self, catalog: Catalog, lang: str = "en"):
        self.catalog, self.lang = catalog, lang

    def __call__(self, key: str, **values) -> str:
        return self.catalog.ui_text(key).get(self.lang).format(**values)

    def text(self, value) -> str:
        return value.get(self.lang) if isinstance(value, Text) else str(value)

    def days(self, n: int) -> str:
        return self("day" if n == 1 else "days", n=n)

    # 2025-08-27 → "27 August 2025"
    def long_date(self, iso: str) -> str:
        year, month, day = iso[:10].split("-")
        return self("date_long", day=int(day), month=self._month_name(month), year=year)

    # 2026-12 → "December 2026": when a fact was last checked
    def month(self, checked: str) -> str:
        year, month = checked.split("-")[:2]
        return self("date_month", month=self._month_name(month), year=year)

    def _month_name(self, month: str) -> str:
        return [m.strip() for m in self("month_names").split(",")][int(month) - 1]

    # (2, 3) → "2–3 days"; (30, 60) → "1–2 months"
    def span(self, days: tuple[int, int]) -> str:
        low, high = days
        unit, size = ("month", 30) if low % 30 == 0 and high % 30 == 0 and low else \
            ("week", 7) if low % 7 == 0 and high % 7 == 0 and low else ("day", 1)
        low, high = low // size, high // size
        if low == high:
            return self(unit if low == 1 else unit + "s", n=low)
        return self(unit + "s", n=f"{low}–{high}")
