"""Delivery settings (SMTP, webhooks, retries), read from ``Config.extra`` and validated on load.

| variable | default | meaning |
|---|---|---|
| ``FEWS_SMTP_HOST`` / ``FEWS_SMTP_PORT`` | ``localhost`` / ``25`` | SMTP relay for e-mail alerts |
| ``FEWS_SMTP_SENDER`` | ``fews@localhost`` | From address |
| ``FEWS_SMTP_STARTTLS`` | ``0`` | upgrade the connection with STARTTLS |
| ``FEWS_SMTP_USERNAME`` / ``FEWS_SMTP_PASSWORD`` | unset | SMTP login (only with STARTTLS) |
| ``FEWS_SMTP_TIMEOUT`` | ``10`` | seconds |
| ``FEWS_WEBHOOK_TIMEOUT`` | ``10`` | seconds per webhook request |
| ``FEWS_DELIVERY_MAX_ATTEMPTS`` | ``8`` | attempts before a delivery is dead |
| ``FEWS_DELIVERY_BACKOFF_SECONDS`` | ``30`` | first retry delay; doubles each attempt |
| ``FEWS_DELIVERY_BACKOFF_MAX_SECONDS`` | ``3600`` | longest retry delay |
| ``FEWS_DELIVERY_LEASE_SECONDS`` | ``300`` | a claimed delivery is retried after this if its sender died |
| ``FEWS_PUBLIC_URL`` | ``http://127.0.0.1:5000`` | base of links in e-mails and feeds |
| ``FEWS_CAP_SENDER`` | ``fews@localhost`` | CAP ``sender`` |
"""

from __future__ import annotations

from dataclasses import dataclass

from fews.config import Config, ConfigError

__all__ = ["DeliverySettings"]


def _number(extra: dict[str, str], key: str, default: float, *, minimum: float = 0.0) -> float:
    raw = extra.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"FEWS_{key.upper()} must be a number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"FEWS_{key.upper()} must be >= {minimum}, got {value}")
    return value


def _flag(extra: dict[str, str], key: str) -> bool:
    raw = (extra.get(key) or "0").lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"FEWS_{key.upper()} must be a boolean (1/0), got {raw!r}")


@dataclass(frozen=True)
class DeliverySettings:
    """Typed delivery settings; build with :meth:`from_config`."""

    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_sender: str = "fews@localhost"
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout: float = 10.0
    webhook_timeout: float = 10.0
    max_attempts: int = 8
    backoff_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    lease_seconds: float = 300.0
    public_url: str = "http://127.0.0.1:5000"
    cap_sender: str = "fews@localhost"

    @classmethod
    def from_config(cls, config: Config) -> DeliverySettings:
        extra = dict(config.extra)
        if extra.get("smtp_username") and not _flag(extra, "smtp_starttls"):
            raise ConfigError("FEWS_SMTP_USERNAME needs FEWS_SMTP_STARTTLS=1: never send a password in clear")
        return cls(
            smtp_host=extra.get("smtp_host") or cls.smtp_host,
            smtp_port=int(_number(extra, "smtp_port", cls.smtp_port, minimum=1)),
            smtp_sender=extra.get("smtp_sender") or cls.smtp_sender,
            smtp_starttls=_flag(extra, "smtp_starttls"),
            smtp_username=extra.get("smtp_username") or None,
            smtp_password=extra.get("smtp_password") or None,
            smtp_timeout=_number(extra, "smtp_timeout", cls.smtp_timeout, minimum=0.1),
            webhook_timeout=_number(extra, "webhook_timeout", cls.webhook_timeout, minimum=0.1),
            max_attempts=int(_number(extra, "delivery_max_attempts", cls.max_attempts, minimum=1)),
            backoff_seconds=_number(extra, "delivery_backoff_seconds", cls.backoff_seconds),
            backoff_max_seconds=_number(extra, "delivery_backoff_max_seconds", cls.backoff_max_seconds),
            lease_seconds=_number(extra, "delivery_lease_seconds", cls.lease_seconds, minimum=1),
            public_url=(extra.get("public_url") or cls.public_url).rstrip("/"),
            cap_sender=extra.get("cap_sender") or cls.cap_sender,
        )

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after ``attempts`` failed attempts: base, 2x base, 4x base, ... capped."""
        if attempts < 1:
            raise ValueError(f"attempts must be >= 1, got {attempts}")
        return float(min(self.backoff_max_seconds, self.backoff_seconds * 2 ** (attempts - 1)))
