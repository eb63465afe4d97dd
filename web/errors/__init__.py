"""One home for errors: HTML for browsers, problem+json for the API and JSON clients."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

bp = Blueprint("errors", __name__)

__all__ = ["bp"]


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _problem(status: int, title: str, detail: str):  # type: ignore[no-untyped-def]
    if _wants_json():
        resp = jsonify({"type": "about:blank", "title": title, "status": status, "detail": detail})
        resp.status_code = status
        resp.mimetype = "application/problem+json"
        return resp
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
    return _problem(exc.code or 500, exc.name, exc.description or "")


@bp.app_errorhandler(Exception)
def server_error(exc: Exception):  # type: ignore[no-untyped-def]
    session = g.pop("db", None)
    if session is not None:
        session.rollback()
        session.close()
    import logging

    logging.getLogger("web").exception("unhandled error on %s", request.path)
    return _problem(500, "Internal Server Error", "Something went wrong; it has been logged.")
