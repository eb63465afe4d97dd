"""Every named entry decides at least its own class on every day its name is in force (a consistency check
of the rule files against the engine; the expected class and dates are each file's citation)."""

from __future__ import annotations

import datetime as dt

import pytest

from chem.legal import LegalEngine
from chem.legal.rules import CLASS_RANK, load_rules

RULES = load_rules()
TODAY = dt.date(2026, 11, 23)
CASES = []
for rule in RULES.rules:
    if rule.kind not in ("named", "tcdo") or rule.in_force is None:
        continue
    for entry in rule.entries:
        end = min(d for d in (rule.end, entry.end, TODAY + dt.timedelta(days=1)) if d is not None)
        if end <= rule.in_force:
            continue
        CASES.append(pytest.param(rule, entry, rule.in_force, id=f"{rule.id}:{entry.name}:first-day"))
        CASES.append(pytest.param(rule, entry, end - dt.timedelta(days=1), id=f"{rule.id}:{entry.name}:last-day"))


@pytest.fixture(scope="module")
def engine() -> LegalEngine:
    return LegalEngine(RULES)


@pytest.mark.parametrize(("rule", "entry", "day"), CASES)
def test_named_entry_is_controlled_while_in_force(engine, rule, entry, day):
    r = engine.classify(entry.smiles, day, ident=entry.name)
    if rule.kind == "tcdo":
        assert r["status"] in {"TCDO", "A", "B", "C"}, r
    else:
        assert CLASS_RANK.get(r["status"], 0) >= CLASS_RANK[rule.drug_class], r  # a higher class may win


def test_enough_named_cases():
    assert len(CASES) >= 300
