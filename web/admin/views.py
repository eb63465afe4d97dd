from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from fews import audit, web_sessions
from fews.access import allowed
from fews.accounts import AccountError, create_token, create_user, revoke_token, set_active, set_password
from fews.models import ApiToken, AuditEvent, QuarantineItem, User
from intake.pipeline import quarantine_query, retry_quarantined
from web.admin import bp
from web.admin.forms import ActionForm, NewUserForm, PasswordForm, TokenForm
from web.database import db, write_session
from web.ui import requires_page

AUDIT_PAGE = 100
QUARANTINE_LIMIT = 500


@bp.route("/")
@requires_page("manage_users", "manage_quarantine", "read_audit")
def index():  # type: ignore[no-untyped-def]
    return render_template("admin/index.html")


@bp.route("/users", methods=["GET", "POST"])
@requires_page("manage_users")
def users():  # type: ignore[no-untyped-def]
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            with write_session() as s:
                create_user(
                    s,
                    form.username.data,
                    role=form.role.data,
                    password=form.password.data,
                    organisation=form.organisation.data or None,
                    jurisdiction=form.jurisdiction.data or None,
                    actor=current_user.username,
                    via="web",
                )
        except AccountError as exc:
            form.username.errors.append(str(exc))  # type: ignore[attr-defined]
        else:
            flash(f"User {form.username.data} created.", "success")
            return redirect(url_for("admin.users"))
    rows = list(db().scalars(select(User).order_by(User.username)))
    return render_template("admin/users.html", users=rows, form=form), 400 if form.errors else 200


def _user_or_404(user_id: int) -> User:
    user = db().get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        abort(404, description=f"No user {user_id}.")
    return user


@bp.route("/users/<int:user_id>", methods=["GET"])
@requires_page("manage_users")
def user(user_id: int):  # type: ignore[no-untyped-def]
    row = _user_or_404(user_id)
    tokens = list(db().scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)))
    return render_template(
        "admin/user.html",
        user=row,
        tokens=tokens,
        sessions=web_sessions.live_sessions(db(), user_id),
        password=PasswordForm(),
        token=TokenForm(),
        action=ActionForm(),
    )


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
@requires_page("manage_users")
def end_sessions(user_id: int):  # type: ignore[no-untyped-def]
    """Sign the user out everywhere (a lost laptop, a suspected stolen cookie)."""
    _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    with write_session() as s:
        n = web_sessions.end_all(s, user_id, reason="ended_by_admin", actor=current_user.username, via="web")
    flash(f"{n} session{'s' if n != 1 else ''} ended.", "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@requires_page("manage_users")
def set_active_view(user_id: int):  # type: ignore[no-untyped-def]
    """Deactivate a leaver (sign-in, sessions and API tokens stop at once) or reactivate an account."""
    _user_or_404(user_id)
    form = ActionForm()
    wanted = request.form.get("active")
    if not form.validate_on_submit() or wanted not in {"0", "1"}:
        abort(400)
    if user_id == current_user.id and wanted == "0":
        flash("You cannot deactivate your own account.", "error")
        return redirect(url_for("admin.user", user_id=user_id))
    with write_session() as s:
        row = s.get(User, user_id)
        assert row is not None
        set_active(s, row, wanted == "1", actor=current_user.username, via="web")
    flash("Account reactivated." if wanted == "1" else "Account deactivated; its sessions have ended.", "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@requires_page("manage_users")
def reset_password(user_id: int):  # type: ignore[no-untyped-def]
    _user_or_404(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            with write_session() as s:
                row = s.get(User, user_id)
                assert row is not None
                set_password(s, row, form.password.data, actor=current_user.username, via="web")
                row.must_change_password = True
        except AccountError as exc:
            flash(str(exc), "error")
        else:
            flash("Password reset. The user's existing sessions have ended.", "success")
    else:
        flash("Give a new password.", "error")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/users/<int:user_id>/tokens", methods=["POST"])
@requires_page("manage_users")
def new_token(user_id: int):  # type: ignore[no-untyped-def]
    _user_or_404(user_id)
    form = TokenForm()
    if not form.validate_on_submit():
        flash("Choose at least one scope.", "error")
        return redirect(url_for("admin.user", user_id=user_id))
    try:
        with write_session() as s:
            row = s.get(User, user_id)
            assert row is not None
            token = create_token(
                s,
                row,
                scopes=list(form.scopes.data),
                label=form.label.data or None,
                actor=current_user.username,
                via="web",
            )
    except AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.user", user_id=user_id))
    return render_template("admin/token_created.html", token=token, user=_user_or_404(user_id))


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@requires_page("manage_users")
def revoke_token_view(token_id: int):  # type: ignore[no-untyped-def]
    if not ActionForm().validate_on_submit():
        abort(400)
    with write_session() as s:
        row = s.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
        if row is None:
            abort(404)
        user_id = row.user_id
        if row.revoked_at is None:
            revoke_token(s, row, actor=current_user.username, via="web")
    flash("Token revoked.", "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/quarantine")
@requires_page("manage_quarantine")
def quarantine():  # type: ignore[no-untyped-def]
    kind = request.args.get("kind") or None
    status = request.args.get("status", "open")
    stmt = quarantine_query(
        kind if kind in ("seizures", "reports", "intel", "psychoactivity") else None,
        None if status == "all" else status,
    ).limit(QUARANTINE_LIMIT)
    return render_template("admin/quarantine.html", items=list(db().scalars(stmt)), kind=kind, status=status)


@bp.route("/quarantine/<int:item_id>", methods=["GET"])
@requires_page("manage_quarantine")
def quarantine_item(item_id: int):  # type: ignore[no-untyped-def]
    item = db().get(QuarantineItem, item_id) if 0 < item_id < 2**31 else None
    if item is None:
        abort(404)
    show_payload = item.kind != "reports" or allowed(current_user.role, "read_quarantine_clinical")
    return render_template("admin/quarantine_item.html", item=item, show_payload=show_payload, action=ActionForm())


@bp.route("/quarantine/<int:item_id>/retry", methods=["POST"])
@requires_page("manage_quarantine")
def quarantine_retry(item_id: int):  # type: ignore[no-untyped-def]
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        summary, status = retry_quarantined(
            current_app.extensions["fews_sessions"],
            current_app.config["FEWS"],
            item_id,
            actor=current_user.username,
            via="web",
        )
    except LookupError:
        abort(404)
    except ValueError as exc:
        flash(str(exc), "error")
    else:
        flash(
            f"Retried in batch {summary.batch_id}: {summary.accepted} accepted, {summary.quarantined} quarantined; "
            f"the item is now {status}.",
            "success" if status == "released" else "info",
        )
    return redirect(url_for("admin.quarantine_item", item_id=item_id))


@bp.route("/audit")
@requires_page("read_audit")
def audit_log():  # type: ignore[no-untyped-def]
    before = request.args.get("before", type=int)
    stmt = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(AUDIT_PAGE)
    if before:
        stmt = stmt.where(AuditEvent.seq < before)
    events = list(db().scalars(stmt))
    verified = audit.verify(db()) if request.args.get("verify") == "1" else None
    return render_template("admin/audit.html", events=events, verified=verified)
