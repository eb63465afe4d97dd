from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from alerts.subscriptions import SubscriptionError, create_subscription, revoke_subscription
from alerts.tables import audience_rules
from fews.models import Subscription, User
from web.database import db, write_session
from web.subscriptions import bp
from web.subscriptions.forms import LIST_FILTERS, TICK_FILTERS, FilterForm, NewSubscriptionForm, filters_from
from web.subscriptions.service import send_test, update_subscription
from web.ui import requires_page
from web.ui.choices import options


def _own_or_404(sub_id: int) -> Subscription:
    sub = db().get(Subscription, sub_id) if 0 < sub_id < 2**31 else None
    if sub is None or sub.user_id != current_user.id:
        abort(404, description=f"No subscription {sub_id} of yours.")
    return sub


def _feed_urls(token: str) -> dict[str, str]:
    return {
        kind: url_for(f"feeds.{endpoint}", token=token, _external=True)
        for kind, endpoint in (("Atom", "atom"), ("JSON Feed", "json_feed"), ("CAP 1.2", "cap"))
    }


@bp.route("")
@requires_page("read_public")
def index():  # type: ignore[no-untyped-def]
    subs = list(
        db().scalars(select(Subscription).where(Subscription.user_id == current_user.id).order_by(Subscription.id))
    )
    return render_template("subscriptions/index.html", subs=subs, actions=FlaskForm())


@bp.route("/new", methods=["GET", "POST"])
@requires_page("read_public")
def new():  # type: ignore[no-untyped-def]
    form = NewSubscriptionForm()
    products = audience_rules().products_for_role(current_user.role)
    form.audience.choices = options([(p, p.replace("_", " ")) for p in products])
    if not form.is_submitted():
        form.channel.data = "feed"
        form.audience.data = products[0] if products else None
    if form.validate_on_submit():
        try:
            with write_session() as s:
                user = s.get(User, current_user.id)
                assert user is not None
                created = create_subscription(
                    s,
                    user,
                    name=form.name.data,
                    channel=form.channel.data,
                    target=(form.target.data or "").strip() or None,
                    filters=filters_from(form),
                    audience=form.audience.data,
                    actor=current_user.username,
                    via="web",
                )
                sub_id = created.subscription.id
                token, secret = created.feed_token, created.webhook_secret
        except SubscriptionError as exc:
            form.name.errors.append(str(exc))  # type: ignore[attr-defined]
        else:
            return render_template(
                "subscriptions/created.html", sub=db().get(Subscription, sub_id), urls=_feed_urls(token), secret=secret
            )
    status = 400 if form.is_submitted() else 200
    return render_template("subscriptions/form.html", form=form, new=True), status


@bp.route("/<int:sub_id>/edit", methods=["GET", "POST"])
@requires_page("read_public")
def edit(sub_id: int):  # type: ignore[no-untyped-def]
    sub = _own_or_404(sub_id)
    filters: dict[str, Any] = dict(sub.filters or {})
    data: dict[str, Any] = {"name": sub.name} | {k: filters.get(k, []) for k in TICK_FILTERS}
    data |= {k: ", ".join(filters.get(k, [])) for k in LIST_FILTERS}
    form = FilterForm(data=data)
    if form.validate_on_submit():
        try:
            with write_session() as s:
                row = s.get(Subscription, sub_id)
                assert row is not None
                update_subscription(
                    s, row, name=form.name.data, filters=filters_from(form), actor=current_user.username
                )
        except SubscriptionError as exc:
            form.name.errors.append(str(exc))  # type: ignore[attr-defined]
        else:
            flash(f"Subscription “{form.name.data}” saved.", "success")
            return redirect(url_for("subscriptions.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("subscriptions/form.html", form=form, new=False, sub=sub), status


@bp.route("/<int:sub_id>/revoke", methods=["POST"])
@requires_page("read_public")
def revoke(sub_id: int):  # type: ignore[no-untyped-def]
    _own_or_404(sub_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        with write_session() as s:
            row = s.get(Subscription, sub_id)
            assert row is not None
            cancelled = revoke_subscription(s, row, actor=current_user.username, via="web")
    except SubscriptionError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Subscription revoked; its feed URLs stop working. {cancelled} queued deliveries cancelled.", "success")
    return redirect(url_for("subscriptions.index"))


@bp.route("/<int:sub_id>/test", methods=["POST"])
@requires_page("read_public")
def test(sub_id: int):  # type: ignore[no-untyped-def]
    _own_or_404(sub_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        with write_session() as s:
            row = s.get(Subscription, sub_id)
            assert row is not None
            if row.revoked_at is not None:
                raise SubscriptionError("this subscription is revoked")
            message = send_test(s, row, current_app.config["FEWS"], actor=current_user.username)
    except Exception as exc:  # shown to the user: SMTP, HTTP and configuration errors alike
        flash(f"The test delivery failed: {exc}", "error")
    else:
        flash(message, "success")
    return redirect(url_for("subscriptions.index"))
