"""``fews replay``: feed dated seizure and report files through the real pipeline week by week
with a simulated clock, run the scheduled detection after each week, and write the signals it
would have raised (DESIGN.md §6; issue #6 item 8).

The replay works in a fresh database (a temporary SQLite file unless ``--work-db`` names an empty
one), never the configured database. A record is visible at week W when its ``received_date``
(``reported_date`` for reports), else its event date, is on or before W's closing Sunday; all rows
of one record travel together (the first row's dates decide). Rows whose dates cannot be read
go in with the first week, where intake quarantines them with the reason, so nothing is lost.
The rows wait in per-week spool files, so memory stays bounded by one week's rows.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
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


MAX_OPEN_SPOOLS = 64  # open week files at a time (rows arrive roughly in date order)


class _WeekSpool:
    """The rows of one file split by visible week into JSON Lines files in a temporary folder, so a
    replay holds one week's rows at a time, however large the files (the key -> week map stays)."""

    def __init__(self, path: Path, kind: str, folder: Path) -> None:
        self.kind = kind
        self.folder = folder
        self.weeks: set[dt.date] = set()
        self.unreadable = False
        key_field = "sample_id" if kind == "seizures" else "report_id"
        record_week: dict[str, dt.date | None] = {}
        handles: dict[dt.date | None, TextIO] = {}
        try:
            for row in iter_rows(path, kind, detect_format(path)):
                key = row.group or (row.data.get(key_field) or "").strip()
                if key and key in record_week:
                    week = record_week[key]
                else:
                    day = _visible(row, kind) if row.error is None else None
                    week = closing_sunday(day) if day else None
                    if key:
                        record_week[key] = week
                fh = handles.pop(week, None)
                if fh is None:
                    if len(handles) >= MAX_OPEN_SPOOLS:  # close the least recently written week
                        handles.pop(next(iter(handles))).close()
                    fh = open(self._file(week), "a", encoding="utf-8")  # noqa: SIM115
                handles[week] = fh  # most recently written last
                fh.write(
                    json.dumps(
                        {"line": row.line, "data": row.data, "error": row.error, "raw": row.raw, "group": row.group},
                        ensure_ascii=False,
                    )
                    + "\n"
                )
                if week is None:
                    self.unreadable = True
                else:
                    self.weeks.add(week)
        finally:
            for fh in handles.values():
                fh.close()

    def _file(self, week: dt.date | None) -> Path:
        return self.folder / f"{self.kind}-{week.isoformat() if week else 'undated'}.jsonl"

    def take(self, week: dt.date | None) -> list[RawRow]:
        """The rows of ``week`` (``None``: rows without a readable date), removed from the spool."""
        path = self._file(week)
        if not path.exists():
            return []
        rows = []
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                error = tuple(d["error"]) if d["error"] else None
                rows.append(RawRow(line=d["line"], data=d["data"], error=error, raw=d["raw"], group=d["group"]))  # type: ignore[arg-type]
        path.unlink()
        return rows


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
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fews-replay-spool-") as spool_dir, _work_database(work_db) as url:
        spools = {kind: _WeekSpool(path, kind, Path(spool_dir)) for kind, path in files.items()}
        weeks = sorted({w for sp in spools.values() for w in sp.weeks})
        if not weeks and not any(sp.unreadable for sp in spools.values()):
            raise ValueError("the replay files hold no rows")
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
                        rows = spools[kind].take(day)
                        if day == first:
                            rows = spools[kind].take(None) + rows
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
