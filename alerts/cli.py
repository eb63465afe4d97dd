"""``fews alerts``, ``fews subscriptions``, ``fews deliver`` and ``fews export`` (DESIGN.md §6, §8).

State-changing commands take ``--as USERNAME``, checked against the permission table and audited
with ``via=cli``. stdout carries results only; exit codes: 0 success, 1 finished with failures
(e.g. deliveries that failed), 2 usage error.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from typing import Any

import click
from sqlalchemy import select

from fews.access import PermissionDenied, require
from fews.cli_common import FORMAT, UsageFailure, with_runtime
from fews.config import ConfigError
from fews.db import session_scope
from fews.models import Subscription, User
from fews.output import emit, to_json
from fews.runtime import Runtime

__all__ = ["alerts", "subscriptions", "deliver", "export", "alert_commands"]

EXPORT_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="one JSON document or CSV",
)
AS_USER = click.option(
    "--as", "as_user", default=None, metavar="USERNAME", help="act as this user (checked and audited)"
)


def _actor(rt: Runtime, username: str | None, permission: str | None = None) -> User:
    """The active user behind ``--as`` (required), optionally checked for ``permission``."""
    if not username:
        raise UsageFailure("this command changes state: give --as USERNAME")
    with session_scope(rt.factory) as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None or not user.active:
            raise UsageFailure(f"no active user {username!r}")
        if permission:
            try:
                require(user.role, permission)
            except PermissionDenied as exc:
                raise UsageFailure(str(exc)) from None
        s.expunge(user)
    return user


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageFailure(f"{option} must be an ISO date (YYYY-MM-DD), got {value!r}") from None


def _today() -> dt.date:
    from intake.pipeline import london_today

    return london_today()


# ---------------------------------------------------------------------------------------------- alerts
@click.group()
def alerts() -> None:
    """List, show, update, agree, issue and withdraw alerts."""


@alerts.command("list")
@click.option("--status", type=click.Choice(["draft", "agreed", "issued", "withdrawn"]), default=None)
@click.option("--type", "alert_type", default=None, help="alert type, e.g. harm_cluster")
@click.option("--limit", type=int, default=1000, show_default=True)
@FORMAT
@with_runtime
def alerts_list(rt: Runtime, status: str | None, alert_type: str | None, limit: int, fmt: str) -> None:
    """Alerts, newest first (operator view: states and titles)."""
    from alerts.workflow import alert_record
    from fews.models import Alert

    with rt.factory() as s:
        q = select(Alert).order_by(Alert.id.desc()).limit(limit)
        if status:
            q = q.where(Alert.status == status)
        if alert_type:
            q = q.where(Alert.type == alert_type)
        records = [alert_record(s, a) for a in s.scalars(q)]
    emit(records, fmt, sys.stdout)


@alerts.command("show")
@click.argument("ident")
@click.option("--product", "audience", default=None, help="print this audience's product of the current version")
@click.option("--cap", "as_cap", is_flag=True, help="print the CAP 1.2 XML of the issued version (with --product)")
@FORMAT
@with_runtime
def alerts_show(rt: Runtime, ident: str, audience: str | None, as_cap: bool, fmt: str) -> None:
    """One alert: record, versions and events; or one audience product (``--product``)."""
    from alerts.cap import build_cap, cap_bytes, validate_cap
    from alerts.document import alert_document
    from alerts.products import render_product
    from alerts.settings import DeliverySettings
    from alerts.tables import TableError
    from alerts.workflow import alert_events, alert_record, alert_versions, find_alert

    with rt.factory() as s:
        alert = find_alert(s, ident)
        if alert is None:
            raise UsageFailure(f"no alert {ident!r}")
        if audience or as_cap:
            if as_cap and alert.issued_version is None:
                raise UsageFailure(f"alert A{alert.id} has never been issued: no CAP message")
            try:
                number = alert.issued_version if as_cap else None
                product = render_product(alert_document(s, alert, number), audience or alert.audience)
            except TableError as exc:
                raise UsageFailure(str(exc)) from None
            if as_cap:
                from alerts.feeds import cap_header

                sender = DeliverySettings.from_config(rt.config).cap_sender
                msg, sent, refs = cap_header(s, alert, sender=sender)
                element = build_cap(product, msg_type=msg, sender=sender, sent=sent, references=refs)
                validate_cap(element)
                sys.stdout.write(cap_bytes(element).decode("utf-8"))
                return
            click.echo(to_json(product))
            return
        record = alert_record(s, alert)
        record["versions"] = [
            {"version": v.version, "title": v.title, "created_by": v.created_by, "created_at": v.created_at}
            for v in alert_versions(s, alert)
        ]
        record["events"] = [
            {
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "version": e.version,
                "from": e.from_status,
                "to": e.to_status,
                "note": e.note,
            }
            for e in alert_events(s, alert)
        ]
    emit([record], fmt, sys.stdout)


def _workflow(rt: Runtime, ident: str, username: str | None, step: Callable[[Any, Any, User], Any]) -> Any:
    from alerts.workflow import WorkflowError, find_alert

    user = _actor(rt, username)
    try:
        with session_scope(rt.factory) as s:
            alert = find_alert(s, ident)
            if alert is None:
                raise UsageFailure(f"no alert {ident!r}")
            result = step(s, alert, user)
            from alerts.workflow import alert_record

            return alert_record(s, alert), result
    except PermissionDenied as exc:
        raise UsageFailure(str(exc)) from None
    except WorkflowError as exc:
        raise UsageFailure(str(exc)) from None


@alerts.command("agree")
@click.argument("ident")
@AS_USER
@click.option("--response", default=None, help="the agreed clinical response text")
@click.option("--response-file", type=click.File("r", encoding="utf-8"), default=None, help="or read it from a file")
@click.option("--note", default=None)
@with_runtime
def alerts_agree(
    rt: Runtime, ident: str, as_user: str | None, response: str | None, response_file: Any, note: str | None
) -> None:
    """Agree a clinical alert with the agreed clinical response (clinical_network_reviewer)."""
    from alerts.workflow import agree_alert

    text = response_file.read() if response_file else response
    if not text:
        raise UsageFailure("give the agreed clinical response with --response or --response-file")
    record, _ = _workflow(
        rt,
        ident,
        as_user,
        lambda s, a, u: agree_alert(s, a, actor=u.username, role=u.role, clinical_response=text, note=note),
    )
    click.echo(to_json(record))


@alerts.command("issue")
@click.argument("ident")
@AS_USER
@with_runtime
def alerts_issue(rt: Runtime, ident: str, as_user: str | None) -> None:
    """Issue the current version to its audiences (queues e-mail and webhook deliveries)."""
    from alerts.workflow import issue_alert

    record, queued = _workflow(rt, ident, as_user, lambda s, a, u: issue_alert(s, a, actor=u.username, role=u.role))
    record["deliveries_queued"] = len(queued)
    click.echo(to_json(record))


@alerts.command("withdraw")
@click.argument("ident")
@AS_USER
@click.option("--reason", required=True, help="why the alert is withdrawn (sent to subscribers)")
@with_runtime
def alerts_withdraw(rt: Runtime, ident: str, as_user: str | None, reason: str) -> None:
    """Withdraw an alert; subscribers who had it are told."""
    from alerts.workflow import withdraw_alert

    record, queued = _workflow(
        rt, ident, as_user, lambda s, a, u: withdraw_alert(s, a, actor=u.username, role=u.role, reason=reason)
    )
    record["deliveries_queued"] = len(queued)
    click.echo(to_json(record))


@alerts.command("update")
@click.argument("ident")
@AS_USER
@click.option("--title", default=None)
@click.option("--summary", default=None)
@click.option("--actions", "recommended_actions", default=None, help="recommended actions")
@click.option("--level", type=click.Choice(["info", "warning", "urgent"]), default=None)
@click.option("--review-by", "review_by", default=None, metavar="DATE")
@click.option("--note", default=None)
@with_runtime
def alerts_update(
    rt: Runtime,
    ident: str,
    as_user: str | None,
    title: str | None,
    summary: str | None,
    recommended_actions: str | None,
    level: str | None,
    review_by: str | None,
    note: str | None,
) -> None:
    """Make a new version (back to draft; the issued version stays live until the update is issued)."""
    from alerts.workflow import update_alert

    day = _date(review_by, "--review-by")
    record, _ = _workflow(
        rt,
        ident,
        as_user,
        lambda s, a, u: update_alert(
            s,
            a,
            actor=u.username,
            role=u.role,
            note=note,
            title=title,
            summary=summary,
            recommended_actions=recommended_actions,
            level=level,
            review_by=day,
        ),
    )
    click.echo(to_json(record))


# ---------------------------------------------------------------------------------------------- subscriptions
@click.group()
def subscriptions() -> None:
    """Add, list and revoke alert subscriptions (feeds, e-mail, webhooks)."""


@subscriptions.command("add")
@click.argument("name")
@AS_USER
@click.option("--for", "for_user", default=None, metavar="USERNAME", help="subscribe another user (admin only)")
@click.option("--channel", type=click.Choice(["feed", "email", "webhook"]), default="feed", show_default=True)
@click.option("--target", default=None, help="e-mail address or webhook URL")
@click.option("--audience", default=None, help="product to receive (default: the role's first)")
@click.option("--family", multiple=True, help="F<n> (repeatable)")
@click.option("--substance", multiple=True, help="S<n> or InChIKey (repeatable)")
@click.option("--legal-status", "legal_status", multiple=True, help="A, B, C, TCDO, PSA, ... (repeatable)")
@click.option("--type", "alert_type", multiple=True, help="alert type (repeatable)")
@click.option("--jurisdiction", multiple=True, help="england, wales, scotland, northern_ireland (repeatable)")
@click.option("--context", "seizure_context", multiple=True, help="seizure context, e.g. prison (repeatable)")
@click.option("--severity", multiple=True, help="harm severity: mild, moderate, severe, fatal (repeatable)")
@click.option("--level", multiple=True, help="alert level: info, warning, urgent (repeatable)")
@with_runtime
def subscriptions_add(rt: Runtime, name: str, as_user: str | None, for_user: str | None, **opts: Any) -> None:
    """Create a subscription; prints it with its feed URLs and secrets, shown this once only."""
    from alerts.settings import DeliverySettings
    from alerts.subscriptions import SubscriptionError, create_subscription, subscription_record

    actor = _actor(rt, as_user, "manage_users" if for_user and for_user != as_user else None)
    owner_name = for_user or actor.username
    filters = {
        key: list(opts[key])
        for key in (
            "family",
            "substance",
            "legal_status",
            "alert_type",
            "jurisdiction",
            "seizure_context",
            "severity",
            "level",
        )
        if opts.get(key)
    }
    try:
        with session_scope(rt.factory) as s:
            owner = s.scalar(select(User).where(User.username == owner_name))
            if owner is None or not owner.active:
                raise UsageFailure(f"no active user {owner_name!r}")
            created = create_subscription(
                s,
                owner,
                name=name,
                channel=opts["channel"],
                target=opts["target"],
                filters=filters,
                audience=opts["audience"],
                actor=actor.username,
                via="cli",
            )
            record = subscription_record(created.subscription, owner.username)
    except SubscriptionError as exc:
        raise UsageFailure(str(exc)) from None
    base = DeliverySettings.from_config(rt.config).public_url
    record["feed_token"] = created.feed_token
    record["feeds"] = {
        kind: f"{base}/feeds/{created.feed_token}.{ext}"
        for kind, ext in (("atom", "atom"), ("json", "json"), ("cap", "cap.xml"))
    }
    if created.webhook_secret:
        record["webhook_secret"] = created.webhook_secret
    click.echo(to_json(record))
    click.echo("keep the feed token (and webhook secret): they are shown only now", err=True)


@subscriptions.command("list")
@click.option("--user", "username", default=None, help="only this user's subscriptions")
@click.option("--all", "show_all", is_flag=True, help="include revoked subscriptions")
@FORMAT
@with_runtime
def subscriptions_list(rt: Runtime, username: str | None, show_all: bool, fmt: str) -> None:
    """Subscriptions (never their tokens or secrets)."""
    from alerts.subscriptions import subscription_record

    with rt.factory() as s:
        q = select(Subscription, User.username).join(User, User.id == Subscription.user_id).order_by(Subscription.id)
        if username:
            q = q.where(User.username == username)
        if not show_all:
            q = q.where(Subscription.revoked_at.is_(None))
        records = [subscription_record(sub, name) for sub, name in s.execute(q)]
    emit(records, fmt, sys.stdout)


@subscriptions.command("revoke")
@click.argument("subscription_id", type=int)
@AS_USER
@with_runtime
def subscriptions_revoke(rt: Runtime, subscription_id: int, as_user: str | None) -> None:
    """Revoke a subscription and its feed token (its owner or an admin)."""
    from alerts.subscriptions import SubscriptionError, revoke_subscription, subscription_record

    actor = _actor(rt, as_user)
    try:
        with session_scope(rt.factory) as s:
            sub = s.get(Subscription, subscription_id)
            if sub is None:
                raise UsageFailure(f"no subscription {subscription_id}")
            if sub.user_id != actor.id:
                try:
                    require(actor.role, "manage_users")
                except PermissionDenied:
                    raise UsageFailure(f"subscription {subscription_id} is not yours (admins may revoke any)") from None
            cancelled = revoke_subscription(s, sub, actor=actor.username, via="cli")
            record = subscription_record(sub)
    except SubscriptionError as exc:
        raise UsageFailure(str(exc)) from None
    record["deliveries_cancelled"] = cancelled
    click.echo(to_json(record))


# ---------------------------------------------------------------------------------------------- deliver
@click.command()
@click.option("--limit", type=int, default=200, show_default=True, help="most deliveries to attempt")
@with_runtime
def deliver(rt: Runtime, limit: int) -> None:
    """Run the outbox once: send due e-mail and webhook deliveries, schedule retries with backoff."""
    from alerts.outbox import deliver_due, outbox_counts
    from alerts.settings import DeliverySettings

    try:
        settings = DeliverySettings.from_config(rt.config)
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None
    report = deliver_due(rt.factory, settings, limit=limit)
    with rt.factory() as s:
        counts = outbox_counts(s)
    out = report.as_dict() | {"outbox": counts}
    click.echo(to_json(out))
    if report.retrying or report.dead:
        sys.exit(1)


# ---------------------------------------------------------------------------------------------- export
@click.group()
def export() -> None:
    """International report, prison test panel, issued alerts and lead times (JSON or CSV)."""


def _check_reader(rt: Runtime, as_user: str | None, permission: str) -> str:
    if not as_user:
        return "cli"
    return _actor(rt, as_user, permission).username


def _audit_export(rt: Runtime, actor: str, kind: str, content: Any) -> None:
    from fews import audit

    with session_scope(rt.factory) as s:
        audit.record(
            s, actor=actor, via="cli", action=f"export.{kind}", object_type="export", object_id=kind, content=content
        )


@export.command("international")
@click.option(
    "--since", default=None, metavar="DATE", help="first day of the quarterly counts (default: first activity)"
)
@click.option("--until", default=None, metavar="DATE", help="last day (default: today)")
@AS_USER
@EXPORT_FORMAT
@with_runtime
def export_international(rt: Runtime, since: str | None, until: str | None, as_user: str | None, fmt: str) -> None:
    """Substance-level report for international partners (no personal data, harm counts '<5')."""
    from alerts.exports import international_export, international_rows, to_csv
    from chem.legal import LegalEngine
    from fews.legal_events import load_overlay

    actor = _check_reader(rt, as_user, "export_international")
    end = _date(until, "--until") or _today()
    with rt.factory() as s:
        version = LegalEngine(overlay=load_overlay(s)).rules.version
        doc = international_export(s, until=end, since=_date(since, "--since"), rule_set_version=version)
    doc["security_marking"] = rt.config.security_marking
    _audit_export(rt, actor, "international", doc)
    if fmt == "json":
        click.echo(json.dumps(doc, ensure_ascii=False, default=str))
        return
    cols = [
        "name",
        "inchikey",
        "smiles",
        "family",
        "uk_status",
        "first_uk_detection",
        "quarter",
        "seizures",
        "harm_reports",
        "contexts",
        "analytical_references",
        "security_marking",
    ]
    rows = [r | {"security_marking": rt.config.security_marking} for r in international_rows(doc)]
    sys.stdout.write(to_csv(rows, cols))


@export.command("prison-panel")
@click.option("--since", default=None, metavar="DATE", help="first prison detection on or after (default: a year ago)")
@click.option("--until", default=None, metavar="DATE", help="last day (default: today)")
@AS_USER
@EXPORT_FORMAT
@with_runtime
def export_prison_panel(rt: Runtime, since: str | None, until: str | None, as_user: str | None, fmt: str) -> None:
    """Specified-substance test-panel additions: substances newly seized in prisons."""
    from alerts.exports import prison_panel, to_csv

    actor = _check_reader(rt, as_user, "read_public")
    end = _date(until, "--until") or _today()
    start = _date(since, "--since") or end - dt.timedelta(days=365)
    with rt.factory() as s:
        doc = prison_panel(s, until=end, since=start)
    doc["security_marking"] = rt.config.security_marking
    _audit_export(rt, actor, "prison_panel", doc)
    if fmt == "json":
        click.echo(json.dumps(doc, ensure_ascii=False, default=str))
        return
    cols = ["name", "inchikey", "smiles", "family", "first_prison_detection", "reason", "security_marking"]
    rows = [a | {"security_marking": rt.config.security_marking} for a in doc["additions"]]
    sys.stdout.write(to_csv(rows, cols))


@export.command("alerts")
@click.option("--audience", default=None, help="product to export (default: the --as user's, else policy)")
@click.option("--active-only", is_flag=True, help="leave out withdrawn alerts")
@AS_USER
@EXPORT_FORMAT
@with_runtime
def export_alerts(rt: Runtime, audience: str | None, active_only: bool, as_user: str | None, fmt: str) -> None:
    """Issued alerts as one audience product each (CSV cells are safe from formula injection)."""
    from alerts.exports import ALERT_CSV_COLUMNS, alert_rows, alerts_export, to_csv
    from alerts.tables import TableError, audience_rules

    allowed: tuple[str, ...] | None = None
    actor = "cli"
    if as_user:
        user = _actor(rt, as_user, "read_public")
        actor = user.username
        allowed = audience_rules().products_for_role(user.role)
        audience = audience or (allowed[0] if allowed else None)
        if audience not in allowed:
            raise UsageFailure(f"role {user.role!r} may export {', '.join(allowed) or 'no products'}, not {audience!r}")
    audience = audience or "policy"
    try:
        with rt.factory() as s:
            products = alerts_export(s, audience=audience, include_withdrawn=not active_only)
    except TableError as exc:
        raise UsageFailure(str(exc)) from None
    _audit_export(rt, actor, "alerts", {"audience": audience, "alerts": [p["id"] for p in products]})
    if fmt == "json":
        doc = {
            "generated": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "audience": audience,
            "security_marking": rt.config.security_marking,
            "alerts": products,
        }
        click.echo(json.dumps(doc, ensure_ascii=False, default=str))
        return
    sys.stdout.write(to_csv(alert_rows(products), ALERT_CSV_COLUMNS))


@export.command("lead-times")
@EXPORT_FORMAT
@with_runtime
def export_lead_times(rt: Runtime, fmt: str) -> None:
    """Lead times per alert and subject (first detection -> signal -> draft -> agreed -> issued -> control)."""
    from alerts.exports import to_csv
    from alerts.metrics import INTERVALS, lead_time_report

    with rt.factory() as s:
        report = lead_time_report(s)
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, default=str))
        return
    stages = list(report["alerts"][0]["stages"]) if report["alerts"] else []
    rows = [
        {"alert": r["alert"], "type": r["type"], "status": r["status"], "subject": r["subject"]}
        | {f"{k}_date": v for k, v in r["stages"].items()}
        | {f"{k}_days": v for k, v in r["intervals"].items()}
        for r in report["alerts"]
    ]
    cols = ["alert", "type", "status", "subject"] + [f"{k}_date" for k in stages] + [f"{k}_days" for k in INTERVALS]
    sys.stdout.write(to_csv(rows, cols))


def alert_commands() -> list[click.Command]:
    """The commands ``fews`` registers from this package."""
    return [alerts, subscriptions, deliver, export]
