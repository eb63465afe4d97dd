"""Per-subscription feeds: Atom (RFC 4287), JSON Feed 1.1 and a CAP 1.2 feed.

Each feed lists the subscription's audience product of every issued (or withdrawn) alert that
passes its filters. The CAP feed is an Atom document whose entries carry one CAP 1.2 ``alert``
each as inline XML content (``application/cap+xml``), the usual way CAP messages are syndicated.
Documents are deterministic for the same alerts, so their SHA-256 makes a stable ETag.

References
----------
RFC 4287, *The Atom Syndication Format*. JSON Feed Version 1.1 (jsonfeed.org, 2020). OASIS,
*Common Alerting Protocol Version 1.2* (2010).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.cap import build_cap, cap_identifier, cap_time
from alerts.document import alert_document
from alerts.products import render_product
from alerts.subscriptions import matches, user_scope, visible_alerts
from fews.models import Alert, AlertEvent, AlertVersion, Subscription, User

__all__ = ["FEED_KINDS", "FeedEntry", "Feed", "cap_header", "feed_entries", "render_feed", "etag_for", "CONTENT_TYPES"]

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_KINDS = ("atom", "json", "cap")
CONTENT_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
    "cap": "application/atom+xml; charset=utf-8",
}
FEED_LIMIT = 50
_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.ChainableUndefined,
)


@dataclass(frozen=True)
class FeedEntry:
    """One alert in a feed: the audience product and its CAP message header."""

    product: dict[str, Any]
    msg_type: str
    sent: dt.datetime
    references: str | None


@dataclass(frozen=True)
class Feed:
    body: bytes
    content_type: str
    etag: str


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _issued_versions(session: Session, alert_id: int) -> list[int]:
    rows = session.scalars(
        select(AlertEvent.version)
        .where(AlertEvent.alert_id == alert_id, AlertEvent.action == "issued")
        .order_by(AlertEvent.id)
    ).all()
    return [v for v in rows if v is not None]


def _version_time(session: Session, alert_id: int, version: int) -> dt.datetime:
    when = session.scalar(
        select(AlertVersion.created_at).where(AlertVersion.alert_id == alert_id, AlertVersion.version == version)
    )
    if when is None:
        raise LookupError(f"alert A{alert_id} has no version {version}")
    return when


def cap_header(session: Session, alert: Alert, *, sender: str) -> tuple[str, dt.datetime, str | None]:
    """CAP ``msgType``, ``sent`` and ``references`` of the alert's issued version (or its withdrawal)."""
    if alert.issued_version is None:
        raise ValueError(f"alert A{alert.id} has never been issued")
    ident = f"A{alert.id}"
    issued = _issued_versions(session, alert.id) or [alert.issued_version]
    current = _version_time(session, alert.id, alert.issued_version)
    if alert.status == "withdrawn":
        ref = f"{sender},{cap_identifier(ident, alert.issued_version, 'Alert')},{cap_time(current)}"
        return "Cancel", alert.withdrawn_at or current, ref
    if len(issued) > 1:
        prev = issued[-2]
        ref = f"{sender},{cap_identifier(ident, prev, 'Alert')},{cap_time(_version_time(session, alert.id, prev))}"
        return "Update", current, ref
    return "Alert", current, None


def feed_entries(session: Session, sub: Subscription, *, sender: str, limit: int = FEED_LIMIT) -> list[FeedEntry]:
    """The subscription's entries, newest change first."""
    user = session.get(User, sub.user_id)
    scope = user_scope(user) if user else ()
    audience = sub.audience or "policy"
    entries: list[FeedEntry] = []
    for alert in visible_alerts(session):
        if audience not in (alert.audiences or []) or alert.issued_version is None:
            continue
        doc = alert_document(session, alert, alert.issued_version)
        if not matches(sub.filters or {}, doc, scope=scope):
            continue
        msg_type, sent, refs = cap_header(session, alert, sender=sender)
        entry = FeedEntry(render_product(doc, audience), msg_type, sent, refs)
        entries.append(entry)
        if len(entries) >= limit:
            break
    entries.sort(key=lambda e: (e.sent, e.product["id"]), reverse=True)
    return entries


def _atom_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _a(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", **attrs)
    if text is not None:
        el.text = text
    return el


def _entry_html(product: dict[str, Any]) -> str:
    return _env.get_template("entry.html").render(alert=product, marking=product.get("security_marking", ""))


def _title(product: dict[str, Any]) -> str:
    prefix = "Withdrawn: " if product.get("status") == "withdrawn" else ""
    return f"{prefix}{product.get('title', '')}"


def _atom(
    sub: Subscription, entries: list[FeedEntry], *, marking: str, sender: str, cap: bool, updated: dt.datetime
) -> bytes:
    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    _a(root, "id", f"urn:fews:subscription:{sub.id}:{'cap' if cap else 'atom'}")
    _a(root, "title", f"FEWS alerts: {sub.name}")
    _a(root, "subtitle", f"{marking}. {sub.audience} product{' as CAP 1.2 messages' if cap else ''}.")
    _a(root, "updated", _atom_time(updated))
    _a(root, "rights", marking)
    _a(root, "generator", "FEWS")
    author = _a(root, "author")
    _a(author, "name", "FEWS")
    for e in entries:
        p = e.product
        entry = _a(root, "entry")
        _a(entry, "id", f"urn:fews:alert:{p['id']}")
        _a(entry, "title", _title(p))
        _a(entry, "updated", _atom_time(e.sent))
        if p.get("issued_at"):
            _a(entry, "published", _atom_time(dt.datetime.fromisoformat(p["issued_at"])))
        _a(entry, "category", term=str(p.get("type")), label="alert type")
        _a(entry, "category", term=str(p.get("level")), scheme="urn:fews:level", label="level")
        _a(entry, "category", term=str(p.get("status")), scheme="urn:fews:status", label="status")
        _a(entry, "summary", str(p.get("summary") or ""))
        if cap:
            content = _a(entry, "content", type="application/cap+xml")
            content.append(build_cap(p, msg_type=e.msg_type, sender=sender, sent=e.sent, references=e.references))
        else:
            _a(entry, "content", _entry_html(p), type="html")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _json_feed(sub: Subscription, entries: list[FeedEntry], *, marking: str) -> bytes:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"FEWS alerts: {sub.name}",
        "description": f"{marking}. {sub.audience} product.",
        "language": "en-GB",
        "authors": [{"name": "FEWS"}],
        "_fews": {"security_marking": marking, "audience": sub.audience, "subscription": sub.id},
        "items": [
            {
                "id": f"urn:fews:alert:{e.product['id']}",
                "title": _title(e.product),
                "summary": str(e.product.get("summary") or ""),
                "content_html": _entry_html(e.product),
                "date_published": e.product.get("issued_at"),
                "date_modified": e.sent.astimezone(dt.UTC).replace(microsecond=0).isoformat(),
                "tags": [str(e.product.get("type")), str(e.product.get("level")), str(e.product.get("status"))],
                "_fews": {"msg_type": e.msg_type, "product": e.product},
            }
            for e in entries
        ],
    }
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1, default=str).encode("utf-8")


def render_feed(session: Session, sub: Subscription, kind: str, *, marking: str, sender: str) -> Feed:
    """The subscription's feed of ``kind`` (``atom``, ``json`` or ``cap``) with its ETag."""
    if kind not in FEED_KINDS:
        raise ValueError(f"feed kind must be one of {', '.join(FEED_KINDS)}, got {kind!r}")
    entries = feed_entries(session, sub, sender=sender)
    updated = max([e.sent for e in entries], default=sub.created_at)
    if kind == "json":
        body = _json_feed(sub, entries, marking=marking)
    else:
        body = _atom(sub, entries, marking=marking, sender=sender, cap=kind == "cap", updated=updated)
    return Feed(body, CONTENT_TYPES[kind], etag_for(body))
