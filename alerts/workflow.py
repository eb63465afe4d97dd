"""The alert workflow: signal -> draft -> (clinical agreement) -> issue -> update -> withdraw.

States (``alert.status``): ``draft`` -> ``agreed`` (clinically led alerts only) -> ``issued``;
any state -> ``withdrawn``. An update (a new version, by a person or because the signal
escalated) returns the alert to ``draft``; while that update is reviewed the previously issued
version stays live (``alert.issued_version``).

Who may do what comes from the permission table (``fews.access``):

- clinically led alerts (``alert.audience == "clinical"``) need ``agree_clinical_alert`` with the
  agreed clinical response text, then ``issue_clinical_alert`` (DESIGN.md §4 rule 4);
- every other alert is issued with ``issue_enforcement_alert``, without clinical sign-off;
- updating and withdrawing need the permission that issues the alert.

Every state change writes an ``alert_event`` (time, actor, from/to status, note) and an entry in the
hash-chained audit log, in the caller's transaction; issuing and withdrawing queue the deliveries
in that same transaction (``alerts/outbox.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts import outbox
from alerts.document import ComposedVersion, compose_version
from fews import audit
from fews.access import require
from fews.models import Alert, AlertEvent, AlertEvidence, AlertVersion, Delivery, Signal, utcnow

__all__ = [
    "WorkflowError",
    "draft_from_signal",
    "update_alert",
    "agree_alert",
    "issue_alert",
    "withdraw_alert",
    "find_alert",
    "alert_versions",
    "alert_events",
    "alert_record",
    "issue_permission",
    "EDITABLE_FIELDS",
]

EDITABLE_FIELDS = ("title", "summary", "recommended_actions", "clinical_response", "level", "review_by")
_LEVELS = ("info", "warning", "urgent")


class WorkflowError(ValueError):
    """A transition that the workflow does not allow (wrong state, missing text); the message says why."""


def issue_permission(alert: Alert) -> str:
    """The permission that issues, updates and withdraws ``alert``."""
    return "issue_clinical_alert" if alert.audience == "clinical" else "issue_enforcement_alert"


def find_alert(session: Session, ident: str | int) -> Alert | None:
    """An alert by ``A<n>`` or ``<n>``."""
    m = re.fullmatch(r"[Aa]?(\d+)", str(ident).strip())
    return session.get(Alert, int(m.group(1))) if m else None


def _event(
    session: Session,
    alert: Alert,
    *,
    action: str,
    actor: str,
    via: str,
    from_status: str | None,
    note: str | None = None,
    content: dict[str, Any] | None = None,
) -> AlertEvent:
    event = AlertEvent(
        alert_id=alert.id,
        actor=actor,
        action=action,
        version=alert.current_version,
        from_status=from_status,
        to_status=alert.status,
        note=note,
    )
    session.add(event)
    session.flush()
    audit.record(
        session,
        actor=actor,
        via=via,
        action=f"alert.{action}",
        object_type="alert",
        object_id=f"A{alert.id}",
        content={
            "version": alert.current_version,
            "from": from_status,
            "to": alert.status,
            "note": note,
            **(content or {}),
        },
    )
    return event


def _add_version(
    session: Session, alert: Alert, composed: ComposedVersion, *, actor: str, keep: AlertVersion | None
) -> AlertVersion:
    number = (alert.current_version or 0) + 1 if keep is not None else 1
    ver = AlertVersion(
        alert_id=alert.id,
        version=number,
        title=composed.title,
        summary=composed.summary,
        legal_status=composed.legal_status,
        geography=composed.geography,
        severity=composed.severity,
        # a person's wording of the actions survives a re-draft; the agreed response must be agreed again
        recommended_actions=keep.recommended_actions if keep is not None else composed.recommended_actions,
        clinical_response=None,
        body=composed.body,
        created_by=actor,
    )
    session.add(ver)
    alert.current_version = number
    known = set(
        session.execute(
            select(AlertEvidence.kind, AlertEvidence.object_id).where(AlertEvidence.alert_id == alert.id)
        ).all()
    )
    for kind, object_id in composed.evidence:
        if (kind, object_id) not in known:
            session.add(AlertEvidence(alert_id=alert.id, kind=kind, object_id=object_id))
    session.flush()
    return ver


def _current(session: Session, alert: Alert) -> AlertVersion:
    ver = session.scalar(
        select(AlertVersion).where(AlertVersion.alert_id == alert.id, AlertVersion.version == alert.current_version)
    )
    if ver is None:
        raise LookupError(f"alert A{alert.id} has no version {alert.current_version}")
    return ver


def _open_alert_for(session: Session, signal: Signal) -> Alert | None:
    """The newest alert (not withdrawn) raised from this signal or an earlier signal with the same key."""
    alert = session.scalar(
        select(Alert)
        .where(Alert.signal_id == signal.id, Alert.status != "withdrawn")
        .order_by(Alert.id.desc())
        .limit(1)
    )
    if alert is None and signal.key:
        alert = session.scalar(
            select(Alert)
            .join(Signal, Signal.id == Alert.signal_id)
            .where(Signal.key == signal.key, Alert.status != "withdrawn", Alert.type == signal.type)
            .order_by(Alert.id.desc())
            .limit(1)
        )
    return alert


def _marking() -> str:
    from fews.config import load_config

    return load_config().security_marking


def draft_from_signal(
    session: Session,
    signal: Signal,
    *,
    actor: str = "system",
    via: str = "detection",
    security_marking: str | None = None,
) -> Alert | None:
    """Draft an alert for a new signal, or a new version of its open alert when the signal escalated.

    Idempotent per signal state: calling it again for a signal whose state (id, escalations) is
    already drafted returns ``None`` and changes nothing. A closed signal drafts nothing. The
    audiences and the level come from ``alerts/data/audiences.yaml``.

    Parameters
    ----------
    session
        An open write transaction (the caller commits).
    signal
        A stored :class:`fews.models.Signal` (type, subtype, family/substance, details).
    actor, via
        Who drafts it, for the alert event and the audit log.
    security_marking
        Marking on the alert (default: the configured ``FEWS_SECURITY_MARKING``).

    Returns
    -------
    Alert or None
        The new or updated alert; ``None`` when nothing changed.
    """
    from alerts.tables import audience_rules

    if signal.status == "closed" or signal.subtype in audience_rules().signal_only:
        return None
    alert = _open_alert_for(session, signal)
    if alert is not None:
        ver = _current(session, alert)
        drafted = (ver.body or {}).get("signal") or {}
        if drafted.get("id") == signal.id and int(drafted.get("escalations") or 0) >= signal.escalations:
            return None
        composed = compose_version(session, signal)
        before = alert.status
        _add_version(session, alert, composed, actor=actor, keep=ver)
        alert.signal_id = signal.id
        alert.level = _max_level(alert.level, composed.level)
        alert.audiences = _merge(alert.audiences or [], composed.audiences)
        alert.status = "draft"
        _event(
            session,
            alert,
            action="updated",
            actor=actor,
            via=via,
            from_status=before,
            note=f"signal {signal.id} escalated ({signal.escalations}): {signal.reason}"[:2000],
        )
        return alert
    composed = compose_version(session, signal)
    from alerts.tables import audience_rules

    alert = Alert(
        type=signal.type,
        audience=audience_rules().rule(signal.type).lead,
        audiences=composed.audiences,
        status="draft",
        level=composed.level,
        current_version=0,
        signal_id=signal.id,
        family_id=signal.family_id,
        substance_id=signal.substance_id,
        security_marking=security_marking or _marking(),
    )
    session.add(alert)
    session.flush()
    _add_version(session, alert, composed, actor=actor, keep=None)
    _event(session, alert, action="drafted", actor=actor, via=via, from_status=None, note=signal.reason[:2000])
    return alert


def _max_level(a: str, b: str) -> str:
    return a if _LEVELS.index(a) >= _LEVELS.index(b) else b


def _merge(a: list[Any], b: list[Any]) -> list[Any]:
    return list(a) + [x for x in b if x not in a]


def update_alert(
    session: Session,
    alert: Alert,
    *,
    actor: str,
    role: str | None,
    via: str = "cli",
    note: str | None = None,
    **changes: Any,
) -> AlertVersion:
    """Create a new version with ``changes`` (``EDITABLE_FIELDS``); the alert returns to ``draft``.

    Raises
    ------
    PermissionDenied
        ``role`` may not issue this alert.
    WorkflowError
        The alert is withdrawn, a field is unknown, or nothing changed.
    """
    require(role, issue_permission(alert))
    if alert.status == "withdrawn":
        raise WorkflowError(f"alert A{alert.id} is withdrawn; raise a new alert instead")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise WorkflowError(f"cannot edit {sorted(unknown)}; editable: {', '.join(EDITABLE_FIELDS)}")
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes:
        raise WorkflowError("nothing to change")
    if "level" in changes and changes["level"] not in _LEVELS:
        raise WorkflowError(f"level must be one of {', '.join(_LEVELS)}, got {changes['level']!r}")
    if "clinical_response" in changes and alert.audience != "clinical":
        raise WorkflowError("only clinically led alerts carry a clinical response")
    old = _current(session, alert)
    ver = AlertVersion(
        alert_id=alert.id,
        version=alert.current_version + 1,
        title=str(changes.get("title", old.title))[:300],
        summary=str(changes.get("summary", old.summary)),
        legal_status=old.legal_status,
        geography=list(old.geography or []),
        severity=old.severity,
        recommended_actions=changes.get("recommended_actions", old.recommended_actions),
        clinical_response=changes.get("clinical_response", old.clinical_response),
        body=dict(old.body or {}),
        created_by=actor,
    )
    session.add(ver)
    alert.current_version = ver.version
    if "level" in changes:
        alert.level = changes["level"]
    if "review_by" in changes:
        value = changes["review_by"]
        alert.review_by = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    before = alert.status
    alert.status = "draft"
    session.flush()
    _event(
        session,
        alert,
        action="updated",
        actor=actor,
        via=via,
        from_status=before,
        note=note,
        content={"changed": sorted(changes)},
    )
    return ver


def agree_alert(
    session: Session,
    alert: Alert,
    *,
    actor: str,
    role: str | None,
    clinical_response: str,
    via: str = "cli",
    note: str | None = None,
) -> Alert:
    """A clinical_network_reviewer agrees the current version with the agreed clinical response text."""
    require(role, "agree_clinical_alert")
    if alert.audience != "clinical":
        raise WorkflowError(f"alert A{alert.id} is not clinically led; it needs no clinical agreement")
    if alert.status != "draft":
        raise WorkflowError(f"alert A{alert.id} is {alert.status}; only a draft can be agreed")
    text = (clinical_response or "").strip()
    if len(text) < 20:
        raise WorkflowError("the agreed clinical response text is required (at least 20 characters)")
    ver = _current(session, alert)
    ver.clinical_response = text
    before = alert.status
    alert.status = "agreed"
    alert.agreed_version = alert.current_version
    alert.agreed_at = utcnow()
    _event(
        session,
        alert,
        action="agreed",
        actor=actor,
        via=via,
        from_status=before,
        note=note,
        content={"clinical_response_sha256": audit.content_hash(text)},
    )
    return alert


def issue_alert(session: Session, alert: Alert, *, actor: str, role: str | None, via: str = "cli") -> list[Delivery]:
    """Issue the current version to its audiences; returns the deliveries queued in this transaction."""
    require(role, issue_permission(alert))
    if alert.status == "withdrawn":
        raise WorkflowError(f"alert A{alert.id} is withdrawn")
    if alert.status == "issued":
        raise WorkflowError(f"alert A{alert.id} version {alert.current_version} is already issued")
    if alert.audience == "clinical" and (alert.status != "agreed" or alert.agreed_version != alert.current_version):
        raise WorkflowError(
            f"alert A{alert.id} is clinically led: a clinical_network_reviewer must agree version "
            f"{alert.current_version} before it reaches clinicians"
        )
    before = alert.status
    alert.status = "issued"
    alert.issued_version = alert.current_version
    alert.issued_at = alert.issued_at or utcnow()
    _event(session, alert, action="issued", actor=actor, via=via, from_status=before)
    return outbox.enqueue(session, alert, event="issued")


def withdraw_alert(
    session: Session, alert: Alert, *, actor: str, role: str | None, reason: str, via: str = "cli"
) -> list[Delivery]:
    """Withdraw the alert (with a reason); subscribers who received it are told (CAP ``Cancel``)."""
    require(role, issue_permission(alert))
    if alert.status == "withdrawn":
        raise WorkflowError(f"alert A{alert.id} is already withdrawn")
    if not (reason or "").strip():
        raise WorkflowError("a withdrawal needs a reason")
    before = alert.status
    alert.status = "withdrawn"
    alert.withdrawn_at = utcnow()
    _event(session, alert, action="withdrawn", actor=actor, via=via, from_status=before, note=reason.strip())
    return outbox.enqueue(session, alert, event="withdrawn")


def alert_versions(session: Session, alert: Alert) -> list[AlertVersion]:
    return list(
        session.scalars(
            select(AlertVersion).where(AlertVersion.alert_id == alert.id).order_by(AlertVersion.version)
        ).all()
    )


def alert_events(session: Session, alert: Alert) -> list[AlertEvent]:
    return list(
        session.scalars(select(AlertEvent).where(AlertEvent.alert_id == alert.id).order_by(AlertEvent.id)).all()
    )


def alert_record(session: Session, alert: Alert) -> dict[str, Any]:
    """One alert as ``fews alerts list`` prints it (operator view: titles and states, no product)."""
    ver = _current(session, alert)
    body = ver.body or {}
    return {
        "id": f"A{alert.id}",
        "type": alert.type,
        "subtype": (body.get("signal") or {}).get("subtype"),
        "status": alert.status,
        "level": alert.level,
        "audience": alert.audience,
        "audiences": list(alert.audiences or []),
        "version": alert.current_version,
        "issued_version": alert.issued_version,
        "agreed_version": alert.agreed_version,
        "title": ver.title,
        "signal_id": alert.signal_id,
        "family_id": f"F{alert.family_id}" if alert.family_id else None,
        "substances": [s.get("id") for s in body.get("substances") or []],
        "created_at": alert.created_at,
        "issued_at": alert.issued_at,
        "withdrawn_at": alert.withdrawn_at,
    }
