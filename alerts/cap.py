"""CAP 1.2 (Common Alerting Protocol) messages for issued alerts, validated against the OASIS schema.

One CAP ``alert`` is made from one audience product: ``msgType`` ``Alert`` for the first issued
version, ``Update`` (with ``references`` to the version it replaces) for later ones, ``Cancel``
when the alert is withdrawn. ``scope`` is ``Restricted`` with the security marking as the
restriction. :func:`validate_cap` checks a message against ``data/CAP-v1.2.xsd`` (vendored with its
notice in ``data/CAP-v1.2.NOTICE.md``).

References
----------
OASIS, *Common Alerting Protocol Version 1.2*, OASIS Standard, 1 July 2010 (ITU-T X.1303).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from lxml import etree

from alerts.tables import DATA, audience_rules, product_tables
from fews.vocab import load as load_vocab

__all__ = ["CAP_NS", "CapInvalid", "cap_identifier", "cap_time", "build_cap", "cap_bytes", "validate_cap", "cap_schema"]

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
SENDER_NAME = "FEWS: UK early warning system for new psychoactive substances"
# CAP urgency and severity from the FEWS alert level (CAP 1.2 §3.2.2: urgency = time available to
# prepare, severity = intensity of impact), and from the worst harm where the product shows it.
URGENCY = {"urgent": "Immediate", "warning": "Expected", "info": "Future"}
SEVERITY_BY_LEVEL = {"urgent": "Severe", "warning": "Moderate", "info": "Minor"}
SEVERITY_BY_HARM = {"fatal": "Extreme", "severe": "Severe", "moderate": "Moderate", "mild": "Minor"}
_LONDON = ZoneInfo("Europe/London")


class CapInvalid(ValueError):
    """A CAP message does not validate against the CAP 1.2 schema; carries the schema errors."""


@functools.cache
def cap_schema() -> etree.XMLSchema:
    """The OASIS CAP 1.2 XML Schema (parsed once; no network access)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(DATA / "CAP-v1.2.xsd"), parser))


def cap_time(value: dt.datetime | str) -> str:
    """CAP date-time: ``YYYY-MM-DDThh:mm:ss+hh:mm`` in Europe/London (CAP forbids ``Z`` and fractions)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}")
    return value.astimezone(_LONDON).replace(microsecond=0).isoformat()


def cap_identifier(alert_id: str, version: int, msg_type: str) -> str:
    """Unique per message; no spaces, commas, ``<`` or ``&`` (CAP 1.2 §3.2.1)."""
    suffix = ":cancel" if msg_type == "Cancel" else ""
    return f"urn:fews:alert:{alert_id}:v{version}{suffix}"


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    if text is not None:
        el.text = text
    return el


def _describe(product: Mapping[str, Any]) -> str:
    lines = [str(product.get("summary") or product.get("title") or "")]
    for s in product.get("substances") or []:
        status = f", UK status {s['legal_status']}" if s.get("legal_status") else ""
        key = f", InChIKey {s['inchikey']}" if s.get("inchikey") else ""
        lines.append(f"Substance: {s.get('name', '?')}{key}{status}.")
    harms = product.get("harms") or {}
    if "reports" in harms:
        lines.append(f"Harm reports: {harms['reports']}.")
    seizures = product.get("seizures") or {}
    if "samples" in seizures:
        lines.append(f"Seizures: {seizures['samples']}.")
    if product.get("withdrawal_reason"):
        lines.append(f"Withdrawn: {product['withdrawal_reason']}")
    return "\n".join(line for line in lines if line)


def _cap_severity(product: Mapping[str, Any]) -> str:
    harm = product.get("severity")
    worst = harm if isinstance(harm, str) else None
    if worst is None:
        keys = list(((product.get("harms") or {}).get("severity") or {}).keys())
        ranked = [k for k in ("fatal", "severe", "moderate", "mild") if k in keys]
        worst = ranked[0] if ranked else None
    if worst in SEVERITY_BY_HARM:
        return SEVERITY_BY_HARM[worst]
    return SEVERITY_BY_LEVEL.get(str(product.get("level")), "Unknown")


def build_cap(
    product: Mapping[str, Any],
    *,
    msg_type: str,
    sender: str,
    sent: dt.datetime | str,
    references: str | None = None,
) -> etree._Element:
    """The CAP ``alert`` element for one audience product.

    Parameters
    ----------
    product
        An audience product (``alerts.products.render_product``).
    msg_type
        ``Alert``, ``Update`` or ``Cancel``.
    sender
        CAP sender (``FEWS_CAP_SENDER``).
    sent
        When this message was issued.
    references
        ``sender,identifier,sent`` of the message this one updates or cancels.
    """
    if msg_type not in ("Alert", "Update", "Cancel"):
        raise ValueError(f"msg_type must be Alert, Update or Cancel, got {msg_type!r}")
    if msg_type != "Alert" and not references:
        raise ValueError(f"a CAP {msg_type} needs references to the message it replaces")
    audience = str(product.get("audience") or "")
    category = product_tables().product(audience).cap_category if audience else "Health"
    marking = str(product.get("security_marking") or "OFFICIAL-SENSITIVE")
    alert_type = str(product.get("type") or "")
    label = audience_rules().types[alert_type].label if alert_type in audience_rules().types else alert_type
    root = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})
    _sub(root, "identifier", cap_identifier(str(product["id"]), int(product["version"]), msg_type))
    _sub(root, "sender", sender)
    _sub(root, "sent", cap_time(sent))
    _sub(root, "status", "Actual")
    _sub(root, "msgType", msg_type)
    _sub(root, "source", "FEWS")
    _sub(root, "scope", "Restricted")
    _sub(root, "restriction", f"{marking}: FEWS {audience} audience only; do not forward outside it")
    _sub(root, "note", marking)
    if references:
        _sub(root, "references", references)
    _sub(root, "incidents", str(product["id"]))
    info = _sub(root, "info")
    _sub(info, "language", "en-GB")
    _sub(info, "category", category)
    _sub(info, "event", f"New psychoactive substance: {label}")
    _sub(info, "responseType", "None" if msg_type == "Cancel" else "Monitor")
    level = str(product.get("level") or "info")
    _sub(info, "urgency", "Past" if msg_type == "Cancel" else URGENCY.get(level, "Unknown"))
    _sub(info, "severity", _cap_severity(product))
    seizures = product.get("seizures") or {}
    _sub(info, "certainty", "Observed" if seizures.get("samples") else "Likely")
    _sub(info, "audience", f"FEWS {audience} audience")
    code = _sub(info, "eventCode")
    _sub(code, "valueName", "FEWS alert type")
    _sub(code, "value", alert_type)
    _sub(info, "effective", cap_time(sent))
    review_by = product.get("review_by")
    if review_by and msg_type != "Cancel":
        day = dt.date.fromisoformat(str(review_by))
        _sub(info, "expires", cap_time(dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=_LONDON)))
    _sub(info, "senderName", SENDER_NAME)
    _sub(info, "headline", str(product.get("title") or "")[:160])
    _sub(info, "description", _describe(product))
    instruction = "\n\n".join(
        str(t) for t in (product.get("clinical_response"), product.get("recommended_actions")) if t
    )
    if instruction:
        _sub(info, "instruction", instruction)
    for s in product.get("substances") or []:
        param = _sub(info, "parameter")
        _sub(param, "valueName", "substance")
        parts = [str(s.get("name") or "")]
        if s.get("inchikey"):
            parts.append(f"InChIKey={s['inchikey']}")
        if s.get("legal_status"):
            parts.append(f"UK status={s['legal_status']}")
        _sub(param, "value", "; ".join(parts))
    param = _sub(info, "parameter")
    _sub(param, "valueName", "security_marking")
    _sub(param, "value", marking)
    area = _sub(info, "area")
    nations = load_vocab("nations")
    places = [nations.lookup(code) for code in product.get("geography") or []]
    known = [p for p in places if p is not None]
    _sub(area, "areaDesc", ", ".join(p.label for p in known) or "United Kingdom")
    codes = [p.attrs.get("iso_3166_2", "GB") for p in known] or ["GB"]
    for code in codes:
        geocode = _sub(area, "geocode")
        _sub(geocode, "valueName", "ISO 3166-2")
        _sub(geocode, "value", code)
    return root


def cap_bytes(element: etree._Element) -> bytes:
    """Serialise with an XML declaration (UTF-8)."""
    return bytes(etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def validate_cap(document: bytes | etree._Element) -> None:
    """Raise :class:`CapInvalid` unless ``document`` is a valid CAP 1.2 ``alert``."""
    if isinstance(document, bytes):
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        element = etree.fromstring(document, parser)
    else:
        element = document
    schema = cap_schema()
    if not schema.validate(element):
        errors = "; ".join(f"line {e.line}: {e.message}" for e in schema.error_log)
        raise CapInvalid(f"not a valid CAP 1.2 alert: {errors}")
