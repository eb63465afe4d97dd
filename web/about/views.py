from __future__ import annotations

from flask import render_template

from reference_spectra.attribution import library_attribution
from web.about import bp


@bp.route("/about")
def about():  # type: ignore[no-untyped-def]
    return render_template("about/about.html", library=library_attribution())
