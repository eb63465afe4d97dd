"""Word-level differences between two alert versions, as safe HTML (``<ins>``/``<del>``)."""

from __future__ import annotations

import difflib
import re
from typing import Any

from markupsafe import Markup, escape

__all__ = ["DIFF_FIELDS", "word_diff", "version_diff"]

DIFF_FIELDS = ("title", "summary", "legal_status", "severity", "recommended_actions", "clinical_response")
_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str | None, new: str | None) -> Markup:
    """``new`` with words added in ``<ins>`` and removed ones in ``<del>``."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(str(escape("".join(a[i1:i2]))))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return Markup("".join(out))


def version_diff(old: Any, new: Any) -> list[dict[str, Any]]:
    """One row per field of :data:`DIFF_FIELDS`: name, changed flag and the marked-up new text."""
    rows = []
    for name in DIFF_FIELDS:
        before, after = getattr(old, name, None), getattr(new, name, None)
        rows.append({"field": name, "changed": (before or "") != (after or ""), "html": word_diff(before, after)})
    return rows
