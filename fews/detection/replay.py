"""``fews replay``: feed dated seizure and report files through the real pipeline week by week
with a simulated clock, run the scheduled detection after each week, and write the signals it
would have raised (DESIGN.md §6; issue #6 item 8).

The replay works in a fresh database (a temporary SQLite file unless ``--work-db`` names an empty
one), never the configured database. A record is visible at week W when its ``received_date``
(``reported_date`` for reports), else its event date, is on or before W's closing Sunday; all rows
of one record travel together (the first row's dates decide). Rows whose dates cannot be read
go in with the first week, where intake quarantines them with the reason, so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import inspect, text

from fews import migrate
from fews.config import Config
from fews.db import make_engine, make_session_factory
from fews.detection.run import Detector
from fews.detection.settings import DetectionSettings
from fews.detection.signals import SignalEvent
from fews.detection.weeks import closing_sunday
from intake.parsers import RawRow, detect_format, iter_rows
from intake.pipeline import Ingestor

__all__ = ["ReplaySummary", "replay", "replay_line", "WORK_DB_NOT_EMPTY"]

WORK_DB_NOT_EMPTY = "the work database is not empty; replay needs a fresh database"

_DATES = {"seizures": ("received_date", "seizure_date"), "reports": ("reported_date", "event_date")}


@dataclass
class ReplaySummary:
    weeks: int = 0
    first_week: dt.date | None = None
    last_week: dt.date | None = None
    rows: dict[str, int] = field(default_factory=lambda: {"seizures": 0, "reports": 0})
    accepted: dict[str, int] = field(default_factory=lambda: {"seizures": 0, "reports": 0})
    quarantined: dict[str, int] = field(default_factory=lambda: {"seizures": 0, "reports": 0})
    lines: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=lambda: {"ingest": 0.0, "detect": 0.0})

    def as_dict(self) -> dict[str, Any]:
        return {
            "weeks": self.weeks,
            "first_week": self.first_week.isoformat() if self.first_week else None,
            "last_week": self.last_week.isoformat() if self.last_week else None,
            "rows": self.rows,
            "accepted": self.accepted,
            "quarantined": self.quarantined,
            "alert_lines": self.lines,
            "seconds": round(self.seconds, 2),
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
        }


def _visible(row: RawRow, kind: str) -> dt.date | None:
    for name in _DATES[kind]:
        text = (row.data.get(name) or "").strip()
        if text:
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                return None
    return None


def _by_week(path: Path, kind: str) -> dict[dt.date | None, list[RawRow]]:
    """Rows grouped by the closing Sunday of their record's visible date (``None``: unreadable)."""
    weeks: dict[dt.date | None, list[RawRow]] = defaultdict(list)
    key_field = "sample_id" if kind == "seizures" else "report_id"
    record_week: dict[str, dt.date | None] = {}
    for row in iter_rows(path, kind, detect_format(path)):
        key = row.group or (row.data.get(key_field) or "").strip()
        if key and key in record_week:
            week = record_week[key]
        else:
            day = _visible(row, kind) if row.error is None else None
            week = closing_sunday(day) if day else None
            if key:
                record_week[key] = week
        weeks[week].append(row)
    return weeks


def replay_line(event: SignalEvent, as_of: dt.date) -> dict[str, Any]:
    """One line of ``alerts.jsonl`` (DESIGN.md §6)."""
    sig = event.signal
    members = (sig.details or {}).get("members", [])
    return {
        "as_of": as_of.isoformat(),
        "type": sig.type,
        "subtype": sig.subtype,
        "event": event.event,
        "family_id": f"F{sig.family_id}" if sig.family_id else None,
        "members": [{"name": m.get("name"), "smiles": m.get("smiles")} for m in members],
        "score": sig.score,
        "reason": sig.reason,
        "signal_id": sig.id,
    }


@contextmanager
def _work_database(url: str | None) -> Iterator[str]:
    if url:
        engine = make_engine(url)
        try:
            tables = set(inspect(engine).get_table_names())
            if tables - {"alembic_version"}:
                with engine.connect() as conn:
                    if "sample" not in tables or conn.execute(text("SELECT count(*) FROM sample")).scalar():
                        raise ValueError(WORK_DB_NOT_EMPTY)
            migrate.upgrade(engine)
        finally:
            engine.dispose()
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="fews-replay-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'replay.db'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield url


def replay(
    config: Config,
    *,
    seizures: Path | None,
    reports: Path | None,
    out_dir: Path,
    start: dt.date | None = None,
    work_db: str | None = None,
    settings: DetectionSettings | None = None,
    progress: TextIO | None = None,
) -> ReplaySummary:
    """Run the replay; write ``out_dir/alerts.jsonl`` and ``out_dir/summary.json``."""
    t0 = time.perf_counter()
    summary = ReplaySummary()
    files = {k: p for k, p in (("seizures", seizures), ("reports", reports)) if p is not None}
    grouped = {kind: _by_week(path, kind) for kind, path in files.items()}
    weeks = sorted({w for g in grouped.values() for w in g if w is not None})
    if not weeks and not any(None in g for g in grouped.values()):
        raise ValueError("the replay files hold no rows")
    out_dir.mkdir(parents=True, exist_ok=True)
    with _work_database(work_db) as url:
        engine = make_engine(url)
        factory = make_session_factory(engine)
        cfg = config.with_(database_url=url)
        try:
            first = weeks[0] if weeks else closing_sunday(dt.date.today())
            ingestors = {
                kind: Ingestor(factory, cfg, kind, actor="replay", via="replay", today=first) for kind in files
            }
            # signals are the replay's output: alert drafting (issue #7) is left to live runs
            detector = Detector(factory, settings=settings, draft_alerts=False)
            detector._bootstrap()
            day, last = first, weeks[-1] if weeks else first
            with open(out_dir / "alerts.jsonl", "w", encoding="utf-8") as out:
                while day <= last:
                    for kind, ing in ingestors.items():
                        rows = grouped[kind].pop(day, [])
                        if day == first:
                            rows = grouped[kind].pop(None, []) + rows
                        if not rows:
                            continue
                        ing.today = day
                        ing.vctx.today = day
                        t1 = time.perf_counter()
                        res = ing.ingest_rows(rows, source_name=f"{files[kind].name} (to {day})", fmt="csv")
                        summary.timings["ingest"] += time.perf_counter() - t1
                        summary.rows[kind] += res.rows
                        summary.accepted[kind] += res.accepted
                        summary.quarantined[kind] += res.quarantined
                    t1 = time.perf_counter()
                    events = detector.evaluate_week(day)
                    summary.timings["detect"] += time.perf_counter() - t1
                    for e in events:
                        if e.event in ("raised", "escalated") and (start is None or day >= start):
                            out.write(json.dumps(replay_line(e, day), ensure_ascii=False) + "\n")
                            summary.lines += 1
                    summary.weeks += 1
                    if progress is not None and summary.weeks % 52 == 0:
                        progress.write(f"replayed to {day} ({summary.weeks} weeks, {summary.lines} lines)\n")
                    day += dt.timedelta(weeks=1)
            summary.first_week, summary.last_week = first, last
        finally:
            engine.dispose()
    summary.seconds = time.perf_counter() - t0
    (out_dir / "summary.json").write_text(json.dumps(summary.as_dict(), indent=2) + "\n", encoding="utf-8")
    return summary
