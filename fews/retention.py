"""Retention of case-level data: purge clinical free text, case references and quarantined payloads
to tombstones after a configurable number of days (DESIGN.md §4.7).

Each field has one rule (data, below) with its own ``FEWS_RETENTION_*_DAYS`` variable; ``0`` or
``off`` keeps the field for ever. :func:`purge` clears the fields of records stored (``created_at``)
before the cutoff, in chunks, each chunk one transaction with one audit entry that holds a SHA-256
of the purged ids (never the content). Nothing else changes: records, their versions and their
content hashes stay, so duplicate detection and the audit chain are unaffected, and a purge run
twice purges nothing the second time. The scheduler runs it nightly (``purge_retention``).

Grounds: UK GDPR Art. 5(1)(e) (storage limitation) and the NHS Records Management Code of
Practice 2021 for clinical free text; case references stay unless configured, because they link a
seizure to criminal proceedings that can run for years.

Examples
--------
>>> s = RetentionSettings.from_env({"FEWS_RETENTION_FREE_TEXT_DAYS": "90", "FEWS_RETENTION_CASE_REFERENCE_DAYS": "off"})
>>> s.days["free_text"], s.days["case_reference"], s.days["quarantine_payload"]
(90, None, 365)
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Text, cast, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from fews import audit
from fews.config import ConfigError
from fews.db import session_scope
from fews.models import HarmReport, QuarantineItem, Sample, utcnow

__all__ = ["RULES", "RetentionRule", "RetentionSettings", "PurgeReport", "purge"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionRule:
    """One purgeable field: the model, the columns cleared, and the default age in days (None = keep)."""

    name: str
    env: str
    default_days: int | None
    model: Any
    columns: Mapping[str, Any]  # column -> tombstone value
    reason: str


RULES: tuple[RetentionRule, ...] = (
    RetentionRule(
        "free_text",
        "FEWS_RETENTION_FREE_TEXT_DAYS",
        730,
        HarmReport,
        {"free_text": None, "extra": {}},  # unknown RIDR columns may hold clinical notes too
        "clinical free text of RIDR reports (UK GDPR Art. 5(1)(e); NHS Records Management Code 2021)",
    ),
    RetentionRule(
        "case_reference",
        "FEWS_RETENTION_CASE_REFERENCE_DAYS",
        None,
        Sample,
        {"case_reference": None},
        "seizure case references (kept by default: criminal proceedings)",
    ),
    RetentionRule(
        "quarantine_payload",
        "FEWS_RETENTION_QUARANTINE_PAYLOAD_DAYS",
        365,
        QuarantineItem,
        {"payload": None},
        "rows as submitted in quarantine, which may carry free text and case references",
    ),
)

PURGE_CHUNK = 1000


def _days(environ: Mapping[str, str], rule: RetentionRule) -> int | None:
    raw = (environ.get(rule.env) or "").strip().lower()
    if raw == "":
        return rule.default_days
    if raw in {"0", "off", "never", "none"}:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{rule.env} must be a number of days or 'off', got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{rule.env} must be >= 0, got {value}")
    return value


@dataclass(frozen=True)
class RetentionSettings:
    """Days to keep each field (``None``: keep for ever), by rule name."""

    days: Mapping[str, int | None]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RetentionSettings:
        """Read ``FEWS_RETENTION_*_DAYS``; raises :class:`ConfigError` naming a bad variable."""
        env = os.environ if environ is None else environ
        return cls({rule.name: _days(env, rule) for rule in RULES})


@dataclass
class PurgeReport:
    """Records purged per rule, and each rule's cutoff (ISO time) or ``None`` when kept for ever."""

    purged: dict[str, int] = field(default_factory=dict)
    cutoffs: dict[str, str | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"purged": dict(self.purged), "cutoffs": dict(self.cutoffs)}


def _due(rule: RetentionRule, cutoff: dt.datetime) -> Any:
    """Ids of records stored before ``cutoff`` with a field not yet at its tombstone (one chunk)."""
    model = rule.model
    pending = []
    for name, tombstone in rule.columns.items():
        column = getattr(model, name)
        if not isinstance(column.type, JSON):
            pending.append(column.is_not(None))
        else:  # JSON: compare the stored text (a JSON null is 'null', not SQL NULL)
            pending.append(func.coalesce(cast(column, Text), "null") != json.dumps(tombstone))
    return select(model.id).where(model.created_at < cutoff, or_(*pending)).order_by(model.id).limit(PURGE_CHUNK)


def _tombstones(rule: RetentionRule) -> dict[str, Any]:
    """Update values: a JSON ``None`` must be written as JSON null explicitly."""
    out: dict[str, Any] = {}
    for name, tombstone in rule.columns.items():
        column = getattr(rule.model, name)
        out[name] = JSON.NULL if tombstone is None and isinstance(column.type, JSON) else tombstone
    return out


def purge(
    factory: sessionmaker[Session],
    settings: RetentionSettings,
    *,
    now: dt.datetime | None = None,
    actor: str = "scheduler",
    via: str = "scheduler",
) -> PurgeReport:
    """Clear every field past its retention age; returns how many records each rule purged."""
    now = now or utcnow()
    report = PurgeReport()
    for rule in RULES:
        days = settings.days.get(rule.name)
        report.purged[rule.name] = 0
        if days is None:
            report.cutoffs[rule.name] = None
            continue
        cutoff = now - dt.timedelta(days=days)
        report.cutoffs[rule.name] = cutoff.isoformat()
        while True:
            with session_scope(factory) as s:
                ids = list(s.scalars(_due(rule, cutoff)))
                if not ids:
                    break
                values = _tombstones(rule)
                if rule.model is QuarantineItem:
                    s.execute(
                        update(QuarantineItem)
                        .where(QuarantineItem.id.in_(ids), QuarantineItem.status == "open")
                        .values(
                            status="purged",
                            resolved_at=now,
                            resolved_by=actor,
                            resolution_note=f"payload purged after {days} days (retention)",
                        )
                    )
                s.execute(update(rule.model).where(rule.model.id.in_(ids)).values(**values))
                audit.record(
                    s,
                    actor=actor,
                    via=via,
                    action="retention.purge",
                    object_type=rule.model.__tablename__,
                    object_id=f"{rule.name}:{ids[0]}-{ids[-1]}",
                    content={"rule": rule.name, "days": days, "cutoff": cutoff, "ids": ids},
                )
            report.purged[rule.name] += len(ids)
    if any(report.purged.values()):
        logger.info("retention purge: %s", report.purged)
    return report
