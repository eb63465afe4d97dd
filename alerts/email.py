"""E-mail alerts over SMTP: plain text and HTML alternatives of one audience product.

The message is built only from the delivery's stored payload (an audience product), so an e-mail
can carry nothing the product does not. ``Message-ID`` derives from the delivery's idempotency key,
so a message sent twice after a crash is recognisably the same message.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

import jinja2

from alerts.settings import DeliverySettings

__all__ = ["build_message", "send_message", "subject_for"]

_TEMPLATES = Path(__file__).parent / "templates"
_html_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True, undefined=jinja2.ChainableUndefined
)
_text_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=False, undefined=jinja2.ChainableUndefined
)

_EVENT_WORD = {"Alert": "", "Update": "Update: ", "Cancel": "Withdrawn: "}


def subject_for(payload: dict[str, Any]) -> str:
    """``[MARKING] FEWS warning alert: title`` (with ``Update:``/``Withdrawn:`` where that applies)."""
    alert = payload["alert"]
    word = _EVENT_WORD.get(payload.get("msg_type", "Alert"), "")
    subject = f"[{payload['security_marking']}] FEWS {alert.get('level', 'info')} alert: {word}{alert.get('title', '')}"
    return " ".join(subject.split())[:250]


def build_message(payload: dict[str, Any], *, to: str, sender: str) -> EmailMessage:
    """A multipart/alternative message (plain text first, then HTML) for one delivery payload."""
    alert = payload["alert"]
    heading = subject_for(payload).split("] ", 1)[-1]
    context = {
        "alert": alert,
        "heading": heading,
        "marking": payload["security_marking"],
        "audience": payload.get("audience"),
        "delivery": payload.get("delivery"),
    }
    msg = EmailMessage()
    msg["Subject"] = subject_for(payload)
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    domain = sender.rpartition("@")[2] or "fews.invalid"
    msg["Message-ID"] = f"<{payload['delivery']}@{domain}>"
    msg["X-FEWS-Delivery"] = str(payload["delivery"])
    msg["X-FEWS-Security-Marking"] = payload["security_marking"]
    msg.set_content(_text_env.get_template("email.txt").render(context))
    msg.add_alternative(_html_env.get_template("email.html").render(context), subtype="html")
    return msg


def send_message(settings: DeliverySettings, message: EmailMessage) -> None:
    """Send over SMTP (STARTTLS and login when configured); raises ``OSError``/``SMTPException`` on failure."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password or "")
        smtp.send_message(message)
