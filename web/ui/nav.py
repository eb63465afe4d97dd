"""The service navigation: one link per area the signed-in role may use (from the permission table)."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_login import current_user

from fews.access import allowed

__all__ = ["nav_items", "SUBMIT_PERMISSIONS"]

SUBMIT_PERMISSIONS = ("submit_seizures", "submit_psychoactivity", "submit_harm_report", "submit_intel")

# (text, endpoint, blueprint that marks it active, permissions: any one; None = every signed-in role)
_ITEMS: tuple[tuple[str, str, str, tuple[str, ...] | None], ...] = (
    ("Dashboard", "main.dashboard", "main", None),
    ("Substances", "substances.index", "substances", None),
    ("Families", "families.index", "families", None),
    ("Signals", "signals.queue", "signals", None),
    ("Alerts", "alerts.queue", "alerts", None),
    ("Submit", "submit.index", "submit", SUBMIT_PERMISSIONS),
    ("Subscriptions", "subscriptions.index", "subscriptions", None),
    ("Search", "search.index", "search", None),
    ("Reports", "reports.index", "reports", None),
    ("Legal rules", "rules.index", "rules", None),
    ("Evidence packs", "policy.index", "policy", ("read_evidence_packs",)),
    ("Admin", "admin.index", "admin", ("manage_users", "manage_quarantine", "read_audit")),
)


def nav_items() -> list[dict[str, Any]]:
    if not current_user.is_authenticated:
        return []
    out = []
    for text, endpoint, blueprint, permissions in _ITEMS:
        if permissions is not None and not any(allowed(current_user.role, p) for p in permissions):
            continue
        try:
            href = url_for(endpoint)
        except Exception:  # an area not registered in this app (e.g. a minimal test app)
            continue
        out.append({"text": text, "href": href, "active": request.blueprint == blueprint})
    return out
