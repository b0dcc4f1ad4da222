"""The catalog as open data (widget/jptrack/opendata.py): api/v1/catalog.json follows its
JSON Schema, carries every stage in every language with its wordings, UPU codes, pages and
silence windows, and the site publishes both files as the package makes them.
"""

from __future__ import annotations

import copy
import json
import re

import jsonschema
import pytest

import conftest
from jptrack import opendata

SITE = "https://help.example.com/"


@pytest.fixture(scope="module")
def validator():
    schema = opendata.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_open_catalog_follows_its_schema_and_holds_every_stage_in_every_language(catalog, validator):
    data = opendata.open_catalog(catalog, site_url=SITE)
    validator.validate(data)
    assert [s["id"] for s in data["stages"]] == [s.id for s in catalog]
    for stage, published in zip(catalog, data["stages"]):
        for lang in catalog.languages:
            assert published["title"][lang] == stage.title.get(lang)
            assert published["support_reply"][lang] == stage.support_reply.get(lang)
        assert [w["text"] for w in published["wordings"]] == [w.text for w in stage.wordings]
        assert [u["code"] for u in published["upu"]] == [u.code for u in stage.upu]
        assert published["windows"] == {service: {"normal_days": w.normal_days, "act_after_days": w.act_after_days}
                                        for service, w in stage.silence}
    us = catalog.destination("US")
    assert data["destinations"]["US"]["days"]["ems"]["days"] == list(us.days_for("ems").value)
    assert data["destinations"]["US"]["hold"]["checked"] == us.hold.checked


@pytest.mark.parametrize("damage, where", [
    (lambda d: d["stages"][0]["title"].pop("en"), "title"),
    (lambda d: d["stages"][1]["upu"].append({"code": "emc", "text": "x"}), "code"),
    (lambda d: d["destinations"]["US"]["hold"].pop("checked"), "checked"),
    (lambda d: d["stages"][2]["windows"].update(ems={"normal_days": "a week", "act_after_days": 14}), "normal_days"),
    (lambda d: d.update(api_version=2), "api_version"),
    (lambda d: d["stages"][0].update(surprise=True), "surprise"),
])
def test_the_schema_refuses_damaged_data(catalog, validator, damage, where):
    data = copy.deepcopy(opendata.open_catalog(catalog, site_url=SITE))
    damage(data)
    errors = list(validator.iter_errors(data))
    assert errors and any(where in (str(list(e.absolute_path)) + e.message) for e in errors), errors


def test_the_site_publishes_the_open_catalog_and_its_schema(built_site, catalog, validator):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    site = re.search(r'<link rel="canonical" href="([^"]+)"', home).group(1)
    published = (built_site / opendata.PUBLISHED).read_text(encoding="utf-8")
    languages = conftest.built_languages()
    assert published == opendata.to_json(catalog, site_url=site, built=languages)
    data = json.loads(published)
    validator.validate(data)
    assert json.loads((built_site / opendata.PUBLISHED_SCHEMA).read_text(encoding="utf-8")) == opendata.schema()
    for stage in data["stages"]:   # every page it points to was built
        assert set(stage["url"]) == set(languages)
        for url in stage["url"].values():
            assert (built_site / url[len(site):] / "index.html").is_file(), url
