"""The search form (GET: no CSRF token, nothing is changed)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import DecimalField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from fews.structure_search import MODES
from web.ui.choices import options

__all__ = ["SearchForm", "SEARCH_BY", "LIMITS"]

SEARCH_BY: dict[str, str] = {"name": "name, synonym, InChIKey or S number", **MODES}
LIMITS = (10, 25, 50, 100, 200)


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Search for", validators=[DataRequired(message="Enter a name or a structure"), Length(max=2000)])
    by = RadioField("Search by", default="name", validators=[DataRequired()])
    threshold = DecimalField(
        "Lowest similarity (0 to 1)", default=0.4, places=2, validators=[Optional(), NumberRange(min=0, max=1)]
    )
    limit = SelectField("Most results", default="50", validators=[DataRequired()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by.choices = options(SEARCH_BY.items())
        self.limit.choices = options([(str(n), str(n)) for n in LIMITS])
