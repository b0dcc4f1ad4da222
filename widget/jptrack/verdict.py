"""Is the silence since the last tracking update normal, and when should the customer act?

Given the current stage, the date of its last event, the service (EMS, airmail, SAL,
surface) and today's date, the stage's silence window from stages.yaml says whether the
wait is still normal (``normal``), long enough to contact someone (``act``), over
(``done``, terminal stages) or impossible to judge (``unknown``). Whom to contact comes
from the stage's contacts. When neither the tracking number nor the paste says which
service was used, the slowest plausible one is assumed and ``service_assumed`` says so.
Every sentence is a template from stages.yaml (`verdicts:`); this module only fills in facts.

>>> from pathlib import Path
>>> from jptrack.catalog import load
>>> catalog = load(Path(__file__).parents[2] / 'stages.yaml')
>>> stage = catalog.stage('posting-collection')
>>> v = verdict(catalog, stage, date(2026, 9, 20), service='ems', today=date(2026, 9, 21))
>>> v['state'], v['days_since'], v['act_from'] == (date(2026, 9, 20) + timedelta(
...     days=stage.window('ems').act_after_days)).isoformat()
('normal', 1, True)
>>> verdict(catalog, stage, date(2026, 9, 20), service='ems', today=date(2026, 12, 1))['state']
'act'
>>> verdict(catalog, None, None, today=date(2026, 12, 1))['state']
'unknown'
>>> choose_service(catalog, stage, numbers=[], texts=['SAL 便'])
('sal', False)
>>> choose_service(catalog, stage, numbers=[], texts=['nothing said'])[1]
True

Robustness: junk texts are ignored.

>>> choose_service(catalog, stage, numbers=[None, {}], texts=[None, '３²', '😴'])[1]
True
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from .normalize import fold
from .phrases import PhraseIndex
from .words import Words

if TYPE_CHECKING:   # for annotations only: nothing more to import at run time
    from collections.abc import Iterable

    from .catalog import Catalog, Destination, Stage

__all__ = ["verdict", "choose_service", "service_hints", "service_note", "expected", "collect_by"]


def service_hints(catalog: Catalog, texts: Iterable[str]) -> set[str]:
    """Service ids the texts name ('EMS', 'SAL', 'surface', '船便', '航空便', ...)."""
    index = _index(catalog)
    found: set[str] = set()
    for text in texts:
        if isinstance(text, str) and text:
            found.update(hit[2] for hit in index.findall_text(fold(text)))
    return found


def choose_service(catalog: Catalog, stage: Stage, *, numbers: Iterable[dict] = (), texts: Iterable[str] = (),
                   posted: date | None = None,
                   destination: str | None = None) -> tuple[str | None, bool]:
    """(service id, assumed?) from the tracking number's first letter and the paste's words.

    The number narrows the services (E is EMS; C is a parcel by air, sea or SAL); words the
    paste uses narrow them further. Among several left, those Japan Post offered on the
    posting date, and accepts for the destination in its acceptance list, come first (no SAL
    after April 2020, no surface where ships do not go), and the slowest of them (the one
    with the longest act-after window at this stage) is assumed.
    """
    # the shop's own services (shop.yaml) when it says which it ships with
    plausible = [s.id for s in catalog.services if not catalog.ships_with or s.id in catalog.ships_with]
    for entry in numbers:
        if isinstance(entry, dict) and entry.get("valid") and entry.get("kind") == "s10":
            letter = str(entry.get("number", " "))[0]
            plausible = [s for s in plausible if letter in catalog.service(s).numbers] or \
                [s.id for s in catalog.services if letter in s.numbers] or plausible
            break
    if len(plausible) == 1:
        return plausible[0], False
    named = service_hints(catalog, texts)  # once: it reads the whole paste
    hinted = [s for s in plausible if s in named]
    if len(hinted) == 1:
        return hinted[0], False
    if hinted:
        plausible = hinted
    else:
        plausible = [s for s in plausible if _offered(catalog, catalog.service(s), posted, destination)] or plausible
    return _slowest(stage, plausible), True


# A dated change in these states leaves the service offered (to some or all items).
_STILL_OFFERED = ("offered", "limited")


def _offered(catalog, service, posted: date | None, destination: str | None) -> bool:
    change = service.change_on(posted.isoformat()) if posted else None
    if change is not None and change.state not in _STILL_OFFERED:
        return False
    listed = catalog.acceptance.state(destination, service.acceptance) if catalog.acceptance else None
    return listed not in ("stopped", "none")


def service_note(catalog: Catalog, service_id: str | None, posted: date | None, lang: str = "en") -> str | None:
    """What the service's dated changes say about an item posted on that day, when Japan Post
    no longer offered it as such then (SAL in 2026, a tracked small packet after 2025)."""
    if not service_id or posted is None:
        return None
    change = catalog.service(service_id).change_on(posted.isoformat())
    return change.note.get(lang) if change and change.state not in _STILL_OFFERED else None


def expected(catalog: Catalog, destination: Destination | None, service_id: str | None,
             posted: date | None, lang: str = "en") -> dict | None:
    """When the item is usually delivered: the posting date plus Japan Post's standard days
    to the destination for the service (or the service's days anywhere), plus the buffer
    Japan Post adds for SAL and surface. None when no figure is known."""
    if posted is None or not service_id:
        return None
    service = catalog.service(service_id)
    fact = destination.days_for(service_id) if destination else None
    basis = "destination"
    if fact is None or fact.value is None:
        fact, basis = service.days, "service"
    if fact is None or fact.value is None:
        return None
    fewest, most = fact.value
    most += service.buffer.value if service.buffer else 0
    first, last = (posted + timedelta(days=fewest)).isoformat(), (posted + timedelta(days=most)).isoformat()
    case = "expected" if basis == "destination" else "expected_anywhere"
    words = Words(catalog, lang)
    message = catalog.destination_text(case).get(lang).format(
        fewest=fewest, most=most, service=service.name.get(lang),
        **{"from": words.long_date(first), "to": words.long_date(last)},
        **({"country": destination.called.get(lang)} if basis == "destination" else {}))
    return {"from": first, "to": last, "days": [fewest, most], "posted": posted.isoformat(), "basis": basis,
            "source": fact.source, "checked": fact.checked, "message": message}


def collect_by(catalog: Catalog, destination: Destination | None, last_event: date | None,
               lang: str = "en") -> dict | None:
    """The day an item waiting at the destination's post office goes back, from the post's
    hold period; the hold's note when the period is not known."""
    if destination is None:
        return None
    hold, post = destination.hold, destination.post.name.get(lang)
    note = hold.note.get(lang) if hold.note else None
    if hold.value is None or last_event is None:
        return {"date": None, "days": None, "note": note, "checked": hold.checked,
                "message": catalog.destination_text("collect_unknown").get(lang).format(post=post)}
    day = (last_event + timedelta(days=hold.value)).isoformat()
    return {"date": day, "days": hold.value, "note": note, "source": hold.source, "checked": hold.checked,
            "message": catalog.destination_text("collect_by").get(lang).format(
                post=post, days=hold.value, date=Words(catalog, lang).long_date(day))}


def _slowest(stage, services: list[str]) -> str | None:
    if not services:
        return None
    if stage is None or not stage.silence:
        return services[-1]

    def act_after(service: str) -> int:
        window = stage.window(service)
        return window.act_after_days if window else -1

    return max(services, key=lambda s: (act_after(s), services.index(s)))


def verdict(catalog: Catalog, stage: Stage, last_event: date | None, *, service: str | None = None,
            service_assumed: bool = False, today: date | None = None, post: str | None = None,
            number: dict | None = None, lang: str = "en") -> dict:
    """The contract's `verdict` object for a stage whose latest event was on last_event,
    with its heading (`label`) and the service's name from the catalog, for display.
    post: the destination post's name, said instead of "your local post office"."""
    result = _verdict(catalog, stage, last_event, service=service, service_assumed=service_assumed,
                      today=today or date.today(), post=post, number=number, words=Words(catalog, lang))
    result["label"] = catalog.verdict_label(result["state"]).get(lang)
    result["service_name"] = catalog.service(service).name.get(lang) if service else None
    return result


def _verdict(catalog, stage, last_event, *, service, service_assumed, today, post=None, number=None,
             words=None) -> dict:
    words = words or Words(catalog, "en")
    lang = words.lang
    result = {"state": "unknown", "service": service, "service_assumed": bool(service_assumed),
              "last_event": last_event.isoformat() if last_event else None, "days_since": None,
              "normal_days": None, "act_after_days": None, "act_from": None, "contacts": [],
              "message": ""}

    def say(state: str, case: str, **facts) -> dict:
        # The sentence is stages.yaml's (verdicts.<state>.messages.<case>); only facts here.
        result["state"] = state
        result["message"] = catalog.verdict(state).message(case).get(lang).format(**facts)
        return result

    if stage is None and number is not None:
        return say("unknown", "number_only", number=number["number"],
                   product=number.get("product") or words("tracking_product"))
    if stage is None:
        return say("unknown", "no_status")
    result["contacts"] = list(stage.contacts)
    facts = {"title": stage.title.get(lang), "summary": stage.summary.get(lang),
             "first_step": _first_sentence(stage.what_to_do.get(lang))}
    if last_event is not None:
        result["days_since"] = max(0, (today - last_event).days)
    if stage.terminal:
        return say("done", "journey" if stage.kind == "journey" else "exception", **facts)
    window = stage.window(service) if service else None
    if window is None:
        return say("unknown", "no_window", **facts)
    result["normal_days"], result["act_after_days"] = window.normal_days, window.act_after_days
    name = catalog.service(service).name.get(lang)
    facts["service"] = catalog.assumed_service.get(lang).format(service=name) if service_assumed else name
    facts["normal"] = words.days(window.normal_days)
    if last_event is None:
        return say("unknown", "no_date", **facts)
    act_from = last_event + timedelta(days=window.act_after_days)
    result["act_from"] = act_from.isoformat()
    days = result["days_since"]
    facts.update(days=words.days(days), act_after=words.days(window.act_after_days),
                 act_from=words.long_date(act_from.isoformat()), who=_contacts(catalog, stage.contacts, post, words))
    if today >= act_from:
        return say("act", "overdue", **facts)
    return say("normal", "usual" if days <= window.normal_days else "longer", **facts)


def _contacts(catalog, ids, post: str | None, words: Words) -> str:
    contacts = [catalog.contact(c) for c in ids]
    names = [post if post and c.destination_post else c.name.get(words.lang) for c in contacts]
    if words.lang == "en":   # inside an English sentence: "contact the shop you bought from"
        names = [n[0].lower() + n[1:] if n.startswith(("The ", "Your ")) else n for n in names]
    if not names:
        return words("the_shop")
    joined = names[0]
    for name in names[1:]:
        joined = words("or", first=joined, second=name)
    return joined


def _first_sentence(text: str) -> str:
    """A text's first sentence, in English ("Wait. Then ...") as in Japanese and Chinese (。)."""
    cut = min((i for i in (text.find(". "), text.find("。")) if i >= 0), default=-1)
    return text[:cut + 1] if cut >= 0 else text


_index_cache: dict[int, tuple] = {}


def _index(catalog) -> PhraseIndex:
    cached = _index_cache.get(id(catalog))
    if cached and cached[0] is catalog:
        return cached[1]
    phrases = []
    for service in catalog.services:
        names = {fold(service.id), fold(service.name.en)}
        names.update(fold(w) for w in service.aliases)
        phrases += [(n, service.id) for n in names if n]
    index = PhraseIndex(phrases)
    if len(_index_cache) > 8:
        _index_cache.clear()
    _index_cache[id(catalog)] = (catalog, index)
    return index

