"""Typed configuration read from the environment and the instance folder.

Every setting has one environment variable (``FEWS_*``). Secrets are never defaulted: the secret
key comes from ``FEWS_SECRET_KEY`` or from ``instance/secret_key`` written by ``fews init``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

__all__ = ["Config", "ConfigError", "load_config", "write_secret_key"]

DEFAULT_MARKING = "OFFICIAL-SENSITIVE"


class ConfigError(RuntimeError):
    """A setting is missing or invalid; the message names the variable."""


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    raw = (os.environ.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}, got {raw!r}")
    return raw


def _int(name: str, default: int, *, minimum: int = 1) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be >= {minimum}, got {value}")
    return value


def _list(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return tuple(part.strip() for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class Config:
    """All runtime settings. Build with :func:`load_config`; override with :meth:`with_`."""

    instance_path: Path
    database_url: str
    secret_key: str | None = None
    security_marking: str = DEFAULT_MARKING
    timezone: str = "Europe/London"
    intake_chunk_rows: int = 2000
    intake_worker: str = "auto"  # prepare large files in a worker process: auto | on | off (intake/prepare_worker.py)
    use_opsin: bool = True
    clinical_jurisdictions: tuple[str, ...] = ("england",)
    enforcement_jurisdictions: tuple[str, ...] = ("england", "wales")
    testing: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def with_(self, **changes: object) -> Config:
        """Return a copy with some settings changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def require_secret_key(self) -> str:
        """The secret key, or a :class:`ConfigError` saying how to create one."""
        if not self.secret_key:
            raise ConfigError("no secret key: set FEWS_SECRET_KEY or run `fews init` to write instance/secret_key")
        return self.secret_key


def load_config(*, instance_path: str | os.PathLike[str] | None = None, database_url: str | None = None) -> Config:
    """Read the configuration from ``FEWS_*`` environment variables and the instance folder.

    Parameters
    ----------
    instance_path
        Folder for the embedded database, the secret key and demo credentials. Default:
        ``FEWS_INSTANCE_PATH`` or ``./instance``.
    database_url
        Overrides ``FEWS_DATABASE_URL`` (e.g. the CLI's ``--db``).
    """
    inst = Path(instance_path or os.environ.get("FEWS_INSTANCE_PATH") or "instance").resolve()
    url = database_url or os.environ.get("FEWS_DATABASE_URL") or f"sqlite:///{inst / 'fews.db'}"
    key = os.environ.get("FEWS_SECRET_KEY") or None
    key_file = inst / "secret_key"
    if key is None and key_file.is_file():
        key = key_file.read_text().strip() or None
    return Config(
        instance_path=inst,
        database_url=url,
        secret_key=key,
        security_marking=os.environ.get("FEWS_SECURITY_MARKING", DEFAULT_MARKING),
        timezone=os.environ.get("FEWS_TIMEZONE", "Europe/London"),
        intake_chunk_rows=_int("FEWS_INTAKE_CHUNK_ROWS", 2000),
        intake_worker=_choice("FEWS_INTAKE_WORKER", "auto", ("auto", "on", "off")),
        use_opsin=_bool("FEWS_USE_OPSIN", True),
        clinical_jurisdictions=_list("FEWS_CLINICAL_JURISDICTIONS", ("england",)),
        enforcement_jurisdictions=_list("FEWS_ENFORCEMENT_JURISDICTIONS", ("england", "wales")),
        testing=_bool("FEWS_TESTING", False),
        extra=_extra(),
    )


# settings of optional parts, validated by the part that reads them (alerts/settings.py):
# FEWS_SMTP_HOST -> extra["smtp_host"]
# FEWS_SECURE_COOKIES=1 (cookies only over HTTPS), FEWS_TRUSTED_PROXIES=N (hops of X-Forwarded-* to trust)
EXTRA_PREFIXES = (
    "FEWS_SMTP_",
    "FEWS_WEBHOOK_",
    "FEWS_DELIVERY_",
    "FEWS_CAP_",
    "FEWS_PUBLIC_URL",
    "FEWS_SECURE_COOKIES",
    "FEWS_TRUSTED_PROXIES",
)


def _extra() -> dict[str, str]:
    return {k[len("FEWS_") :].lower(): v for k, v in os.environ.items() if k.startswith(EXTRA_PREFIXES)}


def write_secret_key(config: Config) -> Path | None:
    """Write a random key to ``instance/secret_key`` (mode 0600) unless one is configured."""
    if os.environ.get("FEWS_SECRET_KEY"):
        return None
    path = config.instance_path / "secret_key"
    if path.is_file() and path.read_text().strip():
        return path
    config.instance_path.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(48) + "\n")
    os.chmod(path, 0o600)
    return path
