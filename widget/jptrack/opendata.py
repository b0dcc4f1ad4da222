"""The catalog as open data: what a shop's bot or another tool may reuse, in a stable shape
with a JSON Schema (catalog.schema.json, beside this file), published with the site as
api/v1/catalog.json and api/v1/catalog.schema.json.

Every stage in every language, with its wordings as tracking pages print them, its UPU
event codes, its page in each language, whom to contact, and how long a silence is normal
for each service (in days); Japan Post's services with their dated changes; the destinations
with their post, hold period, duty and days by service, each fact with its source and the
month it was checked. A breaking change to this shape is a new API_VERSION (api/v2/).

>>> from pathlib import Path
>>> from jptrack.catalog import load
>>> data = open_catalog(load(Path(__file__).parents[2] / 'stages.yaml'), site_url='https://help.example/')
>>> data['api_version'], data['stages'][0]['url']['ja'].startswith('https://help.example/ja/stages/')
(1, True)
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from .catalog import Catalog
from .export import stage_path

API_VERSION = 1
SCHEMA_FILE = "catalog.schema.json"
# Where the site publishes them (api/v1/…): a new API_VERSION gets a folder of its own.
PUBLISHED = f"api/v{API_VERSION}/catalog.json"
PUBLISHED_SCHEMA = f"api/v{API_VERSION}/{SCHEMA_FILE}"


def schema() -> dict[str, Any]:
    """The JSON Schema that open_catalog's output follows."""
    return json.loads(resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


def open_catalog(catalog: Catalog, *, site_url: str = "", built=None) -> dict[str, Any]:
    """The published data (site_url: the site's address, for each stage page's link; built:
    the languages the site has pages in, by default all of the catalog's)."""
    full = catalog.to_dict()
    base = site_url if not site_url or site_url.endswith("/") else site_url + "/"
    stages = []
    for stage, data in zip(catalog.stages, full["stages"]):
        data = {k: v for k, v in data.items() if k not in ("silence", "guides", "destination_notes")}
        data["url"] = {lang: (base or "/") + stage_path(stage.id, lang) for lang in built or catalog.languages}
        data["windows"] = {service: {"normal_days": w.normal_days, "act_after_days": w.act_after_days}
                           for service, w in stage.silence}
        stages.append(data)
    destinations = full.get("destinations", {})
    for place in catalog.destinations:   # day ranges as numbers: [fewest, most]
        for service, fact in place.days:
            _numeric_days(destinations[place.code]["days"][service], fact)
    services = full["services"]
    for service in catalog.services:
        for name in ("days", "buffer"):
            if getattr(service, name):
                _numeric_days(services[service.id][name], getattr(service, name))
    return {
        "$schema": SCHEMA_FILE,
        "api_version": API_VERSION,
        "catalog_version": full["version"],
        "languages": full["languages"],
        "language_names": full.get("language_names", {}),
        "sources": full["sources"],
        "contacts": full["contacts"],
        "services": services,
        "destinations": destinations,
        "stages": stages,
    }


def _numeric_days(data: dict, fact) -> None:
    value = fact.value
    data["days"] = list(value) if isinstance(value, tuple) else value


def to_json(catalog: Catalog, *, site_url: str = "", built=None) -> str:
    return json.dumps(open_catalog(catalog, site_url=site_url, built=built), ensure_ascii=False, indent=1) + "\n"
