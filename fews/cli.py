"""The ``fews`` command (DESIGN.md §6). stdout carries results only; logs and progress go to stderr.

Exit codes: 0 success, 1 completed with rejected input (rows quarantined), 2 usage error or
unreadable input.
"""

from __future__ import annotations

import getpass
import logging
import os
import sys
from collections.abc import Callable
from typing import Any

import click
from sqlalchemy import func, select

from fews import audit, migrate
from fews.access import ROLES
from fews.cli_common import DB, FORMAT, UsageFailure, acting_user, with_runtime
from fews.config import ConfigError, load_config, write_secret_key
from fews.db import make_engine, session_scope
from fews.output import emit, to_json
from fews.runtime import NotMigrated, Runtime, open_runtime

__all__ = ["main", "cli", "FORMAT", "DB", "UsageFailure", "acting_user", "with_runtime"]

logger = logging.getLogger("fews")


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="debug logging on stderr")
@click.version_option(package_name="fews")
def cli(verbose: bool) -> None:
    """FEWS: forensic early-warning system for new psychoactive substances."""
    _setup_logging(verbose)


# ---------------------------------------------------------------------------------------------- init
@cli.command()
@DB
def init(db_url: str | None) -> None:
    """Create instance/, migrate the database to head, and write a secret key if none is set."""
    config = load_config(database_url=db_url)
    config.instance_path.mkdir(parents=True, exist_ok=True)
    engine = make_engine(config.database_url)
    try:
        before = migrate.current_revision(engine)
        migrate.upgrade(engine)
        after = migrate.current_revision(engine)
    finally:
        engine.dispose()
    key = write_secret_key(config)
    click.echo(
        to_json(
            {
                "database": _safe_url(config.database_url),
                "from_revision": before,
                "revision": after,
                "secret_key": str(key) if key else "FEWS_SECRET_KEY",
            }
        )
    )


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# ---------------------------------------------------------------------------------------------- demo
@cli.command()
@click.option("--end", "end", default=None, metavar="DATE", help="last day of demo data (default: this ISO week)")
@click.option("--scale", default=1.0, show_default=True, type=float, help="volume multiplier")
@click.option("--no-progress", is_flag=True, help="no progress bar on stderr")
@with_runtime
def demo(rt: Runtime, end: str | None, scale: float, no_progress: bool) -> None:
    """Load deterministic synthetic demo data and one user per role (idempotent, additive)."""
    import datetime as dt

    from fews.demo.load import load_demo

    try:
        end_date = dt.date.fromisoformat(end) if end else None
    except ValueError:
        raise UsageFailure(f"--end must be an ISO date (YYYY-MM-DD), got {end!r}") from None
    result = load_demo(rt, end=end_date, scale=scale, progress=not no_progress)
    click.echo(to_json(result))


# ---------------------------------------------------------------------------------------------- ingest
@cli.command()
@click.argument("kind", type=click.Choice(["seizures", "reports", "intel", "psychoactivity"]))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--provider", default=None, help="provider for rows without a provider column")
@click.option(
    "--input-format",
    "input_format",
    type=click.Choice(["csv", "json", "sdf"]),
    default=None,
    help="file format (default: from the extension)",
)
@click.option("--as", "as_user", default=None, metavar="USERNAME", help="submit as this user (checked and audited)")
@click.option(
    "--progress/--no-progress",
    "progress",
    default=None,
    help="progress bar on stderr (default: when stderr is a terminal)",
)
@with_runtime
def ingest(
    rt: Runtime,
    kind: str,
    file: str,
    provider: str | None,
    input_format: str | None,
    as_user: str | None,
    progress: bool | None,
) -> None:
    """Ingest a seizure, RIDR report, intelligence or psychoactivity FILE (CSV, JSON or SDF)."""
    from intake.parsers import FileError
    from intake.pipeline import Ingestor

    permission = {
        "seizures": "submit_seizures",
        "reports": "submit_harm_report",
        "intel": "submit_intel",
        "psychoactivity": "submit_psychoactivity",
    }[kind]
    actor, user_id = f"cli:{_os_user()}", None
    if as_user:
        actor = acting_user(rt, as_user, permission)
        user_id = _user_id(rt, as_user)
    if not os.path.isfile(file):
        raise UsageFailure(f"cannot read {file}: no such file")
    try:
        ing = Ingestor(rt.factory, rt.config, kind, actor=actor, via="cli", user_id=user_id)
        summary = ing.ingest_file(
            file, provider=provider, fmt=input_format, progress=sys.stderr.isatty() if progress is None else progress
        )
    except FileError as exc:
        raise UsageFailure(f"{file}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise UsageFailure(f"{file}: not readable as text: {exc}") from None
    click.echo(to_json(summary.as_dict()))
    if summary.quarantined:
        sys.exit(1)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _user_id(rt: Runtime, username: str) -> int | None:
    from fews.accounts import get_user

    with session_scope(rt.factory) as s:
        u = get_user(s, username)
        return u.id if u else None


# ---------------------------------------------------------------------------------------------- quarantine
@cli.group()
def quarantine() -> None:
    """List, show and retry quarantined records."""


def _q_summary(item: Any) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "provider": item.provider,
        "record_key": item.record_key,
        "rows": item.row_count,
        "reasons": item.reason_codes.split(",") if item.reason_codes else [],
        "status": item.status,
        "batch_id": item.batch_id,
        "created_at": item.created_at,
    }


@quarantine.command("list")
@click.option("--kind", type=click.Choice(["seizures", "reports", "intel", "psychoactivity"]), default=None)
@click.option(
    "--status",
    type=click.Choice(["open", "released", "superseded", "purged", "all"]),
    default="open",
    show_default=True,
)
@click.option("--limit", type=int, default=1000, show_default=True)
@FORMAT
@with_runtime
def quarantine_list(rt: Runtime, kind: str | None, status: str, limit: int, fmt: str) -> None:
    """List quarantined records (no payloads)."""
    from intake.pipeline import quarantine_query

    with session_scope(rt.factory) as s:
        items = s.scalars(quarantine_query(kind, None if status == "all" else status).limit(limit)).all()
        emit((_q_summary(i) for i in items), fmt, sys.stdout)


@quarantine.command("show")
@click.argument("item_id", type=int)
@click.option(
    "--as",
    "as_user",
    default=None,
    metavar="USERNAME",
    help="needed to see RIDR payloads (clinical roles and admin only)",
)
@FORMAT
@with_runtime
def quarantine_show(rt: Runtime, item_id: int, as_user: str | None, fmt: str) -> None:
    """Show one quarantined record with its reasons and rows (RIDR payloads to clinical roles only)."""
    from fews.models import QuarantineItem

    with session_scope(rt.factory) as s:
        item = s.get(QuarantineItem, item_id)
        if item is None:
            raise UsageFailure(f"no quarantine item {item_id}")
        record = _q_summary(item) | {"lines": item.lines, "reasons_detail": item.reasons}
        if item.kind == "reports":
            if as_user:
                acting_user(rt, as_user, "read_quarantine_clinical")
                record["payload"] = item.payload
                audit.record(
                    s,
                    actor=as_user,
                    via="cli",
                    action="quarantine.read_clinical",
                    object_type="quarantine_item",
                    object_id=item.id,
                    content_sha256=item.payload_sha256,
                )
            else:
                record["payload"] = "withheld: RIDR payloads are shown to clinical roles only (use --as USERNAME)"
        else:
            record["payload"] = item.payload
        emit([record], fmt, sys.stdout)


@quarantine.command("retry")
@click.argument("item_ids", type=int, nargs=-1, required=True)
@click.option("--as", "as_user", default=None, metavar="USERNAME", help="an admin account (audited)")
@with_runtime
def quarantine_retry(rt: Runtime, item_ids: tuple[int, ...], as_user: str | None) -> None:
    """Re-run the current intake pipeline on quarantined records (e.g. after a vocabulary update)."""
    from intake.pipeline import retry_quarantined

    actor = acting_user(rt, as_user, "manage_quarantine")
    still_open = 0
    for item_id in item_ids:
        try:
            summary, status = retry_quarantined(rt.factory, rt.config, item_id, actor=actor)
        except (LookupError, ValueError) as exc:
            raise UsageFailure(str(exc)) from None
        still_open += status == "open"
        click.echo(to_json({"id": item_id, "status": status} | summary.as_dict()))
    if still_open:
        sys.exit(1)


# ---------------------------------------------------------------------------------------------- users / tokens
@cli.group()
def users() -> None:
    """Manage user accounts."""


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--org", "organisation", default=None, help="organisation (a forensic provider for chemists)")
@click.option("--jurisdiction", default=None, help="comma-separated nations in scope, e.g. england,wales")
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
@with_runtime
def users_add(
    rt: Runtime, name: str, role: str, organisation: str | None, jurisdiction: str | None, password_stdin: bool
) -> None:
    """Create a user; the password comes from stdin (--password-stdin) or an interactive prompt."""
    from fews.accounts import AccountError, create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        raise UsageFailure("give --password-stdin when stdin is not a terminal")
    try:
        with session_scope(rt.factory) as s:
            user = create_user(
                s,
                name,
                role=role,
                password=password,
                organisation=organisation,
                jurisdiction=jurisdiction,
                actor=f"cli:{_os_user()}",
            )
            out = {
                "id": user.id,
                "username": user.username,
                "role": user.role,
                "organisation": organisation,
                "jurisdiction": jurisdiction,
            }
    except AccountError as exc:
        raise UsageFailure(str(exc)) from None
    click.echo(to_json(out))


@users.command("list")
@FORMAT
@with_runtime
def users_list(rt: Runtime, fmt: str) -> None:
    """List user accounts (never passwords)."""
    from fews.models import User

    with session_scope(rt.factory) as s:
        rows = s.scalars(select(User).order_by(User.username)).all()
        emit(
            (
                {
                    "id": u.id,
                    "username": u.username,
                    "role": u.role,
                    "organisation": u.organisation,
                    "jurisdiction": u.jurisdiction,
                    "active": u.active,
                }
                for u in rows
            ),
            fmt,
            sys.stdout,
        )


def _account_change(rt: Runtime, username: str, as_user: str | None, change: Callable[[Any, Any, str], Any]) -> Any:
    """Apply ``change(session, user, actor)`` to an existing account, as an admin (audited)."""
    from fews.accounts import get_user

    actor = acting_user(rt, as_user, "manage_users")
    with session_scope(rt.factory) as s:
        user = get_user(s, username)
        if user is None:
            raise UsageFailure(f"no user {username!r}")
        return change(s, user, actor)


@users.command("deactivate")
@click.argument("name")
@click.option("--as", "as_user", default=None, metavar="USERNAME", help="an admin account (audited)")
@with_runtime
def users_deactivate(rt: Runtime, name: str, as_user: str | None) -> None:
    """Deactivate an account: sign-in, its web sessions and its API tokens stop at once."""
    from fews.accounts import set_active

    if as_user == name:
        raise UsageFailure("you cannot deactivate your own account")
    _account_change(rt, name, as_user, lambda s, u, actor: set_active(s, u, False, actor=actor))
    click.echo(to_json({"username": name, "active": False}))


@users.command("activate")
@click.argument("name")
@click.option("--as", "as_user", default=None, metavar="USERNAME", help="an admin account (audited)")
@with_runtime
def users_activate(rt: Runtime, name: str, as_user: str | None) -> None:
    """Reactivate a deactivated account."""
    from fews.accounts import set_active

    _account_change(rt, name, as_user, lambda s, u, actor: set_active(s, u, True, actor=actor))
    click.echo(to_json({"username": name, "active": True}))


@users.command("end-sessions")
@click.argument("name")
@click.option("--as", "as_user", default=None, metavar="USERNAME", help="an admin account (audited)")
@with_runtime
def users_end_sessions(rt: Runtime, name: str, as_user: str | None) -> None:
    """Sign a user out of every browser session (a lost laptop, a suspected stolen cookie)."""
    from fews import web_sessions

    ended = _account_change(
        rt, name, as_user, lambda s, u, actor: web_sessions.end_all(s, u.id, reason="ended_by_admin", actor=actor)
    )
    click.echo(to_json({"username": name, "sessions_ended": ended}))


@cli.group()
def tokens() -> None:
    """Manage API tokens."""


@tokens.command("add")
@click.argument("username")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(["read", "submit", "feeds", "admin"]),
    help="repeatable; default read",
)
@click.option("--label", default=None)
@with_runtime
def tokens_add(rt: Runtime, username: str, scopes: tuple[str, ...], label: str | None) -> None:
    """Create an API token; prints it alone on the last line (only its hash is stored)."""
    from fews.accounts import AccountError, create_token, get_user

    with session_scope(rt.factory) as s:
        user = get_user(s, username)
        if user is None:
            raise UsageFailure(f"no user {username!r}")
        try:
            token = create_token(s, user, scopes=list(scopes) or None, label=label, actor=f"cli:{_os_user()}")
        except AccountError as exc:
            raise UsageFailure(str(exc)) from None
    click.echo(token)


@tokens.command("revoke")
@click.argument("prefix")
@click.option("--as", "as_user", default=None, metavar="USERNAME", help="an admin account (audited)")
@with_runtime
def tokens_revoke(rt: Runtime, prefix: str, as_user: str | None) -> None:
    """Revoke the API token whose first characters are PREFIX (as printed by `tokens list`)."""
    from fews.accounts import revoke_token
    from fews.models import ApiToken

    actor = acting_user(rt, as_user, "manage_users")
    with session_scope(rt.factory) as s:
        rows = s.scalars(select(ApiToken).where(ApiToken.prefix == prefix[:12], ApiToken.revoked_at.is_(None))).all()
        if len(rows) != 1:
            raise UsageFailure(f"{len(rows)} live tokens start with {prefix!r}; give the 12-character prefix")
        revoke_token(s, rows[0], actor=actor)
        click.echo(to_json({"revoked": rows[0].prefix}))


@tokens.command("list")
@FORMAT
@with_runtime
def tokens_list(rt: Runtime, fmt: str) -> None:
    """List API tokens (prefixes only)."""
    from fews.models import ApiToken

    with session_scope(rt.factory) as s:
        rows = s.scalars(select(ApiToken).order_by(ApiToken.id)).all()
        emit(
            (
                {
                    "prefix": t.prefix,
                    "user": t.user.username,
                    "scopes": t.scopes,
                    "created_at": t.created_at,
                    "revoked_at": t.revoked_at,
                    "last_used_at": t.last_used_at,
                }
                for t in rows
            ),
            fmt,
            sys.stdout,
        )


# ---------------------------------------------------------------------------------------------- substances
@cli.group()
def substances() -> None:
    """Browse substances."""


def _substance_record(sub: Any, with_names: bool = False) -> dict[str, Any]:
    rec = {
        "id": sub.public_id,
        "name": sub.preferred_name,
        "smiles": sub.smiles,
        "inchikey": sub.inchikey,
        "inchikey_nostereo": sub.inchikey_nostereo,
        "formula": sub.formula,
        "exact_mass": round(sub.exact_mass, 4),
        "family_id": f"F{sub.family_id}" if sub.family_id else None,
        "first_uk_detection": sub.first_uk_detection_date,
        "first_uk_detection_level": sub.first_uk_detection_level,
    }
    if with_names:
        rec["names"] = [{"name": n.name, "kind": n.kind, "source": n.source} for n in sub.names]
    return rec


@substances.command("list")
@click.option("--limit", type=int, default=1000, show_default=True)
@FORMAT
@with_runtime
def substances_list(rt: Runtime, limit: int, fmt: str) -> None:
    """List substances with their first UK detection."""
    from fews.models import Substance

    with session_scope(rt.factory) as s:
        rows = s.scalars(select(Substance).order_by(Substance.id).limit(limit)).all()
        emit((_substance_record(r) for r in rows), fmt, sys.stdout)


@substances.command("show")
@click.argument("ident")
@FORMAT
@with_runtime
def substances_show(rt: Runtime, ident: str, fmt: str) -> None:
    """Show one substance by S<n>, InChIKey or name."""
    from fews.lookup import find_substance

    with session_scope(rt.factory) as s:
        sub = find_substance(s, ident)
        if sub is None:
            raise UsageFailure(f"no substance {ident!r}")
        emit([_substance_record(sub, with_names=True)], fmt, sys.stdout)


# ---------------------------------------------------------------------------------------------- classify
@cli.command()
@click.argument("file", default="-", type=click.File("r", encoding="utf-8", errors="replace"))
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="date of the decision (default: today)")
@click.option(
    "--progress/--no-progress",
    "progress",
    default=None,
    help="progress bar on stderr (default: when stderr is a terminal)",
)
@FORMAT
def classify(file: Any, as_of: str | None, progress: bool | None, fmt: str) -> None:
    """UK legal status of each structure in FILE (lines: SMILES [ID]; '-' reads stdin)."""
    import datetime as dt

    from tqdm import tqdm

    from chem.legal import LegalEngine, RuleFileError
    from intake.pipeline import london_today

    try:
        day = dt.date.fromisoformat(as_of) if as_of else london_today()
    except ValueError:
        raise UsageFailure(f"--as-of must be an ISO date (YYYY-MM-DD), got {as_of!r}") from None
    overlay = _legal_overlay()
    try:
        engine = LegalEngine(overlay=overlay)
    except (RuleFileError, ValueError) as exc:
        raise UsageFailure(f"legal rules are invalid: {exc}") from None
    show = sys.stderr.isatty() if progress is None else progress

    def records():  # type: ignore[no-untyped-def]
        for n, line in enumerate(tqdm(file, unit=" lines", file=sys.stderr, disable=not show), start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            smiles, _, rest = text.partition(" ") if " " in text else text.partition("\t")
            if "\t" in smiles:
                smiles, _, more = smiles.partition("\t")
                rest = (more + " " + rest).strip()
            yield engine.classify(smiles.strip(), day, ident=rest.strip() or str(n))

    emit(records(), fmt, sys.stdout)


def _legal_overlay() -> list[Any]:
    """The database's legal-status events, or none (with a note on stderr) when there is no database."""
    from sqlalchemy.engine import make_url

    from fews.legal_events import load_overlay

    config = load_config()
    url = make_url(config.database_url)
    if url.get_backend_name() == "sqlite" and url.database and not os.path.exists(url.database):
        click.echo(f"note: no database at {url.database}; deciding on the shipped rules alone", err=True)
        return []  # never create a database just to read events
    try:
        rt = open_runtime(config=config)
    except (NotMigrated, ConfigError) as exc:
        click.echo(f"note: no legal-status events read ({exc}); deciding on the shipped rules alone", err=True)
        return []
    try:
        with session_scope(rt.factory) as s:
            return load_overlay(s)
    finally:
        rt.close()


@cli.group()
def legal() -> None:
    """Legal-status events (the overlay on the shipped rules)."""


@legal.command("reevaluate")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="default: today")
@with_runtime
def legal_reevaluate(rt: Runtime, as_of: str | None) -> None:
    """Decide every stored substance again and record each change of status (after a rule or event change)."""
    import datetime as dt

    from fews.legal_status import reevaluate
    from intake.pipeline import london_today

    try:
        day = dt.date.fromisoformat(as_of) if as_of else london_today()
    except ValueError:
        raise UsageFailure(f"--as-of must be an ISO date, got {as_of!r}") from None
    click.echo(to_json(reevaluate(rt.factory, as_of=day, actor=f"cli:{_os_user()}").as_dict()))


@legal.command("timeline")
@click.argument("smiles")
@click.option("--from", "start", default="1971-01-01", show_default=True, metavar="DATE")
@click.option("--to", "end", default=None, metavar="DATE", help="default: today")
@FORMAT
def legal_timeline(smiles: str, start: str, end: str | None, fmt: str) -> None:
    """Every change of a structure's UK legal status, with the date and the deciding rule."""
    import datetime as dt

    from chem.legal import LegalEngine
    from intake.pipeline import london_today

    try:
        first = dt.date.fromisoformat(start)
        last = dt.date.fromisoformat(end) if end else london_today()
    except ValueError as exc:
        raise UsageFailure(str(exc)) from None
    engine = LegalEngine(overlay=_legal_overlay())
    emit(engine.timeline(smiles, start=first, end=last), fmt, sys.stdout)


@legal.command("add-event")
@click.option("--as", "as_user", required=True, metavar="USERNAME", help="a home_office_policy user (or admin)")
@click.option("--kind", type=click.Choice(["add_named", "end_named", "start_rule", "end_rule"]), required=True)
@click.option("--effective", required=True, metavar="DATE", help="date the change takes effect")
@click.option("--end", "end", default=None, metavar="DATE", help="date it stops (e.g. a TCDO's expiry)")
@click.option("--smiles", default=None, help="structure of the substance (add_named/end_named)")
@click.option("--inchikey", default=None, help="or its InChIKey")
@click.option("--stereo-specific", is_flag=True, help="the instrument names this stereoisomer only")
@click.option("--rule", "rule_id", default=None, help="shipped rule id (start_rule/end_rule)")
@click.option("--class", "drug_class", type=click.Choice(["A", "B", "C", "TCDO"]), default=None)
@click.option("--instrument", required=True, help="e.g. 'Misuse of Drugs Act 1971 (Amendment) Order 2026'")
@click.option("--citation", required=True)
@click.option("--acmd-reference", default=None)
@click.option("--name", default=None, help="substance name, kept with the event")
@with_runtime
def legal_add_event(
    rt: Runtime,
    as_user: str,
    kind: str,
    effective: str,
    end: str | None,
    smiles: str | None,
    inchikey: str | None,
    stereo_specific: bool,
    rule_id: str | None,
    drug_class: str | None,
    instrument: str,
    citation: str,
    acmd_reference: str | None,
    name: str | None,
) -> None:
    """Append a legal-status event (audited); decisions change from its date, the past is not edited."""
    import datetime as dt

    from chem.errors import InvalidStructure
    from chem.standardise import standardise_smiles
    from fews.access import Principal
    from fews.accounts import get_user
    from fews.legal_events import record_event

    actor = acting_user(rt, as_user, "record_legal_event")
    try:
        eff = dt.date.fromisoformat(effective)
        end_date = dt.date.fromisoformat(end) if end else None
        if smiles:
            inchikey = standardise_smiles(smiles).inchikey
    except ValueError as exc:
        raise UsageFailure(str(exc)) from None
    except InvalidStructure as exc:
        raise UsageFailure(f"--smiles: {exc.reason}") from None
    with session_scope(rt.factory) as s:
        user = get_user(s, actor)
        assert user is not None
        principal = Principal(user.username, user.role, user.organisation, via="cli")
        try:
            ev = record_event(
                s,
                principal,
                kind=kind,
                effective_date=eff,
                instrument=instrument,
                citation=citation,
                inchikey=inchikey,
                stereo_specific=stereo_specific,
                rule_id=rule_id,
                drug_class=drug_class,
                end_date=end_date,
                acmd_reference=acmd_reference,
                note=name,
                user_id=user.id,
            )
        except ValueError as exc:
            raise UsageFailure(str(exc)) from None
        click.echo(
            to_json(
                {
                    "event_id": ev.id,
                    "kind": kind,
                    "inchikey": inchikey,
                    "rule": rule_id,
                    "class": drug_class,
                    "effective": eff,
                    "end": end_date,
                }
            )
        )


# ---------------------------------------------------------------------------------------------- identify
@cli.command()
@click.argument("query", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--library",
    "library_paths",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="a library (msp, mgf, mzML, jdx) to search instead of the shipped one and the imported ones (repeatable)",
)
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="date for the hits' legal status (default today)")
@click.option("--score", type=click.Choice(["entropy", "cosine"]), default="entropy", show_default=True)
@click.option("--ms1-tolerance", "ms1_tol", default=None, metavar="TOL", help="precursor tolerance: 10ppm, 0.01Da")
@FORMAT
def identify(
    query: str, library_paths: tuple[str, ...], top: int, as_of: str | None, score: str, ms1_tol: str | None, fmt: str
) -> None:
    """Identify the spectra in QUERY (msp, mgf, mzML, jdx): match, analogue or unknown, with legal status."""
    import datetime as dt

    from chem.legal import LegalEngine
    from fews.spectra_link import known_substance_ids
    from intake.pipeline import london_today
    from reference_spectra.identify import identify_file
    from reference_spectra.search import Tolerance
    from reference_spectra.user_library import default_library_paths, index_dir

    config = load_config()
    try:
        day = dt.date.fromisoformat(as_of) if as_of else london_today()
        tolerance = Tolerance.parse(ms1_tol) if ms1_tol else None
        from reference_spectra.library import load_library

        paths = list(library_paths) or default_library_paths(config.instance_path)
        lib = load_library(paths, cache_dir=index_dir(config.instance_path))
        records = list(
            identify_file(
                query,
                on_date=day,
                top=top,
                library=lib,
                engine=LegalEngine(overlay=_legal_overlay()),
                score=score,  # type: ignore[arg-type]
                ms1_tolerance=tolerance,
                substance_ids=known_substance_ids(config.database_url),
            )
        )
    except ValueError as exc:
        raise UsageFailure(str(exc)) from None
    emit(records, fmt, sys.stdout)


@cli.group("spectra")
def spectra_group() -> None:
    """The reference spectral library: import user libraries, list them, link compounds to substances."""


@spectra_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--matchms", "use_matchms", is_flag=True, help="harmonise metadata with matchms filters (slow start)")
def spectra_import(files: tuple[str, ...], use_matchms: bool) -> None:
    """Add library files (msp, mgf, mzML, jdx) to instance/spectra; malformed records are reported (exit 1)."""
    from reference_spectra.user_library import import_library

    config = load_config()
    failed = False
    for file in files:
        try:
            report = import_library(file, config.instance_path, use_matchms=use_matchms)
        except ValueError as exc:
            raise UsageFailure(str(exc)) from None
        click.echo(to_json(report))
        failed = failed or bool(report["quarantined"])
    if failed:
        sys.exit(1)


@spectra_group.command("list")
@FORMAT
def spectra_list(fmt: str) -> None:
    """The library files searched by default (shipped + imported), with record counts and licences."""
    from reference_spectra.user_library import list_libraries

    emit(list_libraries(load_config().instance_path), fmt, sys.stdout)


@spectra_group.command("link")
@with_runtime
def spectra_link(rt: Runtime) -> None:
    """Create or find a FEWS substance (S<n>) for every library compound, by InChIKey."""
    from fews.spectra_link import link_library
    from reference_spectra.library import load_library
    from reference_spectra.user_library import default_library_paths, index_dir

    lib = load_library(default_library_paths(rt.config.instance_path), cache_dir=index_dir(rt.config.instance_path))
    with session_scope(rt.factory) as s:
        report = link_library(s, lib.spectra)
    click.echo(to_json(report.as_dict()))


# ---------------------------------------------------------------------------------------------- audit
@cli.group("audit")
def audit_group() -> None:
    """Check the audit log."""


@audit_group.command("verify")
@with_runtime
def audit_verify(rt: Runtime) -> None:
    """Walk the hash chain; exit 1 and name the first broken entry if it was tampered with."""
    with session_scope(rt.factory) as s:
        result = audit.verify(s)
    click.echo(to_json(result.as_dict()))
    if not result.ok:
        sys.exit(1)


# ---------------------------------------------------------------------------------------------- backup
@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@with_runtime
def backup(rt: Runtime, file: str) -> None:
    """Write every table to FILE (gzip JSON Lines, engine-independent)."""
    from fews.backup import dump

    counts = dump(rt.engine, file)
    with session_scope(rt.factory) as s:  # a backup reads case-level data: record who took it
        audit.record(
            s,
            actor=f"cli:{_os_user()}",
            via="cli",
            action="backup.create",
            object_type="database",
            object_id=os.path.basename(file),
            content=counts,
        )
    click.echo(to_json({"file": file, "tables": counts, "rows": sum(counts.values())}))


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--db", "db_url", default=None, metavar="URL", help="database URL (must be empty and migrated)")
def restore(file: str, db_url: str | None) -> None:
    """Load a backup into an empty, migrated database (run `fews init` first)."""
    from fews.backup import RestoreError, load

    try:
        rt = open_runtime(database_url=db_url)
    except NotMigrated as exc:
        raise UsageFailure(str(exc)) from None
    try:
        counts = load(rt.engine, file)
        with session_scope(rt.factory) as s:
            audit.record(
                s,
                actor=f"cli:{_os_user()}",
                via="cli",
                action="backup.restore",
                object_type="database",
                object_id=os.path.basename(file),
                content=counts,
            )
    except RestoreError as exc:
        raise UsageFailure(str(exc)) from None
    finally:
        rt.close()
    click.echo(to_json({"file": file, "tables": counts, "rows": sum(counts.values())}))


# ---------------------------------------------------------------------------------------------- serve / scheduler
@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@with_runtime
def serve(rt: Runtime, host: str, port: int, threads: int) -> None:
    """Serve the web application and API (waitress)."""
    from waitress import serve as waitress_serve

    from web import create_app

    try:
        rt.config.require_secret_key()
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None
    app = create_app(rt.config)
    from fews.logging_setup import configure_json_logging, install_request_ids

    configure_json_logging(logging.DEBUG if logging.getLogger().level == logging.DEBUG else logging.INFO)
    install_request_ids(app)  # JSON log lines with request ids (DESIGN.md §11)
    click.echo(f"FEWS at http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    waitress_serve(app, host=host, port=port, threads=threads, ident="FEWS")


@cli.command()
@click.option("--once", is_flag=True, help="run every job once now and exit (for cron and tests)")
@with_runtime
def scheduler(rt: Runtime, once: bool) -> None:
    """Run the scheduled jobs (long-running; one per deployment, jobs take a database lock)."""
    from fews.scheduler import run_all_once, run_scheduler

    if once:
        for rec in run_all_once(rt):
            click.echo(to_json(rec))
        return
    run_scheduler(rt)


# ---------------------------------------------------------------------------------------------- bench
@cli.command()
@click.option("--quick", is_flag=True, help="CI-sized inputs (under 5 minutes)")
@click.option("--only", multiple=True, help="run only these benchmarks (repeatable)")
def bench(quick: bool, only: tuple[str, ...]) -> None:
    """Run benchmarks; prints JSON Lines with each figure and its same-run baseline."""
    from fews.bench import run_benchmarks

    for row in run_benchmarks(quick=quick, only=set(only) or None):
        click.echo(to_json(row))
        sys.stdout.flush()


@cli.command("stats")
@with_runtime
def stats(rt: Runtime) -> None:
    """Counts of what the database holds."""
    from fews.models import (
        HarmReport,
        IntakeBatch,
        IntelReport,
        PsychoactivityResult,
        QuarantineItem,
        Sample,
        Substance,
    )

    with session_scope(rt.factory) as s:
        out = {
            name: s.scalar(select(func.count()).select_from(model))
            for name, model in (
                ("substances", Substance),
                ("samples", Sample),
                ("harm_reports", HarmReport),
                ("intel_reports", IntelReport),
                ("psychoactivity_results", PsychoactivityResult),
                ("quarantine_items", QuarantineItem),
                ("batches", IntakeBatch),
            )
        }
    click.echo(to_json(out))


def _register_commands() -> None:
    """Commands defined beside their package: detection, alerts (alerts, subscriptions, deliver,
    export), control-order support, screening."""
    from alerts.cli import alert_commands
    from fews.detection.cli import COMMANDS as detection_commands
    from fews.policy.cli import COMMANDS as policy_commands
    from fews.screen_cli import screen_command

    for command in (*detection_commands, *alert_commands(), *policy_commands, screen_command):
        cli.add_command(command)


_register_commands()


def main() -> None:
    cli(prog_name="fews")


if __name__ == "__main__":
    main()
