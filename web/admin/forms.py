from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from fews.access import ROLES
from fews.accounts import TOKEN_SCOPES
from web.ui.choices import options

__all__ = ["NewUserForm", "PasswordForm", "TokenForm", "ActionForm"]


class NewUserForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=80)])
    role = SelectField("Role", choices=options([(r, r.replace("_", " ")) for r in ROLES]), validators=[DataRequired()])
    organisation = StringField("Organisation", validators=[Optional(), Length(max=200)])
    jurisdiction = StringField("Jurisdictions", validators=[Optional(), Length(max=200)])
    password = PasswordField("First password", validators=[DataRequired(), Length(max=1000)])


class PasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(max=1000)])


class _Ticks(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TokenForm(FlaskForm):
    label = StringField("What is it for?", validators=[Optional(), Length(max=200)])
    scopes = _Ticks("Scopes", validators=[DataRequired()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scopes.choices = options([(s, s) for s in TOKEN_SCOPES])


class ActionForm(FlaskForm):
    """A button-only form (CSRF token only)."""
