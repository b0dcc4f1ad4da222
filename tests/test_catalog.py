"""stages.yaml validation: the real file loads, and every kind of mistake an editor can make
stops with a message naming file, line, stage and field."""

from __future__ import annotations

import json
import re
import textwrap

import pytest

import conftest
from conftest import ROOT
from jptrack import catalog as cat

# A small but complete catalog; each test breaks one thing in it.
VALID = textwrap.dedent("""\
    version: 1
    languages: [en, ja]
    services:
      ems: {name: EMS, description: Express.}
      surface: {name: Surface, description: By sea., aliases: [sea mail, 船便]}
    sources:
      japan-post: {name: Japan Post, scope: journey, dates: month-first}
    contacts:
      shop: {name: The shop, how: Email them.}
    verdicts:
      normal: {label: Normal, messages: {usual: "{days} at {title}.", longer: "{days}, long for {service}."}}
      act: {label: Act, messages: {overdue: "Since {act_from}: contact {who}."}}
      done: {label: Done, messages: {journey: "{title}: {summary}", exception: "{title}: {first_step}"}}
      unknown: {label: Unknown, messages: {no_status: No status., number_only: "{number}.", no_window: "{title}.", no_date: "{title}, no date."}}
    assumed_service: "{service} (assumed)"
    inferred: {label: probably, note: "Worked out, not read."}
    stages:
      - id: posting-collection
        order: 1
        kind: journey
        title: Posted
        summary: Japan Post has it.
        wordings:
          - {text: Posting/Collection, lang: en, source: japan-post}
          - {text: 引受, lang: ja, source: japan-post}
        upu:
          - {code: EMA, text: Posting/collection}
        meaning: It was posted.
        what_to_do: Wait.
        contacts: [shop]
        silence:
          ems: {normal: 2 days, act_after: 5 days}
          surface: {normal: 1 week, act_after: 3 weeks}
        next: [final-delivery]
        support_reply: {en: It was posted., ja: 引き受けられました。}
        examples: ["2026/09/20 20:14 引受"]
      - id: final-delivery
        order: 2
        kind: journey
        terminal: true
        title: Delivered
        summary: Delivered.
        wordings:
          - {text: Final delivery, lang: en, source: japan-post}
        meaning: It arrived.
        what_to_do: Check the mailbox.
        contacts: [shop]
        support_reply: It was delivered.
        examples: [Final delivery]
    """)


def broken(old: str, new: str) -> str:
    assert old in VALID, f"test setup: {old!r} not in VALID"
    return VALID.replace(old, new, 1)


def error_of(source: str) -> cat.CatalogError:
    with pytest.raises(cat.CatalogError) as info:
        cat.loads(source)
    return info.value


def line_of(source: str, needle: str) -> int:
    return next(i for i, line in enumerate(source.splitlines(), 1) if needle in line)


def test_real_catalog_loads_and_round_trips_through_json(catalog):
    assert len(catalog.stages) >= 15
    assert cat.load_json(catalog.to_json()) == catalog


def test_valid_sample_loads():
    c = cat.loads(VALID)
    assert [s.id for s in c] == ["posting-collection", "final-delivery"]
    stage = c.stage("posting-collection")
    assert stage.window("surface").act_after_days == 21
    assert stage.support_reply.get("ja") == "引き受けられました。"
    assert stage.support_reply.get("fr") == "It was posted."  # falls back to English
    assert c.stage("final-delivery").terminal and c.stage("final-delivery").window("ems") is None


def test_yaml_syntax_error_names_the_line():
    source = broken("kind: journey\n    title: Posted", "kind: journey\n    title: [Posted")
    e = error_of(source)
    assert "YAML syntax error" in str(e)
    assert e.file == "stages.yaml" and e.line is not None
    assert str(e).startswith(f"stages.yaml:{e.line}:")


def test_missing_field():
    source = broken("    what_to_do: Wait.\n", "")
    e = error_of(source)
    assert (e.stage, e.field) == ("posting-collection", "what_to_do")
    assert "missing required field 'what_to_do'" in str(e)
    assert e.line == line_of(source, "- id: posting-collection")


def test_unknown_field_suggests_the_right_name():
    source = broken("    meaning: It was posted.", "    meanign: It was posted.")
    e = error_of(source)
    assert e.field == "meanign" and e.stage == "posting-collection"
    assert "unknown field 'meanign' (did you mean 'meaning'?)" in str(e)
    assert e.line == line_of(source, "meanign")


def test_duplicate_id():
    source = broken("  - id: final-delivery", "  - id: posting-collection")
    e = error_of(source)
    assert "duplicate stage id" in str(e) and e.stage == "posting-collection"
    assert e.line == line_of(source, "order: 2") - 1


@pytest.mark.parametrize("old, new, expected", [
    ("  act: {label: Act, messages: {overdue: \"Since {act_from}: contact {who}.\"}}\n", "", "missing ['act']"),
    ("  unknown: {label: Unknown,", "  late: {label: Late}\n  unknown: {label: Unknown,", "unknown ['late']"),
])
def test_every_verdict_state_has_a_label_and_no_other(old, new, expected):
    source = broken(old, new)
    e = error_of(source)
    assert e.field == "verdicts" and expected in str(e)
    assert "expected a label for each verdict state ['normal', 'act', 'done', 'unknown']" in str(e)
    assert e.line == line_of(source, "verdicts:")


@pytest.mark.parametrize("old, new, field, expected", [
    # a placeholder the case does not have, named with the ones it may use
    ('overdue: "Since {act_from}', 'overdue: "Since {act_form}', "verdicts.act.messages.overdue",
     "unknown placeholder {act_form}; this text may use: {title}, {summary}, {first_step}, {service}"),
    ('no_date: "{title}, no date."', 'no_date: "{title}, no date; act from {act_from}."',
     "verdicts.unknown.messages.no_date", "unknown placeholder {act_from}"),
    ("no_status: No status.", 'no_status: "No status for {title}."', "verdicts.unknown.messages.no_status",
     "this text may use: none"),
    # formatting beyond a plain name is not a placeholder the code fills in
    ('usual: "{days} at', 'usual: "{days!r} at', "verdicts.normal.messages.usual", "unknown placeholder {days!r}"),
    ('usual: "{days} at', 'usual: "{days.real} at', "verdicts.normal.messages.usual", "unknown placeholder {days.real}"),
    # a lone brace
    ('journey: "{title}: {summary}"', 'journey: "{title}: {summary"', "verdicts.done.messages.journey",
     "written twice: '{{' or '}}'"),
    ('assumed_service: "{service} (assumed)"', 'assumed_service: "{service} (assumed for {title})"',
     "assumed_service", "this text may use: {service}"),
])
def test_verdict_messages_use_only_the_placeholders_the_code_fills_in(old, new, field, expected):
    source = broken(old, new)
    e = error_of(source)
    assert e.field == field and expected in str(e), str(e)
    assert e.line == line_of(source, new.split(":")[0].strip() + ":")


@pytest.mark.parametrize("old, new, field, expected", [
    (', no_date: "{title}, no date."', "", "verdicts.unknown.messages.no_date", "missing required field 'no_date'"),
    ("{overdue:", "{late:", "verdicts.act.messages.late", "unknown field 'late'; allowed: overdue"),
    ("{label: Act, messages: ", "{label: Act, mesages: ", "verdicts.act.mesages", "(did you mean 'messages'?)"),
    ('assumed_service: "{service} (assumed)"\n', "", "assumed_service", "missing required field 'assumed_service'"),
])
def test_verdict_messages_are_complete(old, new, field, expected):
    e = error_of(broken(old, new))
    assert e.field == field and expected in str(e), str(e)


def test_verdict_messages_literal_braces():
    c = cat.loads(broken('no_status: No status.', 'no_status: "No status {{at all}}."'))
    assert c.verdict("unknown").message("no_status").en.format() == "No status {at all}."


def test_service_aliases_load_and_round_trip():
    c = cat.loads(VALID)
    assert c.service("surface").aliases == ("sea mail", "船便") and c.service("ems").aliases == ()
    assert cat.load_json(c.to_json()) == c


@pytest.mark.parametrize("old, new, needle, expected", [
    # folded like wordings: case, width and spacing do not make another name
    ("aliases: [sea mail, 船便]", "aliases: [sea mail, 船便, ＥＭＳ]", "aliases:",
     "'ＥＭＳ' already names service 'ems'"),
    ("{name: Surface,", "{name: Ems,", "surface: {name: Ems", "'Ems' already names service 'ems'"),
    ("aliases: [sea mail, 船便]", "aliases: [sea mail, '']", "aliases:", "expected text, got an empty string"),
    ("aliases: [sea mail, 船便]", "aliases: sea mail", "aliases:", "expected a list"),
])
def test_a_service_alias_names_one_service_only(old, new, needle, expected):
    source = broken(old, new)
    e = error_of(source)
    assert expected in str(e) and e.field.startswith("services.surface"), str(e)
    assert e.line == line_of(source, needle)


GUIDED = broken("    contacts: [shop]\n    support_reply: It was delivered.",
                "    guides:\n      - {page: help/delivered.md, text: {en: The checklist, ja: 確認リスト}}\n"
                "    contacts: [shop]\n    support_reply: It was delivered.")


def test_guides_load_and_round_trip(tmp_path):
    (tmp_path / "help").mkdir()
    (tmp_path / "help" / "delivered.md").write_text("# Delivered\n")
    c = cat.loads(GUIDED, docs_dir=tmp_path)
    (guide,) = c.stage("final-delivery").guides
    assert (guide.page, guide.url, guide.text.get("ja")) == ("help/delivered.md", "help/delivered/", "確認リスト")
    assert c.stage("posting-collection").guides == ()
    assert cat.load_json(c.to_json()) == c
    assert cat.Guide("index.md", guide.text).url == "" and cat.Guide("a/index.md", guide.text).url == "a/"


@pytest.mark.parametrize("page, expected", [
    ("../outside.md", "expected a page in docs/ like 'delivered-not-received.md'"),
    ("/abs/delivered.md", "expected a page in docs/"),
    ("help/delivered.html", "expected a page in docs/"),
    ("help/missing.md", "no page 'help/missing.md' in "),
])
def test_a_guide_must_be_a_page_in_docs(tmp_path, page, expected):
    (tmp_path / "help").mkdir()
    (tmp_path / "help" / "delivered.md").write_text("# Delivered\n")
    source = GUIDED.replace("page: help/delivered.md", f"page: {page}")
    with pytest.raises(cat.CatalogError) as info:
        cat.loads(source, docs_dir=tmp_path)
    e = info.value
    assert expected in str(e) and (e.stage, e.field) == ("final-delivery", "guides[0].page"), str(e)
    assert e.line == line_of(source, f"page: {page}")


def test_duplicate_wording_mapped_to_two_stages():
    # Width, case and a trailing full stop are folded: this is the same wording.
    source = broken("{text: Final delivery,", "{text: ＰＯＳＴＩＮＧ/collection.,")
    e = error_of(source)
    assert "already mapped to stage 'posting-collection'" in str(e)
    assert (e.stage, e.field) == ("final-delivery", "wordings[0].text")
    assert e.line == line_of(source, "ＰＯＳＴＩＮＧ")


def test_same_wording_at_both_ends_is_allowed_with_where():
    source = broken("{text: Final delivery, lang: en, source: japan-post}",
                    "{text: 引受, lang: ja, source: japan-post, where: destination}")
    assert cat.loads(source).stage("final-delivery").wordings[0].where == "destination"


def test_next_that_names_no_stage():
    source = broken("next: [final-delivery]", "next: [final-delivry]")
    e = error_of(source)
    assert "'next' names no stage: 'final-delivry' (did you mean 'final-delivery'?)" in str(e)
    assert e.field == "next[0]" and e.line == line_of(source, "final-delivry")


@pytest.mark.parametrize("value, expected", [
    ("soon", "expected a duration like '3 days'"),
    ("3 fortnights", "expected a duration like '3 days'"),
    ("10", "expected a duration like '3 days'"),
])
def test_bad_duration(value, expected):
    source = broken("ems: {normal: 2 days,", f"ems: {{normal: {value},")
    e = error_of(source)
    assert expected in str(e) and e.field == "silence.ems.normal"
    assert e.line == line_of(source, f"normal: {value}")


def test_act_after_shorter_than_normal():
    e = error_of(broken("act_after: 5 days", "act_after: 1 day"))
    assert "shorter than normal" in str(e) and e.field == "silence.ems.act_after"


def test_silence_must_cover_every_service():
    e = error_of(broken("      surface: {normal: 1 week, act_after: 3 weeks}\n", ""))
    assert "missing required field 'surface'" in str(e) and e.field == "silence.surface"


def test_terminal_stage_has_no_silence():
    source = broken("    terminal: true\n", "    terminal: true\n    silence: {}\n")
    assert "a terminal stage has no silence windows" in str(error_of(source))


@pytest.mark.parametrize("old, new, field", [
    ("    meaning: It was posted.", "    meaning: ''", "meaning"),
    ("    meaning: It was posted.", "    meaning:   ", "meaning"),
    ("support_reply: {en: It was posted.,", "support_reply: {en: '  ',", "support_reply.en"),
    ("{text: 引受,", "{text: '',", "wordings[1].text"),
    ('examples: ["2026/09/20 20:14 引受"]', 'examples: [""]', "examples[0]"),
])
def test_empty_text(old, new, field):
    e = error_of(broken(old, new))
    assert e.field == field
    assert "expected text" in str(e)


def test_text_that_yaml_reads_as_a_number_is_rejected():
    e = error_of(broken('examples: ["2026/09/20 20:14 引受"]', "examples: [20:14]"))
    assert "expected text, got a number" in str(e)


def test_unknown_reference_to_a_contact_or_source():
    e = error_of(broken("contacts: [shop]\n    silence", "contacts: [shopp]\n    silence"))
    assert "unknown contact 'shopp'" in str(e) and e.field == "contacts[0]"
    e = error_of(broken("{text: 引受, lang: ja, source: japan-post}", "{text: 引受, lang: ja, source: jp}"))
    assert "unknown source 'jp'" in str(e) and e.field == "wordings[1].source"


def test_source_scope_and_date_order_are_checked():
    e = error_of(broken("scope: journey", "scope: global"))
    assert "expected one of ['journey', 'national'], got 'global'" in str(e)
    assert e.field == "sources.japan-post.scope"
    e = error_of(broken("dates: month-first", "dates: us"))
    assert e.field == "sources.japan-post.dates"


def test_bad_upu_code_and_duplicate_code():
    e = error_of(broken("code: EMA", "code: EM1"))
    assert "three-letter UPU event code" in str(e)
    source = broken("    examples: [Final delivery]",
                    "    examples: [Final delivery]\n    upu: [{code: EMA, text: x}]")
    e = error_of(source)
    assert "UPU code EMA is already mapped to stage 'posting-collection'" in str(e)


def test_english_text_is_required_and_languages_are_declared():
    e = error_of(broken("support_reply: {en: It was posted., ja:", "support_reply: {ja:"))
    assert "missing the English text" in str(e)
    e = error_of(broken("support_reply: {en: It was posted., ja:", "support_reply: {en: x, fr:"))
    assert "unknown language 'fr'" in str(e) and e.field == "support_reply.fr"


def test_duplicate_key_in_one_block():
    source = broken("    order: 1\n", "    order: 1\n    order: 3\n")
    e = error_of(source)
    assert "key 'order' appears twice" in str(e) and e.line == line_of(source, "order: 3")


def test_wrong_kind_and_wrong_types():
    assert "expected one of ['journey', 'exception']" in str(error_of(broken("kind: journey", "kind: trip")))
    assert "expected a whole number" in str(error_of(broken("order: 1", "order: first")))
    assert "expected a list" in str(error_of(broken("contacts: [shop]\n    silence", "contacts: shop\n    silence")))


def test_empty_and_missing_file(tmp_path):
    assert "the file is empty" in str(error_of(""))
    with pytest.raises(cat.CatalogError, match="file not found"):
        cat.load(tmp_path / "nope.yaml")
    bad = tmp_path / "stages.yaml"
    bad.write_bytes(b"version: 1\n\xff\xfe")
    with pytest.raises(cat.CatalogError, match="not valid UTF-8"):
        cat.load(bad)


def test_json_copy_is_validated_too():
    data = json.loads(cat.loads(VALID).to_json())
    del data["stages"][0]["meaning"]
    with pytest.raises(cat.CatalogError, match="missing required field 'meaning'") as info:
        cat.load_json(json.dumps(data))
    assert info.value.file == "stages.json" and info.value.stage == "posting-collection"
    with pytest.raises(cat.CatalogError, match="invalid JSON"):
        cat.load_json("{")


def test_catalog_error_is_a_value_error():
    assert issubclass(cat.CatalogError, ValueError)


def test_real_file_has_every_required_stage(catalog):
    required = {
        "awaiting-pickup", "posting-collection", "arrival-outward-office", "dispatch-outward-office",
        "in-transit", "arrival-inward-office", "import-customs", "returned-from-customs",
        "departure-inward-office", "processing-delivery-office", "final-delivery",
        "customs-held", "delivery-attempted", "retention", "returned-to-sender",
    }
    assert required <= {s.id for s in catalog}
    source = (ROOT / "stages.yaml").read_text(encoding="utf-8")
    assert len(re.findall(r"(?m)^  - id:", source)) == len(catalog.stages)


# ---------------------------------------------------------------------------
# reading: the lexicon of actions, places, sides, offices and countries
# ---------------------------------------------------------------------------

READING = textwrap.dedent("""\
    reading:
      home: JP
      place_only: arrived
      actions:
        - id: arrived
          movement: arrives
          words: {en: [arrived, received], ja: [到着]}
          stages: {origin-post: posting-collection, delivery-office: final-delivery}
        - id: delivered
          usually: destination
          words: {en: [delivered], fr: [livré]}
          stages: {anywhere: final-delivery}
      places:
        exchange: {en: [office of exchange, outward office of exchange], ja: [国際交換局]}
        office: {en: [post office]}
      sides:
        origin: {en: [export, outward office of exchange]}
      offices:
        - {name: TOKYO INT, country: JP, role: exchange}
      countries:
        US: [USPS, アメリカ合衆国]
      regions:
        JP: [東京都]
      postcodes:
        JP: '\\d{3}-\\d{4}'
      hedges:
        en: [may be, will be]
      day_first: [fr]
      directions:
        to: {en: [bound for], zh: [发往]}
        from: {en: [from]}
    """)
WITH_READING = VALID + READING


def reading_broken(old: str, new: str) -> str:
    assert old in WITH_READING, f"test setup: {old!r} not in the reading sample"
    return WITH_READING.replace(old, new, 1)


def test_reading_section_loads_and_round_trips():
    c = cat.loads(WITH_READING)
    reading = c.reading
    assert [a.id for a in reading.actions] == ["arrived", "delivered"]
    arrived = reading.action("arrived")
    assert arrived.movement == "arrives" and arrived.usually is None
    assert reading.action("delivered").usually == "destination"
    assert (arrived.stage_at("origin-post"), arrived.stage_at("delivery-office"), arrived.stage_at("between")) == \
        ("posting-collection", "final-delivery", None)
    assert reading.action("delivered").stage_at("between") == "final-delivery"   # anywhere
    assert [(t.text, t.lang) for t in reading.action("delivered").words] == [("delivered", "en"), ("livré", "fr")]
    assert reading.offices[0].key == "tokyo int" and reading.home == "JP" and reading.place_only == "arrived"
    assert [t.text for t in reading.hedges] == ["may be", "will be"]
    assert reading.day_first == ("fr",)
    assert [(way, [t.text for t in terms]) for way, terms in reading.directions] == \
        [("to", ["bound for", "发往"]), ("from", ["from"])]
    assert cat.load_json(c.to_json()) == c
    with pytest.raises(KeyError, match="no action 'shipped'"):
        reading.action("shipped")


def test_a_catalog_without_reading_loads_with_an_empty_lexicon():
    assert cat.loads(VALID).reading == cat.Lexicon()


@pytest.mark.parametrize(("old", "new", "field", "expected"), [
    ("delivery-office: final-delivery}", "delivery-office: final-delivered}", "reading.actions.arrived.stages.delivery-office",
     "no stage 'final-delivered' (did you mean 'final-delivery'?)"),
    ("{origin-post: posting-collection,", "{origin-posts: posting-collection,", "reading.actions.arrived.stages",
     "unknown place 'origin-posts' (did you mean 'origin-post'?)"),
    ("{anywhere: final-delivery}", "{anywhere: final-delivery, origin-post: posting-collection}",
     "reading.actions.delivered.stages", "'anywhere' stands for every place"),
    ("words: {en: [delivered], fr: [livré]}", "words: {en: [delivered, arrived]}", "reading.actions.delivered.words.en",
     "'arrived' is already given in reading.actions.arrived.words"),
    ("    - id: delivered", "    - id: arrived", "reading.actions[1].id", "action 'arrived' is defined twice"),
    ("movement: arrives", "movement: sideways", "reading.actions.arrived.movement", "expected one of ['leaves', 'arrives']"),
    ("usually: destination", "usually: abroad", "reading.actions.delivered.usually",
     "expected one of ['origin', 'destination'], got 'abroad'"),
    ("words: {en: [delivered], fr: [livré]}", "words: {english: [delivered]}", "reading.actions.delivered.words",
     "expected a two-letter language code, got 'english'"),
    ("words: {en: [delivered], fr: [livré]}", "words: {en: []}", "reading.actions.delivered.words.en",
     "expected at least one entry"),
    ("words: {en: [delivered], fr: [livré]}", "words: {en: ['...']}", "reading.actions.delivered.words.en",
     "empty once case, width and punctuation are folded"),
    ("office: {en: [post office]}", "office: {en: [post office, export]}", "reading.places.office.en", None),
    ("office: {en: [post office]}", "depot: {en: [post office]}", "reading.places",
     "expected one of ['exchange', 'airport', 'sorting', 'office'], got 'depot'"),
    ("- {name: TOKYO INT, country: JP, role: exchange}", "- {name: TOKYO INT, country: XX, role: exchange}",
     "reading.offices[0].country", "expected an ISO 3166 country code like 'JP', got 'XX'"),
    ("- {name: TOKYO INT, country: JP, role: exchange}", "- {name: TOKYO INT, country: JP, role: hub}",
     "reading.offices[0].role", "expected one of"),
    ("US: [USPS, アメリカ合衆国]", "US: [USPS, 東京都]", "reading.regions.JP", "'東京都' is already given in reading.countries.US"),
    ("JP: '\\d{3}-\\d{4}'", "JP: '(\\d{3}'", "reading.postcodes.JP", "not a valid regular expression"),
    ("home: JP", "home: Japan", "reading.home", "expected an ISO 3166 country code"),
    ("  home: JP\n", "  hoem: JP\n", "reading.hoem", "unknown field 'hoem' (did you mean 'home'?)"),
    ("place_only: arrived", "place_only: scanned", "reading.place_only",
     "expected the id of an action of reading.actions, got 'scanned'"),
    ("en: [may be, will be]", "en: [may be, delivered]", "reading.hedges.en",
     "'delivered' is already given in reading.actions.delivered.words"),
    ("en: [may be, will be]", "en: [may be, will be]\n    fr: ['']", "reading.hedges.fr", "expected text, got an empty string"),
    ("from: {en: [from]}", "from: {en: [from, bound for]}", "reading.directions.from.en",
     "'bound for' is already given in reading.directions.to"),
    ("from: {en: [from]}", "towards: {en: [towards]}", "reading.directions",
     "expected one of ['to', 'from'], got 'towards'"),
    ("day_first: [fr]", "day_first: [French]", "reading.day_first", "expected a two-letter language code"),
], ids=["stage", "place", "anywhere-and-more", "word-twice", "action-twice", "movement", "usually", "language", "no-words",
        "empty-word", "place-and-side-ok", "role", "office-country", "office-role", "region-and-country",
        "postcode-regex", "home", "unknown-field", "place-only", "hedge-is-an-action", "empty-hedge",
        "direction-twice", "direction-unknown", "day-first-language"])
def test_a_mistake_in_reading_names_its_line_and_field(old, new, field, expected):
    source = reading_broken(old, new)
    if expected is None:   # a word may name a kind of place and a side at once
        cat.loads(source)
        return
    e = error_of(source)
    assert e.field == field and expected in e.problem, str(e)
    assert e.line is not None and str(e).startswith(f"stages.yaml:{e.line}:")


def test_inferred_marks_are_required_and_checked():
    e = error_of(broken('inferred: {label: probably, note: "Worked out, not read."}\n', ""))
    assert "missing required field 'inferred'" in str(e)
    e = error_of(broken('{label: probably, note: "Worked out, not read."}', "{label: probably}"))
    assert e.field == "inferred.note" and "missing required field 'note'" in str(e)


def test_a_source_country_is_checked():
    e = error_of(broken("japan-post: {name: Japan Post, scope: journey, dates: month-first}",
                        "japan-post: {name: Japan Post, scope: journey, dates: month-first, country: Japan}"))
    assert e.field == "sources.japan-post.country" and "ISO 3166" in str(e)


# ---------------------------------------------------------------------------
# Files YAML accepts that are still not a catalog (reference 08): named with a line, never
# a traceback
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, expected, needle", [
    # a list or a mapping as a key
    ("version: 1\n", "version: 1\n? [a, b]\n: x\n", "a key must be a plain name, got a list", "? [a, b]"),
    ("version: 1\n", "version: 1\n? {a: b}\n: x\n", "a key must be a plain name, got a mapping", "? {a: b}"),
    # yes/no are true/false in YAML 1.1: a key like NO (Norway) must be quoted
    ("  japan-post: {name: Japan Post", "  no: {name: Japan Post", "a key must be a plain name, got true/false",
     "  no: {name"),
    # blocks nested thousands deep (Python's stack would run out)
    ("version: 1\n", "version: 1\ndeep: " + "[" * 5000 + "]" * 5000 + "\n", "blocks nested more than 64 deep",
     "deep: [[["),
    # version must be the number 1, not true (which Python counts as 1)
    ("version: 1", "version: true", "expected version: 1, got True", "version: true"),
])
def test_yaml_that_is_not_a_catalog_is_named_with_its_line(old, new, expected, needle):
    source = broken(old, new)
    e = error_of(source)
    assert expected in str(e), str(e)
    assert e.line == line_of(source, needle)


def test_a_merge_key_is_not_a_duplicate():
    # YAML merge keys (<<) let an editor reuse a block; the block's own entry wins
    source = broken("contacts:\n  shop: {name: The shop, how: Email them.}",
                    "contacts:\n  shop: &shop {name: The shop, how: Email them.}\n  other: {<<: *shop, how: Call them.}")
    other = cat.loads(source).contact("other")
    assert (other.name.en, other.how.en) == ("The shop", "Call them.")
    twice = source.replace("how: Call them.}", "how: Call them., how: Write.}")
    e = error_of(twice)
    assert "key 'how' appears twice in the same block" in str(e) and e.line == line_of(twice, "other:")


def test_deep_json_is_named_not_a_traceback():
    with pytest.raises(cat.CatalogError) as info:
        cat.load_json("[" * 100_000 + "]" * 100_000)
    assert "nested more than" in str(info.value)


@pytest.mark.parametrize("lookup, ident, expected", [
    ("stage", "nowhere", "no stage 'nowhere'"), ("contact", "nobody", "no contact 'nobody'"),
    ("service", "teleport", "no service 'teleport'"), ("verdict", "maybe", "no verdict state 'maybe'"),
    ("source", "rumour", "no source 'rumour'"), ("destination_text", "never", "no destination text 'never'"),
])
def test_an_unknown_id_is_a_key_error_that_names_it(catalog, lookup, ident, expected):
    with pytest.raises(KeyError) as info:
        getattr(catalog, lookup)(ident)
    assert expected in str(info.value)


# ---------------------------------------------------------------------------
# Languages: every text in each language the site is built in
# ---------------------------------------------------------------------------

def test_a_built_language_needs_every_text_and_names_the_first_one_missing():
    c = cat.loads(VALID, language="en")
    assert c.stage("posting-collection").support_reply.get("ja") == "引き受けられました。"
    assert c.stage("final-delivery").title.get("ja") == "Delivered"     # not built in ja: English
    with pytest.raises(cat.CatalogError) as info:
        cat.loads(VALID, language="ja")
    e = info.value
    assert e.field == "services.ems.name" and e.line == line_of(VALID, "ems: {name: EMS")
    assert "no ja text (and " in e.problem and "untranslated: [ja]" in e.problem
    with pytest.raises(cat.CatalogError, match="not one of the catalog's languages"):
        cat.loads(VALID, language="ko")


def test_untranslated_marks_a_text_that_shows_the_english_on_purpose():
    source = broken("assumed_service: \"{service} (assumed)\"",
                    "assumed_service: {en: \"{service} (assumed)\", untranslated: [ja]}")
    c = cat.loads(source)
    assert c.assumed_service.get("ja") == "{service} (assumed)"
    assert dict(c.assumed_service.values) == {"en": "{service} (assumed)"}
    for wrong, problem in [("[ko]", "got 'ko'"), ("[en]", "got 'en'"), ("ja", "expected a list")]:
        e = error_of(source.replace("untranslated: [ja]", f"untranslated: {wrong}"))
        assert e.field == "assumed_service.untranslated" and problem in e.problem, str(e)


def test_missing_texts_lists_each_language_s_gaps_with_their_lines(tmp_path):
    path = tmp_path / "stages.yaml"
    path.write_text(VALID, encoding="utf-8")
    missing = cat.missing_texts(path)
    assert set(missing) == {"ja"}
    assert f"stages.yaml:{line_of(VALID, 'title: Delivered')}: title" in missing["ja"]
    assert not any("support_reply" in m and f":{line_of(VALID, '引き受けられました')}:" in m for m in missing["ja"])


def test_the_real_catalog_lacks_no_text_in_a_language_the_site_is_built_in():
    conftest.checker_hook()   # hooks/ on sys.path, as MkDocs puts it
    import languages
    missing = cat.missing_texts(ROOT / "stages.yaml")
    lacking = {lang: missing.get(lang, []) for lang in languages.built_languages(str(ROOT / "mkdocs.yml"))}
    assert lacking == {lang: [] for lang in lacking}


def test_ui_texts_keep_the_english_placeholders_in_every_language():
    source = VALID + 'ui:\n  since: {en: "{state} since {date}", ja: "{date}から{state}"}\n'
    assert cat.loads(source).ui_text("since").get("ja") == "{date}から{state}"
    e = error_of(source.replace("{date}から{state}", "{date}から"))
    assert e.field == "ui.since.ja" and "placeholders ['date']" in e.problem
    with pytest.raises(KeyError, match="no text 'until'"):
        cat.loads(source).ui_text("until")


def test_language_names_are_for_the_catalog_s_languages():
    c = cat.loads(VALID + "language_names: {en: English, ja: 日本語}\n")
    assert (c.language_name("ja"), c.language_name("en")) == ("日本語", "English")
    e = error_of(VALID + "language_names: {ko: 한국어}\n")
    assert e.field == "language_names.ko"
