"""Signal -> draft -> clinical agreement -> issue -> update -> withdraw, with events and audit entries."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from alerts.workflow import (
    WorkflowError,
    agree_alert,
    alert_events,
    draft_from_signal,
    issue_alert,
    update_alert,
    withdraw_alert,
)
from fews import audit
from fews.access import PermissionDenied
from fews.db import session_scope
from fews.models import Alert, AlertEvidence, AuditEvent, Signal

RESPONSE = "Give naloxone early and repeat; observe for at least 6 hours; seek TOXBASE advice."


def _draft(world, name):  # type: ignore[no-untyped-def]
    with session_scope(world.runtime.factory) as s:
        alert = draft_from_signal(s, s.get(Signal, world.signals[name]))
        return alert.id if alert else None


def test_harm_cluster_drafts_a_clinically_led_alert_with_its_audiences(world):
    alert_id = _draft(world, "harm")
    with world.runtime.factory() as s:
        alert = s.get(Alert, alert_id)
        assert (alert.type, alert.audience, alert.status, alert.current_version) == (
            "harm_cluster",
            "clinical",
            "draft",
            1,
        )
        assert alert.audiences[:2] == ["clinical", "public_health"] and "enforcement" in alert.audiences
        assert "prisons" not in alert.audiences  # the prison seizure came after the signal's date
        assert alert.level == "urgent"  # a fatal report raises the type's level (warning)
        kinds = {e.kind for e in s.scalars(select(AlertEvidence).where(AlertEvidence.alert_id == alert_id))}
        assert kinds == {"signal", "sample", "harm_report"}
        [event] = alert_events(s, alert)
        assert (event.action, event.actor, event.from_status, event.to_status) == ("drafted", "system", None, "draft")


def test_prison_first_goes_to_prisons(world):
    alert_id = _draft(world, "prison")
    with world.runtime.factory() as s:
        alert = s.get(Alert, alert_id)
        assert alert.audience == "enforcement" and "prisons" in alert.audiences


def test_new_substance_is_led_by_enforcement_and_never_reaches_clinicians(world):
    alert_id = _draft(world, "new")
    with world.runtime.factory() as s:
        alert = s.get(Alert, alert_id)
        assert alert.audience == "enforcement" and "clinical" not in alert.audiences
        assert "international" in alert.audiences


def test_draft_from_signal_is_idempotent_and_versions_on_escalation(world):
    first = _draft(world, "harm")
    assert _draft(world, "harm") is None  # same signal state: nothing new
    with session_scope(world.runtime.factory) as s:
        sig = s.get(Signal, world.signals["harm"])
        sig.escalations, sig.status, sig.score = 1, "escalated", 7.0
        sig.reason = "7 severe or fatal harm reports (1 fatal) linked to isotonitazene across the UK in 4 weeks"
    assert _draft(world, "harm") == first
    assert _draft(world, "harm") is None
    with world.runtime.factory() as s:
        alert = s.get(Alert, first)
        assert alert.current_version == 2 and alert.status == "draft"
        assert [e.action for e in alert_events(s, alert)] == ["drafted", "updated"]


def test_closed_signal_drafts_nothing(world):
    with session_scope(world.runtime.factory) as s:
        s.get(Signal, world.signals["new"]).status = "closed"
    assert _draft(world, "new") is None


def test_clinical_alert_cannot_be_issued_before_agreement(world):
    alert_id = _draft(world, "harm")
    with session_scope(world.runtime.factory) as s:
        alert = s.get(Alert, alert_id)
        with pytest.raises(WorkflowError, match="must agree"):
            issue_alert(s, alert, actor="clinical_network_reviewer", role="clinical_network_reviewer")
        with pytest.raises(PermissionDenied):  # enforcement roles cannot issue a clinical alert
            issue_alert(s, alert, actor="intelligence_analyst", role="intelligence_analyst")
        with pytest.raises(PermissionDenied):  # nor agree it
            agree_alert(s, alert, actor="x", role="public_health_analyst", clinical_response=RESPONSE)
        with pytest.raises(WorkflowError, match="clinical response"):
            agree_alert(s, alert, actor="r", role="clinical_network_reviewer", clinical_response="  ")


def test_agree_then_issue_records_events_and_audit(world):
    alert_id = _draft(world, "harm")
    with session_scope(world.runtime.factory) as s:
        alert = s.get(Alert, alert_id)
        agree_alert(
            s, alert, actor="clinical_network_reviewer", role="clinical_network_reviewer", clinical_response=RESPONSE
        )
        issue_alert(s, alert, actor="clinical_network_reviewer", role="clinical_network_reviewer")
    with world.runtime.factory() as s:
        alert = s.get(Alert, alert_id)
        assert (alert.status, alert.agreed_version, alert.issued_version) == ("issued", 1, 1)
        assert alert.agreed_at is not None and alert.issued_at is not None
        events = alert_events(s, alert)
        assert [(e.action, e.from_status, e.to_status, e.actor) for e in events] == [
            ("drafted", None, "draft", "system"),
            ("agreed", "draft", "agreed", "clinical_network_reviewer"),
            ("issued", "agreed", "issued", "clinical_network_reviewer"),
        ]
        actions = [
            a.action
            for a in s.scalars(
                select(AuditEvent).where(AuditEvent.object_id == f"A{alert_id}").order_by(AuditEvent.seq)
            )
        ]
        assert actions == ["alert.drafted", "alert.agreed", "alert.issued"]
        assert audit.verify(s).ok


def test_enforcement_alert_is_issued_without_clinical_sign_off(world):
    alert_id = _draft(world, "new")
    with session_scope(world.runtime.factory) as s:
        alert = s.get(Alert, alert_id)
        with pytest.raises(WorkflowError, match="not clinically led"):
            agree_alert(s, alert, actor="r", role="clinical_network_reviewer", clinical_response=RESPONSE)
        with pytest.raises(PermissionDenied):
            issue_alert(s, alert, actor="r", role="clinical_network_reviewer")
        issue_alert(s, alert, actor="forensic_chemist", role="forensic_chemist")
        assert alert.status == "issued"


def test_update_keeps_the_issued_version_live_until_reissued(world):
    alert_id = _draft(world, "new")
    with session_scope(world.runtime.factory) as s:
        alert = s.get(Alert, alert_id)
        issue_alert(s, alert, actor="intelligence_analyst", role="intelligence_analyst")
        ver = update_alert(
            s,
            alert,
            actor="intelligence_analyst",
            role="intelligence_analyst",
            summary="Now also seen in Swansea.",
            level="warning",
        )
        assert ver.version == 2 and alert.status == "draft" and alert.issued_version == 1
        with pytest.raises(WorkflowError, match="editable"):
            update_alert(s, alert, actor="intelligence_analyst", role="intelligence_analyst", case_reference="x")
        issue_alert(s, alert, actor="intelligence_analyst", role="intelligence_analyst")
        assert (alert.issued_version, alert.level) == (2, "warning")


def test_updated_clinical_alert_needs_agreement_again(world):
    alert_id = _draft(world, "harm")
    with session_scope(world.runtime.factory) as s:
        alert = s.get(Alert, alert_id)
        agree_alert(s, alert, actor="r", role="clinical_network_reviewer", clinical_response=RESPONSE)
        issue_alert(s, alert, actor="r", role="clinical_network_reviewer")
        update_alert(s, alert, actor="r", role="clinical_network_reviewer", summary="Cluster now includes Leeds.")
        with pytest.raises(WorkflowError, match="must agree version 2"):
            issue_alert(s, alert, actor="r", role="clinical_network_reviewer")


def test_withdraw_needs_a_reason_and_the_issuing_permission(world):
    alert_id = _draft(world, "new")
    with session_scope(world.runtime.factory) as s:
        alert = s.get(Alert, alert_id)
        issue_alert(s, alert, actor="intelligence_analyst", role="intelligence_analyst")
        with pytest.raises(PermissionDenied):
            withdraw_alert(s, alert, actor="hop", role="home_office_policy", reason="x")
        with pytest.raises(WorkflowError, match="reason"):
            withdraw_alert(s, alert, actor="intelligence_analyst", role="intelligence_analyst", reason=" ")
        withdraw_alert(
            s, alert, actor="intelligence_analyst", role="intelligence_analyst", reason="re-analysis: caffeine"
        )
        assert alert.status == "withdrawn" and alert.withdrawn_at is not None
        with pytest.raises(WorkflowError, match="already withdrawn"):
            withdraw_alert(s, alert, actor="intelligence_analyst", role="intelligence_analyst", reason="again")
    # a withdrawn alert is not versioned by its signal again: a new alert is drafted
    with session_scope(world.runtime.factory) as s:
        s.get(Signal, world.signals["new"]).escalations = 1
    assert _draft(world, "new") not in (None, alert_id)


def test_signal_only_subtypes_draft_no_alert(runtime):
    import datetime as _dt

    from alerts.tables import audience_rules
    from alerts.workflow import draft_from_signal
    from fews.db import session_scope as _scope
    from fews.models import Signal as _Signal

    assert "jurisdiction_first" in audience_rules().signal_only
    with _scope(runtime.factory) as s:
        sig = _Signal(
            type="new_substance",
            subtype="jurisdiction_first",
            key="jurisdiction_first:wales:S1",
            as_of=_dt.date(2024, 3, 3),
            score=1.0,
            reason="First detection in Wales of X",
            status="open",
            details={"members": []},
        )
        s.add(sig)
        s.flush()
        assert draft_from_signal(s, sig) is None
