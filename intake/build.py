"""Turn a validated record into model column values (one builder per kind)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from chem.errors import InvalidStructure
from chem.names import NameResolution
from chem.standardise import StandardStructure
from fews import vocab
from intake.kinds import KindSpec
from intake.prepared import Prepared, PreparedChild, hash_row
from intake.records import Record
from intake.sold_as import SoldAsVerdict, StructureSource, assess_sold_as
from intake.validation.issues import Issue, warn
from intake.validation.steps import CheckedRow

__all__ = ["build_record", "BuildContext"]


class BuildContext:
    def __init__(
        self,
        *,
        structures: StructureSource,
        names: dict[str, NameResolution],
        sold_as_lookup: Callable[[str], NameResolution | None],
        security_marking: str,
        sold_as_memo: dict[tuple[Any, ...], SoldAsVerdict] | None = None,
    ):
        self.structures = structures
        self.names = names
        self.sold_as_lookup = sold_as_lookup
        self.security_marking = security_marking
        self.sold_as_memo = sold_as_memo if sold_as_memo is not None else {}

    def sold_as(self, label: str | None, found: list[tuple[str, StandardStructure | None]]) -> SoldAsVerdict:
        """:func:`assess_sold_as`, memoised by the label and the names and identities found (the
        verdict depends on nothing else; the same products and mixtures come back all the time)."""
        key = (label, *[(name, s.inchikey_nostereo if s is not None else None) for name, s in found])
        memo = self.sold_as_memo
        verdict = memo.get(key)
        if verdict is None:
            verdict = assess_sold_as(label, found, self.sold_as_lookup, self.structures)
            if len(memo) >= SOLD_AS_MEMO_MAX:
                memo.clear()
            memo[key] = verdict
        return verdict


SOLD_AS_MEMO_MAX = 20_000


def _area_code(text: str | None) -> str | None:
    return _area_code_cached(text) if text else None


@functools.lru_cache(maxsize=4096)
def _area_code_cached(text: str) -> str | None:
    for name in ("local_authorities", "places", "regions", "nations"):
        term = vocab.load(name).lookup(text)
        if term is not None:
            return term.attrs.get("lad_code") or term.attrs.get("ons_code") or term.code
    return None


def _resolve(
    row: CheckedRow, ctx: BuildContext, warnings: list[Issue], field: str | None
) -> tuple[StandardStructure | None, str, str | None]:
    """(structure, resolution, label) of a row; unidentified names are a warning, never a rejection."""
    if row.structure is not None:
        return row.structure, "structure", None
    name = row.pending_name
    if not name:
        return None, "unidentified", None
    res = ctx.names.get(name)
    if res is None or res.status == "unidentified" or (res.status == "substance" and not res.smiles):
        reason = res.reason if res is not None and res.reason else "no synonym or systematic-name match"
        warnings.append(warn("unidentified_name", "names", field, f"{name!r}: {reason}"))
        return None, "unidentified", None
    if res.status in ("family", "class"):
        return None, res.status, res.label or res.preferred_name
    try:
        return ctx.structures.get(res.smiles or ""), res.source or "synonym", res.preferred_name
    except InvalidStructure as exc:
        warnings.append(
            warn("unidentified_name", "names", field, f"{name!r}: resolved structure invalid: {exc.reason}")
        )
        return None, "unidentified", None


def _extra(row: CheckedRow, spec: KindSpec) -> dict[str, Any]:
    data = row.raw.data
    known = spec.known_fields
    if known.issuperset(data):
        return {}
    unknown = data.keys() - known
    return {k: data[k] for k in sorted(unknown) if data[k] is not None}


def _warn_dicts(issues: list[Issue], line: int | str) -> list[dict[str, Any]]:
    return [i.as_dict(line) for i in issues] if issues else []


def _dedupe(warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Record-level fields repeat on every row: report each distinct warning once."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for w in warnings:
        key = (w["code"], w["field"], w["detail"])
        if key not in seen:
            seen.add(key)
            out.append(w)
    return out


ChildValues = Callable[[CheckedRow, StandardStructure | None, str, str | None], tuple[dict[str, Any], str | None]]


def _build_children(
    rows: list[CheckedRow],
    spec: KindSpec,
    ctx: BuildContext,
    values_for: ChildValues,
    *,
    has_child: Callable[[CheckedRow], bool] = lambda r: True,
) -> tuple[list[PreparedChild], list[dict[str, Any]]]:
    """One child per row (component, suspected substance, finding): resolve its structure, build its
    column values with ``values_for``, hash it; collect every row's warnings once."""
    warnings: list[dict[str, Any]] = []
    children: list[PreparedChild] = []
    row_fields, name_field = spec.row_fields, spec.name_field
    for r in rows:
        raw = r.raw
        if r.issues:  # an accepted row's issues are all warnings
            warnings.extend(_warn_dicts(r.warnings, raw.line))
        if not has_child(r):
            continue
        extra_warn: list[Issue] = []
        structure, resolution, label = _resolve(r, ctx, extra_warn, name_field)
        if extra_warn:
            warnings.extend(_warn_dicts(extra_warn, raw.line))
        values, name = values_for(r, structure, resolution, label)
        values["position"] = len(children)
        values["extra"] = extra = _extra(r, spec)
        children.append(PreparedChild(values, hash_row(row_fields, raw.data, extra), structure, name, raw.line))
    return children, _dedupe(warnings) if warnings else warnings


def _prepared(
    rec: Record,
    rows: list[CheckedRow],
    spec: KindSpec,
    header: dict[str, Any],
    children: list[PreparedChild],
    warnings: list[dict[str, Any]],
) -> Prepared:
    """A record with child rows; its content hash covers the record-level fields and the provider."""
    header_hash = hash_row(spec.header_fields, rows[0].raw.data, provider=rec.provider)
    return Prepared(
        rec.provider,
        rec.key or "",
        header,
        header_hash,
        children,
        lines=[r.raw.line for r in rows],
        warnings=len(warnings),
    )


def _display(name: str | None, structure: StandardStructure | None, fallback: str) -> str:
    return name or (structure.smiles if structure else fallback)


def _component_values(
    r: CheckedRow, structure: StandardStructure | None, resolution: str, label: str | None
) -> tuple[dict[str, Any], str | None]:
    rd = r.raw.data
    values = {
        "name_reported": rd.get("component_name"),
        "smiles_reported": rd.get("component_smiles") or rd.get("component_molblock"),
        "resolution": resolution,
        "resolution_label": label,
        "role": r.codes.get("role") or ("unknown" if not rd.get("role") else None),
        "role_raw": rd.get("role"),
        "identification_level": r.codes.get("identification_level"),
        "purity": r.values.get("purity"),
        "quantity": rd.get("quantity"),
        "method": rd.get("method"),
        "spectrum_file": rd.get("spectrum_file"),
    }
    return values, rd.get("component_name")


def _suspected_values(
    r: CheckedRow, structure: StandardStructure | None, resolution: str, label: str | None
) -> tuple[dict[str, Any], str | None]:
    rd = r.raw.data
    name = rd.get("suspected_substance_name") or rd.get("suspected_substance_smiles") or ""
    return {"name_reported": name, "resolution": resolution, "resolution_label": label}, name


def _finding_values(
    r: CheckedRow, structure: StandardStructure | None, resolution: str, label: str | None
) -> tuple[dict[str, Any], str | None]:
    rd = r.raw.data
    values = {
        "found_name": rd.get("found_name"),
        "found_smiles": rd.get("found_smiles"),
        "resolution": resolution,
        "resolution_label": label,
    }
    return values, rd.get("found_name")


def _has_finding(r: CheckedRow) -> bool:
    return bool(r.raw.data.get("found_name") or r.raw.data.get("found_smiles"))  # else: only what was on offer


def build_seizure(rec: Record, rows: list[CheckedRow], spec: KindSpec, ctx: BuildContext) -> Prepared:
    first = rows[0]
    d = first.raw.data
    children, warnings = _build_children(rows, spec, ctx, _component_values)
    found = [
        (_display(c.name, c.structure, "unnamed"), c.structure)
        for c in children
        if c.values["role"] in ("active", "unknown", None)
    ]
    verdict = ctx.sold_as(d.get("product_as_sold"), found)
    local_code = _area_code(d.get("local_area"))
    if d.get("local_area") and local_code is None:
        warnings.append(
            warn(
                "unknown_value",
                "vocabularies",
                "local_area",
                f"{d.get('local_area')!r} is not a known local authority or place",
            ).as_dict(first.raw.line)
        )
    header = {
        "provider": rec.provider,
        "sample_id": rec.key,
        "submitting_agency": d.get("submitting_agency"),
        "agency_code": first.codes.get("submitting_agency"),
        "seizure_date": first.values["seizure_date"],
        "received_date": first.values.get("received_date"),
        "seizure_context": first.codes.get("seizure_context"),
        "seizure_context_raw": d.get("seizure_context"),
        "jurisdiction": first.jurisdiction,
        "local_area": d.get("local_area"),
        "local_area_code": local_code,
        "origin_country": d.get("origin_country"),
        "product_form": first.codes.get("product_form"),
        "product_form_raw": d.get("product_form"),
        "product_as_sold": d.get("product_as_sold"),
        "sold_as_mismatch": verdict.mismatch,
        "sold_as_detail": verdict.detail,
        "case_reference": d.get("case_reference"),
        "security_marking": ctx.security_marking,
        "warnings": warnings,
    }
    return _prepared(rec, rows, spec, header, children, warnings)


def build_report(rec: Record, rows: list[CheckedRow], spec: KindSpec, ctx: BuildContext) -> Prepared:
    first = rows[0]
    d = first.raw.data
    children, warnings = _build_children(rows, spec, ctx, _suspected_values)
    region = d.get("region")
    header = {
        "provider": rec.provider,
        "report_id": rec.key,
        "reporter_role": first.codes.get("reporter_role") or d.get("reporter_role"),
        "care_setting": first.codes.get("care_setting"),
        "care_setting_raw": d.get("care_setting"),
        "event_date": first.values["event_date"],
        "reported_date": first.values.get("reported_date"),
        "region": region,
        "region_code": _area_code(region),
        "jurisdiction": first.jurisdiction,
        "severity": first.codes.get("severity"),
        "severity_raw": d.get("severity"),
        "effects": first.values.get("effects") or [],
        "vulnerable_group": first.codes.get("vulnerable_group"),
        "toxicology_status": first.codes.get("toxicology_status"),
        "free_text": d.get("free_text"),
        "sample_ref": d.get("sample_id"),
        "security_marking": ctx.security_marking,
        "warnings": warnings,
    }
    return _prepared(rec, rows, spec, header, children, warnings)


def build_intel(rec: Record, rows: list[CheckedRow], spec: KindSpec, ctx: BuildContext) -> Prepared:
    first = rows[0]
    d = first.raw.data
    children, warnings = _build_children(rows, spec, ctx, _finding_values, has_child=_has_finding)
    found = [(_display(c.name, c.structure, "unidentified"), c.structure) for c in children]
    stream = first.codes.get("stream")
    term = vocab.load("intel_streams").lookup(stream) if stream else None
    grade = term.attrs.get("evidence_grade") if term is not None else None
    verdict = ctx.sold_as(d.get("sold_as"), found) if found else None
    extra = {k: d.get(k) for k in ("sample_code", "price_gbp", "url_or_market", "notes") if d.get(k) is not None}
    header = {
        "provider": rec.provider,
        "record_id": rec.key,
        "stream": stream,
        "evidence_grade": grade,
        "observed_date": first.values["observed_date"],
        "source": d.get("source"),
        "jurisdiction": first.jurisdiction,
        "local_area": d.get("local_area"),
        "local_area_code": _area_code(d.get("local_area")),
        "sold_as": d.get("sold_as"),
        "sold_as_mismatch": verdict.mismatch if verdict else None,
        "sold_as_detail": verdict.detail if verdict else "nothing found was reported; not assessed",
        "source_evaluation": first.codes.get("source_evaluation"),
        "intelligence_assessment": first.codes.get("intelligence_assessment"),
        "handling_code": first.codes.get("handling_code"),
        "security_marking": ctx.security_marking,
        "warnings": warnings,
        "extra": extra,
    }
    return _prepared(rec, rows, spec, header, children, warnings)


def build_psychoactivity(rec: Record, rows: list[CheckedRow], spec: KindSpec, ctx: BuildContext) -> Prepared:
    r = rows[0]
    d = r.raw.data
    issues: list[Issue] = list(r.warnings)
    structure, resolution, _label = _resolve(r, ctx, issues, spec.name_field)
    header = {
        "provider": rec.provider,
        "result_id": rec.key,
        "substance_name": d.get("substance_name") or "",
        "substance_smiles": d.get("substance_smiles"),
        "resolution": resolution,
        "sample_ref": d.get("sample_id"),
        "assay": d.get("assay"),
        "result": r.codes.get("result"),
        "potency_value": r.values.get("potency_value"),
        "potency_unit": d.get("potency_unit"),
        "efficacy_percent": r.values.get("efficacy_percent"),
        "reference_compound": d.get("reference_compound"),
        "test_date": r.values["test_date"],
        "laboratory": d.get("laboratory"),
        "warnings": _warn_dicts(issues, r.raw.line),
        "extra": _extra(r, spec),
    }
    return Prepared(
        rec.provider,
        rec.key or "",
        header,
        hash_row(spec.header_fields, d, header["extra"], provider=rec.provider),
        [],
        structure=structure,
        name=d.get("substance_name"),
        lines=[r.raw.line],
        warnings=len(issues),
    )


BUILDERS: dict[str, Callable[[Record, list[CheckedRow], KindSpec, BuildContext], Prepared]] = {
    "seizures": build_seizure,
    "reports": build_report,
    "intel": build_intel,
    "psychoactivity": build_psychoactivity,
}


def build_record(rec: Record, rows: list[CheckedRow], spec: KindSpec, ctx: BuildContext) -> Prepared:
    return BUILDERS[spec.name](rec, rows, spec, ctx)
