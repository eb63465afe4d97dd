from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from fews.access import allowed
from fews.dashboard import attention
from fews.overview import overview, recent_batches, recent_first_detections
from web.database import db
from web.main import bp
from web.ui import requires_page, signed_in_principal
from web.ui.cache import page_cached
from web.ui.nav import SUBMIT_PERMISSIONS


@bp.route("/")
def index():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return redirect(url_for("auth.login"))


@bp.route("/dashboard")
@requires_page("read_public")
def dashboard():  # type: ignore[no-untyped-def]
    s = db()
    role = current_user.role
    see_all_batches = allowed(role, "manage_quarantine")
    submits = any(allowed(role, p) for p in SUBMIT_PERMISSIONS)
    batches = (
        recent_batches(s, submitted_by=None if see_all_batches else current_user.username)
        if (submits or see_all_batches)
        else []
    )
    return render_template(
        "main/dashboard.html",
        figures=page_cached("overview", lambda: overview(s)),
        firsts=page_cached("first_detections", lambda: recent_first_detections(s, limit=10)),
        batches=batches,
        submits=submits,
        todo=attention(s, signed_in_principal()),
        show_quarantine=see_all_batches,
    )
