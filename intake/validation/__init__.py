"""Validation as a chain of small steps (``STEP_ORDER``); each returns reject reasons or warnings."""

from intake.validation.issues import REJECT_CODES, WARNING_CODES, Issue
from intake.validation.steps import STEP_ORDER, STEPS, CheckedRow, ValidationContext, check_row

__all__ = [
    "REJECT_CODES",
    "WARNING_CODES",
    "Issue",
    "STEP_ORDER",
    "STEPS",
    "CheckedRow",
    "ValidationContext",
    "check_row",
]
