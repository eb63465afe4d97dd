"""Forms of the alert workflow (CSRF-protected by Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from web.ui.choices import options

__all__ = ["UpdateForm", "AgreeForm", "IssueForm", "WithdrawForm"]


class UpdateForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    summary = TextAreaField("Summary", validators=[DataRequired(), Length(max=10000)])
    recommended_actions = TextAreaField("Recommended actions", validators=[Optional(), Length(max=10000)])
    level = SelectField("Level", choices=options([("info", "Info"), ("warning", "Warning"), ("urgent", "Urgent")]))
    review_by = DateField("Review by", validators=[Optional()])
    note = StringField("Why are you changing it?", validators=[Optional(), Length(max=2000)])


class AgreeForm(FlaskForm):
    clinical_response = TextAreaField(
        "Agreed clinical response", validators=[DataRequired(), Length(min=20, max=10000)]
    )
    note = StringField("Note (optional)", validators=[Optional(), Length(max=2000)])


class IssueForm(FlaskForm):
    pass


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Reason for withdrawal", validators=[DataRequired(), Length(max=2000)])
