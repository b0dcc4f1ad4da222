"""Every `examples:` line of every stage in stages.yaml classifies to that stage.

The examples are the catalog's own test vectors (like jkeen/tracking_number_data's
`test_numbers`): a content editor adding a wording adds a line here without touching Python.
"""

from __future__ import annotations

from datetime import date

import pytest

from conftest import ROOT
from jptrack.catalog import load
from jptrack.classify import check

CATALOG = load(ROOT / "stages.yaml")
CASES = [(stage.id, example) for stage in CATALOG for example in stage.examples]
IDS = [f"{stage.id}-{i}" for stage in CATALOG for i, _ in enumerate(stage.examples, 1)]


@pytest.mark.parametrize(("stage_id", "example"), CASES, ids=IDS)
def test_example_classifies_to_its_stage(stage_id, example):
    result = check(example, CATALOG, today=date(2026, 10, 1))
    assert result["current_stage"] == stage_id, result["events"]
    assert result["unrecognised"] == []


def test_every_stage_has_examples():
    assert all(stage.examples for stage in CATALOG)
