"""Forms of the legal rules pages: the rule filter (GET) and a legal-status event (POST, CSRF)."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from chem.errors import InvalidStructure
from chem.legal.overlay import EVENT_KINDS
from chem.standardise import standardise_smiles
from fews.rule_catalogue import CONFIDENCE_MEANINGS, CONFIDENCE_TAGS, RULE_KINDS
from web.ui.choices import options

__all__ = ["RuleFilterForm", "EventForm", "EVENT_KIND_LABELS"]

EVENT_KIND_LABELS = {
    "add_named": "Add a named substance (control from a date)",
    "end_named": "End a named substance's control",
    "start_rule": "Start a shipped rule from a date",
    "end_rule": "End a shipped rule from a date",
}
CLASS_CHOICES = [("A", "Class A"), ("B", "Class B"), ("C", "Class C"), ("TCDO", "temporary class drug order")]
_INCHIKEY = re.compile(r"^[A-Z]{14}-[A-Z]{10}-[A-Z]$")


class RuleFilterForm(FlaskForm):
    class Meta:
        csrf = False

    text = StringField("Text in id, name, instrument, citation or statutory text", validators=[Length(max=200)])
    kind = SelectField("Kind", validators=[Optional()])
    drug_class = SelectField("Class", validators=[Optional()])
    confidence = SelectField("Confidence", validators=[Optional()])
    in_force_on = DateField("In force on", validators=[Optional()])
    partial = BooleanField("Only rules whose statutory text is partly known")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = options([("", "Any kind"), *((k, k.replace("_", " ")) for k in RULE_KINDS)])
        self.drug_class.choices = options([("", "Any class"), *CLASS_CHOICES])
        self.confidence.choices = options(
            [("", "Any confidence"), *((c, f"{c}: {CONFIDENCE_MEANINGS[c].split(':')[0]}") for c in CONFIDENCE_TAGS)]
        )


class EventForm(FlaskForm):
    """``fews legal add-event`` as a form; the structure by SMILES (standardised to its InChIKey) or InChIKey."""

    kind = RadioField("What changes", validators=[DataRequired(message="Choose what changes")])
    effective_date = DateField("Effective from", validators=[DataRequired(message="Enter the date it takes effect")])
    end_date = DateField("Ends on (optional)", validators=[Optional()])
    smiles = StringField("Structure (SMILES)", validators=[Optional(), Length(max=2000)])
    inchikey = StringField("or InChIKey", validators=[Optional(), Length(max=27)])
    stereo_specific = BooleanField("The instrument names this stereoisomer only")
    name = StringField("Substance name", validators=[Optional(), Length(max=300)])
    drug_class = SelectField("Class", validators=[Optional()])
    rule_id = SelectField("Shipped rule", validators=[Optional()])
    instrument = StringField("Instrument", validators=[DataRequired(message="Enter the instrument"), Length(max=300)])
    citation = TextAreaField("Citation", validators=[DataRequired(message="Enter the citation"), Length(max=2000)])
    acmd_reference = StringField("ACMD reference (optional)", validators=[Optional(), Length(max=300)])

    def __init__(self, *args: Any, rule_ids: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = options([(k, EVENT_KIND_LABELS[k]) for k in EVENT_KINDS])
        self.drug_class.choices = options([("", "Not applicable"), *CLASS_CHOICES])
        self.rule_id.choices = options([("", "Not applicable"), *((r, r) for r in (rule_ids or []))])
        self.resolved_inchikey: str | None = None

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if not ok:
            return False
        kind = self.kind.data
        if self.end_date.data and self.effective_date.data and self.end_date.data < self.effective_date.data:
            self.end_date.errors.append("The end date must not be before the effective date")  # type: ignore[attr-defined]
            return False
        if kind in ("add_named", "end_named"):
            smiles, key = (self.smiles.data or "").strip(), (self.inchikey.data or "").strip().upper()
            if not smiles and not key:
                self.smiles.errors.append("Give the substance's SMILES or its InChIKey")  # type: ignore[attr-defined]
                return False
            if smiles:
                try:
                    self.resolved_inchikey = standardise_smiles(smiles).inchikey
                except InvalidStructure as exc:
                    self.smiles.errors.append(f"This is not a readable SMILES: {exc.reason}")  # type: ignore[attr-defined]
                    return False
            elif not _INCHIKEY.match(key):
                self.inchikey.errors.append("An InChIKey has 27 characters: 14 letters, 10 letters, 1 letter")  # type: ignore[attr-defined]
                return False
            else:
                self.resolved_inchikey = key
            if kind == "add_named" and not self.drug_class.data:
                self.drug_class.errors.append("Choose the class the substance is added to")  # type: ignore[attr-defined]
                return False
        elif not self.rule_id.data:
            self.rule_id.errors.append("Choose the shipped rule that starts or ends")  # type: ignore[attr-defined]
            return False
        return True
