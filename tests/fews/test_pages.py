"""The substance page's data comes in a fixed number of SQL statements (no N+1): the count does not
grow with the number of samples, names or harm reports."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from sqlalchemy import event, select

from fews.db import session_scope
from fews.models import Substance
from fews.pages import substance_page_data
from intake.pipeline import Ingestor
from tests.builders import MEPHEDRONE, ReportBuilder, SeizureBuilder
from tests.conftest import TODAY


@contextlib.contextmanager
def count_statements(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _ingest(runtime, tmp_path, *, first: int, samples: int, reports: int, names: int) -> None:
    config = runtime.config.with_(use_opsin=False)
    seizures = SeizureBuilder()
    for i in range(first, first + samples):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=3 * i)
        context, nation = ("prison", "Wales") if i % 3 == 0 else ("border_postal", "England")
        seizures.sample(f"M-{i}", seizure_date=day.isoformat(), seizure_context=context, jurisdiction=nation)
        seizures.component(f"mephedrone street name {i % names}", MEPHEDRONE)  # each new name is a synonym row
    Ingestor(runtime.factory, config, "seizures", today=TODAY).ingest_file(seizures.write(tmp_path / f"s{first}.csv"))
    harms = ReportBuilder()
    for i in range(first, first + reports):
        harms.report(f"R-{i}", severity=("severe", "fatal", "moderate")[i % 3]).substance("mephedrone")
    Ingestor(runtime.factory, config, "reports", today=TODAY).ingest_file(harms.write(tmp_path / f"r{first}.csv"))


def _page_statements(runtime) -> tuple[int, object]:
    with session_scope(runtime.factory) as s:
        sid = s.scalar(select(Substance.id).where(Substance.smiles == MEPHEDRONE))
    with session_scope(runtime.factory) as s, count_statements(runtime.engine) as statements:
        page = substance_page_data(s, sid)
        assert page is not None
        # touch everything a template would read: nothing may load lazily
        _ = [(n.name, n.kind) for n in page.names], page.family, page.legal_status, page.legal_changes
        n = len([st for st in statements if st.lstrip().upper().startswith(("SELECT", "WITH"))])
    return n, page


def test_substance_page_statement_count_does_not_grow_with_data(runtime, tmp_path):
    _ingest(runtime, tmp_path, first=0, samples=3, reports=2, names=2)
    small_count, small = _page_statements(runtime)
    _ingest(runtime, tmp_path, first=3, samples=60, reports=25, names=20)
    large_count, large = _page_statements(runtime)

    assert small.samples == 3 and large.samples == 63
    assert small.harm_reports == 2 and large.harm_reports == 27
    assert len(large.names) > len(small.names) + 10
    assert large_count == small_count <= 8
    # the aggregates are right, not just cheap
    assert large.contexts == {"border_postal": 42, "prison": 21}
    assert large.jurisdictions == {"england": 42, "wales": 21}
    assert sum(n for _, n in large.weekly_seizures) == 63
    assert large.first_detections[0] == {"context": "prison", "date": dt.date(2024, 1, 1), "samples": 21}
    assert large.harm_by_severity == {"severe": 10, "fatal": 9, "moderate": 8}  # ..R-27


def test_unknown_substance_gives_none(runtime):
    with session_scope(runtime.factory) as s:
        assert substance_page_data(s, 999_999) is None


def test_page_without_seizures_or_reports_is_empty_not_missing(runtime):
    from chem.standardise import standardise_smiles
    from fews.substances import SubstanceRegistry

    with session_scope(runtime.factory) as s:
        sid = SubstanceRegistry().ensure(s, standardise_smiles(MEPHEDRONE), reported_name="4-MMC")
    with session_scope(runtime.factory) as s:
        page = substance_page_data(s, sid)
    assert page is not None and page.samples == 0 and page.weekly_seizures == [] and page.harm_reports == 0
