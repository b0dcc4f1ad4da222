"""The shop whose site this is (shop.yaml, jptrack.shop, hooks/shop.py): a broken file stops
with file, line and field; a shop's name, contact and policies reach every page that needs
them and the checker; its languages are the ones built; without shop.yaml the site is neutral.

Expected texts come from the shop file and the catalog, never from literals here.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, build_site
from jptrack import shop as shop_module
from jptrack.catalog import CatalogError
from jptrack.classify import check
from test_site import _project_copy

EXAMPLE = ROOT / "shop.example.yaml"
LOGO = "assets/images/sakura-ceramics.svg"
# A second shop, unlike the example: two languages, one service, its own colour.
SECOND = {
    "name": "Sakura Ceramics",
    "contact": {"form": "https://sakura-ceramics.example/help",
                "hours": {"en": "every day, 9:00–18:00 Japan time", "ja": "毎日9:00〜18:00（日本時間）"}},
    "colors": {"primary": "#1f4e79"},
    "languages": ["en", "ja"],
    "services": ["ems"],
    "policies": {
        "inquiry": {"en": "We ask Japan Post to search after 21 days without news.",
                    "ja": "更新がないまま21日たった場合、当店が日本郵便に調査を依頼します。"},
        "reship": {"en": "A lost parcel is reshipped at once, at our cost.",
                   "ja": "紛失した荷物は、当店の負担ですぐに再発送します。"},
    },
}


def _write(tmp_path: Path, data: dict | str) -> Path:
    path = tmp_path / "shop.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_example_shop_becomes_the_catalog_shop_contact_in_every_language(catalog):
    shop = shop_module.load_shop(EXAMPLE, catalog)
    own = shop_module.apply(catalog, shop)
    contact = own.contact(shop_module.SHOP_CONTACT)
    for lang in catalog.languages:
        assert contact.name.get(lang) == shop.name.get(lang)
        how = contact.how.get(lang)
        assert shop.email in how and shop.form in how and shop.hours.get(lang) in how
        assert catalog.ui_text("shop_only_sender").get(lang) in how
    assert own.ships_with == shop.services
    assert shop_module.apply(catalog, None) is catalog


def test_the_checker_names_the_shop_and_assumes_among_its_services(catalog, tmp_path):
    paste = "2026/09/20 20:14 引受 新宿郵便局 163-8799 東京都"   # no number, no service word
    neutral = check(paste, catalog, today=date(2026, 9, 21))
    assert neutral["verdict"]["service"] not in SECOND["services"]   # else the test proves nothing
    own = shop_module.apply(catalog, shop_module.load_shop(_write(tmp_path, SECOND), catalog))
    result = check(paste, own, today=date(2026, 9, 21))
    # the shop ships with EMS alone: a fact, not an assumption
    assert result["verdict"]["service"] == "ems" and result["service"]["assumed"] is False
    names = [c["name"] for c in result["current"]["contacts"]]
    assert SECOND["name"] in names


@pytest.mark.parametrize("change, field, says", [
    (lambda d: d["contact"].update(emial="x@example.com"), "contact.emial", "did you mean 'email'"),
    (lambda d: d["contact"].update(email="support at example"), "contact.email", "expected an email address"),
    (lambda d: d["contact"].update(form="http://sakura-ceramics.example/"), "contact.form", "https://"),
    (lambda d: d.update(contact={"hours": "always"}), "contact", "'email' or 'form'"),
    (lambda d: d["colors"].update(primary="#ff8080"), "colors.primary", "4.5:1"),
    (lambda d: d["colors"].update(primary="green"), "colors.primary", "a colour like"),
    (lambda d: d.update(languages=["ja", "ko"]), "languages", "English must be one of them"),
    (lambda d: d.update(languages=["en", "fr"]), "languages", "got 'fr'"),
    (lambda d: d.update(services=["ems", "pigeon"]), "services", "got 'pigeon'"),
    (lambda d: d["policies"].update(warranty="two years"), "policies.warranty", "unknown field"),
    (lambda d: d.pop("name"), "name", "missing required field 'name'"),
    (lambda d: d.update(logo="assets/none.svg"), "logo", "no file docs/assets/none.svg"),
])
def test_a_broken_shop_file_names_file_line_and_field(tmp_path, catalog, change, field, says):
    data = json.loads(json.dumps(SECOND))
    change(data)
    path = _write(tmp_path, data)
    with pytest.raises(CatalogError) as caught:
        shop_module.load_shop(path, catalog, docs_dir=ROOT / "docs")
    message = str(caught.value)
    assert message.startswith("shop.yaml:") and f"'{field}'" in message and says in message, message


def test_a_shop_text_missing_in_a_built_language_stops_that_language(tmp_path, catalog):
    data = json.loads(json.dumps(SECOND))
    del data["policies"]["reship"]["ja"]
    path = _write(tmp_path, data)
    shop_module.load_shop(path, catalog, languages=("en",))
    with pytest.raises(CatalogError, match=r"shop\.yaml:\d+: .*policies\.reship.*no ja text"):
        shop_module.load_shop(path, catalog, languages=("en", "ja"))


@pytest.fixture(scope="module")
def second_shop_site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("second-shop")
    project = _project_copy(tmp)
    shutil.copy(ROOT / "stages.yaml", project)
    logo = project / "docs" / LOGO
    logo.parent.mkdir(parents=True, exist_ok=True)
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><circle cx="4" cy="4" r="4"/></svg>',
                    encoding="utf-8")
    _write(project, {**SECOND, "logo": LOGO})
    return build_site(tmp / "site", project / "mkdocs.yml")


def _text(path: Path) -> str:
    return html.unescape(path.read_text(encoding="utf-8"))


def test_a_second_shop_site_has_its_name_contact_policies_and_languages(second_shop_site, catalog):
    site = second_shop_site
    # only the shop's languages are built
    assert (site / "ja" / "index.html").is_file()
    assert not [x for x in ("ko", "zh-hans", "zh-hant") if (site / x).exists()]
    for lang, root in (("en", site), ("ja", site / "ja")):
        name = SECOND["name"]
        home = _text(root / "index.html")
        assert catalog.ui_text("shop_site_name").get(lang).format(shop=name) in home
        assert catalog.ui_text("shop_copyright").get(lang).format(shop=name) in home
        stage = _text(root / "stages" / "customs-held" / "index.html")
        assert name in stage and SECOND["contact"]["form"] in stage and SECOND["contact"]["hours"][lang] in stage
        for page in ("inquiries", "delivered-not-received"):
            text = _text(root / page / "index.html")
            assert catalog.ui_text("shop_policies").get(lang).format(shop=name) in text
            for key, policy in SECOND["policies"].items():
                assert catalog.ui_text(f"policy_{key}").get(lang) in text and policy[lang] in text
        logo = re.search(r'<a href="[^"]*" title="[^"]*" class="md-header__button md-logo"[^>]*>\s*<img src="([^"]+)"',
                         home)
        assert logo and (root / logo.group(1)).resolve() == (root / LOGO).resolve(), lang
        assert (root / LOGO).is_file()
    css = (site / "assets" / "stylesheets" / "shop.css").read_text(encoding="utf-8")
    assert f"--md-primary-fg-color: {SECOND['colors']['primary']}" in css
    assert f"--jptrack-button: {SECOND['colors']['primary']}" in css   # the checker's button too
    checker = json.loads(next((site / "assets" / "checker").glob("stages-*.json")).read_text(encoding="utf-8"))
    assert checker["contacts"]["shop"]["name"]["en"] == SECOND["name"] and checker["ships_with"] == ["ems"]


def test_without_a_shop_file_the_site_is_neutral(built_site, catalog):
    shop = catalog.contact(shop_module.SHOP_CONTACT)
    stage = _text(built_site / "stages" / "customs-held" / "index.html")
    assert shop.name.en in stage
    for page in ("inquiries", "delivered-not-received"):
        text = _text(built_site / page / "index.html")
        assert "jp-shop-policy" not in text and "jptrack:shop-policies" not in text
    assert not (built_site / "assets" / "stylesheets" / "shop.css").exists()
    assert re.search(re.escape(catalog.ui_text("copyright").en), _text(built_site / "index.html"))
