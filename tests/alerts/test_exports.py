"""Exports (DESIGN.md §8): international report, prison test panel, issued alerts as CSV; formula
injection neutralised; lead-time metrics on a hand-checked case."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from alerts import exports
from alerts.exports import quarter_of, safe_cell, to_csv
from alerts.metrics import lead_time_report
from fews.db import session_scope
from fews.models import Alert, LegalStatusEvent
from tests.alerts.conftest import TODAY, issue_all


def test_international_export_schema_and_suppressed_harm_counts(world):
    with world.runtime.factory() as s:
        doc = exports.international_export(s, until=TODAY, rule_set_version="abc123")
    assert set(doc) >= {"generated", "rule_set_version", "substances"}
    by_name = {x["name"]: x for x in doc["substances"]}
    iso = by_name["isotonitazene"]
    assert set(iso) >= {
        "name",
        "inchikey",
        "smiles",
        "family",
        "uk_status",
        "first_uk_detection",
        "quarterly_counts",
        "contexts",
        "analytical_references",
    }
    assert iso["uk_status"] == "A" and iso["first_uk_detection"] == dt.date(2026, 8, 10)
    q3 = next(q for q in iso["quarterly_counts"] if q["quarter"] == "2026-Q3")
    assert q3 == {"quarter": "2026-Q3", "seizures": 4, "harm_reports": 7}
    q4 = next(q for q in iso["quarterly_counts"] if q["quarter"] == "2026-Q4")
    assert q4 == {"quarter": "2026-Q4", "seizures": 1, "harm_reports": 0}
    assert iso["contexts"] == ["border_postal", "inland", "prison"]
    assert iso["analytical_references"] == []  # no nitazene in the shipped MassBank subset


def test_analytical_references_come_from_the_shipped_library():
    from rdkit import Chem

    from tests.builders import MEPHEDRONE

    refs = exports.analytical_references(Chem.MolToInchiKey(Chem.MolFromSmiles(MEPHEDRONE)))
    assert refs and all(r["accession"].startswith("MSBNK-") and "MS" in r["technique"] for r in refs)


def test_international_harm_counts_of_1_to_4_are_shown_as_less_than_5(world):
    with session_scope(world.runtime.factory) as s:
        doc = exports.international_export(s, until=dt.date(2026, 9, 11), rule_set_version="x")
    iso = next(x for x in doc["substances"] if x["name"] == "isotonitazene")
    assert next(q for q in iso["quarterly_counts"] if q["quarter"] == "2026-Q3")["harm_reports"] == "<5"


def test_prison_panel_lists_substances_first_seized_in_prisons(world):
    with world.runtime.factory() as s:
        doc = exports.prison_panel(s, until=TODAY, since=dt.date(2026, 1, 1))
        assert exports.prison_panel(s, until=TODAY, since=dt.date(2026, 10, 1))["additions"] == []
    [add] = doc["additions"]
    assert add["name"] == "isotonitazene" and add["first_prison_detection"] == dt.date(2026, 9, 21)
    assert "first seized in a prison on 2026-09-21" in add["reason"] and "UK status A" in add["reason"]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("isotonitazene", "isotonitazene"),
        (-3, "-3"),
        (None, ""),
    ],
    ids=["equals", "plus", "dde", "at", "tab", "plain", "negative-number", "none"],
)
def test_csv_cells_never_start_a_formula(value, cell):
    assert safe_cell(value) == cell


def test_issued_alerts_csv_neutralises_an_injected_title(world):
    ids = issue_all(world)
    from alerts.workflow import issue_alert, update_alert

    with session_scope(world.runtime.factory) as s:
        alert = s.get(Alert, ids["new"])
        update_alert(
            s, alert, actor="ia", role="intelligence_analyst", title='=HYPERLINK("http://evil.example","click")'
        )
        issue_alert(s, alert, actor="ia", role="intelligence_analyst")
    with world.runtime.factory() as s:
        rows = exports.alert_rows(exports.alerts_export(s, audience="enforcement"))
    text = to_csv(rows, exports.ALERT_CSV_COLUMNS)
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert len(parsed) == 3
    titles = {r["title"] for r in parsed}
    assert '\'=HYPERLINK("http://evil.example","click")' in titles
    assert not any(r[c].startswith(("=", "+", "@")) for r in parsed for c in r)


def test_quarters():
    assert [quarter_of(dt.date(2026, m, 1)) for m in (1, 3, 4, 9, 10, 12)] == ["2026-Q1"] * 2 + [
        "2026-Q2",
        "2026-Q3",
    ] + ["2026-Q4"] * 2


def _at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00")


def test_lead_times_match_a_hand_checked_case(world):
    """isotonitazene: first identified 10 Aug 2026 (seizure), first harm report received 12 Sep, harm
    signal 20 Sep, drafted 21 Sep, agreed 23 Sep, issued 24 Sep, controlled by name from 1 Oct 2026.
    By hand: identification->signal 41 days, signal->draft 1, draft->agreed 2, agreed->issued 1,
    identification->issued 45, harm report->agreed 11, issued->control 7."""
    ids = issue_all(world)
    with session_scope(world.runtime.factory) as s:
        alert = s.get(Alert, ids["harm"])
        alert.created_at, alert.agreed_at, alert.issued_at = _at("2026-09-21"), _at("2026-09-23"), _at("2026-09-24", 22)
        # 22:00 UTC on 24 Sep is 23:00 in London: still the 24th
        iso_key = alert_inchikey(s, alert)
        s.add(
            LegalStatusEvent(
                kind="add_named",
                inchikey=iso_key,
                drug_class="A",
                effective_date=dt.date(2026, 10, 1),
                instrument="Test Order 2026",
                citation="test",
            )
        )
    with world.runtime.factory() as s:
        report = lead_time_report(s)
    row = next(r for r in report["alerts"] if r["alert"] == f"A{ids['harm']}")
    assert row["stages"] == {
        "first_identification": dt.date(2026, 8, 10),
        "first_harm_report": dt.date(2026, 9, 12),
        "signal": dt.date(2026, 9, 20),
        "drafted": dt.date(2026, 9, 21),
        "agreed": dt.date(2026, 9, 23),
        "issued": dt.date(2026, 9, 24),
        "control": dt.date(2026, 10, 1),
    }
    assert row["intervals"] == {
        "identification_to_signal": 41,
        "signal_to_draft": 1,
        "draft_to_agreed": 2,
        "agreed_to_issued": 1,
        "draft_to_issued": 3,
        "identification_to_issued": 45,
        "harm_report_to_agreed": 11,
        "issued_to_control": 7,
    }
    subject = next(x for x in report["summary"]["subjects"] if x["subject"] == row["subject"])
    # the prison-first alert on the same substance was issued later (today): the first alert counts
    assert subject["identification_to_first_alert"] == 45 and subject["first_alert_to_control"] == 7
    assert report["summary"]["intervals"]["draft_to_agreed"]["n"] == 1


def alert_inchikey(session, alert):  # type: ignore[no-untyped-def]
    from alerts.document import alert_document

    return alert_document(session, alert)["substances"][0]["inchikey"]
