"""GOV.UK Frontend 6.3.0 (vendored under ``web/static/govuk``) with the govuk-frontend-jinja 4.1 macros.

DESIGN.md §2: the Jinja macros need ``ChainableUndefined`` (they read ``params.label.text`` on
parameters that may be absent); the CSS expects its assets at ``/assets``; the JavaScript is an ES
module started by ``web/static/js/fews.js``. The GDS Transport font and the crown are not shipped
(``tools/vendor-govuk.sh``).
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from flask import Blueprint, Flask

__all__ = ["init_app", "GOVUK_STATIC", "assets_bp"]

GOVUK_STATIC = Path(__file__).resolve().parent.parent / "static" / "govuk"

assets_bp = Blueprint("govuk_assets", __name__, static_folder=str(GOVUK_STATIC / "assets"), static_url_path="/assets")


def init_app(app: Flask) -> None:
    """Let templates import ``govuk_frontend_jinja`` macros and serve ``/assets``."""
    app.jinja_env.undefined = jinja2.ChainableUndefined
    # the app's own template folder first, then the macros as "govuk_frontend_jinja/..."
    loaders: list[jinja2.BaseLoader] = [app.jinja_loader] if app.jinja_loader is not None else []
    loaders.append(
        jinja2.PrefixLoader({"govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja", "templates")})
    )
    app.jinja_loader = jinja2.ChoiceLoader(loaders)  # type: ignore[assignment]
    app.register_blueprint(assets_bp)
