"""Pasted tracking text → lines with dates, times and tokens ready for reading.

The first step of the classifier (**parse** → reading → evidence → journey → classify).
Whatever a customer pastes (Japan Post's English or Japanese page, an aggregator, a
destination post's page, a chat message) is split into lines. For each line this module
finds a date and time in any of the forms those pages use, folds the text with
`jptrack.normalize.fold` (the catalog's own folding) into tokens, and tells page chrome
and table headers apart from events. It knows nothing about stages: what a line says is
`jptrack.reading`'s job.

`split_lines` leaves a date such as 03/04/2026 unsettled; `settle_dates` settles it for
the whole paste once the caller knows whose pages those are (`scan` does both).

Every pattern here is a fixed-shape literal with bounded repeats (no nested
quantifiers), so a hostile 100 KB line of ``////`` or digits is scanned in linear time.

>>> parse_date('09/20/2026 20:14')
'2026-09-20T20:14'
>>> parse_date('２０２６/０９/２０　２０:１４')
'2026-09-20T20:14'
>>> parse_date('Your item was delivered at 6:14 pm on July 6, 2017 in NEW YORK, NY 10001')
'2017-07-06T18:14'
>>> parse_date('2017-07-06T14:05:00+09:00'), parse_date('6.7.2017 14:05'), parse_date('06 Jul 2017')
('2017-07-06T14:05', '2017-07-06T14:05', '2017-07-06')
>>> parse_date('2017年7月6日 14時05分'), parse_date('2017.07.06 14:05'), parse_date('1er juillet 2017')
('2017-07-06T14:05', '2017-07-06T14:05', '2017-07-01')
>>> parse_date('06/07/2017', dayfirst=True), parse_date('13/07/2017 10:20')
('2017-07-06', '2017-07-13T10:20')
>>> parse_date('07月06日14:05', year=2017)
'2017-07-06T14:05'

Postal codes, phone numbers and tracking numbers are not dates:

>>> [parse_date(x) for x in ('163-8799', '0570-046-111', '2026-1097-1043', 'EG725089303JP')]
[None, None, None, None]

Robustness: junk never raises.

>>> [parse_date(x) for x in (None, '', '３²', '😴', '99/99/9999', '2026/02/30', '/' * 50)]
[None, None, None, None, None, None, None]
>>> [(line.no, line.date) for line in scan('\\n３²\\x00😴\\n\\n2026/09/20 引受')]
[(2, None), (4, datetime.date(2026, 9, 20))]
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field

from .normalize import fold, fold_nfkc
from .phrases import tokens

__all__ = ["Line", "scan", "split_lines", "needs_order", "settle_dates", "parse_date", "location_in",
           "without_spans", "joined_fields", "has_columns"]


# ---------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------

@dataclass(slots=True)
class Line:
    """One non-blank input line, as seen before any catalog matching."""

    no: int                      # 1-based line number in the input
    text: str                    # the original line, stripped
    norm: str                    # NFKC form (ASCII digits, half-width spaces)
    folded: str                  # normalize.fold(text)
    toks: list = field(default_factory=list)  # tokens of `folded`
    date: _dt.date | None = None
    minutes: int | None = None   # time of day, minutes after midnight
    spans: list = field(default_factory=list)  # (start, end) of date and time in `norm`
    noise: bool = False          # page chrome or a table header
    # Unresolved pieces of the date, settled by `scan` once the whole paste is read.
    _ambiguous: tuple | None = None   # (a, b, year) of a slash date with the year last
    _yearless: tuple | None = None    # (month, day) of a date without a year
    _date_only: bool | None = None    # `date_only`, once worked out

    @property
    def date_only(self) -> bool:
        """Nothing but a date/time (a heading over the next lines).

        Worked out on first use: only lines that match no wording ask, and most dated lines
        match one, so most never pay for `_residue`.
        """
        if self._date_only is None:
            self._date_only = self.date is not None and not _residue(self)
        return self._date_only

    @property
    def iso(self) -> str | None:
        if self.date is None:
            return None
        if self.minutes is None:
            return self.date.isoformat()
        return f"{self.date.isoformat()}T{self.minutes // 60:02d}:{self.minutes % 60:02d}"



# ---------------------------------------------------------------------------
# Dates and times
# ---------------------------------------------------------------------------

def _month_alternation() -> str:
    names = sorted(_MONTHS, key=len, reverse=True)
    return "|".join(re.escape(n) for n in names)


def _compile_dates():
    """(kind, pattern, gate): a pattern is only tried when its line holds one of the gate's
    characters (each pattern needs one of them literally, so the gate changes no result; it
    saves most regex calls on lines without that form). A None gate needs a month name.

    A pattern that begins with a number begins with a plain \\d, its look-behind (what may
    not come before the number) right after it: the regex engine then skips straight to
    digits instead of trying the look-behind at every position of the line.
    """
    mon = _month_alternation()
    flags = re.IGNORECASE
    return [
        # 2026/09/20, 2026-09-20, 2017.07.06 (Korea Post), ISO 8601
        ("ymd", re.compile(r"(\d(?<![\d/.\-]\d)\d{3})([-/.])(\d{1,2})\2(\d{1,2})(?![\d/]|\.\d|-\d)"), "-/."),
        # 2017年7月6日, 2017년 7월 6일
        ("ymd", re.compile(r"(\d(?<!\d\d)\d{3}) ?([年년]) ?(\d{1,2}) ?[月월] ?(\d{1,2}) ?[日일]"), "年년"),
        # 6.7.2017 (Deutsche Post)
        ("dmy", re.compile(r"(\d(?<![\d.]\d)\d?)\.(\d{1,2})\.(\d{4})(?![\d.]|\.\d)"), "."),
        # 09/20/2026 (Japan Post EN, USPS) or 20/09/2026 (La Poste, Royal Mail): settled later
        ("slash", re.compile(r"(\d(?<![\d/\-]\d)\d?)([/\-])(\d{1,2})\2(\d{4})(?![\d/\-])"), "/-"),
        # July 6, 2017 / Jul 06 2017
        ("mdy-name", re.compile(
            r"(?<![A-Za-z])(" + mon + r")\.? {1,3}(\d{1,2})(?:st|nd|rd|th)?,? {1,3}(\d{4})(?!\d)", flags), None),
        # 6 July 2017 / 06 Jul 2017 / 1er juillet 2017 / 6. Juli 2017 / 13-Dec-2016 (Korea Post)
        ("dmy-name", re.compile(
            r"(\d(?<![\d.]\d)\d?)(?:st|nd|rd|th|er)?(?:\.? {1,3}|-)(?:of )?(" + mon
            + r")(?:\.?,? {1,3}|-)(\d{4})(?!\d)", flags), None),
        # 7月6日 (no year)
        ("md", re.compile(r"(\d(?<!\d\d)\d?) ?[月월] ?(\d{1,2}) ?[日일]"), "月월"),
        # Jul 06 14:05 (Japan Post's old smartphone page, no year)
        ("md-name", re.compile(r"(?<![A-Za-z])(" + mon + r")\.? {1,3}(\d{1,2})(?![\d:.,/])", flags), None),
        # 18/01/17 (Royal Mail) or 01/18/17: a two-digit year last, day and month settled as above
        ("slash-yy", re.compile(r"(\d(?<![\d/\-]\d)\d?)(/)(\d{1,2})/(\d{2})(?![\d/]|\.\d)"), "/"),
        # 5/27, (5/27), 1/16に (no year, month first: Japanese and US pages and posts)
        ("md-slash", re.compile(r"(\d(?<![\d/.\-:]\d)\d?)/(\d{1,2})(?![\d/]|\.\d)"), "/"),
    ]


def _has_any(text: str, chars: str) -> bool:
    for c in chars:
        if c in text:
            return True
    return False


# (pattern, gate) as for dates: the clock time, 14時05分 / 14시05분, 14h05. The clock
# keeps its look-behind first: it usually matches right after the date, and skipping to
# digits gains nothing there (the other two, digit first, mostly scan a whole line in vain).
_CLOCK = re.compile(
    r"(?<![\d:+.])(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d{1,6})?)?(?: ?([AaPp])\.?[Mm]\.?(?![A-Za-z]))?(?![\d:])")
_TIMES = [
    (_CLOCK, ":"),
    (re.compile(r"(\d(?<!\d\d)\d?) ?[時시] ?(\d{1,2}) ?[分분]"), "時시"),
    (re.compile(r"(\d(?<![\d:]\d)\d?)h(\d{2})(?!\d)"), "h"),
]


def _make_date(y: int, m: int, d: int) -> _dt.date | None:
    if not 1990 <= y <= 2100:
        return None
    try:
        return _dt.date(y, m, d)
    except ValueError:
        return None


def _find_date(norm: str, line: Line) -> None:
    """Fill line.date (or the unresolved pieces) and line.spans from the first date found."""
    has_month = None
    for kind, pattern, gate in _DATE_PATTERNS:
        if gate is None:
            if has_month is None:
                has_month = not _MONTHS.keys().isdisjoint(line.toks)
            if not has_month:
                continue  # no month name on the line: skip the slow case-insensitive patterns
        elif not _has_any(norm, gate):
            continue
        m = pattern.search(norm)
        if not m:
            continue
        g = m.groups()
        if kind == "ymd":
            date = _make_date(int(g[0]), int(g[2]), int(g[3]))
        elif kind == "dmy":
            date = _make_date(int(g[2]), int(g[1]), int(g[0]))
        elif kind in ("slash", "slash-yy"):
            a, b, y = int(g[0]), int(g[2]), int(g[3]) + (2000 if kind == "slash-yy" else 0)
            if _make_date(y, a, b) is None and _make_date(y, b, a) is None:
                continue
            line._ambiguous = (a, b, y)
            line.spans.append(m.span())
            return
        elif kind == "mdy-name":
            date = _make_date(int(g[2]), _MONTHS[g[0].lower()], int(g[1]))
        elif kind == "dmy-name":
            date = _make_date(int(g[2]), _MONTHS[g[1].lower()], int(g[0]))
        else:  # year-less
            month, day = (_MONTHS[g[0].lower()], int(g[1])) if kind == "md-name" else (int(g[0]), int(g[1]))
            if _make_date(2000, month, day) is None:  # 2000 is a leap year: 2/29 allowed
                continue
            line._yearless = (month, day)
            line.spans.append(m.span())
            return
        if date is not None:
            line.date = date
            line.spans.append(m.span())
            return


def _find_time(norm: str, line: Line) -> None:
    spans = line.spans
    for pattern, gate in _TIMES:
        if not _has_any(norm, gate):
            continue
        for m in pattern.finditer(norm):
            start = m.start()
            if spans and _inside(start, spans):
                continue
            hour, minute = int(m.group(1)), int(m.group(2))
            ampm = m.group(3) if pattern is _CLOCK else None
            if ampm:
                pm = ampm in "Pp"
                if 1 <= hour <= 12:
                    hour = hour % 12 + (12 if pm else 0)
                elif (hour >= 13) != pm:   # "16:11 PM" and "00:30 AM" say it twice; "16:11 AM" is wrong
                    continue
            if hour < 24 and minute < 60:
                line.minutes = hour * 60 + minute
                line.spans.append(m.span())
                return


def _inside(position: int, spans: list) -> bool:
    # A plain loop: any() over a generator costs more than the one span it usually checks.
    for start, end in spans:
        if start <= position < end:
            return True
    return False


def parse_date(text: str, *, year: int | None = None, dayfirst: bool = False) -> str | None:
    """The first date (and time) in one line of text, as ISO 8601, or None."""
    if not isinstance(text, str):
        return None
    lines = scan(text.replace("\n", " "), dayfirst=dayfirst, year=year)
    return lines[0].iso if lines else None


# ---------------------------------------------------------------------------
# Lines
# ---------------------------------------------------------------------------

def scan(text: str, *, dayfirst: bool | None = None, year: int | None = None,
         today: _dt.date | None = None) -> list[Line]:
    """Split a paste into non-blank lines with dates, times, tokens and noise flags.

    dayfirst settles 01/02/2026 (the paste's own dates decide when one part is over 12;
    else this flag; else month first, as Japan Post's English page writes it). year (or
    else the nearest dated line's, or today's) completes dates written without one.
    """
    lines = split_lines(text)
    settle_dates(lines, dayfirst=dayfirst, year=year, today=today)
    return lines


# 7-bit YUSCII, still printed by some Balkan posts, writes č š ć đ ž as ~ { } | ` ("Ispora~ana",
# "{alter"); read inside a word, they are the letters the lexicon spells without accents.
_YUSCII_LETTERS = {"~": "c", "^": "c", "{": "s", "}": "c", "|": "d", "`": "z"}
_YUSCII_MARKS = re.compile(r"[~^{}|`]")
_YUSCII = re.compile(r"(?<=[a-z])[~^{}|`](?=[a-z])|(?<![^\s])[{~^`](?=[a-z]{2})")


def split_lines(text: str) -> list[Line]:
    """The paste's non-blank lines, with dates found but 03/04-style and yearless ones not
    yet settled (see `settle_dates`)."""
    if not isinstance(text, str):
        return []
    lines: list[Line] = []
    for no, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped:
            continue
        norm = unicodedata.normalize("NFKC", stripped)
        folded = fold_nfkc(norm)
        if _YUSCII_MARKS.search(folded):
            folded = _YUSCII.sub(lambda m: _YUSCII_LETTERS[m.group()], folded)
        line = Line(no, stripped, norm, folded, tokens(folded))
        if _HAS_DIGIT.search(norm):
            _find_date(norm, line)
            if line.spans or line.date:
                _find_time(norm, line)
            elif _TIME_ONLY.match(norm):
                _find_time(norm, line)
        if not line.spans:
            line.noise = _is_noise(folded)
        lines.append(line)
    return lines


def needs_order(lines: list[Line]) -> bool:
    """Does the paste hold a date like 03/04/2026 that its own dates do not settle?"""
    ambiguous = [line._ambiguous for line in lines if line._ambiguous]
    return bool(ambiguous) and not any(a > 12 or b > 12 for a, b, _ in ambiguous)


def settle_dates(lines: list[Line], *, dayfirst: bool | None = None, year: int | None = None,
                 today: _dt.date | None = None) -> None:
    """Settle 03/04/2026 (day or month first) and dates without a year, for the whole paste."""
    _settle_dates(lines, dayfirst, year, today)


def _settle_dates(lines: list[Line], dayfirst, year, today) -> None:
    ambiguous = [line for line in lines if line._ambiguous]
    if ambiguous:
        if any(a > 12 for a, b, _ in (x._ambiguous for x in ambiguous)):
            dayfirst = True
        elif any(b > 12 for a, b, _ in (x._ambiguous for x in ambiguous)):
            dayfirst = False
        for line in ambiguous:
            a, b, y = line._ambiguous
            # dayfirst: a is the day (20/09/2026); else a is the month (09/20/2026).
            line.date = _make_date(y, b, a) if dayfirst else _make_date(y, a, b)
            if line.date is None:
                line.date = _make_date(y, a, b) if dayfirst else _make_date(y, b, a)
    yearless = [i for i, line in enumerate(lines) if line._yearless]
    if not yearless:
        return
    # The year of the nearest line (either side) that has one, found in two linear passes.
    n = len(lines)
    before, after = [None] * n, [None] * n
    last = None
    for i, line in enumerate(lines):
        if line.date is not None:
            last = (i, line.date.year)
        before[i] = last
    last = None
    for i in range(n - 1, -1, -1):
        if lines[i].date is not None:
            last = (i, lines[i].date.year)
        after[i] = last
    dated = any(line.date is not None for line in lines)
    today = today or _dt.date.today()
    if year is None and not dated:
        _years_of_a_yearless_history([lines[i] for i in yearless], today)
        return
    for i in yearless:
        month, day = lines[i]._yearless
        near = [p for p in (before[i], after[i]) if p]
        if year is not None:
            y = year
        elif near:
            y = min(near, key=lambda p: abs(p[0] - i))[1]
        else:
            y = today.year
        lines[i].date = _make_date(y, month, day) or _make_date(y - 1, month, day)


def _years_of_a_yearless_history(lines: list[Line], today: _dt.date) -> None:
    """Years for a paste whose dates all lack one (07月06日, 5/27): one history, read in the
    direction that makes it the shortest (newest first or oldest first), its year turning
    over where the month goes back (12/30 → 1/2), its latest date no later than tomorrow."""
    best = None
    for order in (lines, lines[::-1]):
        dates = _dates_in_turn(order, today)
        if dates and (best is None or dates[-1][1] - dates[0][1] < best[-1][1] - best[0][1]):
            best = dates
    for line, date in best or ():
        line.date = date


def _dates_in_turn(order: list[Line], today: _dt.date) -> list:
    """(line, date) oldest first, if `order` is read as oldest first."""
    turns, previous, offsets = 0, None, []
    for line in order:
        if previous is not None and line._yearless < previous:
            turns += 1
        previous = line._yearless
        offsets.append(turns)
    month, day = order[-1]._yearless
    latest = today.year
    if (_make_date(latest, month, day) or _dt.date(latest, month, 28)) > today + _dt.timedelta(days=1):
        latest -= 1
    dates = []
    for line, offset in zip(order, offsets):
        y = latest - turns + offset
        m, d = line._yearless
        date = next(filter(None, (_make_date(y - k, m, d) for k in range(4))), None)   # 2/29
        if date is None:
            return []
        dates.append((line, date))
    return dates


def _residue(line: Line) -> str:
    """What is left of a line once its date, time and filler words are taken out."""
    text = line.norm
    for s, e in sorted(line.spans, reverse=True):
        text = text[:s] + " " + text[e:]
    words = [w for w in _WORD.findall(text.casefold()) if w not in _DATE_FILLER]
    return " ".join(words)


def without_spans(line: Line) -> str:
    """line.norm with its date and time replaced by tabs (field separators)."""
    text = line.norm
    for s, e in sorted(line.spans, reverse=True):
        text = text[:s] + "\t" + text[e:]
    return text


def joined_fields(text: str) -> str:
    """A line's `without_spans` text as it reads without its date and time: its fields (tabs
    or wide gaps apart) joined by " · " (what the checker shows for a line no wording names)."""
    fields = (part.strip(" |") for part in _GAP_SPLIT.split(text))
    return " · ".join(part for part in fields if _HAS_WORDCHAR.search(part))


def location_in(text: str, remove: tuple[str, ...] = ()) -> str | None:
    """`location` of a line's `without_spans` text: a function of the text alone, so a
    caller may keep it for lines that differ only in their date and time."""
    for phrase in remove:
        if phrase:
            text = _phrase_pattern(phrase).sub("\t", text, count=1)
    fields = []
    for part in _FIELD_SPLIT.split(text):
        part = part.strip(" .:-()[]·•")
        if part.partition(" ")[0].lower() in _LOCATION_FILLER:  # rare: split only then
            words = part.split(" ")
            while words and words[0].lower() in _LOCATION_FILLER:
                words.pop(0)
            part = " ".join(words)
        part = part.strip(" .:-")
        if part and _HAS_WORDCHAR.search(part):
            fields.append(part)
    result = ", ".join(fields)
    return result[:160] or None


def has_columns(text: str) -> bool:
    """Is the line a row of columns (tabs, bars or wide gaps besides where its date was)?"""
    return len([part for part in _COLUMN_SPLIT.split(text) if _HAS_WORD.search(part)]) > 1


_pattern_cache: dict[str, re.Pattern] = {}


def _phrase_pattern(phrase: str) -> re.Pattern:
    pattern = _pattern_cache.get(phrase)
    if pattern is None:
        parts = tokens(unicodedata.normalize("NFKC", phrase).casefold())
        pattern = re.compile(r"\s?".join(re.escape(p) for p in parts) + r"\.?", re.IGNORECASE)
        if len(_pattern_cache) > 4096:
            _pattern_cache.clear()
        _pattern_cache[phrase] = pattern
    return pattern


def _is_noise(folded: str) -> bool:
    if folded in _CHROME_EXACT or folded.startswith(_CHROME_PREFIXES):
        return True
    # A table's header row names two of its columns and holds no numbers (an event's
    # detail column can say "Posting office zip code : 06035").
    return sum(1 for label in _HEADER_LABELS if label in folded) >= 2 and not _NUMBER.search(folded)


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------

_HAS_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"\d{4}")
_HAS_WORDCHAR = re.compile(r"\w")
# Two letters in a row, or a Japanese, Chinese or Korean character: a word, not the "T" left
# of an ISO date.
_HAS_WORD = re.compile(r"[^\W\d_]{2}|[\u3040-\u9fff\uac00-\ud7af]")
_WORD = re.compile(r"\w+")
_TIME_ONLY = re.compile(r"^\d{1,2}:\d{2}")
# Every branch starts with a literal (" ?[,;|]" spelt as two branches, same order), so
# the regex engine can skip to those characters instead of trying each position.
# Columns of a copied table: tabs, a bar, or a wide gap.
_COLUMN_SPLIT = re.compile(r"\t+| {2,}| ?\| ?| - ")
_GAP_SPLIT = re.compile(r"\t+| {2,}")
_FIELD_SPLIT = re.compile(r"\t+| {2,}| [,;|] ?|[,;|] ?| - ")

# Month names in the languages of the destination posts' pages (en, fr, de) → month.
_MONTHS = {}
for _number, _names in enumerate((
        "january jan janvier janv januar jän", "february feb février fevrier févr fevr februar",
        "march mar mars märz maerz", "april apr avril avr", "may mai", "june jun juin juni",
        "july jul juillet juil juli", "august aug août aout", "september sep sept septembre",
        "october oct octobre oktober okt", "november nov novembre", "december dec décembre decembre déc dezember dez",
), 1):
    for _name in _names.split():
        _MONTHS[_name] = _number
_DATE_PATTERNS = _compile_dates()

# Words that may stand next to a date on a line that is otherwise only a date heading.
_DATE_FILLER = frozenset(
    "at on the am pm a m p le à a um uhr h de du of est edt cst cdt pst pdt mst mdt gmt bst utc jst kst "
    "cet cest aest aedt t z monday tuesday wednesday thursday friday saturday sunday mon tue tues wed "
    "thu thur thurs fri sat sun lundi mardi mercredi jeudi vendredi samedi dimanche montag dienstag "
    "mittwoch donnerstag freitag samstag sonntag 月 火 水 木 金 土 日 曜 曜日 月曜日 火曜日 水曜日 木曜日 "
    "金曜日 土曜日 日曜日 date time 日時 日付".split())
_LOCATION_FILLER = frozenset("at in on to from the a à au en le la um in bei".split())

# Page chrome around a copied tracking table (menus, buttons, footers), folded.
_CHROME_EXACT = frozenset(fold(x) for x in (
    "Search", "Menu", "Home", "Top", "Back", "Print", "Close", "Language", "English", "日本語",
    "Japanese", "Login", "Log in", "Sign in", "Sign up", "Track", "Track another item", "Tracking",
    "Help", "FAQ", "Contact us", "Sitemap", "Site map", "検索", "メニュー", "ホーム", "印刷", "閉じる",
    "戻る", "ログイン", "サイトマップ", "ヘルプ", "よくあるご質問", "お問い合わせ", "個人のお客さま",
    "法人のお客さま", "郵便局を探す", "郵便局・ATMを探す", "ページトップへ", "ページの先頭へ",
    "Page top", "Back to top", "Skip to main content", "Privacy policy", "Terms of use",
))
_CHROME_PREFIXES = tuple(fold(x) for x in (
    "©", "(c) ", "Copyright", "All rights reserved", "Privacy", "Terms of", "Cookie", "Accept cookies",
    "Skip to", "Back to", "Japan Post Co", "日本郵便株式会社", "Sign in", "Log in", "Download the app",
    "プライバシー", "利用規約", "サイトのご利用", "個人情報", "ソーシャルメディア",
))
# Column headings of the tracking tables (Japan Post EN/JA, aggregators), folded.
_HEADER_LABELS = tuple(fold(x) for x in (
    "Shipping track record", "Prefecture/Country", "Zip code", "Postal code", "Office", "Details",
    "状態発生日", "配送履歴", "取扱局", "県名等", "郵便番号", "詳細", "Date/Time", "Event", "Location",
    "처리일시", "처리현황", "상세설명", "보내는분", "받는분", "발송날짜", "수신날짜", "배달단계",
))
