"""The permission table of DESIGN.md §4, in one place, for pages, API and CLI alike.

Each permission lists the roles that hold it. Data-level rules that depend on the record (own
reports, own lab, own jurisdiction) are expressed as *scopes* checked by :func:`can_read_*`
helpers, so views never test roles themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "ROLES",
    "PERMISSIONS",
    "PermissionDenied",
    "Principal",
    "allowed",
    "require",
    "roles_with",
    "can_read_harm_report",
    "can_read_case_reference",
]

ROLES: tuple[str, ...] = (
    "forensic_chemist",
    "drug_checking_service",
    "clinical_reporter",
    "clinical_network_reviewer",
    "public_health_analyst",
    "intelligence_analyst",
    "enforcement_subscriber",
    "home_office_policy",
    "acmd_advisor",
    "international_liaison",
    "oversight_viewer",
    "admin",
    "auditor",
)

_EVERY_ROLE = frozenset(ROLES)

# permission -> roles (DESIGN.md §4 table; background.md §13.3-13.4 for the grounds).
PERMISSIONS: Mapping[str, frozenset[str]] = {
    "submit_seizures": frozenset({"forensic_chemist"}),
    "submit_psychoactivity": frozenset({"forensic_chemist"}),
    "submit_intel": frozenset({"drug_checking_service", "intelligence_analyst"}),
    "submit_harm_report": frozenset({"clinical_reporter", "clinical_network_reviewer"}),
    # case-level harm reports and free text: own reporter is a record scope (see can_read_harm_report)
    "read_harm_reports": frozenset({"clinical_network_reviewer", "public_health_analyst"}),
    "read_own_harm_reports": frozenset({"clinical_reporter"}),
    # seizure case references: own lab / own jurisdiction are record scopes
    "read_case_references": frozenset({"forensic_chemist", "intelligence_analyst", "enforcement_subscriber"}),
    "read_public": _EVERY_ROLE,  # substances, legal status, families, aggregated signals, own-audience alerts
    "agree_clinical_alert": frozenset({"clinical_network_reviewer"}),
    "issue_clinical_alert": frozenset({"clinical_network_reviewer"}),
    "issue_enforcement_alert": frozenset({"intelligence_analyst", "forensic_chemist"}),
    "record_legal_event": frozenset({"home_office_policy", "admin"}),
    "read_evidence_packs": frozenset({"home_office_policy", "acmd_advisor", "public_health_analyst"}),
    "export_international": frozenset({"international_liaison"}),
    "manage_users": frozenset({"admin"}),
    "manage_rules": frozenset({"admin"}),
    "manage_quarantine": frozenset({"admin"}),
    "read_quarantine_clinical": frozenset({"admin", "clinical_network_reviewer", "public_health_analyst"}),
    "read_audit": frozenset({"auditor", "admin"}),
    "read_metrics": frozenset({"admin"}),  # /metrics (DESIGN.md §11; or the FEWS_METRICS_TOKEN scrape token)
}


class PermissionDenied(PermissionError):
    """Raised when a principal lacks a permission; carries the permission and the role."""

    def __init__(self, permission: str, role: str | None):
        self.permission = permission
        self.role = role
        super().__init__(f"role {role!r} may not {permission.replace('_', ' ')}")


@dataclass(frozen=True)
class Principal:
    """Who is acting: a username, a role, an organisation and a jurisdiction scope."""

    username: str
    role: str
    organisation: str | None = None
    jurisdictions: tuple[str, ...] = ()
    via: str = "cli"


def allowed(role: str | None, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return role is not None and role in PERMISSIONS[permission]


def require(role: str | None, permission: str) -> None:
    if not allowed(role, permission):
        raise PermissionDenied(permission, role)


def roles_with(permission: str) -> frozenset[str]:
    return PERMISSIONS[permission]


def can_read_harm_report(principal: Principal, *, reporter_username: str | None) -> bool:
    if allowed(principal.role, "read_harm_reports"):
        return True
    return allowed(principal.role, "read_own_harm_reports") and reporter_username == principal.username


def can_read_case_reference(principal: Principal, *, provider: str | None, jurisdiction: str | None) -> bool:
    if principal.role == "intelligence_analyst":
        return True
    if principal.role == "forensic_chemist":
        return provider is not None and provider == principal.organisation
    if principal.role == "enforcement_subscriber":
        return jurisdiction is not None and jurisdiction in principal.jurisdictions
    return False
