from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from fews import audit
from fews.accounts import check_password, get_user
from fews.models import utcnow
from web.auth import bp
from web.auth.principal import WebUser
from web.database import write_session


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        username = form.username.data.strip()
        keys = (f"ip:{request.remote_addr}", f"user:{username.lower()}")
        limiter = current_app.extensions["fews_login_limiter"]
        if limiter.blocked(*keys):
            flash("Too many failed sign-in attempts. Wait 15 minutes and try again.", "error")
            return render_template("auth/login.html", form=form), 429
        with write_session() as s:  # the sign-in and its audit entry are one write transaction
            user = get_user(s, username)
            ok = user is not None and user.active and check_password(user, form.password.data)
            if ok:
                user.last_login_at = utcnow()
            audit.record(
                s,
                actor=(user.username if ok else username)[:120],
                via="web",
                action="auth.login" if ok else "auth.login_failed",
                object_type="user",
                object_id=user.id if ok else username[:200],
                content={"ip": request.remote_addr},
            )
            signed_in = WebUser.from_row(user) if ok else None
        if signed_in is not None:
            limiter.reset(*keys)
            session.clear()  # no session fixation: a fresh session for the signed-in user
            login_user(signed_in)
            return redirect(_safe_next(request.args.get("next")))
        limiter.fail(*keys)
        flash("The username or password is not right.", "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():  # type: ignore[no-untyped-def]
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))
