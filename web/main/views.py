from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from fews.access import allowed
from fews.overview import overview, recent_batches, recent_first_detections
from web.database import db
from web.main import bp


@bp.route("/")
def index():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return redirect(url_for("auth.login"))


@bp.route("/dashboard")
@login_required
def dashboard():  # type: ignore[no-untyped-def]
    s = db()
    role = current_user.role
    see_all_batches = allowed(role, "manage_quarantine")
    batches = recent_batches(s, submitted_by=None if see_all_batches else current_user.username)
    return render_template(
        "main/dashboard.html",
        figures=overview(s),
        firsts=recent_first_detections(s),
        batches=batches,
        show_quarantine=allowed(role, "manage_quarantine"),
    )
