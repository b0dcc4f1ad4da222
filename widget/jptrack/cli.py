"""`jptrack`: classify pasted Japan Post tracking text from the command line (support staff).

    jptrack classify [FILE|-] [--json] [--explain] [--today YYYY-MM-DD] [--catalog PATH] [--shop PATH]
    jptrack batch FILE... [--csv] [--today YYYY-MM-DD] [--catalog PATH] [--shop PATH]
    jptrack batch --tickets tickets.csv [--text-column text] [--id-column id] --csv
    jptrack export --format zendesk|gorgias|freshdesk|csv [--lang LANG]... [--site-url URL] [--shop PATH] OUT
    jptrack refresh-acceptance FILE --date YYYY-MM-DD [--catalog PATH]   (maintainers)

A shop's own shop.yaml (beside stages.yaml, or --shop) makes the results and replies name the
shop and its contact, as the shop's site does.

Bad input never prints a traceback: one line on stderr and an exit code from `EXIT`.

>>> sorted(EXIT.values()) == list(range(11))
True
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date
from pathlib import Path

from . import __file__ as _package_file
from . import export
from .shop import SHOP_FILE, apply, load_shop
from .words import Words
from .catalog import CatalogError
from .classify import MAX_INPUT_CHARS, InputTooLong, check, cyclic_gc_paused

__all__ = ["main", "EXIT"]

EXIT = {
    "ok": 0,
    "internal": 1,
    "usage": 2,
    "file-unreadable": 3,
    "input-not-text": 4,
    "input-empty": 5,
    "input-too-long": 6,
    "catalog": 7,
    "batch-partial": 8,
    "acceptance": 9,
    "output-unwritable": 10,
}

_EPILOG = f"""exit codes:
  0  success
  1  internal error (please report it)
  2  bad command line
  3  input file missing or unreadable
  4  input is not text (NUL bytes or invalid UTF-8)
  5  input is empty
  6  input too long (limit: {MAX_INPUT_CHARS:,} characters)
  7  stages.yaml or shop.yaml missing or broken
  8  batch: some files could not be classified (their rows say why)
  9  refresh-acceptance: the file is not Japan Post's acceptance list
  10  export: the output file cannot be written
"""


class _Fail(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def default_catalog_path() -> Path:
    """The repo's stages.yaml next to the package, else the current directory's."""
    candidate = Path(_package_file).resolve().parents[2] / "stages.yaml"
    return candidate if candidate.exists() else Path.cwd() / "stages.yaml"


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--today", type=_iso_date, metavar="YYYY-MM-DD",
                        help="judge silences as of this date (default: today)")
    common.add_argument("--catalog", type=Path, metavar="PATH",
                        help="stages.yaml to use (default: the repo's)")
    common.add_argument("--to", type=_country, metavar="CC",
                        help="where the item goes (ISO code like CA), when the paste does not say")
    common.add_argument("--lang", default="en", metavar="LANG",
                        help="language of the stage texts and verdict (en, ja, zh-Hans, zh-Hant, ko; default en)")
    _shop_option(common)
    parser = argparse.ArgumentParser(
        prog="jptrack", description="Classify pasted Japan Post international tracking text.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("classify", parents=[common], epilog=_EPILOG,
                         formatter_class=argparse.RawDescriptionHelpFormatter,
                         help="classify one paste (a file, or - for standard input)")
    one.add_argument("file", nargs="?", default="-", help="file with the pasted text, or - (default)")
    one.add_argument("--json", action="store_true", help="print the result as one JSON object")
    one.add_argument("--explain", action="store_true",
                     help="say why each line got its stage (with --json: a `why` per event)")
    one.add_argument("--site-url", default="", metavar="URL",
                     help="the site's address, for the link to the stage page with the case (default: /stages/…)")
    many = sub.add_parser("batch", parents=[common], epilog=_EPILOG,
                          formatter_class=argparse.RawDescriptionHelpFormatter,
                          help="one row per paste, to triage a support inbox")
    many.add_argument("files", nargs="*", help="files with pasted text")
    many.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    many.add_argument("--tickets", type=Path, metavar="CSV",
                      help="a CSV export of tickets, one paste per row (instead of files)")
    many.add_argument("--text-column", default="text", metavar="NAME",
                      help="the --tickets column that holds the pasted tracking text (default: text)")
    many.add_argument("--id-column", metavar="NAME",
                      help="the --tickets column that names each row (default: the first column)")
    refresh = sub.add_parser(
        "refresh-acceptance", epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        help="turn a downloaded copy of Japan Post's acceptance list into stages.yaml's dated snapshot",
        description="Reads Japan Post's acceptance_countries.json (downloaded by hand from "
                    "post.japanpost.jp/service/send/oversea/information/json/acceptance_countries.json) and "
                    "rewrites the `acceptance:` section at the end of stages.yaml for the countries that have "
                    "a destinations: entry. Nothing is fetched.")
    refresh.add_argument("file", help="the downloaded acceptance_countries.json")
    refresh.add_argument("--date", type=_iso_date, required=True, metavar="YYYY-MM-DD",
                         help="the day the file was downloaded")
    refresh.add_argument("--catalog", type=Path, metavar="PATH", help="stages.yaml to update (default: the repo's)")
    out = sub.add_parser(
        "export", epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        help="write every stage's support reply as a helpdesk import file (nothing is sent anywhere)",
        description="Writes each stage's support reply, in each language, in the import format of a helpdesk: "
                    "Zendesk macros, Gorgias macros, Freshdesk canned responses, or a CSV "
                    "(stage_id, language, title, url, reply). Each reply greets the customer with the tool's own "
                    "first-name placeholder and ends with the stage page's link.")
    out.add_argument("out", help="the file to write, or - for standard output")
    out.add_argument("--format", required=True, choices=export.FORMATS, help="the helpdesk's format")
    out.add_argument("--lang", dest="langs", action="append", metavar="LANG",
                     help="a language to include (repeat, or comma-separated; default: every language)")
    out.add_argument("--site-url", default="", metavar="URL",
                     help="the site's address, for the stage links (default: links from the site's root, /stages/…)")
    out.add_argument("--folder-id", type=int, metavar="N", help="freshdesk: the canned-response folder's id")
    out.add_argument("--catalog", type=Path, metavar="PATH", help="stages.yaml to use (default: the repo's)")
    _shop_option(out)
    return parser


def _shop_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--shop", type=Path, metavar="PATH",
                        help=f"the shop's {SHOP_FILE}, whose name, contact and services the answers use "
                             f"(default: {SHOP_FILE} beside stages.yaml, if there is one)")


def _country(value: str) -> str:
    from .numbers import COUNTRIES

    code = value.strip().upper()
    if code not in COUNTRIES:
        raise argparse.ArgumentTypeError(f"expected a two-letter country code like CA or US, got {value!r}")
    return code


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-09-30, got {value!r}") from None


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0) if isinstance(e.code, int) else EXIT["usage"]
    try:
        catalog = _load_catalog(args.catalog)
        if getattr(args, "lang", "en") not in catalog.languages:
            raise _Fail("usage", f"--lang {args.lang}: not a language of the catalog; "
                                 f"use one of {', '.join(catalog.languages)}")
        if args.command != "refresh-acceptance":   # (that one rewrites stages.yaml: no shop in it)
            catalog = _with_shop(catalog, args)
        if args.command == "classify":
            return _classify(args, catalog)
        if args.command == "refresh-acceptance":
            return _refresh_acceptance(args, catalog)
        if args.command == "export":
            return _export(args, catalog)
        return _batch(args, catalog)
    except _Fail as e:
        _error(str(e))
        return EXIT[e.code]
    except BrokenPipeError:
        return EXIT["ok"]
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # never a traceback for support staff
        _error(f"internal error: {type(e).__name__}: {e}")
        return EXIT["internal"]


def _error(message: str) -> None:
    print(f"jptrack: {message}", file=sys.stderr)


def _load_catalog(path: Path | None):
    if path is None and not default_catalog_path().is_file():
        from . import default_catalog     # an installed wheel: its packaged catalog
        try:
            return default_catalog()
        except (OSError, CatalogError) as e:
            raise _Fail("catalog", f"catalog: the packaged catalog is missing or broken ({e}); "
                                   "pass --catalog stages.yaml") from None
    from . import load_catalog

    path = path or default_catalog_path()
    try:
        return load_catalog(path)
    except CatalogError as e:
        raise _Fail("catalog", f"catalog: {e}") from None
    except ImportError:
        raise _Fail("catalog", "reading stages.yaml needs PyYAML (pip install pyyaml)") from None
    except OSError as e:
        raise _Fail("catalog", f"catalog: cannot read {path}: {e.strerror}") from None


def _with_shop(catalog, args):
    """The catalog with the shop of --shop, or of shop.yaml beside the stages.yaml read; the
    shop's texts must exist in every language the command writes."""
    path = args.shop
    if path is None:
        source = args.catalog or default_catalog_path()
        path = Path(source).resolve().parent / SHOP_FILE
        if not path.is_file():
            return catalog
    asked = _export_languages(args) if args.command == "export" else [args.lang]
    try:
        shop = load_shop(path, catalog, languages=tuple(asked or ()))
        if not asked and shop.languages:   # export: the shop's site is built in these, its replies too
            shop = load_shop(path, catalog, languages=shop.languages)
            args.langs = list(shop.languages)
    except CatalogError as e:
        raise _Fail("catalog", f"shop: {e}") from None
    except ModuleNotFoundError:
        raise _Fail("catalog", f"reading {SHOP_FILE} needs PyYAML (pip install pyyaml)") from None
    return apply(catalog, shop)


def _export_languages(args) -> list[str] | None:
    return [x.strip() for given in (args.langs or []) for x in given.split(",") if x.strip()] or None


def _read(name: str) -> str:
    """Read a paste (a path, or - for stdin) as text; raise _Fail on anything unusable."""
    limit = MAX_INPUT_CHARS * 4 + 4  # bytes; UTF-8 needs at most 4 per character
    try:
        if name == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(name, "rb") as f:
                data = f.read(limit + 1)
    except FileNotFoundError:
        raise _Fail("file-unreadable", f"{name}: no such file") from None
    except IsADirectoryError:
        raise _Fail("file-unreadable", f"{name}: is a directory") from None
    except OSError as e:
        raise _Fail("file-unreadable", f"{name}: cannot read: {e.strerror}") from None
    if len(data) > limit:
        raise _Fail("input-too-long", f"{name}: input too long (limit {MAX_INPUT_CHARS:,} characters)")
    if b"\x00" in data:
        raise _Fail("input-not-text", f"{name}: binary data (NUL bytes), not pasted text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _Fail("input-not-text", f"{name}: not valid UTF-8 (byte {e.start})") from None
    if not text.strip():
        raise _Fail("input-empty", f"{name}: input is empty")
    return text


def _run(name: str, catalog, today, explain: bool = False, to: str | None = None, lang: str = "en") -> dict:
    return _check_text(name, _read(name), catalog, today, to, explain=explain, lang=lang)


def _classify(args, catalog) -> int:
    result = _run(args.file, catalog, args.today, explain=args.explain, to=args.to, lang=args.lang)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(report(result, Words(catalog, args.lang), explain=args.explain, site_url=args.site_url))
    return EXIT["ok"]


def _batch(args, catalog) -> int:
    if bool(args.files) == bool(args.tickets):
        raise _Fail("usage", "batch: give either files with pastes or --tickets CSV")
    pastes = _ticket_pastes(args) if args.tickets else [(name, None) for name in args.files]
    rows, failed = [], False
    for name, text in pastes:
        try:
            result = _run(name, catalog, args.today, to=args.to, lang=args.lang) if text is None else \
                _check_text(name, text, catalog, args.today, args.to, lang=args.lang)
        except _Fail as e:
            _error(str(e))
            failed = True
            rows.append([name, "", "", f"error: {e.code}", "", "", ""])
            continue
        number = next((n["number"] for n in result["tracking_numbers"]), "")
        v = result["verdict"]
        place = result.get("destination") or {}
        expected = result.get("expected") or {}
        rows.append([name, number, result["current_stage"] or "", v["state"], v["act_from"] or "",
                     place.get("country", ""), expected.get("to", "")])
    header = ["ticket" if args.tickets else "file", "tracking_number", "current_stage", "state", "act_from",
              "destination", "expected_by"]
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    else:
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
    return EXIT["batch-partial"] if failed else EXIT["ok"]


def _ticket_pastes(args) -> list[tuple[str, str]]:
    """(row id, pasted text) of each row of a helpdesk's CSV export."""
    try:
        with args.tickets.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            columns = reader.fieldnames or []
            if args.text_column not in columns or (args.id_column and args.id_column not in columns):
                missing = args.text_column if args.text_column not in columns else args.id_column
                raise _Fail("usage", f"{args.tickets}: no column {missing!r}; its columns are {columns}")
            ident = args.id_column or columns[0]
            return [(row.get(ident) or f"row {i}", row.get(args.text_column) or "")
                    for i, row in enumerate(reader, 2)]
    except OSError as e:
        raise _Fail("file-unreadable", f"{args.tickets}: {e.strerror or e}") from None
    except (UnicodeDecodeError, csv.Error) as e:
        raise _Fail("input-not-text", f"{args.tickets}: not a UTF-8 CSV file ({e})") from None


def _check_text(name: str, text: str, catalog, today, to, *, explain: bool = False, lang: str = "en") -> dict:
    if not text.strip():
        raise _Fail("input-empty", f"{name}: the paste is empty")
    try:
        with cyclic_gc_paused():    # this process is ours
            return check(text, catalog, today=today, explain=explain, destination=to, lang=lang)
    except InputTooLong as e:
        raise _Fail("input-too-long", f"{name}: {e}") from None


def _export(args, catalog) -> int:
    langs = _export_languages(args)
    if args.site_url and not args.site_url.startswith(("https://", "http://")):
        raise _Fail("usage", f"--site-url {args.site_url}: expected an address like https://help.example.com/")
    if args.folder_id is not None and args.format != "freshdesk":
        raise _Fail("usage", "--folder-id is for --format freshdesk only")
    try:
        text = export.render(catalog, args.format, languages=langs, site_url=args.site_url, folder_id=args.folder_id)
    except ValueError as e:
        raise _Fail("usage", f"--lang: {e}") from None
    if args.out == "-":
        sys.stdout.write(text)
        return EXIT["ok"]
    try:
        # newline="": the CSV's own CRLF row ends, as RFC 4180 has them
        with open(args.out, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    except OSError as e:
        raise _Fail("output-unwritable", f"{args.out}: cannot write: {e.strerror or e}") from None
    count = len(export.replies(catalog, args.format, languages=langs))
    print(f"{args.out}: {count} replies for {args.format}", file=sys.stderr)
    return EXIT["ok"]


def _refresh_acceptance(args, catalog) -> int:
    from . import acceptance
    from .catalog import loads

    path = args.catalog or default_catalog_path()
    try:
        rows = acceptance.load_rows(Path(args.file).read_text(encoding="utf-8-sig"))
        countries, unmatched = acceptance.read_rows(rows, acceptance.names_to_codes(catalog))
    except OSError as e:
        raise _Fail("file-unreadable", f"{args.file}: {e.strerror or e}") from None
    except (UnicodeDecodeError, acceptance.AcceptanceError) as e:
        raise _Fail("acceptance", f"{args.file}: {e}") from None
    missing = sorted({d.code for d in catalog.destinations} - set(countries) - {"JP"})
    if not countries:
        raise _Fail("acceptance", f"{args.file}: no row matched a destination of {path.name}")
    source = (f"Japan Post's acceptance list (post.japanpost.jp/service/send/oversea/information/json/"
              f"acceptance_countries.json), downloaded {args.date.isoformat()}")
    text = acceptance.replace_section(path.read_text(encoding="utf-8"),
                                      acceptance.section(countries, date=args.date.isoformat(), source=source))
    try:
        new = loads(text, file=path.name)    # never write a catalog that would not load
    except CatalogError as e:
        raise _Fail("catalog", f"catalog: {e}") from None
    old = catalog.acceptance
    for code, row in sorted(countries.items()):
        for column, state in row.items():
            before = old.state(code, column) if old else None
            if before != state:
                print(f"{code} {column}: {before or '-'} → {state}")
    path.write_text(text, encoding="utf-8")
    print(f"{path}: acceptance list of {new.acceptance.date} for {len(countries)} countries"
          + (f"; not in the file: {', '.join(missing)}" if missing else ""))
    return EXIT["ok"]


def share_url(result: dict, site_url: str = "") -> str:
    """The result's case link (stages/<id>/#since=…) on the site, in the result's language."""
    from .export import language_folder

    folder = language_folder(result.get("language") or "en")
    base = (site_url.rstrip("/") + "/") if site_url else "/"
    return base + (f"{folder}/" if folder else "") + result["case_link"]


def _destination_lines(notes: dict, t) -> list[str]:
    checked = lambda fact: t("checker_checked", month=t.month(fact["checked"]))  # noqa: E731
    out = []
    if notes.get("expected_unknown"):
        out.append(t("summary_expected", text=notes["expected_unknown"]["text"]))
    hold = notes.get("collect_by")
    if hold:
        out.append(f"{t('summary_collect', text=hold['message'])} {checked(hold)}")
    if notes.get("duty"):
        out.append(f"{t('report_customs', text=notes['duty']['text'])} {checked(notes['duty'])}")
    if notes.get("acceptance"):
        out.append(f"{t('report_japan_post', text=notes['acceptance']['text'])} {checked(notes['acceptance'])}")
    return out


def report(result: dict, t, *, explain: bool = False, site_url: str = "") -> str:
    """The readable report, in the language of `t` (jptrack.words.Words: stages.yaml's ui:
    texts, shared with the checker): current stage, verdict, route, tracking numbers, then
    every event line. A stage read from the line's action and place rather than an exact
    wording is marked with stages.yaml's `inferred.label`; with explain, each line says why.
    Stage ids, states and service ids stay as they are: staff search and filter by them."""
    out = []
    current = result["current"]
    mark = f" ({result['inferred']['label']})" if result.get("inferred") else ""
    probably = mark if result.get("current_basis") == "inferred" else ""
    out.append(t("report_current", stage=f"{current['title']} ({current['id']}){probably}") if current else
               t("report_not_recognised"))
    v = result["verdict"]
    verdict = t("report_verdict", label=v["label"], state=v["state"])
    out.append(f"{verdict}, {t('report_act_from', date=t.long_date(v['act_from']))}" if v["act_from"] else verdict)
    if result.get("case_link"):   # the stage page with the case in its fragment, for a reply
        out.append(t("report_link", url=share_url(result, site_url)))
    service = result.get("service")
    if service:
        name = t("checker_assumed", service=service["name"]) if service["assumed"] else service["name"]
        out.append(t("checker_service", service=name))
        if service.get("note"):
            out.append(f"  {service['note']}")
    destination = result.get("destination")
    if result.get("origin") or destination:
        to = f"{destination['country']} ({destination['name']})" if destination else "?"
        out.append(t("report_route", origin=result.get("origin") or "?", to=to))
    if destination and destination.get("post"):
        out.append(t("report_post", post=destination["post"], url=destination["tracking_url"]))
    expected = result.get("expected")
    if expected:
        out.append(f"{t('summary_expected', text=expected['message'])} "
                   f"{t('checker_checked', month=t.month(expected['checked']))}")
    if v["contacts"]:
        out.append(t("report_contact", ids=", ".join(v["contacts"])))
    out.append(f"  {v['message']}")
    out.extend(_destination_lines(result.get("destination_notes") or {}, t))
    for link in result.get("tracking_links") or []:
        language = f" ({link['language']})" if link.get("language") else ""
        out.append(t("report_track_at", post=link["post"], language=language, url=link["url"]))
    out.append(t("report_numbers") if result["tracking_numbers"] else t("report_no_numbers"))
    for n in result["tracking_numbers"]:
        out.append(f"  {n['number']}  {t('checker_valid') if n['valid'] else t('checker_mistyped')}  {n['message']}")
    out.append(t("report_lines"))
    for e in result["events"]:
        stage = e["stage"] or f"?? {t('checker_not_recognised')}"
        if e.get("basis") == "inferred":
            stage += mark
        out.append(f"  {e['line']:>4}  {e['time'] or '-':16}  {stage:39}  {e['text'][:100]}")
        if explain and e.get("why"):
            out.append(f"  {'':>4}  {'':16}  {t('report_why', text=e['why'])}")
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
