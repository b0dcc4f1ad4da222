"""Tokens and known phrases: how folded text is cut into words and searched for wordings.

Every lookup of the classifier goes through here: catalog wordings, the reading lexicon's
actions and places, country names and service words. Phrases are matched as whole tokens
(words for Latin, Greek and Cyrillic text; single characters for Japanese, Chinese and
Korean, so their wordings match as plain substrings).

>>> index = PhraseIndex([('arrived', 'arrive'), ('arrived at', 'arrive-at'), ('post office', 'office')])
>>> index.findall(tokens('arrived at post office, arrived'))
[(0, 2, 'arrive-at'), (2, 4, 'office'), (5, 6, 'arrive')]
"""

from __future__ import annotations

import re

__all__ = ["PhraseIndex", "tokens", "token_spans", "glued_tokens", "is_cjk", "WORD_CHARS"]

# Latin, Greek and Cyrillic words are single tokens (so phrases match whole words);
# every other non-space character, CJK included, is a token of its own (so Japanese,
# Chinese and Korean wordings match as plain substrings).
WORD_CHARS = "0-9a-z\u00df-\u024f\u0370-\u03ff\u0400-\u04ff"
_TOKEN = re.compile(f"[{WORD_CHARS}]+|\\S")


def tokens(folded: str) -> list[str]:
    """Split folded text into matching tokens.

    >>> tokens('posting/collection, 引受')
    ['posting', '/', 'collection', ',', '引', '受']
    """
    return _TOKEN.findall(folded)


def token_spans(folded: str) -> list[tuple[int, int]]:
    """(start, end) of each token of `tokens(folded)` in folded."""
    return [m.span() for m in _TOKEN.finditer(folded)]


def glued_tokens(folded: str) -> list[bool]:
    """For each token of `tokens(folded)`: does it touch the token before it (no space)?"""
    spans = token_spans(folded)
    return [i > 0 and spans[i][0] == spans[i - 1][1] for i in range(len(spans))]


def _solid(key: str, toks: list[str]) -> tuple[int, ...]:
    """Positions inside a phrase between two CJK tokens with no space between them in the
    phrase: the text must not have one there either (到着 | 国際 is not 到着国)."""
    spans = token_spans(key)
    return tuple(k for k in range(1, len(toks))
                 if spans[k][0] == spans[k - 1][1] and is_cjk(toks[k]) and is_cjk(toks[k - 1]))


def _holds(solid: tuple[int, ...], glued: list[bool], start: int) -> bool:
    for k in solid:
        if not glued[start + k]:
            return False
    return True


def is_cjk(token: str) -> bool:
    c = token[:1]
    return ("\u3040" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af" or "\uf900" <= c <= "\ufaff"
            or "\u3400" <= c <= "\u4dbf")


class PhraseIndex:
    """Find known phrases in token lists; the longest phrase wins.

    Phrases are indexed by their first token, so a line costs one dict look-up per token
    plus a slice comparison per candidate: linear in the line, whatever the phrase count.

    A Japanese, Chinese or Korean phrase written without spaces matches only where the
    text has none between its characters either (given `glued`, see `glued_tokens`).

    >>> index = PhraseIndex([('final delivery', 1), ('final delivery - collected at counter', 2)])
    >>> index.search(tokens('final delivery - collected at counter  tokyo'))
    (0, 6, 2)
    >>> index.search(tokens('finaldelivery')) is None
    True
    >>> index = PhraseIndex([('到着国', 'country'), ('到着', 'arrived')])
    >>> index.findall(tokens('到着 国際'), glued=glued_tokens('到着 国際'))
    [(0, 2, 'arrived')]
    """

    def __init__(self, phrases):
        first: dict[str, list] = {}
        for key, value in phrases:
            toks = tokens(key)
            if toks:
                first.setdefault(toks[0], []).append((toks, len(toks), len(key), value, _solid(key, toks)))
        for cands in first.values():
            cands.sort(key=lambda c: -c[2])
        self._first = first
        # For findall_text: each first token's phrases with their tokens joined, no spaces;
        # the widest phrase in characters (tokens are joined by at most one space in folded
        # text, so k tokens span their characters plus k - 1) and one more.
        self._joined = {t: ["".join(seq) for seq, *_ in cands] for t, cands in first.items()}
        self._reach = 1 + max((sum(map(len, seq)) + n - 1 for cands in first.values()
                               for seq, n, *_ in cands), default=0)
        self._patterns: dict[frozenset, re.Pattern] = {}

    def search(self, toks: list[str], accept=None, glued=None):
        """(start, end, value) of the longest phrase in toks, or None.

        accept(start, end): a further test a match must pass (else a shorter one is tried).
        glued: `glued_tokens` of the text toks come from.
        """
        best = None
        best_size = 0
        first = self._first
        n_toks = len(toks)
        for i in range(n_toks):
            cands = first.get(toks[i])
            if cands is None:
                continue
            for seq, n, size, value, solid in cands:
                if size <= best_size:
                    break
                j = i + n
                if j <= n_toks and toks[i:j] == seq and (glued is None or _holds(solid, glued, i)) \
                        and (accept is None or accept(i, j)):
                    best, best_size = (i, j, value), size
                    break
        return best

    def findall(self, toks: list[str], accept=None, glued=None) -> list[tuple[int, int, object]]:
        """Every phrase in toks, left to right, the longest at each position, none overlapping.

        accept(start, end): a further test a match must pass (else a shorter one is tried).
        glued: `glued_tokens` of the text toks come from."""
        found = []
        first = self._first
        i, n_toks = 0, len(toks)
        while i < n_toks:
            cands = first.get(toks[i])
            if cands is not None:
                for seq, n, _size, value, solid in cands:
                    j = i + n
                    if j <= n_toks and toks[i:j] == seq and (glued is None or _holds(solid, glued, i)) \
                            and (accept is None or accept(i, j)):
                        found.append((i, j, value))
                        i = j - 1
                        break
            i += 1
        return found

    def findall_text(self, folded: str) -> list:
        """Every phrase in folded text, left to right (the longest at each position), as
        (start, end, value) with string offsets: the phrases a scan of the text's tokens
        would find, without making a token of every word of a long paste.

        Used on a whole paste: a 10,000-line one has some 180,000 tokens, and listing them
        cost more than all the rest of the search. A phrase can only be there if its tokens,
        spaces left out, are in the text with its spaces left out (a C substring search);
        a regex made of the first tokens of those phrases finds where they may start, and
        only the few tokens after each such place are made.

        >>> PhraseIndex([('sal', 'sal'), ('ems', 'ems')]).findall_text('ems or sal')
        [(0, 3, 'ems'), (7, 10, 'sal')]
        """
        squeezed = folded.replace(" ", "")
        firsts = frozenset(first for first, joined in self._joined.items()
                           if any(phrase in squeezed for phrase in joined))
        if not firsts:
            return []
        starts = self._starts_pattern(firsts)
        found, end = [], 0
        reach = self._reach
        for m in starts.finditer(folded):
            at = m.start()
            if at < end or (at and m.lastindex == 1 and _WHOLE_WORD.match(folded, at - 1)):
                continue  # inside the phrase found before, or inside a longer word
            # `reach` covers the widest phrase and one character more, so a token cut off
            # at the window's edge is longer than the phrase token it is compared with.
            spans = [t.span() for t in _TOKEN.finditer(folded, at, at + reach)]
            toks = [folded[a:b] for a, b in spans]
            for seq, k, _size, value, _solid in self._first[toks[0]]:
                if toks[:k] == seq:
                    end = spans[k - 1][1]
                    found.append((at, end, value))
                    break
        return found

    def _starts_pattern(self, firsts: frozenset) -> re.Pattern:
        """A regex of the given first tokens: group 1 a word (the caller checks the character
        before it; a look-behind here would be tried at every position of the text), group 2
        a single character, which is always a token of its own."""
        pattern = self._patterns.get(firsts)
        if pattern is None:
            words = sorted((t for t in firsts if _WHOLE_WORD.fullmatch(t)), key=len, reverse=True)
            chars = sorted(t for t in firsts if not _WHOLE_WORD.fullmatch(t))
            never = "((?!))"   # keeps the group numbers when one kind is missing
            word = f"({'|'.join(map(re.escape, words))})(?![{WORD_CHARS}])" if words else never
            char = f"([{''.join(map(re.escape, chars))}])" if chars else never
            pattern = re.compile(f"{word}|{char}")
            if len(self._patterns) > 64:
                self._patterns.clear()
            self._patterns[firsts] = pattern
        return pattern


_WHOLE_WORD = re.compile(f"[{WORD_CHARS}]+")
