"""Subscription forms: name, channel and target, audience product, and filters as ticks or lists."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from alerts.subscriptions import LEGAL_STATUSES
from alerts.tables import ALERT_TYPES, LEVELS
from web.submit.choices import vocab_choices
from web.ui.choices import options

__all__ = ["FilterForm", "NewSubscriptionForm", "filters_from", "LIST_FILTERS", "TICK_FILTERS"]


class _Ticks(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


TICK_FILTERS = ("alert_type", "level", "legal_status", "jurisdiction", "seizure_context", "severity")
LIST_FILTERS = ("family", "substance")


class FilterForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    alert_type = _Ticks("Alert types", validators=[Optional()])
    level = _Ticks("Levels", validators=[Optional()])
    legal_status = _Ticks("UK legal status", validators=[Optional()])
    jurisdiction = _Ticks("Nations", validators=[Optional()])
    seizure_context = _Ticks("Seizure contexts", validators=[Optional()])
    severity = _Ticks("Harm severity", validators=[Optional()])
    family = StringField("Families", validators=[Optional(), Length(max=500)])
    substance = StringField("Substances", validators=[Optional(), Length(max=1000)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.alert_type.choices = options([(t, t.replace("_", " ")) for t in ALERT_TYPES])
        self.level.choices = options([(v, v) for v in LEVELS])
        self.legal_status.choices = options([(v, v.replace("_", " ")) for v in LEGAL_STATUSES])
        self.jurisdiction.choices = options(vocab_choices("nations"))
        self.seizure_context.choices = options(vocab_choices("seizure_contexts"))
        self.severity.choices = options(vocab_choices("severities"))


class NewSubscriptionForm(FilterForm):
    channel = RadioField(
        "How should alerts reach you?",
        choices=options(
            [("feed", "Feed (Atom, JSON Feed, CAP)"), ("email", "E-mail"), ("webhook", "Webhook (signed POST)")]
        ),
        validators=[DataRequired()],
    )
    target = StringField("E-mail address or webhook URL", validators=[Optional(), Length(max=500)])
    audience = SelectField("Product", validators=[DataRequired()])


def filters_from(form: FilterForm) -> dict[str, list[str]]:
    """The filters a form gives (empty ones left out), before ``normalise_filters`` checks them."""
    out: dict[str, list[str]] = {}
    for key in TICK_FILTERS:
        values = getattr(form, key).data or []
        if values:
            out[key] = list(values)
    for key in LIST_FILTERS:
        values = [v.strip() for v in (getattr(form, key).data or "").replace(";", ",").split(",") if v.strip()]
        if values:
            out[key] = values
    return out
