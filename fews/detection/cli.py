"""Detection commands: ``fews detect``, ``fews replay``, ``fews families list``, ``fews signals list``."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from sqlalchemy import select

from fews.cli_common import FORMAT, UsageFailure, with_runtime
from fews.db import session_scope
from fews.output import emit, to_json
from fews.runtime import Runtime

__all__ = ["COMMANDS"]


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageFailure(f"{option} must be an ISO date (YYYY-MM-DD), got {value!r}") from None


@click.command()
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="evaluate up to this date (default: today)")
@FORMAT
@with_runtime
def detect(rt: Runtime, as_of: str | None, fmt: str) -> None:
    """Evaluate every week since the last evaluated one; print the signals raised or updated."""
    from fews.detection.run import Detector
    from fews.detection.signals import signal_record
    from intake.pipeline import london_today

    day = _date(as_of, "--as-of") or london_today()
    summary = Detector(rt.factory).run(day)
    emit((signal_record(e.signal, event=e.event) for e in summary.events), fmt, sys.stdout)
    click.echo(
        f"evaluated {len(summary.weeks)} weeks; {sum(e.event == 'raised' for e in summary.events)} signals raised, "
        f"{sum(e.event == 'escalated' for e in summary.events)} escalated; {summary.alerts_drafted} alerts drafted",
        err=True,
    )


@click.command()
@click.option("--seizures", "seizures", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None)
@click.option("--reports", "reports", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--start", default=None, metavar="DATE", help="write signals from this date on (earlier data is history)")
@click.option("--work-db", "work_db", default=None, metavar="URL", help="an empty database to replay in")
def replay(seizures: Path | None, reports: Path | None, out_dir: Path, start: str | None, work_db: str | None) -> None:
    """Replay dated files week by week through intake and detection; write OUT/alerts.jsonl."""
    from fews.config import ConfigError, load_config
    from fews.detection.replay import replay as run_replay
    from intake.parsers import FileError

    if seizures is None and reports is None:
        raise UsageFailure("give --seizures and/or --reports")
    try:
        config = load_config()
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None
    try:
        summary = run_replay(
            config,
            seizures=seizures,
            reports=reports,
            out_dir=out_dir,
            start=_date(start, "--start"),
            work_db=work_db,
            progress=sys.stderr,
        )
    except (FileError, ValueError) as exc:
        raise UsageFailure(str(exc)) from None
    click.echo(to_json(summary.as_dict()))


@click.group()
def families() -> None:
    """Substance families."""


@families.command("list")
@FORMAT
@with_runtime
def families_list(rt: Runtime, fmt: str) -> None:
    """List families with their members."""
    from fews.detection.family_store import family_label
    from fews.models import Family

    with session_scope(rt.factory) as s:
        ids = s.scalars(select(Family.id).order_by(Family.id)).all()
        emit((family_label(s, fid) for fid in ids), fmt, sys.stdout)


@click.group()
def signals() -> None:
    """Detection signals."""


@signals.command("list")
@click.option("--status", type=click.Choice(["open", "escalated", "closed", "all"]), default="all", show_default=True)
@click.option("--type", "type_", default=None, help="only this signal type")
@FORMAT
@with_runtime
def signals_list(rt: Runtime, status: str, type_: str | None, fmt: str) -> None:
    """List signals, newest first."""
    from fews.detection.signals import signal_record
    from fews.models import Signal

    stmt = select(Signal).order_by(Signal.as_of.desc(), Signal.id.desc())
    if status != "all":
        stmt = stmt.where(Signal.status == status)
    if type_:
        stmt = stmt.where(Signal.type == type_)
    with session_scope(rt.factory) as s:
        emit((signal_record(x) for x in s.scalars(stmt)), fmt, sys.stdout)


COMMANDS = (detect, replay, families, signals)
