"""The shop whose site this is: `shop.yaml` beside stages.yaml (shop.example.yaml shows every field).

stages.yaml is the shared catalog of stages, facts and advice, maintained for every shop;
shop.yaml is one shop's own: its name, logo, colours, contact, the languages it serves, the
services it ships with, and its policies. Kept apart, a shop takes a newer stages.yaml without
touching its own file. Without shop.yaml the site is neutral ("the shop you bought from").

`apply(catalog, shop)` puts the shop into the catalog, so every output has it: the "shop"
contact becomes the shop by name with its email, form and hours (stage pages, the checker's
result, the verdict's "contact …"), the services it ships with are the ones the checker
assumes among, and the pages show its policies (hooks/stages.py).

>>> from pathlib import Path
>>> from jptrack.catalog import load
>>> root = Path(__file__).parents[2]
>>> catalog = load(root / 'stages.yaml')
>>> shop = load_shop(root / 'shop.example.yaml', catalog)
>>> shop.name.en, apply(catalog, shop).contact('shop').name.en
('Example Tea Shop', 'Example Tea Shop')
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from .catalog import Catalog, CatalogError, Text, _line_loader, _Validator
from .words import Words

SHOP_CONTACT = "shop"        # the catalog's contact that a shop replaces
SHOP_FILE = "shop.yaml"      # beside stages.yaml (and mkdocs.yml)
POLICIES = ("inquiry", "reship", "returns", "refused_duty")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_CONTRAST = 4.5           # WCAG AA for body text: white header text, links in the shop's colour


@dataclass(frozen=True)
class Shop:
    name: Text
    email: str | None = None
    form: str | None = None
    hours: Text | None = None
    logo: str | None = None              # a file under docs/
    primary: str | None = None           # "#2e7d32"
    accent: str | None = None
    languages: tuple[str, ...] = ()      # the languages the site is built in (default: mkdocs.yml's)
    services: tuple[str, ...] = ()       # the services it ships with (default: any)
    policies: tuple[tuple[str, Text], ...] = ()

    def policy(self, key: str) -> Text | None:
        return dict(self.policies).get(key)


def load_shop(path: str | Path, catalog: Catalog, *, docs_dir: str | Path | None = None,
              languages: tuple[str, ...] = ()) -> Shop:
    """Read and check shop.yaml against the catalog; CatalogError with file and line on any problem.
    Every text but the name must be in each of `languages` (those the site or command writes)."""
    import yaml

    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError("file not found", file=str(path)) from None
    except UnicodeDecodeError as e:
        raise CatalogError(f"not valid UTF-8 ({e.reason} at byte {e.start})", file=path.name) from None
    try:
        data = yaml.load(source, Loader=_line_loader(yaml, path.name))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise CatalogError(f"YAML syntax error: {e.problem or e.context}", file=path.name,
                           line=mark.line + 1 if mark else None) from None
    reader = _ShopReader(path.name, catalog, docs_dir)
    shop = reader.shop(data)
    lacking = [(lang, line, where) for lang, line, where in reader.lacking if lang in languages and where != "name"]
    if lacking:
        lang, line, where = min(lacking, key=lambda lack: languages.index(lack[0]))
        raise CatalogError(f"no {lang} text; the site is built in {lang}: write it", file=path.name,
                           line=line, field=where)
    return shop


class _ShopReader(_Validator):
    def __init__(self, file: str, catalog: Catalog, docs_dir):
        super().__init__(file, docs_dir)
        self.known = catalog

    def shop(self, data) -> Shop:
        langs = self.known.languages
        data = self.mapping(data, None, None, "", {
            "name": True, "contact": True, "logo": False, "colors": False, "languages": False,
            "services": False, "policies": False})
        contact = self.mapping(data["contact"], data, "contact", "contact",
                               {"email": False, "form": False, "hours": False})
        if not contact.get("email") and not contact.get("form"):
            self.fail("give at least one way to reach the shop: 'email' or 'form'", data, "contact", "contact")
        email = self.string(contact["email"], contact, "email", "contact.email") if "email" in contact else None
        if email and not _EMAIL.match(email):
            self.fail(f"expected an email address like support@example.com, got {email!r}",
                      contact, "email", "contact.email")
        form = self.string(contact["form"], contact, "form", "contact.form") if "form" in contact else None
        if form and not form.startswith("https://"):
            self.fail(f"expected an https:// address, got {form!r}", contact, "form", "contact.form")
        hours = self.text(contact["hours"], contact, "hours", "contact.hours", langs) if "hours" in contact else None
        shop = Shop(
            name=self.text(data["name"], data, "name", "name", langs), email=email, form=form, hours=hours,
            logo=self._logo(data), **self._colors(data), languages=self._languages(data),
            services=self._services(data), policies=self._policies(data))
        return shop

    def _logo(self, data) -> str | None:
        if "logo" not in data:
            return None
        logo = self.string(data["logo"], data, "logo", "logo")
        if self.docs_dir is not None and not (self.docs_dir / logo).is_file():
            self.fail(f"no file docs/{logo}; put the logo under docs/ and give its path from there",
                      data, "logo", "logo")
        return logo

    def _colors(self, data) -> dict:
        if "colors" not in data:
            return {}
        colors = self.mapping(data["colors"], data, "colors", "colors", {"primary": True, "accent": False})
        out = {}
        for name in ("primary", "accent"):
            if name not in colors:
                continue
            value = self.string(colors[name], colors, name, f"colors.{name}")
            if not _COLOR.match(value):
                self.fail(f"expected a colour like '#2e7d32', got {value!r}", colors, name, f"colors.{name}")
            ratio = contrast(value, "#ffffff")
            if ratio < MIN_CONTRAST:
                self.fail(f"{value} against white is {ratio:.1f}:1; text and links need {MIN_CONTRAST}:1 "
                          "(WCAG AA): choose a darker colour", colors, name, f"colors.{name}")
            out[name] = value.lower()
        return out

    def _languages(self, data) -> tuple[str, ...]:
        if "languages" not in data:
            return ()
        langs = self.list_of(data["languages"], data, "languages", "languages")
        for i, lang in enumerate(langs):
            if lang not in self.known.languages:
                self.fail(f"expected one of the catalog's languages {list(self.known.languages)}, got {lang!r}",
                          langs, i, "languages")
        if "en" not in langs:
            self.fail("English must be one of them: it is the site's root and every text's fallback",
                      data, "languages", "languages")
        return tuple(langs)

    def _services(self, data) -> tuple[str, ...]:
        if "services" not in data:
            return ()
        services = self.list_of(data["services"], data, "services", "services")
        ids = [s.id for s in self.known.services]
        for i, service in enumerate(services):
            if service not in ids:
                self.fail(f"expected a service of stages.yaml ({', '.join(ids)}), got {service!r}",
                          services, i, "services")
        return tuple(services)

    def _policies(self, data) -> tuple[tuple[str, Text], ...]:
        if "policies" not in data:
            return ()
        policies = self.mapping(data["policies"], data, "policies", "policies", dict.fromkeys(POLICIES, False))
        return tuple((key, self.text(policies[key], policies, key, f"policies.{key}", self.known.languages))
                     for key in POLICIES if key in policies)


def apply(catalog: Catalog, shop: Shop | None) -> Catalog:
    """The catalog with the shop as its "shop" contact and its services; unchanged without a shop."""
    if shop is None:
        return catalog
    contacts = tuple(dataclasses.replace(c, name=shop.name, how=_how(catalog, shop)) if c.id == SHOP_CONTACT else c
                     for c in catalog.contacts)
    return dataclasses.replace(catalog, contacts=contacts, ships_with=shop.services)


def _how(catalog: Catalog, shop: Shop) -> Text:
    """How to reach the shop, in every language: its email, form and hours, then the catalog's
    reminder that only the sender can ask Japan Post for a search (ui: shop_*)."""
    texts = []
    for lang in catalog.languages:
        words = Words(catalog, lang)
        parts = [words("shop_email", email=shop.email) if shop.email else "",
                 words("shop_form", form=shop.form) if shop.form else "",
                 words("shop_hours", hours=shop.hours.get(lang)) if shop.hours else "",
                 words("shop_only_sender")]
        texts.append((lang, _join([p for p in parts if p])))
    return Text(tuple(texts))


def _join(sentences: list[str]) -> str:
    """Sentences run on after a full-width stop (Japanese, Chinese), with a space after any other."""
    out = ""
    for sentence in sentences:
        out += ("" if not out or out[-1] in "。！？：）」" else " ") + sentence
    return out


def contrast(one: str, other: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21).

    >>> round(contrast('#c00000', '#ffffff'), 1)
    6.5
    """
    def luminance(color: str) -> float:
        channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


__all__ = ["Shop", "load_shop", "apply", "contrast", "POLICIES"]
