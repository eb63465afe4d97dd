"""Signed webhooks: an HTTP POST of the delivery payload with an HMAC-SHA256 signature.

Headers sent with every request:

- ``X-FEWS-Timestamp``: Unix seconds when this attempt was made;
- ``X-FEWS-Signature``: ``sha256=`` + hex HMAC-SHA256 over ``"<timestamp>." + body`` with the
  subscription's webhook secret (shown once when the subscription was created);
- ``X-FEWS-Delivery`` and ``Idempotency-Key``: the delivery's idempotency key, the same on every
  retry, so a receiver can drop a repeat it has already processed.

Receivers should check the signature with :func:`verify_signature` (constant-time, with a
timestamp tolerance against replays). Redirects are not followed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from typing import Any

__all__ = [
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "DELIVERY_HEADER",
    "WebhookError",
    "canonical_body",
    "sign",
    "verify_signature",
    "post_webhook",
]

SIGNATURE_HEADER = "X-FEWS-Signature"
TIMESTAMP_HEADER = "X-FEWS-Timestamp"
DELIVERY_HEADER = "X-FEWS-Delivery"


class WebhookError(RuntimeError):
    """The receiver did not accept the delivery (network error or a non-2xx answer)."""


def canonical_body(payload: Any) -> bytes:
    """The exact bytes posted: compact JSON with sorted keys (identical on every retry)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """``sha256=<hex>`` HMAC over ``"<timestamp>." + body``.

    Examples
    --------
    >>> sign("s3cret", 1700000000, b"{}")[:7]
    'sha256='
    """
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str, timestamp: str, body: bytes, signature: str, *, now: float | None = None, tolerance: int = 300
) -> bool:
    """True when ``signature`` is valid for ``body`` and ``timestamp`` is within ``tolerance`` seconds."""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - stamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, stamp, body), signature or "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post_webhook(
    url: str, body: bytes, *, secret: str, idempotency_key: str, timeout: float, now: float | None = None
) -> int:
    """POST ``body`` signed with ``secret``; returns the HTTP status or raises :class:`WebhookError`."""
    stamp = int(time.time() if now is None else now)
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "FEWS-webhook/1",
            TIMESTAMP_HEADER: str(stamp),
            SIGNATURE_HEADER: sign(secret, stamp, body),
            DELIVERY_HEADER: idempotency_key,
            "Idempotency-Key": idempotency_key,
        },
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        raise WebhookError(f"receiver answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WebhookError(f"receiver unreachable: {reason}") from None
    if not 200 <= status < 300:
        raise WebhookError(f"receiver answered HTTP {status}")
    return status
