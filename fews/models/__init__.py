"""SQLAlchemy 2.0 typed ORM models, one module per domain (DESIGN.md §3)."""

from fews.models.alerts import Alert, AlertEvent, AlertEvidence, AlertVersion, Delivery, Subscription
from fews.models.audit import AuditEvent
from fews.models.base import Base, utcnow
from fews.models.detection import BaselineFit, DetectionWeek, Family, Signal, SubstanceFingerprint
from fews.models.harm import HarmReport, HarmReportSubstance
from fews.models.intake import IntakeBatch, QuarantineItem
from fews.models.intel import IntelFinding, IntelReport, PsychoactivityResult
from fews.models.legal import LegalStatusChange, LegalStatusEvent, SubstanceLegalStatus
from fews.models.ops import JobRun, SchedulerJob
from fews.models.seizure import Component, Sample
from fews.models.spectra import SpectrumIdentification
from fews.models.substance import NameResolutionCache, Substance, SubstanceName
from fews.models.users import ApiToken, User, WebSession

__all__ = [
    "Alert",
    "AlertEvent",
    "AlertEvidence",
    "AlertVersion",
    "ApiToken",
    "AuditEvent",
    "BaselineFit",
    "Base",
    "Component",
    "Delivery",
    "DetectionWeek",
    "Family",
    "HarmReport",
    "HarmReportSubstance",
    "IntakeBatch",
    "IntelFinding",
    "IntelReport",
    "JobRun",
    "LegalStatusChange",
    "LegalStatusEvent",
    "SubstanceLegalStatus",
    "NameResolutionCache",
    "PsychoactivityResult",
    "QuarantineItem",
    "Sample",
    "SchedulerJob",
    "Signal",
    "SpectrumIdentification",
    "Subscription",
    "Substance",
    "SubstanceName",
    "SubstanceFingerprint",
    "User",
    "WebSession",
    "utcnow",
]
