"""API access in one place: each view declares the permission(s) of the §4 table it needs and the
token scope; :func:`requires` checks both and documents 401/403. Record-level rules (own reports,
own lab, own jurisdiction, alert audiences) are data here and helpers in ``fews.access``; views
never test roles.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from alerts.tables import audience_rules
from alerts.workflow import issue_permission
from fews.access import PERMISSIONS, Principal, allowed
from fews.accounts import TOKEN_SCOPES
from fews.models import Alert
from web.api.auth import Caller, current_caller
from web.api.problems import ApiProblem
from web.api.spec import problem_response

__all__ = [
    "RouteAccess",
    "requires",
    "route_access",
    "alert_products",
    "may_review_alert",
    "alert_view",
    "JURISDICTION_SCOPED_ROLES",
    "seizure_jurisdictions",
    "sees_case_level_seizures",
    "sees_small_harm_counts",
]

API_SCOPES = ("read", "submit")  # of fews.accounts.TOKEN_SCOPES: GET/classify/identify need read, intake submit


@dataclass(frozen=True)
class RouteAccess:
    """Any one of ``permissions`` (fews.access.PERMISSIONS) and, for tokens, ``scope``."""

    permissions: tuple[str, ...]
    scope: str

    def role_allowed(self, role: str | None) -> bool:
        return any(allowed(role, p) for p in self.permissions)


def requires(blp: Any, *permissions: str, scope: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: the caller must hold one of ``permissions`` and (tokens) ``scope``; else 403.

    Put it directly under ``@blp.route`` so the check runs before arguments are parsed.
    """
    for p in permissions:
        if p not in PERMISSIONS:
            raise KeyError(f"unknown permission {p!r}")
    if scope not in API_SCOPES or scope not in TOKEN_SCOPES:
        raise ValueError(f"scope must be one of {API_SCOPES}, got {scope!r}")
    access = RouteAccess(tuple(permissions), scope)

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check(access)
            return fn(*args, **kwargs)

        wrapper.api_access = access  # type: ignore[attr-defined]
        documented = problem_response(blp, 401, "Not signed in, or the API token is not valid")(wrapper)
        return problem_response(blp, 403, "This role or token scope may not")(documented)

    return decorate


def check(access: RouteAccess) -> Caller:
    caller = current_caller()
    if not access.role_allowed(caller.principal.role):
        names = " or ".join(p.replace("_", " ") for p in access.permissions)
        raise ApiProblem(403, f"Role {caller.principal.role!r} may not {names}.")
    if not caller.has_scope(access.scope):
        raise ApiProblem(403, f"This API token lacks the {access.scope!r} scope.")
    return caller


def route_access(view: Callable[..., Any]) -> RouteAccess | None:
    """The access a view declared with :func:`requires` (None for public views)."""
    return getattr(view, "api_access", None)


# --------------------------------------------------------------------------- alerts
# DESIGN.md §4: every role reads "issued alerts (the product for one's own audience)". Which products a
# role receives is the alerts package's table (alerts/data/audiences.yaml, ``roles``); drafts and
# agreed-but-not-issued versions are shown only to the roles that may agree or issue that alert.
PUBLISHED = "product"
REVIEW = "review"


def alert_products(role: str) -> tuple[str, ...]:
    """The audience products ``role`` receives, its default first."""
    return audience_rules().products_for_role(role)


def may_review_alert(role: str, alert: Alert) -> bool:
    """Whether ``role`` may agree or issue ``alert`` (and so read its unpublished versions)."""
    if allowed(role, issue_permission(alert)):
        return True
    return alert.audience == "clinical" and allowed(role, "agree_clinical_alert")


def alert_view(role: str, alert: Alert) -> tuple[str, str] | None:
    """(``review`` and the lead audience, or ``product`` and the role's audience) or None when hidden."""
    if alert.status in ("draft", "agreed") and may_review_alert(role, alert):
        return REVIEW, alert.audience
    if alert.issued_version is not None:
        for audience in alert_products(role):
            if audience in (alert.audiences or ()):
                return PUBLISHED, audience
    return None


# --------------------------------------------------------------------------- seizures
# DESIGN.md §4 and background.md §13.4.3: enforcement subscribers are scoped by jurisdiction; police
# feeds default to England and Wales (Config.enforcement_jurisdictions) when the account names none.
JURISDICTION_SCOPED_ROLES = frozenset({"enforcement_subscriber"})


def seizure_jurisdictions(principal: Principal, default: tuple[str, ...]) -> tuple[str, ...] | None:
    """The jurisdictions whose seizures ``principal`` may see, or None for all of them."""
    if principal.role not in JURISDICTION_SCOPED_ROLES:
        return None
    return principal.jurisdictions or default


def sees_case_level_seizures(principal: Principal) -> bool:
    """Full seizure records (sample ids, agencies, exact dates) for the roles that may read case references;
    the others (clinicians among them, §4.2) see substances, coarse place and week."""
    return allowed(principal.role, "read_case_references")


def sees_small_harm_counts(principal: Principal) -> bool:
    """Clinical roles see harm counts as they are; everyone else sees counts 1-4 as "<5" (DESIGN.md §4.1)."""
    return allowed(principal.role, "read_harm_reports") or allowed(principal.role, "read_own_harm_reports")
