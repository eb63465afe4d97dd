"""Shared pieces of the browser pages: the GOV.UK Frontend set-up (:mod:`web.ui.govuk`), page access
in one decorator (:mod:`web.ui.access`), navigation (:mod:`web.ui.nav`), harm-count privacy
(:mod:`web.ui.privacy`), server-side SVG charts (:mod:`web.ui.charts`) and CSV downloads of page
tables (:mod:`web.ui.tables`)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from web.ui.access import may, page_access, requires_page, signed_in_principal

__all__ = ["init_app", "may", "page_access", "requires_page", "signed_in_principal"]


def init_app(app: Flask) -> None:
    """GOV.UK Frontend templates and /assets, and the template helpers every page uses."""
    from fews.overview import STATUS_LABELS
    from web.ui import govuk
    from web.ui.nav import nav_items
    from web.ui.privacy import harm_count, harm_text, sees_small_harm_counts

    govuk.init_app(app)

    @app.context_processor
    def _page_helpers() -> dict[str, Any]:
        return {
            "nav_items": nav_items,
            "may": may,
            "harm_count": harm_count,
            "harm_text": harm_text,
            "sees_small_harm_counts": sees_small_harm_counts,
        }

    @app.template_filter("legal_label")
    def _legal_label(status: str | None) -> str:
        return STATUS_LABELS.get(status or "", status or "not yet decided")

    @app.template_filter("combine_attrs")
    def _combine_attrs(attrs: dict[str, Any], described: str) -> dict[str, Any]:
        out = dict(attrs)
        if described.strip():
            out["aria-describedby"] = described.strip()
        return out

    @app.template_filter("words")
    def _words(value: str | None) -> str:
        return (value or "").replace("_", " ")
