from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from alerts.document import alert_document
from alerts.products import render_product
from alerts.workflow import (
    WorkflowError,
    agree_alert,
    alert_events,
    alert_versions,
    issue_alert,
    issue_permission,
    update_alert,
    withdraw_alert,
)
from fews.access import PermissionDenied, allowed
from fews.models import Alert, AlertVersion
from web.api.policy import alert_view, may_review_alert
from web.database import db, write_session
from web.review import alerts_bp as bp
from web.review.diff import version_diff
from web.review.forms import AgreeForm, IssueForm, UpdateForm, WithdrawForm
from web.ui import requires_page

QUEUE_LIMIT = 200


def _alert_or_404(alert_id: int) -> Alert:
    alert = db().get(Alert, alert_id) if 0 < alert_id < 2**31 else None
    if alert is None or (
        alert_view(current_user.role, alert) is None and not may_review_alert(current_user.role, alert)
    ):
        abort(404, description=f"No alert A{alert_id} for your audiences.")
    return alert


def _reviewer_or_403(alert: Alert) -> None:
    if not may_review_alert(current_user.role, alert):
        abort(403, description="Only the roles that agree or issue this alert may review it.")


@bp.route("/alerts")
@requires_page("read_public")
def queue():  # type: ignore[no-untyped-def]
    status = request.args.get("status") or None
    stmt = select(Alert).order_by(Alert.id.desc()).limit(QUEUE_LIMIT)
    if status in ("draft", "agreed", "issued", "withdrawn"):
        stmt = stmt.where(Alert.status == status)
    role = current_user.role
    rows = []
    alerts = [a for a in db().scalars(stmt) if alert_view(role, a) is not None or may_review_alert(role, a)]
    wanted = {(a.id, a.current_version if may_review_alert(role, a) else a.issued_version) for a in alerts}
    titles = {
        (v.alert_id, v.version): v.title
        for v in db().scalars(select(AlertVersion).where(AlertVersion.alert_id.in_([a.id for a in alerts])))
        if (v.alert_id, v.version) in wanted
    }
    for a in alerts:
        review = may_review_alert(role, a)
        version = a.current_version if review else a.issued_version
        rows.append({"alert": a, "title": titles.get((a.id, version), ""), "review": review, "version": version})
    return render_template("review/alerts.html", rows=rows, status=status)


@bp.route("/alerts/<int:alert_id>")
@requires_page("read_public")
def show(alert_id: int):  # type: ignore[no-untyped-def]
    alert = _alert_or_404(alert_id)
    role = current_user.role
    if not may_review_alert(role, alert):
        kind, audience = alert_view(role, alert) or ("", "")
        product = render_product(alert_document(db(), alert, alert.issued_version), audience)
        return render_template("review/product.html", alert=alert, product=product, audience=audience)
    versions = alert_versions(db(), alert)
    current = versions[-1]
    update = UpdateForm(
        data={
            "title": current.title,
            "summary": current.summary,
            "recommended_actions": current.recommended_actions,
            "level": alert.level,
            "review_by": alert.review_by,
        }
    )
    return render_template(
        "review/review.html",
        alert=alert,
        current=current,
        versions=versions,
        events=alert_events(db(), alert),
        update=update,
        agree=AgreeForm(data={"clinical_response": current.clinical_response or ""}),
        issue=IssueForm(),
        withdraw=WithdrawForm(),
        may_agree=alert.audience == "clinical" and allowed(role, "agree_clinical_alert") and alert.status == "draft",
        may_issue=allowed(role, issue_permission(alert)),
        audiences=list(alert.audiences or []),
        diff=version_diff(versions[-2], current) if len(versions) > 1 else None,
    )


def _act(alert_id: int, action: Any, success: str) -> Any:
    """Run one workflow step in a write transaction; errors come back to the review page."""
    try:
        with write_session() as s:
            alert = s.get(Alert, alert_id)
            if alert is None:
                abort(404)
            action(s, alert)
        flash(success, "success")
    except PermissionDenied as exc:
        abort(403, description=str(exc))
    except WorkflowError as exc:
        flash(str(exc), "error")
    return redirect(url_for("alerts.show", alert_id=alert_id))


@bp.route("/alerts/<int:alert_id>/update", methods=["POST"])
@requires_page("issue_clinical_alert", "issue_enforcement_alert")
def update(alert_id: int):  # type: ignore[no-untyped-def]
    alert = _alert_or_404(alert_id)
    _reviewer_or_403(alert)
    form = UpdateForm()
    if not form.validate_on_submit():
        flash("Check the form: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in form.errors.items()), "error")
        return redirect(url_for("alerts.show", alert_id=alert_id))
    current = db().scalar(
        select(AlertVersion).where(AlertVersion.alert_id == alert.id, AlertVersion.version == alert.current_version)
    )
    changes: dict[str, Any] = {}
    for name in ("title", "summary", "recommended_actions"):
        value = (getattr(form, name).data or "").strip() or None
        if current is not None and value != (getattr(current, name) or None):
            changes[name] = value
    if form.level.data != alert.level:
        changes["level"] = form.level.data
    if form.review_by.data and form.review_by.data != alert.review_by:
        changes["review_by"] = form.review_by.data
    return _act(
        alert_id,
        lambda s, a: update_alert(
            s, a, actor=current_user.username, role=current_user.role, via="web", note=form.note.data or None, **changes
        ),
        f"A{alert_id} updated: a new draft version waits for review.",
    )


@bp.route("/alerts/<int:alert_id>/agree", methods=["POST"])
@requires_page("agree_clinical_alert")
def agree(alert_id: int):  # type: ignore[no-untyped-def]
    _reviewer_or_403(_alert_or_404(alert_id))
    form = AgreeForm()
    if not form.validate_on_submit():
        flash("The agreed clinical response is required (at least 20 characters).", "error")
        return redirect(url_for("alerts.show", alert_id=alert_id))
    return _act(
        alert_id,
        lambda s, a: agree_alert(
            s,
            a,
            actor=current_user.username,
            role=current_user.role,
            via="web",
            clinical_response=form.clinical_response.data,
            note=form.note.data or None,
        ),
        f"A{alert_id} agreed. It can now be issued to clinicians.",
    )


@bp.route("/alerts/<int:alert_id>/issue", methods=["POST"])
@requires_page("issue_clinical_alert", "issue_enforcement_alert")
def issue(alert_id: int):  # type: ignore[no-untyped-def]
    _reviewer_or_403(_alert_or_404(alert_id))
    if not IssueForm().validate_on_submit():
        abort(400)
    return _act(
        alert_id,
        lambda s, a: issue_alert(s, a, actor=current_user.username, role=current_user.role, via="web"),
        f"A{alert_id} issued: subscribers' deliveries are queued.",
    )


@bp.route("/alerts/<int:alert_id>/withdraw", methods=["POST"])
@requires_page("issue_clinical_alert", "issue_enforcement_alert")
def withdraw(alert_id: int):  # type: ignore[no-untyped-def]
    _reviewer_or_403(_alert_or_404(alert_id))
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash("A withdrawal needs a reason.", "error")
        return redirect(url_for("alerts.show", alert_id=alert_id))
    return _act(
        alert_id,
        lambda s, a: withdraw_alert(
            s, a, actor=current_user.username, role=current_user.role, via="web", reason=form.reason.data
        ),
        f"A{alert_id} withdrawn; subscribers who had it are told.",
    )


@bp.route("/alerts/<int:alert_id>/diff")
@requires_page("read_public")
def diff(alert_id: int):  # type: ignore[no-untyped-def]
    alert = _alert_or_404(alert_id)
    _reviewer_or_403(alert)
    versions = {v.version: v for v in alert_versions(db(), alert)}
    new = request.args.get("to", type=int) or alert.current_version
    old = request.args.get("from", type=int) or max(new - 1, 1)
    if old not in versions or new not in versions:
        abort(404, description=f"A{alert_id} has versions 1 to {alert.current_version}.")
    return render_template(
        "review/diff.html",
        alert=alert,
        old=versions[old],
        new=versions[new],
        rows=version_diff(versions[old], versions[new]),
        numbers=sorted(versions),
    )


@bp.route("/alerts/<int:alert_id>/preview/<audience>")
@requires_page("read_public")
def preview(alert_id: int, audience: str):  # type: ignore[no-untyped-def]
    """The current version as one audience will receive it (reviewers only)."""
    alert = _alert_or_404(alert_id)
    _reviewer_or_403(alert)
    if audience not in (alert.audiences or []):
        abort(404, description=f"A{alert_id} has no {audience} product.")
    product = render_product(alert_document(db(), alert, alert.current_version), audience)
    return render_template("review/product.html", alert=alert, product=product, audience=audience, preview=True)
