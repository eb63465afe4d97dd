"""CSV downloads of page tables, with spreadsheet formula injection neutralised (``alerts.exports.safe_cell``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import Response, current_app

from alerts.exports import to_csv

__all__ = ["csv_response", "wants_csv"]


def wants_csv(args: Mapping[str, str]) -> bool:
    """True when the page was asked for its table as CSV (``?format=csv``)."""
    return args.get("format") == "csv"


def csv_response(rows: Iterable[Mapping[str, Any]], columns: Iterable[str], *, filename: str) -> Response:
    """A CSV attachment; every cell passes ``safe_cell`` (a leading ``= + - @`` is quoted away)."""
    marking = current_app.config["FEWS"].security_marking
    body = to_csv(rows, columns)
    resp = Response(body, mimetype="text/csv")
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["X-Security-Marking"] = marking
    resp.headers["Cache-Control"] = "no-store"
    return resp
