"""WSGI entry point for several web worker processes (gunicorn): ``gunicorn fews.wsgi:app``.

Builds the app from the environment (as ``fews serve`` does), with JSON logs and request ids.
Importing this module creates the app: it is meant for WSGI servers only, never for other code.
"""

from __future__ import annotations

from fews.logging_setup import configure_json_logging, install_request_ids
from web import create_app

__all__ = ["app"]

configure_json_logging()
app = create_app()
install_request_ids(app)
