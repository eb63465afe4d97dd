"""The four intake kinds as data: their fields, required values, dates and vocabularies.

Validation steps (``intake.validation.steps``) read these specs; nothing kind-specific is written
as code there. Field names follow DESIGN.md §5.1-5.3.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

__all__ = ["DateRule", "KindSpec", "KINDS", "get_kind"]


@dataclass(frozen=True)
class DateRule:
    field: str
    required: bool = True
    not_before: str | None = None  # another date field this one may not precede


@dataclass(frozen=True)
class KindSpec:
    name: str
    key_field: str
    header_fields: tuple[str, ...]  # record-level: every row of a record must agree
    row_fields: tuple[str, ...]  # per-row (component / suspected substance)
    required: tuple[str | tuple[str, ...], ...]  # a tuple means "at least one of"
    dates: tuple[DateRule, ...]
    jurisdiction_fields: tuple[str, ...]  # tried in order; first non-empty decides (nation/region/LAD names)
    vocab: dict[str, str] = field(default_factory=dict)  # field -> vocabulary; unknown = warning
    closed: dict[str, str] = field(default_factory=dict)  # field -> vocabulary; unknown = invalid_value
    multi_vocab: dict[str, str] = field(default_factory=dict)  # '|'- or ';'-separated lists
    numbers: dict[str, tuple[float, float]] = field(default_factory=dict)
    smiles_field: str | None = None
    name_field: str | None = None
    molblock_field: str | None = None
    free_text_fields: tuple[str, ...] = ()  # clinical free text: never logged, quarantine visible to clinicians
    clinical: bool = False

    @functools.cached_property
    def required_groups(self) -> tuple[tuple[str, ...], ...]:
        return tuple(r if isinstance(r, tuple) else (r,) for r in self.required)

    @functools.cached_property
    def known_fields(self) -> frozenset[str]:
        fields = set(self.header_fields) | set(self.row_fields) | {"provider"}
        for extra in (self.smiles_field, self.name_field, self.molblock_field):
            if extra:
                fields.add(extra)
        return frozenset(fields)


SEIZURES = KindSpec(
    name="seizures",
    key_field="sample_id",
    header_fields=(
        "sample_id",
        "seizure_date",
        "received_date",
        "submitting_agency",
        "seizure_context",
        "jurisdiction",
        "local_area",
        "origin_country",
        "product_form",
        "product_as_sold",
        "case_reference",
    ),
    row_fields=(
        "component_name",
        "component_smiles",
        "component_molblock",
        "role",
        "identification_level",
        "purity",
        "quantity",
        "method",
        "spectrum_file",
    ),
    required=(
        "sample_id",
        "seizure_date",
        "submitting_agency",
        "seizure_context",
        "jurisdiction",
        ("component_name", "component_smiles", "component_molblock"),
    ),
    dates=(DateRule("seizure_date"), DateRule("received_date", required=False, not_before="seizure_date")),
    jurisdiction_fields=("jurisdiction",),
    vocab={
        "submitting_agency": "agencies",
        "seizure_context": "seizure_contexts",
        "product_form": "product_forms",
        "role": "component_roles",
        "identification_level": "identification_levels",
    },
    numbers={"purity": (0.0, 100.0)},
    smiles_field="component_smiles",
    name_field="component_name",
    molblock_field="component_molblock",
)

REPORTS = KindSpec(
    name="reports",
    key_field="report_id",
    header_fields=(
        "report_id",
        "event_date",
        "reported_date",
        "care_setting",
        "severity",
        "region",
        "jurisdiction",
        "reporter_role",
        "effects",
        "vulnerable_group",
        "toxicology_status",
        "free_text",
        "sample_id",
    ),
    row_fields=("suspected_substance_name", "suspected_substance_smiles"),
    required=(
        "report_id",
        "event_date",
        "care_setting",
        "severity",
        "region",
        ("suspected_substance_name", "suspected_substance_smiles"),
    ),
    dates=(DateRule("event_date"), DateRule("reported_date", required=False, not_before="event_date")),
    jurisdiction_fields=("jurisdiction", "region"),
    vocab={
        "care_setting": "care_settings",
        "severity": "severities",
        "reporter_role": "reporter_roles",
        "vulnerable_group": "vulnerable_groups",
        "toxicology_status": "toxicology_statuses",
    },
    multi_vocab={"effects": "effects"},
    smiles_field="suspected_substance_smiles",
    name_field="suspected_substance_name",
    free_text_fields=("free_text",),
    clinical=True,
)

INTEL = KindSpec(
    name="intel",
    key_field="record_id",
    header_fields=(
        "record_id",
        "stream",
        "observed_date",
        "source",
        "jurisdiction",
        "local_area",
        "sold_as",
        "sample_code",
        "source_evaluation",
        "intelligence_assessment",
        "handling_code",
        "price_gbp",
        "url_or_market",
        "notes",
    ),
    row_fields=("found_name", "found_smiles"),
    # a survey or market observation may name only what was on offer (sold_as); drug checking names findings
    required=(
        "record_id",
        "stream",
        "observed_date",
        "source",
        "jurisdiction",
        ("found_name", "found_smiles", "sold_as"),
    ),
    dates=(DateRule("observed_date"),),
    jurisdiction_fields=("jurisdiction", "local_area"),
    closed={
        "stream": "intel_streams",
        "source_evaluation": "source_evaluations",
        "intelligence_assessment": "intelligence_assessments",
        "handling_code": "handling_codes",
    },
    numbers={"price_gbp": (0.0, 1e7)},
    smiles_field="found_smiles",
    name_field="found_name",
)

PSYCHOACTIVITY = KindSpec(
    name="psychoactivity",
    key_field="result_id",
    header_fields=(
        "result_id",
        "substance_name",
        "substance_smiles",
        "assay",
        "result",
        "potency_value",
        "potency_unit",
        "efficacy_percent",
        "reference_compound",
        "test_date",
        "laboratory",
        "sample_id",
    ),
    row_fields=(),
    required=("result_id", ("substance_name", "substance_smiles"), "assay", "result", "test_date", "laboratory"),
    dates=(DateRule("test_date"),),
    jurisdiction_fields=(),
    closed={"result": "psychoactivity_results"},
    numbers={"potency_value": (0.0, 1e12), "efficacy_percent": (0.0, 1000.0)},
    smiles_field="substance_smiles",
    name_field="substance_name",
)

KINDS: dict[str, KindSpec] = {k.name: k for k in (SEIZURES, REPORTS, INTEL, PSYCHOACTIVITY)}


def get_kind(name: str) -> KindSpec:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown intake kind {name!r}; kinds: {', '.join(KINDS)}") from None
