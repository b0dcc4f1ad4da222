"""Japan Post's per-country acceptance list → the dated snapshot in stages.yaml.

Japan Post publishes which services it accepts for each country as JSON (one row per
country: 国名, 英語表記, then a mark per service column: ✔ accepted, * partly, X stopped,
- no such service). A maintainer downloads it and runs ``jptrack refresh-acceptance FILE``;
this module turns it into the `acceptance:` section at the end of stages.yaml (only the
countries that have a `destinations:` entry), so the build never fetches anything.

>>> rows = [{"国名": "カナダ", "英語表記": "Canada", "通常郵便物の航空扱い": "✔", "通常郵便物のSAL扱い": "X",
...          "通常郵便物の船便扱い": "✔", "小包郵便物の航空扱い": "✔", "小包郵便物のSAL扱い": "X",
...          "小包郵便物の船便扱い": "*", "EMS": "✔"}]
>>> countries, unmatched = read_rows(rows, {"canada": "CA"})
>>> countries["CA"]["parcel-surface"], countries["CA"]["parcel-sal"], unmatched
('some', 'stopped', [])
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from .normalize import fold

if TYPE_CHECKING:   # for annotations only: nothing more to import at run time
    from .catalog import Catalog

__all__ = ["COLUMNS", "MARKS", "AcceptanceError", "read_rows", "section", "replace_section", "names_to_codes"]

# Japan Post's column → the id a service names in stages.yaml (`services.<id>.acceptance`).
COLUMNS = {
    "通常郵便物の航空扱い": "letter-air", "通常郵便物のSAL扱い": "letter-sal", "通常郵便物の船便扱い": "letter-surface",
    "小包郵便物の航空扱い": "parcel-air", "小包郵便物のSAL扱い": "parcel-sal", "小包郵便物の船便扱い": "parcel-surface",
    "EMS": "ems",
}
# A column's mark → what it says (sunaoka/japanpost-international-mail reads them the same way).
MARKS = {"✔": "ok", "✓": "ok", "○": "ok", "〇": "ok", "*": "some", "＊": "some", "△": "some",
         "X": "stopped", "x": "stopped", "×": "stopped", "✕": "stopped", "-": "none", "－": "none", "―": "none"}
BEGIN = "# --- Japan Post's acceptance list (written by `jptrack refresh-acceptance`; do not edit by hand) ---"


class AcceptanceError(ValueError):
    """The downloaded file is not Japan Post's acceptance list as we know it."""


def load_rows(text: str) -> list[dict]:
    try:
        data = json.loads(text)
    except ValueError as e:
        raise AcceptanceError(f"not JSON: {e}") from None
    if isinstance(data, dict):   # a wrapper object: its one list of rows
        lists = [v for v in data.values() if isinstance(v, list)]
        data = lists[0] if len(lists) == 1 else data
    if not isinstance(data, list) or not data or not all(isinstance(r, dict) for r in data):
        raise AcceptanceError("expected a list of countries (one object per country)")
    return data


def read_rows(rows: list[dict], codes: dict[str, str]) -> tuple[dict[str, dict[str, str]], list[str]]:
    """({ISO code: {column id: state}} for the countries in codes, [names not matched])."""
    missing = [name for name in ("英語表記", *COLUMNS) if name not in rows[0]]
    if missing:
        raise AcceptanceError(f"the first row lacks the columns {missing}: not Japan Post's acceptance list?")
    countries, unmatched = {}, []
    for i, row in enumerate(rows, 1):
        name = str(row.get("英語表記") or "").strip()
        code = codes.get(fold(name)) or codes.get(fold(re.sub(r"\s*\(.*?\)", "", name)))
        if code is None:
            unmatched.append(name or f"row {i}")
            continue
        states = {}
        for column, ident in COLUMNS.items():
            mark = str(row.get(column) or "").strip()
            if mark not in MARKS:
                raise AcceptanceError(f"row {i} ({name}): column {column} has {mark!r}; expected one of "
                                      f"{sorted(set(MARKS))}")
            states[ident] = MARKS[mark]
        countries[code] = states
    return countries, unmatched


def names_to_codes(catalog: Catalog) -> dict[str, str]:
    """Folded country names (English, and each destination's names in `reading.countries`) →
    ISO code, for the catalog's destinations."""
    from .numbers import COUNTRIES

    wanted = {d.code for d in catalog.destinations}
    codes = {fold(COUNTRIES[c]): c for c in wanted if c in COUNTRIES}
    codes.update({fold(d.name.en): d.code for d in catalog.destinations})
    for code, names in catalog.reading.countries:
        if code in wanted:
            codes.update({fold(n): code for n in names})
    return codes


def section(countries: dict[str, dict[str, str]], *, date: str, source: str) -> str:
    """The YAML text of the `acceptance:` section."""
    lines = [BEGIN, "acceptance:", f"  date: \"{date}\"", f"  source: {json.dumps(source, ensure_ascii=False)}",
             "  countries:"]
    for code in sorted(countries):
        cells = ", ".join(f"{k}: {v}" for k, v in countries[code].items())
        lines.append(f"    {code}: {{{cells}}}")
    return "\n".join(lines) + "\n"


def replace_section(stages_yaml: str, new_section: str) -> str:
    """stages.yaml with its acceptance section (from BEGIN to the end) replaced or appended."""
    at = stages_yaml.find(BEGIN)
    head = stages_yaml if at < 0 else stages_yaml[:at]
    return head.rstrip("\n") + "\n\n" + new_section
