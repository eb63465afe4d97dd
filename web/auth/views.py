from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from fews import audit, web_sessions
from fews.accounts import AccountError, check_password, get_user, set_password
from fews.models import User, utcnow
from web.auth import bp
from web.auth.principal import WebUser
from web.database import db, write_session


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=1000)])
    password = PasswordField("New password", validators=[DataRequired(), Length(max=1000)])
    confirm = PasswordField(
        "New password again", validators=[DataRequired(), EqualTo("password", message="The new passwords differ.")]
    )


class EndSessionsForm(FlaskForm):
    """A button: sign out every other session of the signed-in user."""


# Pages a user who must change their password may still open (and static files).
_OPEN_WHILE_CHANGING = frozenset({"auth.change_password", "auth.logout", "static", "health.healthz", "health.readyz"})


@bp.before_app_request
def _password_change_first():  # type: ignore[no-untyped-def]
    """After an administrator reset the password, the user chooses a new one before anything else."""
    if (
        current_user.is_authenticated
        and getattr(current_user, "must_change_password", False)
        and request.endpoint not in _OPEN_WHILE_CHANGING
        and not (request.blueprint or "").startswith("api")
    ):
        return redirect(url_for("auth.change_password"))
    return None


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
            signed_in = None
            if ok:
                assert user is not None
                token, sid = web_sessions.start(
                    s, user, ip=request.remote_addr, user_agent=request.headers.get("User-Agent")
                )
                signed_in = WebUser.from_row(user, token, sid)
        if signed_in is not None:
            limiter.reset(*keys)
            session.clear()  # no session fixation: a fresh session for the signed-in user
            login_user(signed_in)
            # the CSRF token now, in this response: pages opened at once in several tabs (requests in
            # flight together) would otherwise each mint a token and only the last cookie would win
            generate_csrf()
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
    with write_session() as s:  # the cookie's session ends on the server: a copy of it is now useless
        web_sessions.end(s, current_user.session_id, reason="signed_out", actor=current_user.username)
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account")
@login_required
def account():  # type: ignore[no-untyped-def]
    """The signed-in user's own account: live sessions (this one marked) and the password."""
    return render_template(
        "auth/account.html",
        sessions=web_sessions.live_sessions(db(), current_user.id),
        end_form=EndSessionsForm(),
        password_form=ChangePasswordForm(),
    )


@bp.route("/account/sessions/end", methods=["POST"])
@login_required
def end_other_sessions():  # type: ignore[no-untyped-def]
    if not EndSessionsForm().validate_on_submit():
        return redirect(url_for("auth.account"))
    with write_session() as s:
        others = [r.id for r in web_sessions.live_sessions(s, current_user.id) if r.id != current_user.session_id]
        for pk in others:
            web_sessions.end(s, pk, reason="ended_by_user", actor=current_user.username)
    flash(f"Signed out of {len(others)} other session{'s' if len(others) != 1 else ''}.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():  # type: ignore[no-untyped-def]
    """Change one's own password; every other session ends, this one goes on."""
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            with write_session() as s:
                user = s.get(User, current_user.id)
                assert user is not None
                if not check_password(user, form.current.data):
                    raise AccountError("The current password is not right.")
                if form.password.data == form.current.data:
                    raise AccountError("Choose a password different from the current one.")
                set_password(s, user, form.password.data, actor=user.username, via="web")
                user.must_change_password = False
                token, sid = web_sessions.start(
                    s, user, ip=request.remote_addr, user_agent=request.headers.get("User-Agent")
                )
                renewed = WebUser.from_row(user, token, sid)
        except AccountError as exc:
            form.password.errors.append(str(exc))  # type: ignore[attr-defined]
            status = 400
        else:
            session.clear()
            login_user(renewed)  # set_password ended every session, this one included: continue in a new one
            generate_csrf()
            flash("Your password has changed. Other sessions have ended.", "success")
            return redirect(url_for("main.dashboard"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/password.html", form=form), status
