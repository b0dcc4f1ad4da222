"""Text folding shared by the catalog (duplicate checks) and the classifier (matching).

Both sides must fold text the same way, or a wording that validates as unique could
still match two stages. Standard library only: this runs under Pyodide too.

>>> fold("  Final  Delivery. ")
'final delivery'
>>> fold("ＥＭＳ　お届け済み")
'ems お届け済み'
>>> fold("Posting／Collection")
'posting/collection'
>>> fold("Item‐returned — from import Customs")
'item-returned - from import customs'
"""

from __future__ import annotations

import re
import unicodedata

# Dash look-alikes that NFKC leaves alone (stdnum.util does the same by name).
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−ー－"), "-")
# "ー" is the katakana long vowel mark: keep it, it is part of Japanese words.
del _DASHES[ord("ー")]
# Every look-alike folds to "-": one regex substitution (a C scan that skips to them)
# does what str.translate would do with a dict look-up per character.
_DASH = re.compile("[" + "".join(map(chr, _DASHES)) + "]")


def fold(text: str) -> str:
    """Fold width, case, dashes and spacing; drop a trailing full stop."""
    return fold_nfkc(unicodedata.normalize("NFKC", text))


def fold_nfkc(text: str) -> str:
    """`fold` of text that is already in NFKC form (saves normalising it a second time)."""
    if not text.isascii():  # every dash look-alike is outside ASCII
        text = _DASH.sub("-", text)
    text = text.casefold()
    # split() and strip() use the same whitespace as \s: this is re.sub(r"\s+", " ").strip()
    text = " ".join(text.split())
    return text.rstrip("。.").strip()
