from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from chem.legal import load_rules
from fews.legal_events import load_overlay, record_event
from fews.rule_catalogue import CONFIDENCE_MEANINGS, RuleFilter, legal_events, rule_catalogue
from web.database import db, write_session
from web.rules import bp
from web.rules.forms import EVENT_KIND_LABELS, EventForm, RuleFilterForm
from web.ui import may, requires_page, signed_in_principal
from web.ui.tables import csv_response, wants_csv

CSV_COLUMNS = [
    "id",
    "kind",
    "class",
    "name",
    "instrument",
    "in_force",
    "end",
    "shipped_in_force",
    "shipped_end",
    "event_ids",
    "confidence",
    "partial",
    "citation",
    "url",
    "file",
]


def _rule_ids() -> list[str]:
    return [r.id for r in load_rules().rules]


def _event_form() -> EventForm:
    """The event form, filled from the posted data on a POST (Flask-WTF's default)."""
    return EventForm(rule_ids=_rule_ids())


@bp.route("/rules")
@requires_page("read_public")
def index():  # type: ignore[no-untyped-def]
    form = RuleFilterForm(formdata=request.args if request.args else None)
    valid = form.validate() if request.args else True
    where = RuleFilter(
        kind=form.kind.data or None,
        drug_class=form.drug_class.data or None,
        confidence=form.confidence.data or None,
        in_force_on=form.in_force_on.data if valid else None,
        text=(form.text.data or "").strip() or None,
        partial_only=bool(form.partial.data),
    )
    shipped = load_rules()
    rows = rule_catalogue(shipped, load_overlay(db()), where=where)
    if wants_csv(request.args):
        return csv_response(
            (
                {
                    "id": r.rule.id,
                    "kind": r.rule.kind,
                    "class": r.rule.drug_class,
                    "name": r.rule.name,
                    "instrument": r.rule.instrument,
                    "in_force": r.rule.in_force,
                    "end": r.rule.end,
                    "shipped_in_force": r.shipped_in_force,
                    "shipped_end": r.shipped_end,
                    "event_ids": " ".join(map(str, r.event_ids)),
                    "confidence": r.rule.confidence,
                    "partial": r.rule.partial,
                    "citation": r.rule.citation,
                    "url": r.rule.url,
                    "file": r.rule.path,
                }
                for r in rows
            ),
            CSV_COLUMNS,
            filename="fews-legal-rules.csv",
        )
    status = 200 if valid else 400
    return (
        render_template(
            "rules/index.html",
            form=form,
            rows=rows,
            rule_set_version=shipped.version,
            confidence_meanings=CONFIDENCE_MEANINGS,
        ),
        status,
    )


@bp.route("/rules/<rule_id>")
@requires_page("read_public")
def show(rule_id: str):  # type: ignore[no-untyped-def]
    rows = [r for r in rule_catalogue(load_rules(), load_overlay(db())) if r.rule.id == rule_id]
    if not rows:
        abort(404, description=f"No legal rule {rule_id[:100]!r}.")
    return render_template("rules/show.html", row=rows[0], confidence_meanings=CONFIDENCE_MEANINGS)


def _events_page(form: EventForm, status: int = 200) -> Any:
    return (
        render_template(
            "rules/events.html",
            events=legal_events(db()),
            form=form if may("record_legal_event") else None,
            kind_labels=EVENT_KIND_LABELS,
        ),
        status,
    )


@bp.route("/rules/events")
@requires_page("read_public")
def events():  # type: ignore[no-untyped-def]
    return _events_page(_event_form())


@bp.route("/rules/events/add", methods=["POST"])
@requires_page("record_legal_event")
def add_event():  # type: ignore[no-untyped-def]
    form = _event_form()
    if not form.validate_on_submit():
        return _events_page(form, 400)
    kind = form.kind.data
    named = kind in ("add_named", "end_named")
    try:
        with write_session() as s:
            event = record_event(
                s,
                signed_in_principal(),
                kind=kind,
                effective_date=form.effective_date.data,
                end_date=form.end_date.data,
                instrument=form.instrument.data.strip(),
                citation=form.citation.data.strip(),
                inchikey=form.resolved_inchikey if named else None,
                stereo_specific=bool(form.stereo_specific.data) if named else False,
                rule_id=None if named else form.rule_id.data,
                drug_class=(form.drug_class.data or None) if kind == "add_named" else None,
                acmd_reference=(form.acmd_reference.data or "").strip() or None,
                note=(form.name.data or "").strip() or None,
                user_id=current_user.id,
            )
            event_id = event.id
    except ValueError as exc:
        form.kind.errors.append(str(exc))  # type: ignore[attr-defined]
        return _events_page(form, 400)
    flash(
        f"Legal-status event {event_id} recorded. Decisions on pages use it at once; stored statuses are "
        "re-decided by the nightly job (or `fews legal reevaluate`).",
        "success",
    )
    return redirect(url_for("rules.events"))
