"""The intake fast paths (issue #10, third attempt) give exactly what the plain paths give:
column-wise bulk inserts, the structure memo shared with the synonym table, the sold-as and date
memos, and the garbage-collector settings restored after intake."""

from __future__ import annotations

import datetime as dt
import gc
from typing import Any

import pytest
from sqlalchemy import select

from chem.errors import InvalidStructure
from chem.names import SynonymTable
from chem.standardise import StandardiseCache, standardise_smiles
from fews.bulk import bulk_insert
from fews.db import make_engine, make_session_factory, session_scope
from fews.models import Sample
from intake.build import BuildContext
from intake.kinds import get_kind
from intake.parsers.raw import RawRow
from intake.pipeline import _fewer_gc_passes
from intake.resolve import NameResolver
from intake.sold_as import assess_sold_as
from intake.validation.steps import CheckedRow, ValidationContext, step_dates

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def _sample(n: int, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "provider": "lab",
        "sample_id": f"S-{n}",
        "header_sha256": "0" * 64,
        "submitting_agency": "Police",
        "seizure_date": dt.date(2025, 1, 1 + n % 28),
        "jurisdiction": "england",
        "security_marking": "OFFICIAL",
    }
    row.update(values)
    return row


VARIANTS: list[dict[str, Any]] = [
    {},  # every optional column left to its default
    {"received_date": dt.date(2025, 2, 3), "sold_as_mismatch": True, "warnings": [{"code": "x", "line": 3}]},
    {"received_date": None, "sold_as_mismatch": False, "warnings": [], "extra": {}},
    {"is_current": False, "version": 2, "extra": {"colour": "blue"}, "purity_text": None},
    {"created_at": NOW, "sold_as_mismatch": None, "case_reference": None},
]


def _read(factory: Any, ids: list[int]) -> list[dict[str, Any]]:
    with session_scope(factory) as s:
        rows = s.execute(select(Sample.__table__).where(Sample.id.in_(ids)).order_by(Sample.id)).mappings().all()
        return [{k: v for k, v in r.items() if k not in ("id", "provider", "created_at")} for r in rows]


def test_bulk_insert_stores_what_the_orm_stores(database_url):
    """Rows that give different sets of columns (defaults filled, explicit None kept, JSON, dates,
    flags) read back the same whether written by ``bulk_insert`` or by the ORM one by one."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    variants = [{k: v for k, v in v.items() if k != "purity_text"} for v in VARIANTS]
    bulk_rows = [_sample(i, id=100 + i, **v) for i, v in enumerate(variants)]
    with session_scope(factory) as s:
        bulk_insert(s, Sample.__table__, bulk_rows)
        for i, v in enumerate(variants):
            s.add(Sample(**_sample(i, id=200 + i, **{"provider": "orm", **v})))
    ids = range(len(variants))
    assert _read(factory, [100 + i for i in ids]) == _read(factory, [200 + i for i in ids])
    same_columns = [
        _sample(i, id=300 + i, provider="lab3", **variants[1]) for i in range(3)
    ]  # every row gives every column
    with session_scope(factory) as s:
        bulk_insert(s, Sample.__table__, same_columns)
        for i in range(3):
            s.add(Sample(**_sample(i, id=400 + i, **{"provider": "orm3", **variants[1]})))
    assert _read(factory, [300, 301, 302]) == _read(factory, [400, 401, 402])
    with session_scope(factory) as s:  # a default computed once per call is still a value per row
        created = s.scalars(select(Sample.created_at).where(Sample.id.in_([100, 101]))).all()
    assert all(c is not None for c in created)
    engine.dispose()


def test_bulk_insert_refuses_unknown_columns(database_url):
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with pytest.raises(ValueError, match="unknown column"):
        with session_scope(factory) as s:
            bulk_insert(s, Sample.__table__, [_sample(1, id=1, colour="blue")])
    engine.dispose()


def test_structure_memo_gives_the_standardised_structure_and_shares_synonym_targets():
    table = SynonymTable.default()
    target = next(s.target for s in table if s.maps_to == "substance")
    cache = StandardiseCache()
    ctx = ValidationContext(today=dt.date(2026, 1, 1), structures=cache, table=table)
    got = ctx.structure(target)
    assert got == standardise_smiles(target)
    assert table.structure_for(target) is got  # standardised once, kept by the table for its index
    assert cache.stats["misses"] == 0
    other = "CCN(CC)C(=O)C1CN(C)C2CC3=CNC4=CC=CC(=C34)C2=C1"
    assert ctx.get(other) == standardise_smiles(other)
    assert ctx.structure(other) is ctx.structure(other)
    assert cache.stats["misses"] == 1  # not a synonym target: the ingest's cache
    reasons = set()
    for _ in range(2):  # an invalid SMILES raises each time, with the same reason
        with pytest.raises(InvalidStructure) as info:
            ctx.structure("C1CC((")
        reasons.add((info.value.code, info.value.reason))
    assert len(reasons) == 1


def test_structure_memo_without_tautomers_does_not_borrow_the_tables_structures():
    table = SynonymTable.default()
    target = next(s.target for s in table if s.maps_to == "substance")
    cache = StandardiseCache(tautomer=False)
    ctx = ValidationContext(today=dt.date(2026, 1, 1), structures=cache, table=table)
    assert ctx.structure(target) == standardise_smiles(target, tautomer=False)
    assert cache.stats["misses"] == 1


def test_sold_as_memo_gives_the_plain_verdict():
    resolver = NameResolver(None, use_opsin=False)
    cache = StandardiseCache()
    mdma = standardise_smiles("CC(Cc1ccc2c(c1)OCO2)NC")
    caffeine = standardise_smiles("Cn1cnc2c1c(=O)n(C)c(=O)n2C")
    bctx = BuildContext(structures=cache, names={}, sold_as_lookup=resolver.synonym_only, security_marking="O")
    cases = [
        ("MDMA", [("MDMA", mdma)]),
        ("MDMA", [("caffeine", caffeine)]),
        ("MDMA tablets", [("MDMA", mdma), ("caffeine", caffeine)]),
        ("spice", [("unnamed", None)]),
        (None, []),
        ("ecstasy", [("unknown", None)]),
    ]
    for _ in range(2):  # second round from the memo
        for label, found in cases:
            assert bctx.sold_as(label, found) == assess_sold_as(label, found, resolver.synonym_only, cache)


def test_date_memo_keeps_reasons_and_values():
    spec = get_kind("seizures")
    ctx = ValidationContext(today=dt.date(2026, 1, 1), structures=StandardiseCache())
    for _ in range(2):
        good = CheckedRow(RawRow(line=2, data={"seizure_date": "2025-03-04", "received_date": "2025-03-01"}))
        issues = step_dates(good, spec, ctx)
        assert good.values["seizure_date"] == dt.date(2025, 3, 4)
        assert [i.detail for i in issues] == ["received_date 2025-03-01 is before seizure_date 2025-03-04"]
        bad = CheckedRow(RawRow(line=3, data={"seizure_date": "2025-02-30", "received_date": "4/3/2025"}))
        details = [i.detail for i in step_dates(bad, spec, ctx)]
        assert details == [
            "'2025-02-30' is not a real calendar date",
            "'4/3/2025' is not an ISO 8601 date (YYYY-MM-DD)",
        ]


def test_gc_settings_are_restored_after_intake():
    before = gc.get_threshold()
    with _fewer_gc_passes():
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] >= 50_000
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError):
        with _fewer_gc_passes():
            raise RuntimeError("boom")
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before
