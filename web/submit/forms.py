"""Submit forms (Flask-WTF: CSRF on every form). Vocabulary fields are filled from ``fews/vocab``."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from web.submit.choices import vocab_choices
from web.ui.choices import options

__all__ = ["ComponentForm", "SeizureForm", "ReportForm", "PsychoactivityForm", "UploadForm", "UPLOAD_KINDS"]

UPLOAD_KINDS = {
    "seizures": ("Seizure analyses", "submit_seizures"),
    "reports": ("Adverse-reaction (RIDR) reports", "submit_harm_report"),
    "intel": ("Drug-checking and intelligence reports", "submit_intel"),
    "psychoactivity": ("Psychoactivity test results", "submit_psychoactivity"),
}


def _optional(name: str) -> list[tuple[str, str]]:
    return [("", "Not stated"), *vocab_choices(name)]


class ComponentForm(Form):
    """One component: name, SMILES or a pasted MOL block (at least one), role, identification level, purity."""

    component_name = StringField("Name as reported", validators=[Optional(), Length(max=300)])
    component_smiles = StringField("Structure (SMILES)", validators=[Optional(), Length(max=2000)])
    component_molblock = TextAreaField("Or paste a MOL block", validators=[Optional(), Length(max=200_000)])
    role = SelectField("Role", validators=[Optional()])
    identification_level = SelectField("Identification level", validators=[Optional()])
    purity = DecimalField("Purity (%)", validators=[Optional(), NumberRange(min=0, max=100)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = options(_optional("component_roles"))
        self.identification_level.choices = options(_optional("identification_levels"))

    @property
    def is_blank(self) -> bool:
        return not any(
            (f.data or "").strip() for f in (self.component_name, self.component_smiles, self.component_molblock)
        )

    def validate_component_molblock(self, field: Any) -> None:
        if (field.data or "").strip() and (self.component_smiles.data or "").strip():
            raise ValidationError("Give the structure once: a SMILES or a MOL block, not both")


class SeizureForm(FlaskForm):
    sample_id = StringField("Sample ID", validators=[DataRequired(), Length(max=200)])
    seizure_date = DateField("Date seized", validators=[DataRequired()])
    submitting_agency = SelectField("Submitting agency", validators=[DataRequired()])
    seizure_context = SelectField("Where was it seized?", validators=[DataRequired()])
    jurisdiction = SelectField("Nation", validators=[DataRequired()])
    local_area = StringField("Local area", validators=[Optional(), Length(max=200)])
    product_form = SelectField("Product form", validators=[Optional()])
    product_as_sold = StringField("Sold as", validators=[Optional(), Length(max=300)])
    case_reference = StringField("Case reference", validators=[Optional(), Length(max=200)])
    components = FieldList(FormField(ComponentForm), min_entries=2, max_entries=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.submitting_agency.choices = options([("", "Choose an agency"), *vocab_choices("agencies")])
        self.seizure_context.choices = options([("", "Choose a context"), *vocab_choices("seizure_contexts")])
        self.jurisdiction.choices = options([("", "Choose a nation"), *vocab_choices("nations")])
        self.product_form.choices = options(_optional("product_forms"))

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if all(c.form.is_blank for c in self.components):
            self.components.errors.append("Give at least one component: a name, a SMILES or a MOL block.")  # type: ignore[attr-defined]
            return False
        return ok


class MultiCheckbox(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ReportForm(FlaskForm):
    """A RIDR report: only what a clinician knows at the bedside; everything else optional."""

    substance_1 = StringField("What did they take?", validators=[DataRequired(), Length(max=300)])
    substance_2 = StringField("Anything else?", validators=[Optional(), Length(max=300)])
    substance_3 = StringField("And?", validators=[Optional(), Length(max=300)])
    severity = RadioField("How serious?", validators=[DataRequired()])
    effects = MultiCheckbox("Effects seen", validators=[Optional()])
    event_date = DateField("When?", validators=[DataRequired()])
    care_setting = SelectField("Where were they seen?", validators=[DataRequired()])
    region = SelectField("Region", validators=[DataRequired()])
    toxicology_status = SelectField("Toxicology", validators=[Optional()])
    vulnerable_group = SelectField("Vulnerable group", validators=[Optional()])
    free_text = TextAreaField("Anything else clinicians should know", validators=[Optional(), Length(max=5000)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.severity.choices = options(vocab_choices("severities"))
        self.effects.choices = options(vocab_choices("effects"))
        self.care_setting.choices = options(vocab_choices("care_settings"))
        self.region.choices = options([("", "Choose a region"), *vocab_choices("regions")])
        self.toxicology_status.choices = options(_optional("toxicology_statuses"))
        self.vulnerable_group.choices = options(_optional("vulnerable_groups"))


class PsychoactivityForm(FlaskForm):
    result_id = StringField("Result ID", validators=[DataRequired(), Length(max=200)])
    substance_name = StringField("Substance name", validators=[Optional(), Length(max=300)])
    substance_smiles = StringField("Structure (SMILES)", validators=[Optional(), Length(max=2000)])
    assay = StringField("Assay", validators=[DataRequired(), Length(max=300)])
    result = RadioField("Result", validators=[DataRequired()])
    test_date = DateField("Date tested", validators=[DataRequired()])
    laboratory = StringField("Laboratory", validators=[DataRequired(), Length(max=200)])
    potency_value = DecimalField("Potency", validators=[Optional()])
    potency_unit = StringField("Potency unit", validators=[Optional(), Length(max=20)])
    efficacy_percent = DecimalField("Efficacy (%)", validators=[Optional(), NumberRange(min=0, max=1000)])
    reference_compound = StringField("Reference compound", validators=[Optional(), Length(max=200)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.result.choices = options(vocab_choices("psychoactivity_results"))

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if not (self.substance_name.data or "").strip() and not (self.substance_smiles.data or "").strip():
            self.substance_name.errors.append("Give the substance's name or its SMILES.")  # type: ignore[attr-defined]
            return False
        return ok


class UploadForm(FlaskForm):
    kind = RadioField("What is in the file?", validators=[DataRequired()])
    file = FileField("File (CSV, JSON or SDF)", validators=[FileRequired()])
