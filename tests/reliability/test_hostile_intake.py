"""Hostile and broken files through the real intake pipeline (both engines): no input crashes the
process or hangs it, and every row the parser yields is stored or quarantined with a reason, exactly
once. Files that are not of the kind at all are refused whole, before anything is stored."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import func, select

from fews.models import IntakeBatch, QuarantineItem, Sample
from intake.parsers import FileError
from tests.reliability.hostile import accounted, cases, ingest_bytes, parsed_rows

TODAY = dt.date(2026, 11, 23)
HANG_LIMIT_SECONDS = 30  # a hang, not a performance target: the slowest case takes about 1 s

# what each case must give: a reason code among the quarantined rows, "refused" (FileError), or "ok"
EXPECTED = {
    "csv-utf8-bom": "ok",
    "csv-utf16-bom": "ok",
    "csv-utf16-no-bom": "invalid_character",
    "csv-utf32": "invalid_character",
    "csv-utf16-truncated": "encoding_error",
    "csv-latin1-row": "encoding_error",
    "csv-cp1252-smart-quotes": "encoding_error",
    "csv-nul-in-value": "invalid_character",
    "csv-nul-in-header": "invalid_character",
    "csv-huge-field": "malformed_row",
    "csv-huge-quoted-field": "malformed_row",
    "csv-over-long-label": "value_too_long",
    "csv-over-long-provider": "value_too_long",
    "csv-unterminated-quote": "malformed_row",
    "csv-cr-line-ends": "ok",
    "csv-ragged-rows": "malformed_row",
    "csv-10k-columns": "ok",
    "csv-formula-injection": "ok",
    "csv-script-payloads": "ok",
    "csv-control-chars": "ok",
    "csv-bidi-override": "ok",
    "csv-non-ascii-smiles": "unparsable_structure",
    "csv-random-binary": "encoding_error",
    "csv-header-only": "ok",
    "csv-empty": "refused",
    "csv-wrong-kind": "refused",
    "csv-report-free-text-script": "ok",
    "json-deep-array": "malformed_row",
    "json-deep-object": "malformed_row",
    "json-deep-top": "malformed_row",
    "json-huge-integer": "malformed_row",
    "json-huge-integer-across-reads": "malformed_row",
    "json-huge-exponent": "ok",
    "json-float-overflow": "ok",
    "json-nul-escape": "invalid_character",
    "json-not-objects": "malformed_row",
    "json-truncated": "malformed_row",
    "json-not-a-list": "refused",
    "json-lone-surrogate": "missing_required_field",
    "sdf-10k-atom-polycycle": "unparsable_structure",
    "sdf-10k-atom-chain": "unparsable_structure",
    "sdf-no-m-end": "missing_required_field",
    "sdf-bad-element": "unparsable_structure",
    "sdf-pentavalent-carbon": "unparsable_structure",
    "sdf-lying-counts": "unparsable_structure",
    "sdf-cp1252": "ok",
    "sdf-no-terminator": "ok",
    "sdf-binary": "invalid_character",
}
CASES = cases()


def test_every_case_has_an_expectation():
    assert {c[0] for c in CASES} == set(EXPECTED)


@pytest.mark.parametrize("name, kind, fmt, data", CASES, ids=[c[0] for c in CASES])
def test_hostile_file_is_stored_or_quarantined_never_lost(runtime, tmp_path, name, kind, fmt, data):
    start = time.monotonic()
    path, outcome = ingest_bytes(runtime, tmp_path, name, kind, fmt, data, today=TODAY)
    elapsed = time.monotonic() - start
    assert elapsed < HANG_LIMIT_SECONDS, f"{name} took {elapsed:.1f} s"
    expected = EXPECTED[name]
    if isinstance(outcome, FileError):
        assert expected == "refused", f"{name} refused: {outcome}"
        assert str(outcome)
        with runtime.factory() as s:  # refused whole: nothing stored, no batch left behind
            assert s.scalar(select(func.count()).select_from(IntakeBatch)) == 0
            assert s.scalar(select(func.count()).select_from(Sample)) == 0
        return
    summary = outcome
    assert expected != "refused", f"{name} was not refused: {summary.as_dict()}"
    assert summary.accepted + summary.quarantined + summary.duplicates == summary.rows
    assert summary.rows == parsed_rows(path, kind, fmt)  # every row the parser yields is counted
    if kind == "seizures":
        assert accounted(runtime, summary) == summary.accepted + summary.quarantined
    with runtime.factory() as s:
        batch = s.get(IntakeBatch, summary.batch_id)
        assert batch is not None and batch.status == "complete"
        items = s.scalars(select(QuarantineItem)).all()
        assert sum(i.row_count for i in items) == summary.quarantined
        for item in items:
            assert item.reasons and all(r["code"] and r["detail"] for r in item.reasons)
    if expected == "ok":
        assert summary.quarantined == 0, summary.as_dict()
    else:
        assert expected in summary.reasons, summary.as_dict()
