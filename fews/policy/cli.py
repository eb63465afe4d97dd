"""Control-order support commands: ``fews evidence-pack``, ``fews draft-generic``, ``fews gap-forecast``,
``fews report psa-review`` (DESIGN.md §6). Each takes an optional ``--as USERNAME``, checked against the
``read_evidence_packs`` permission (home_office_policy, acmd_advisor, public_health_analyst)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import click

from fews.cli_common import FORMAT, UsageFailure, acting_user, with_runtime
from fews.db import session_scope
from fews.output import emit, to_json
from fews.runtime import Runtime

__all__ = ["COMMANDS"]

PERMISSION = "read_evidence_packs"
AS_USER = click.option(
    "--as", "as_user", default=None, metavar="USERNAME", help=f"act as this user (needs {PERMISSION})"
)


def _date(value: str | None, option: str) -> dt.date:
    from intake.pipeline import london_today

    if value is None:
        return london_today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageFailure(f"{option} must be an ISO date (YYYY-MM-DD), got {value!r}") from None


def _bodies() -> list[str] | None:
    raw = os.environ.get("FEWS_PACK_INTERNATIONAL", "").strip()
    return [b.strip() for b in raw.split(",") if b.strip()] or None


@click.command("evidence-pack")
@click.argument("ident", metavar="ID")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="only data visible on or before (default today)")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "docx"]), default="html", show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="file to write")
@AS_USER
@with_runtime
def evidence_pack(rt: Runtime, ident: str, as_of: str | None, fmt: str, out: Path | None, as_user: str | None) -> None:
    """Evidence pack for a family (F<n>) or substance (S<n> or InChIKey) as HTML, PDF or DOCX."""
    from fews.policy.evidence_pack import EvidencePackError, build_evidence_pack
    from fews.policy.render import render_docx, render_html, render_pdf

    if as_user:
        acting_user(rt, as_user, PERMISSION)
    if out is None and fmt != "html":
        raise UsageFailure(f"--format {fmt} needs --out FILE")
    day = _date(as_of, "--as-of")
    started = time.perf_counter()
    try:
        with session_scope(rt.factory) as s:
            doc = build_evidence_pack(
                s, ident, as_of=day, security_marking=rt.config.security_marking, international_bodies=_bodies()
            )
    except EvidencePackError as exc:
        raise UsageFailure(str(exc)) from None
    if fmt == "html":
        data: bytes = render_html(doc).encode("utf-8")
    elif fmt == "pdf":
        data = render_pdf(doc)
    else:
        data = render_docx(doc)
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    out.write_bytes(data)
    click.echo(
        to_json(
            {
                "id": doc["subject"]["id"],
                "as_of": doc["as_of"],
                "format": fmt,
                "out": str(out),
                "bytes": len(data),
                "members": doc["subject"]["members"],
                "escaping_control": doc["escaping_control"],
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
    )


@click.command("draft-generic")
@click.argument("family", required=False, metavar="F<n>")
@click.option(
    "--check",
    "check",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="re-run the checks on a (edited) draft rule file instead of drafting",
)
@click.option(
    "--family", "family_opt", default=None, metavar="F<n>", help="with --check: the family (default: from the rule id)"
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="write the draft rule (YAML) here and print the checks; without it the YAML goes to stdout",
)
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="members' legal status and the draft's date")
@click.option("--class", "drug_class", type=click.Choice(["A", "B", "C"]), default=None, help="proposed class")
@AS_USER
@with_runtime
def draft_generic(
    rt: Runtime,
    family: str | None,
    check: Path | None,
    family_opt: str | None,
    out: Path | None,
    as_of: str | None,
    drug_class: str | None,
    as_user: str | None,
) -> None:
    """Draft a generic definition for a family (machine rule + English text), or --check an edited draft."""
    from chem.legal import LegalEngine
    from chem.legal.rules import RuleFileError
    from fews.policy.draft_generic import check_draft, draft_for_family, load_draft, rule_yaml
    from fews.policy.evidence_pack import EvidencePackError, legal_overlay_as_of

    if as_user:
        acting_user(rt, as_user, PERMISSION)
    day = _date(as_of, "--as-of")
    try:
        with session_scope(rt.factory) as s:
            if check is not None:
                rule = load_draft(check)
                click.echo(to_json({"file": str(check), **check_draft(s, rule, family=family_opt or family)}))
                return
            if not family:
                raise UsageFailure("give a family (F<n>) to draft, or --check FILE")
            engine = LegalEngine(overlay=legal_overlay_as_of(s, day))
            draft, members = draft_for_family(s, family, as_of=day, drug_class=drug_class, engine=engine)
            text = rule_yaml(draft, members)
            if out is None:
                sys.stdout.write(text)
                return
            out.write_text(text, encoding="utf-8")
            rule = load_draft(out)
            result = check_draft(s, rule, family=family)
    except (EvidencePackError, RuleFileError, ValueError) as exc:
        raise UsageFailure(str(exc)) from None
    click.echo(
        to_json(
            {
                "file": str(out),
                "core": draft.core.smarts,
                "parent": draft.core.parent_smiles,
                "positions": [{"name": p.name, "classes": p.classes} for p in draft.positions],
                "text": draft.text,
                "notes": draft.notes,
                **result,
            }
        )
    )


@click.command("gap-forecast")
@click.argument("family", metavar="F<n>")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="law as at this date (default today)")
@click.option(
    "--draft",
    "draft",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="a draft rule file (default: drafted from the family)",
)
@click.option("--kind", "kinds", multiple=True, help="only these analogue kinds (repeatable)")
@click.option("--summary", "summary_only", is_flag=True, help="print only the summary (one JSON object)")
@FORMAT
@AS_USER
@with_runtime
def gap_forecast(
    rt: Runtime,
    family: str,
    as_of: str | None,
    draft: Path | None,
    kinds: tuple[str, ...],
    summary_only: bool,
    fmt: str,
    as_user: str | None,
) -> None:
    """Plausible next analogues of a family: which escape the law as at the date, which the draft captures."""
    from chem.legal.rules import RuleFileError
    from fews.policy.evidence_pack import EvidencePackError
    from fews.policy.gap_forecast import family_gap_forecast

    if as_user:
        acting_user(rt, as_user, PERMISSION)
    day = _date(as_of, "--as-of")
    try:
        with session_scope(rt.factory) as s:
            result = family_gap_forecast(s, family, as_of=day, draft_path=draft, kinds=kinds or None)
    except (EvidencePackError, RuleFileError, ValueError) as exc:
        raise UsageFailure(str(exc)) from None
    summary = {k: v for k, v in result.items() if k != "analogues"}
    if summary_only:
        click.echo(to_json(summary))
        return
    emit(result["analogues"], fmt, sys.stdout)
    click.echo(json.dumps(summary["summary"]), err=True)


@click.group()
def report() -> None:
    """Policy reports."""


@report.command("psa-review")
@click.option("--format", "fmt", type=click.Choice(["html", "json"]), default="html", show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--date", "date", default=None, metavar="DATE", help="commencement date (default 2016-05-26)")
@click.option("--window-weeks", default=52, show_default=True, type=click.IntRange(1, 520))
@click.option("--local-top", default=15, show_default=True, type=click.IntRange(1, 400))
@AS_USER
@with_runtime
def psa_review_cmd(
    rt: Runtime, fmt: str, out: Path | None, date: str | None, window_weeks: int, local_top: int, as_user: str | None
) -> None:
    """Before/after review of the Psychoactive Substances Act 2016 (s.58-style), HTML or JSON."""
    from chem.legal import PSA_IN_FORCE
    from fews.policy.psa_review import psa_review
    from fews.policy.render import render_psa_html

    if as_user:
        acting_user(rt, as_user, PERMISSION)
    day = _date(date, "--date") if date else PSA_IN_FORCE
    with session_scope(rt.factory) as s:
        doc = psa_review(s, date=day, window_weeks=window_weeks, local_top=local_top)
    doc["security_marking"] = rt.config.security_marking
    text = (
        json.dumps(doc, ensure_ascii=False, indent=1)
        if fmt == "json"
        else render_psa_html(doc, marking=rt.config.security_marking)
    )
    if out is None:
        sys.stdout.write(text + ("\n" if not text.endswith("\n") else ""))
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(to_json({"format": fmt, "out": str(out), "bytes": len(text.encode())}))


COMMANDS = (evidence_pack, draft_generic, gap_forecast, report)
