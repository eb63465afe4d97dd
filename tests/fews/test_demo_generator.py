"""Tests for the synthetic demo data generator (fews.demo)."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import math
import re

import pytest
from rdkit import Chem, RDLogger
from rdkit.Chem import rdCIPLabeler, rdMolDescriptors

from fews.demo import (
    INTEL_COLUMNS,
    PSYCHOACTIVITY_COLUMNS,
    REPORT_COLUMNS,
    SEIZURE_COLUMNS,
    DemoData,
    generate,
    ground_truth,
    write_csv,
)
from fews.demo import catalogue as cat

END = dt.date(2026, 11, 22)  # a Sunday: the default window is 2023-11-20 .. 2026-11-22 (157 ISO weeks)
START = dt.date(2023, 11, 20)
WEEKS = 157


@pytest.fixture(scope="module")
def full() -> DemoData:
    return generate(END)


@pytest.fixture(scope="module")
def small() -> DemoData:
    return generate(END, scale=0.3)


def _samples(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = collections.defaultdict(list)
    for row in rows:
        out[row["sample_id"]].append(row)
    return out


def _family_of() -> dict[str, str]:
    return {s.name: s.family for s in cat.substances().values() if s.family}


def _frozen(rows: list[dict[str, str]]) -> set[tuple[tuple[str, str], ...]]:
    return {tuple(sorted(row.items())) for row in rows}


# --------------------------------------------------------------------------------------------
# catalogue
# --------------------------------------------------------------------------------------------

_HAND_WRITTEN = [
    s
    for s in cat.substances().values()
    if s.name in cat.ESTABLISHED_NAMES or s.family or s in cat._ONE_OFF_HAND
]


@pytest.mark.parametrize("substance", _HAND_WRITTEN, ids=[s.name for s in _HAND_WRITTEN])
def test_catalogue_smiles_parses_to_expected_formula(substance: cat.Substance) -> None:
    mol = Chem.MolFromSmiles(substance.smiles)
    assert mol is not None, substance.smiles
    assert rdMolDescriptors.CalcMolFormula(mol) == substance.formula


def test_combinatorial_pool_formulas_match_rdkit() -> None:
    # the pool's formulas come from fragment arithmetic, independent of RDKit
    RDLogger.DisableLog("rdApp.*")
    try:
        for subs in cat.novel_pool().values():
            for s in subs:
                mol = Chem.MolFromSmiles(s.smiles)
                assert mol is not None, (s.name, s.smiles)
                assert rdMolDescriptors.CalcMolFormula(mol) == s.formula, s.name
    finally:
        RDLogger.EnableLog("rdApp.*")


@pytest.mark.parametrize(
    "substance",
    [s for s in cat.substances().values() if s.inchikey],
    ids=[s.name for s in cat.substances().values() if s.inchikey],
)
def test_stereo_sensitive_structures_have_expected_inchikey(substance: cat.Substance) -> None:
    assert Chem.MolToInchiKey(Chem.MolFromSmiles(substance.smiles)) == substance.inchikey


def test_synthetic_cannabinoid_amino_acid_heads_are_s_configured() -> None:
    # L-valine / L-tert-leucine derived heads are (S); a flipped @ would give the wrong enantiomer
    for s in cat.substances().values():
        if s.category == "synthetic_cannabinoid" and "@" in s.smiles:
            mol = Chem.MolFromSmiles(s.smiles)
            rdCIPLabeler.AssignCIPLabels(mol)
            labels = [a.GetProp("_CIPCode") for a in mol.GetAtoms() if a.HasProp("_CIPCode")]
            assert labels == ["S"], s.name


def test_catalogue_structures_and_names_are_unique() -> None:
    seen: dict[str, str] = {}
    for s in cat.substances().values():
        key = Chem.MolToSmiles(Chem.MolFromSmiles(s.smiles))
        assert key not in seen, f"{s.name} duplicates {seen.get(key)}"
        seen[key] = s.name


def test_one_off_pool_excludes_market_and_wave_substances() -> None:
    pool = {s.name for subs in cat.novel_pool().values() for s in subs}
    assert not pool & cat.ESTABLISHED_NAMES
    assert not pool & set(_family_of())
    assert len(pool) > 400


@pytest.mark.parametrize(
    ("formula", "counts"),
    [
        ("C10H12ClNO", {"C": 10, "H": 12, "Cl": 1, "N": 1, "O": 1}),
        ("C4H9Br", {"C": 4, "H": 9, "Br": 1}),
    ],
    ids=["3-CMC", "1-bromobutane"],
)
def test_formula_round_trip(formula: str, counts: dict[str, int]) -> None:
    assert dict(cat.parse_formula(formula)) == counts
    assert cat.hill_formula(cat.parse_formula(formula)) == formula


@pytest.mark.parametrize("bad", ["", "c10h12", "C10-H12", "10C"])
def test_parse_formula_rejects_garbage(bad: str) -> None:
    with pytest.raises(ValueError, match="formula"):
        cat.parse_formula(bad)


def test_wave_members_and_products_exist_in_catalogue() -> None:
    names = cat.substances()
    for wave in cat.WAVES:
        for member in wave.members:
            assert names[member.name].family == wave.key
            assert all(names[t].family == wave.key for t in member.precursor_of)
        offsets = [m.offset_weeks for m in wave.members]
        assert offsets == sorted(offsets) and offsets[0] == 0
    products = [s.product for s in cat.MARKET] + [r.product for w in cat.WAVES for r in w.routes]
    products += list(cat.ONE_OFF_PRODUCTS.values())
    for product in products:
        for name, _ in product.actives:
            assert name in names or name in (cat.MEMBER, "unidentified"), (product.key, name)
        for name, role, _ in product.extras:
            assert name in names or name == cat.MEMBER, (product.key, name)
            assert role in ("active", "adulterant", "precursor", "unknown")


# --------------------------------------------------------------------------------------------
# determinism, additivity, validation
# --------------------------------------------------------------------------------------------


def test_generate_is_deterministic(small: DemoData) -> None:
    assert generate(END, scale=0.3) == small


def test_seed_changes_the_data(small: DemoData) -> None:
    assert generate(END, scale=0.3, seed=7).seizure_rows != small.seizure_rows


def test_later_end_leaves_earlier_weeks_unchanged(small: DemoData) -> None:
    later_end = END + dt.timedelta(weeks=10)
    later = generate(later_end, scale=0.3)  # default start moves 10 weeks later too
    overlap = START + dt.timedelta(weeks=10)
    settled = END - dt.timedelta(weeks=9)  # older than every reporting lag

    def between(rows: list[dict[str, str]], field: str, lo: dt.date, hi: dt.date) -> set:
        return _frozen([r for r in rows if lo <= dt.date.fromisoformat(r[field]) <= hi])

    for name, field in (
        ("seizure_rows", "seizure_date"),
        ("report_rows", "event_date"),
        ("intel_rows", "observed_date"),
        ("psychoactivity_rows", "test_date"),
    ):
        before, after = getattr(small, name), getattr(later, name)
        # every row already generated is still there, unchanged
        assert between(before, field, overlap, END) <= between(after, field, overlap, END), name
        # weeks whose rows have all arrived are identical
        assert between(before, field, overlap, settled) == between(after, field, overlap, settled), name


def test_window_rows_do_not_depend_on_start() -> None:
    end = dt.date(2025, 3, 30)
    short = generate(end, start=dt.date(2025, 1, 6), scale=0.3)
    long = generate(end, start=dt.date(2024, 6, 3), scale=0.3)
    kept = [r for r in long.seizure_rows if r["seizure_date"] >= "2025-01-06"]
    assert _frozen(kept) == _frozen(short.seizure_rows)


def test_default_start_is_156_weeks_before_the_week_of_end(small: DemoData) -> None:
    first = min(r["seizure_date"] for r in small.seizure_rows)
    assert START.isoformat() <= first < (START + dt.timedelta(days=7)).isoformat()
    assert max(r["received_date"] for r in small.seizure_rows) <= END.isoformat()


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"start": dt.date(2027, 1, 4)}, ValueError),
        ({"start": dt.date(1999, 6, 7)}, ValueError),
        ({"seed": -1}, ValueError),
        ({"scale": 0}, ValueError),
        ({"scale": float("nan")}, ValueError),
        ({"start": "2025-01-01"}, TypeError),
    ],
    ids=["start-after-end", "before-2000", "negative-seed", "zero-scale", "nan-scale", "string-start"],
)
def test_generate_rejects_bad_arguments(kwargs: dict, error: type[Exception]) -> None:
    with pytest.raises(error):
        generate(END, **kwargs)


def test_generate_rejects_non_date_end() -> None:
    with pytest.raises(TypeError, match="end must be a datetime.date"):
        generate("2026-11-22")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# shape and volumes
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attr", "columns"),
    [
        ("seizure_rows", SEIZURE_COLUMNS),
        ("report_rows", REPORT_COLUMNS),
        ("intel_rows", INTEL_COLUMNS),
        ("psychoactivity_rows", PSYCHOACTIVITY_COLUMNS),
    ],
)
def test_rows_have_exactly_the_columns_as_strings(
    small: DemoData, attr: str, columns: tuple[str, ...]
) -> None:
    rows = getattr(small, attr)
    assert rows
    for row in rows:
        assert tuple(row) == columns
        assert all(isinstance(v, str) for v in row.values())


def test_volumes_at_scale_one(full: DemoData) -> None:
    samples = {r["sample_id"] for r in full.seizure_rows}
    assert 100 <= len(samples) / WEEKS <= 150
    assert 15_000 <= len(full.seizure_rows) <= 25_000
    reports = {r["report_id"] for r in full.report_rows}
    assert 10 <= len(reports) / WEEKS <= 25
    intel = {r["record_id"] for r in full.intel_rows}
    assert 5 <= len(intel) / WEEKS <= 15
    assert 30 <= len(full.psychoactivity_rows) <= 75


def test_weekly_counts_are_overdispersed(full: DemoData) -> None:
    # amphetamine is a flat background series: variance / mean should be near DISPERSION (2)
    weekly = collections.Counter(
        (dt.date.fromisoformat(r["seizure_date"]) - START).days // 7
        for r in full.seizure_rows
        if r["component_name"] == "amphetamine"
    )
    counts = [weekly[w] for w in range(WEEKS - 8)]  # the last weeks are cut by reporting lag
    mean = sum(counts) / len(counts)
    var = sum((c - mean) ** 2 for c in counts) / (len(counts) - 1)
    assert 1.4 < var / mean < 3.0


def test_mdma_peaks_in_summer(full: DemoData) -> None:
    by_week = collections.Counter(
        dt.date.fromisoformat(r["seizure_date"]).isocalendar()[1]
        for r in full.seizure_rows
        if r["component_name"] == "MDMA"
    )
    summer = sum(by_week[w] for w in range(24, 33))
    winter = sum(by_week[w] for w in (*range(1, 6), *range(48, 53)))
    assert summer > 1.5 * winter


def test_reporting_lags(small: DemoData) -> None:
    for r in small.seizure_rows:
        lag = (dt.date.fromisoformat(r["received_date"]) - dt.date.fromisoformat(r["seizure_date"])).days
        assert 3 <= lag <= 40
    for r in small.report_rows:
        lag = (dt.date.fromisoformat(r["reported_date"]) - dt.date.fromisoformat(r["event_date"])).days
        assert 7 <= lag <= 56


# --------------------------------------------------------------------------------------------
# seizures
# --------------------------------------------------------------------------------------------


def test_every_sample_has_an_active_or_unknown_component(small: DemoData) -> None:
    for sample_id, rows in _samples(small.seizure_rows).items():
        assert any(r["role"] in ("active", "unknown") for r in rows), sample_id
        assert len({(r["seizure_date"], r["submitting_agency"], r["local_area"]) for r in rows}) == 1


def test_multi_component_samples_exist(small: DemoData) -> None:
    sizes = collections.Counter(len(rows) for rows in _samples(small.seizure_rows).values())
    assert sum(n for k, n in sizes.items() if k > 1) > 0.1 * sum(sizes.values())
    assert max(sizes) >= 3


def test_ids_are_stable_and_well_formed(small: DemoData) -> None:
    assert all(re.fullmatch(r"DEMO-S-\d{4}W\d{2}-\d{4}", r["sample_id"]) for r in small.seizure_rows)
    assert all(re.fullmatch(r"DEMO-R-\d{4}W\d{2}-\d{4}", r["report_id"]) for r in small.report_rows)
    assert all(re.fullmatch(r"DEMO-I-\d{4}W\d{2}-\d{4}", r["record_id"]) for r in small.intel_rows)
    assert all(re.fullmatch(r"DEMO-P-\d{4}W\d{2}-\d{2}", r["result_id"]) for r in small.psychoactivity_rows)
    assert len({r["result_id"] for r in small.psychoactivity_rows}) == len(small.psychoactivity_rows)
    assert {r["provider"] for r in small.seizure_rows} == {"demo-lab"}


def test_mdma_sold_but_cathinone_found(small: DemoData) -> None:
    mismatches = [
        r for r in small.seizure_rows if r["product_as_sold"] == "MDMA" and r["component_name"] == "eutylone"
    ]
    assert mismatches


def test_unidentified_components_have_no_structure(small: DemoData) -> None:
    unknown = [r for r in small.seizure_rows if r["role"] == "unknown"]
    assert unknown
    assert all(r["component_smiles"] == "" and r["component_name"] in cat.UNIDENTIFIED_NAMES for r in unknown)


def test_some_nps_are_reported_by_name_only(small: DemoData) -> None:
    blank = {
        r["component_name"]
        for r in small.seizure_rows
        if r["component_smiles"] == "" and r["role"] != "unknown"
    }
    assert {"isotonitazene", "MDMB-4en-PINACA"} <= blank
    names = cat.substances()
    assert all(names[n].name_only for n in blank)
    with_structure = [
        r for r in small.seizure_rows if r["component_name"] == "isotonitazene" and r["component_smiles"]
    ]
    assert len(with_structure) > len(
        [
            r
            for r in small.seizure_rows
            if r["component_name"] == "isotonitazene" and not r["component_smiles"]
        ]
    )


def test_emitted_structures_all_parse(small: DemoData) -> None:
    smiles = {r["component_smiles"] for r in small.seizure_rows} | {
        r["found_smiles"] for r in small.intel_rows
    }
    smiles |= {r["substance_smiles"] for r in small.psychoactivity_rows}
    assert all(Chem.MolFromSmiles(s) is not None for s in smiles if s)


def test_controlled_values(small: DemoData) -> None:
    s = small.seizure_rows
    assert {r["seizure_context"] for r in s} == {
        "border_postal",
        "border_freight",
        "border_passenger",
        "inland",
        "prison",
        "online",
    }
    assert {r["jurisdiction"] for r in s} == {"England", "Wales", "Scotland", "Northern Ireland"}
    assert {r["role"] for r in s} == {"active", "adulterant", "precursor", "unknown"}
    assert {r["identification_level"] for r in s} - {""} == {
        "confirmed_crm",
        "confirmed_two_techniques",
        "tentative_library",
        "presumptive",
    }
    levels = collections.Counter(r["identification_level"] for r in s)
    assert levels.most_common(1)[0][0] == "confirmed_two_techniques"
    assert {r["product_form"] for r in s} <= {
        "powder",
        "crystal",
        "tablet",
        "capsule",
        "herbal_material",
        "paper",
        "liquid",
        "e_liquid",
        "resin",
        "plant_material",
    }
    assert all(r["purity"] == "" or 1 <= int(r["purity"]) <= 100 for r in s)
    border = {r["local_area"] for r in s if r["seizure_context"].startswith("border")}
    assert border <= {
        "Coventry",
        "Heathrow",
        "Felixstowe",
        "Dover",
        "East Midlands Airport",
        "Stansted",
        "Manchester Airport",
    }
    assert all(
        r["submitting_agency"] == "Border Force" for r in s if r["seizure_context"].startswith("border")
    )
    assert {r["origin_country"] for r in s if not r["seizure_context"].startswith("border")} == {""}
    case = re.compile(
        r"((OP|NCA)-[A-Z]+/\d{4}/\d{5}|BF-[A-Z]{3}/\d{4}/\d{5}|(HMPPS|SPS|NIPS)-[A-Z]{3}/\d{4}/\d{4})"
    )
    assert all(r["case_reference"] == "" or case.fullmatch(r["case_reference"]) for r in s)


def test_values_resolve_in_the_shipped_vocabularies(small: DemoData) -> None:
    loader = pytest.importorskip("fews.vocab.loader")
    checks = {
        "agencies": (small.seizure_rows, "submitting_agency"),
        "seizure_contexts": (small.seizure_rows, "seizure_context"),
        "nations": (small.seizure_rows, "jurisdiction"),
        "product_forms": (small.seizure_rows, "product_form"),
        "component_roles": (small.seizure_rows, "role"),
        "identification_levels": (small.seizure_rows, "identification_level"),
        "care_settings": (small.report_rows, "care_setting"),
        "severities": (small.report_rows, "severity"),
        "regions": (small.report_rows, "region"),
        "reporter_roles": (small.report_rows, "reporter_role"),
        "vulnerable_groups": (small.report_rows, "vulnerable_group"),
        "toxicology_statuses": (small.report_rows, "toxicology_status"),
        "intel_streams": (small.intel_rows, "stream"),
        "intelligence_assessments": (small.intel_rows, "intelligence_assessment"),
        "handling_codes": (small.intel_rows, "handling_code"),
    }
    for vocabulary, (rows, column) in checks.items():
        vocab = loader.load(vocabulary)
        unknown = {r[column] for r in rows if r[column]} - {
            v for v in {r[column] for r in rows} if vocab.lookup(v)
        }
        assert not unknown, (vocabulary, unknown)
    effects = loader.load("effects")
    assert all(effects.lookup(e) for r in small.report_rows for e in r["effects"].split("|") if e)
    nations = loader.load("nations")
    for r in small.seizure_rows:
        assert loader.jurisdiction_of(r["local_area"]) == nations.lookup(r["jurisdiction"]).code, r[
            "local_area"
        ]


# --------------------------------------------------------------------------------------------
# waves and one-offs
# --------------------------------------------------------------------------------------------


def test_three_families_rise(small: DemoData) -> None:
    family = _family_of()
    first_year_end = START + dt.timedelta(weeks=52)
    last_year_start = END - dt.timedelta(weeks=52)
    first, last = collections.Counter(), collections.Counter()
    for rows in _samples(small.seizure_rows).values():
        day = dt.date.fromisoformat(rows[0]["seizure_date"])
        for fam in {family[r["component_name"]] for r in rows if r["component_name"] in family}:
            if day < first_year_end:
                first[fam] += 1
            elif day >= last_year_start:
                last[fam] += 1
    for fam in ("nitazene", "cathinone", "scra"):
        assert last[fam] > first[fam], fam


def test_family_members_appear_in_sequence() -> None:
    data = generate(END, start=dt.date(2023, 6, 5), scale=0.2)
    first_seen: dict[str, str] = {}
    for r in sorted(data.seizure_rows, key=lambda r: r["seizure_date"]):
        first_seen.setdefault(r["component_name"], r["seizure_date"])
    for wave in cat.WAVES:
        actives = [m.name for m in wave.members if not m.precursor_of]
        seen = [first_seen[n] for n in actives if n in first_seen]
        assert len(seen) >= 5, wave.key
        assert seen == sorted(seen), wave.key
        for member in wave.members:
            if member.precursor_of and member.name in first_seen:
                assert first_seen[member.name] >= min(
                    first_seen[t] for t in member.precursor_of if t in first_seen
                )


def test_nitazenes_are_detected_at_the_border_first(small: DemoData) -> None:
    nitazene = {n for n, f in _family_of().items() if f == "nitazene"}
    rows = sorted(
        (r for r in small.seizure_rows if r["component_name"] in nitazene), key=lambda r: r["seizure_date"]
    )
    assert rows[0]["seizure_context"] == "border_postal"
    first_inland = min(r["seizure_date"] for r in rows if r["seizure_context"] == "inland")
    assert rows[0]["seizure_date"] < first_inland
    assert any(r["product_as_sold"] == "heroin" for r in rows)
    assert any(
        r["product_form"] == "tablet" and r["product_as_sold"] in ("oxycodone", "diazepam", "Xanax")
        for r in rows
    )


def test_synthetic_cannabinoids_start_in_prison_on_paper(small: DemoData) -> None:
    scra = {n for n, f in _family_of().items() if f == "scra"}
    rows = sorted(
        (r for r in small.seizure_rows if r["component_name"] in scra), key=lambda r: r["seizure_date"]
    )
    assert rows[0]["seizure_context"] == "prison"
    assert any(r["product_form"] == "paper" and r["seizure_context"] == "prison" for r in rows)
    assert any(r["product_form"] == "e_liquid" for r in rows)
    assert any(r["role"] == "precursor" for r in rows)


def test_one_offs_never_take_off(full: DemoData) -> None:
    truth = ground_truth(END)
    one_offs = {o["name"] for o in truth["one_offs"]}
    assert 20 * 3 <= len(truth["one_offs"]) <= 40 * 3
    assert len(one_offs) == len(truth["one_offs"])
    samples = collections.defaultdict(set)
    for r in full.seizure_rows:
        if r["component_name"] in one_offs:
            samples[r["component_name"]].add((r["sample_id"], r["seizure_date"]))
    assert len(samples) >= 0.9 * len(one_offs)  # a few debut too late to be received
    for name, seen in samples.items():
        days = sorted(dt.date.fromisoformat(d) for _, d in seen)
        assert len(seen) <= 3, name
        assert (days[-1] - days[0]).days <= 11 * 7, name


def test_ground_truth_describes_the_waves() -> None:
    truth = ground_truth(END)
    assert [w["family"] for w in truth["waves"]] == ["nitazene", "cathinone", "scra"]
    for wave in truth["waves"]:
        assert 4 <= wave["doubling_weeks"] <= 12
        dates = [m["introduced"] for m in wave["members"]]
        assert dates == sorted(dates) and dates[0] == wave["start"]
        assert START.isoformat() < wave["start"] < (START + dt.timedelta(weeks=52)).isoformat()


# --------------------------------------------------------------------------------------------
# reports, intelligence, psychoactivity
# --------------------------------------------------------------------------------------------


def test_reports_name_nps_other_drugs_and_products(small: DemoData) -> None:
    names = {r["suspected_substance_name"] for r in small.report_rows}
    assert {"heroin", "cocaine", "pregabalin", "ethanol"} <= names
    assert {"spice", "Monkey Dust"} <= names
    assert {"isotonitazene", "MDMB-4en-PINACA"} & names
    poly = collections.Counter(r["report_id"] for r in small.report_rows)
    assert any(n > 1 for n in poly.values())
    by_report = collections.defaultdict(set)
    for r in small.report_rows:
        by_report[r["report_id"]].add(r["suspected_substance_name"])
    nitazene = {n for n, f in _family_of().items() if f == "nitazene"}
    assert any("heroin" in s and s & nitazene for s in by_report.values())


def test_report_fields(small: DemoData) -> None:
    rows = small.report_rows
    severities = collections.Counter(r["severity"] for r in {r["report_id"]: r for r in rows}.values())
    assert set(severities) == {"mild", "moderate", "severe", "fatal"}
    assert severities["fatal"] < 0.15 * sum(severities.values())
    assert {r["region"] for r in rows} <= {
        "London",
        "North West",
        "West Midlands",
        "Yorkshire and The Humber",
        "North East",
        "East Midlands",
        "East of England",
        "South East",
        "South West",
        "Wales",
    }
    assert {r["toxicology_status"] for r in rows} == {"confirmed", "probable", "possible", "none"}
    assert all(r["free_text"] == "" or r["free_text"].startswith("[SYNTHETIC DEMO RECORD]") for r in rows)
    assert all(r["severity"] != "fatal" or "death" in r["effects"].split("|") for r in rows)


def test_reports_follow_the_waves(full: DemoData) -> None:
    weekly = collections.Counter(
        dt.date.fromisoformat(r["event_date"]).isocalendar()[:2]
        for r in {r["report_id"]: r for r in full.report_rows}.values()
    )
    counts = [weekly[k] for k in sorted(weekly)]
    first_quarter, later = counts[:13], counts[60:120]
    assert sum(later) / len(later) > 1.3 * sum(first_quarter) / len(first_quarter)


def test_linked_samples_exist(small: DemoData) -> None:
    sample_ids = {r["sample_id"] for r in small.seizure_rows}
    linked = {r["sample_id"] for r in small.report_rows if r["sample_id"]}
    assert linked and linked <= sample_ids
    psycho = [r for r in small.psychoactivity_rows if r["sample_id"]]
    assert psycho
    in_window = [
        r for r in psycho if r["sample_id"] >= f"DEMO-S-{START.isocalendar()[0]}W{START.isocalendar()[1]:02d}"
    ]
    assert all(r["sample_id"] in sample_ids for r in in_window)


def test_drug_checking_finds_mis_sold_products(full: DemoData) -> None:
    checking = [r for r in full.intel_rows if r["stream"] == "drug_checking"]
    assert {r["source"] for r in checking} == {"WEDINOS", "The Loop"}
    family = _family_of()
    mis_sold = [
        r
        for r in checking
        if r["sold_as"] in ("MDMA", "ecstasy") and family.get(r["found_name"]) == "cathinone"
    ]
    assert mis_sold
    streams = collections.Counter(r["stream"] for r in full.intel_rows)
    assert set(streams) == {"drug_checking", "street_survey", "online_market"}
    assert all(r["found_name"] == "" for r in full.intel_rows if r["stream"] == "street_survey")
    assert {r["source_evaluation"] for r in full.intel_rows} <= {"1", "2", "3"}
    assert {r["intelligence_assessment"] for r in full.intel_rows} <= set("ABCDE")


def test_psychoactivity_results(full: DemoData) -> None:
    rows = full.psychoactivity_rows
    assert {r["result"] for r in rows} <= {"active", "inactive", "inconclusive"}
    assert {r["potency_unit"] for r in rows} == {"nM"}
    assays = {r["assay"] for r in rows}
    assert {"MOR beta-arrestin2 recruitment", "CB1 beta-arrestin2 recruitment"} <= assays
    for r in rows:
        if r["result"] == "active":
            assert float(r["potency_value"]) > 0 and float(r["efficacy_percent"]) > 0
        else:
            assert r["potency_value"] == r["efficacy_percent"] == ""
        assert START.isoformat() <= r["test_date"] <= END.isoformat()


# --------------------------------------------------------------------------------------------
# no personal data
# --------------------------------------------------------------------------------------------

_PHONE = re.compile(r"\+44|\b0\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b|\b\d{10,11}\b")


_STRUCTURE_COLUMNS = {"component_smiles", "found_smiles", "substance_smiles"}  # "@" is SMILES chirality


def test_no_personal_data(small: DemoData) -> None:
    for rows in (small.seizure_rows, small.report_rows, small.intel_rows, small.psychoactivity_rows):
        for row in rows:
            for column, value in row.items():
                if column not in _STRUCTURE_COLUMNS:
                    assert "@" not in value, (column, value)
                assert not _PHONE.search(value), (column, value)


# --------------------------------------------------------------------------------------------
# write_csv
# --------------------------------------------------------------------------------------------


def test_write_csv_round_trips_in_column_order(small: DemoData, tmp_path) -> None:
    path = tmp_path / "seizures.csv"
    write_csv(small.seizure_rows[:50], path)
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == SEIZURE_COLUMNS
        assert list(reader) == small.seizure_rows[:50]


def test_write_csv_header_is_the_union_of_keys(tmp_path) -> None:
    path = tmp_path / "reports.csv"
    write_csv([{"severity": "mild", "report_id": "R1"}, {"report_id": "R2", "zz_extra": "x"}], path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines == ["report_id,severity,zz_extra", "R1,mild,", "R2,,x"]


def test_write_csv_without_rows_writes_an_empty_file(tmp_path) -> None:
    path = tmp_path / "empty.csv"
    write_csv([], path)
    assert path.read_text(encoding="utf-8") == ""


def test_scale_scales_volume() -> None:
    end = dt.date(2025, 6, 29)
    start = dt.date(2025, 1, 6)
    low = len({r["sample_id"] for r in generate(end, start=start, scale=0.2).seizure_rows})
    high = len({r["sample_id"] for r in generate(end, start=start, scale=0.6).seizure_rows})
    assert math.isclose(high / low, 3.0, rel_tol=0.35)
