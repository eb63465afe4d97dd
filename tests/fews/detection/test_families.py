"""Substance families: legal groups, the incremental model and its database glue (issue #6 item 1)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from rdkit import Chem
from sqlalchemy import select, update

from chem.fingerprints import FP_VERSION, generic_scaffold, morgan_bits
from chem.legal.rules import load_rules
from chem.standardise import standardise_smiles
from fews.db import session_scope
from fews.demo.catalogue import substances
from fews.detection.families import (
    CHEMOTYPES,
    FEATURES,
    GROUP_LABELS,
    Candidate,
    FamilyModel,
    FamilyParams,
    Feature,
    LegalGrouper,
    describe_features,
)
from fews.detection.family_store import family_label, update_families
from fews.models import Family, Substance, SubstanceFingerprint
from intake.pipeline import Ingestor
from tests.builders import EUTYLONE, ISOTONITAZENE, MEPHEDRONE, SeizureBuilder

CATALOGUE = substances()
WAVES = {name: s for name, s in CATALOGUE.items() if s.family}


@pytest.fixture(scope="module")
def grouper() -> LegalGrouper:
    return LegalGrouper()


def _cand(i: int, name: str, grouper: LegalGrouper) -> Candidate:
    smi = CATALOGUE[name].smiles
    return Candidate(i, name, smi, morgan_bits(smi), generic_scaffold(smi), grouper.group(smi), name=name)


# -- legal groups ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("smiles", "label", "captured"),
    [
        ("CNC(C)C(=O)c1ccc(Cl)cc1", "cathinones", True),  # 4-CMC
        (ISOTONITAZENE, "nitazenes", True),  # also has an indole-like SCRA core: the nitazene core is more specific
        ("O=C(C1CC1)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1", "fentanyls", True),  # cyclopropylfentanyl
        ("CN(C)CCc1c[nH]c2ccccc12", "tryptamines", True),  # DMT
        ("COc1ccccc1CNCCc1cc(OC)c(I)cc1OC", "phenethylamines", False),  # 25I-NBOMe: N-benzyl blocks 1(c)
        ("CNC1(CCCCC1=O)c1ccccc1Cl", "arylcyclohexylamines", True),  # ketamine (also named)
    ],
    ids=["4-CMC", "isotonitazene", "cyclopropylfentanyl", "DMT", "25I-NBOMe", "ketamine"],
)
def test_legal_group(grouper, smiles, label, captured):
    group = grouper.group(smiles)
    assert group is not None
    assert (group.label, group.captured) == (label, captured)


@pytest.mark.parametrize(
    "smiles",
    ["Cn1cnc2c1c(=O)n(C)c(=O)n2C", "Cc1nnc2n1-c1ccc(Br)cc1C(c1ccccc1)=NC2", "OCCCC(=O)O"],
    ids=["caffeine", "bromazolam", "GHB"],
)
def test_no_legal_group_outside_every_generic(grouper, smiles):
    assert grouper.group(smiles) is None


def test_legal_group_ignores_dates_so_early_members_group_with_later_ones(grouper):
    # the nitazene generic is in force from 2025; isotonitazene was seized years before
    assert grouper.group(ISOTONITAZENE).rule_id == "MDA-S2-P1-1(ea)"


def test_legal_group_refuses_unreadable_smiles(grouper):
    with pytest.raises(ValueError, match="cannot read SMILES"):
        grouper.group("C1CC(")


def test_every_shipped_generic_and_derived_rule_has_a_family_label():
    ids = {r.id for r in load_rules().of_kind("generic", "derived")}
    assert ids - set(GROUP_LABELS) == set()


def test_feature_tables_parse_and_bad_smarts_is_refused():
    assert all(f.pattern.GetNumAtoms() > 0 for f in (*FEATURES, *CHEMOTYPES))
    with pytest.raises(ValueError, match="SMARTS does not parse"):
        Feature("broken", "c1ccc(")


def test_describe_features_lists_only_what_every_member_shares():
    mols = [Chem.MolFromSmiles(s) for s in (EUTYLONE, "CCCC(N(C)C)C(=O)c1ccc2c(c1)OCO2")]  # + dipentylone
    assert describe_features(mols) == ["3,4-methylenedioxy", "β-keto"]


# -- the model ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"threshold": 0.0}, "threshold must be in"),
        ({"threshold": 1.5}, "threshold must be in"),
        ({"threshold": 0.3, "scaffold_threshold": 0.5}, "must not exceed threshold"),
        ({"max_representatives": 0}, "positive integer"),
    ],
    ids=["zero", "above-one", "scaffold-above-threshold", "no-representatives"],
)
def test_params_are_validated(kw, message):
    with pytest.raises(ValueError, match=message):
        FamilyParams(**kw)


def test_candidate_refuses_a_fingerprint_of_the_wrong_size():
    with pytest.raises(ValueError, match="fingerprint has 3 bytes"):
        Candidate(1, "K", "CCO", b"abc", None, None)


def _place(names: list[str], grouper: LegalGrouper, model: FamilyModel | None = None):
    model = model or FamilyModel()
    out = {name: model.assign(_cand(i, name, grouper)) for i, name in enumerate(names)}
    model.describe()
    return model, out


def test_the_three_demo_waves_become_three_families_named_from_their_core(grouper):
    names = sorted(WAVES)  # nitazenes, cathinones and synthetic cannabinoids of the demo market
    model, placed = _place(names, grouper)
    by_wave: dict[str, set[str]] = {}
    for name, a in placed.items():
        by_wave.setdefault(WAVES[name].family, set()).add(a.family_key)
    # no family mixes waves
    keys = [k for ks in by_wave.values() for k in ks]
    assert len(keys) == len(set(keys))
    assert len(by_wave["nitazene"]) == 1 and len(by_wave["scra"]) == 1
    nitazenes = model.family(next(iter(by_wave["nitazene"])))
    assert nitazenes.method == "legal_generic"
    assert nitazenes.name.startswith("nitazenes: 5-nitro benzimidazole, 4-alkoxybenzyl")
    assert nitazenes.basis["rule_id"] == "MDA-S2-P1-1(ea)" and nitazenes.basis["threshold"] == 0.4
    assert Chem.MolFromSmarts(nitazenes.core_smarts) is not None
    scra = model.family(next(iter(by_wave["scra"])))
    assert scra.name.startswith("synthetic cannabinoids:")
    # the methylenedioxy cathinones form their own family, named for it
    md = {placed[n].family_key for n in ("eutylone", "N-ethylpentylone", "dipentylone")}
    assert len(md) == 1
    assert model.family(md.pop()).name == "cathinones: 3,4-methylenedioxy, β-keto"


def test_same_input_order_gives_the_same_families(grouper):
    names = [n for n in sorted(CATALOGUE) if CATALOGUE[n].category in ("cathinone", "opioid", "benzodiazepine")]
    m1, p1 = _place(names, grouper)
    m2, p2 = _place(names, grouper)
    assert p1 == p2
    assert [(f.key, f.name, f.core_smarts) for f in m1.families_] == [
        (f.key, f.name, f.core_smarts) for f in m2.families_
    ]


def test_a_new_substance_joins_or_founds_and_never_moves_earlier_ones(grouper):
    model, first = _place(["isotonitazene", "metonitazene"], grouper)
    before = [(f.key, f.size) for f in model.families_]
    _, later = _place(["protonitazene", "caffeine"], grouper, model)
    assert later["protonitazene"].family_key == first["isotonitazene"].family_key
    assert not later["protonitazene"].founded and later["protonitazene"].via == "similarity"
    assert later["caffeine"].founded and later["caffeine"].family_key.startswith("scaffold:-:")
    assert [(f.key) for f in model.families_[: len(before)]] == [k for k, _ in before]


def test_different_legal_groups_never_share_a_family(grouper):
    # MDMA (phenethylamine generic) and methylone (cathinone generic) differ by one carbonyl
    model = FamilyModel(FamilyParams(threshold=0.1, scaffold_threshold=0.1))
    a = model.assign(_cand(1, "MDMA", grouper))
    b = model.assign(_cand(2, "methylone", grouper))
    assert b.founded and a.family_key != b.family_key


def test_shared_scaffold_in_the_same_legal_group_joins_below_the_similarity_threshold(grouper):
    _, placed = _place(["ketamine", "methoxetamine"], grouper)
    mxe = placed["methoxetamine"]
    assert (mxe.founded, mxe.via) == (False, "scaffold")
    assert 0.3 <= mxe.similarity < 0.4


def test_reloaded_model_places_the_next_substances_as_one_pass_would(grouper):
    names = sorted(WAVES)
    _, one_pass = _place(names, grouper)
    first, _ = _place(names[:10], grouper)
    reloaded = FamilyModel()
    for fam in first.families_:
        members = [n for n in names[:10] if one_pass[n].family_key == fam.key]
        reloaded.add_family(fam, [morgan_bits(CATALOGUE[n].smiles) for n in members])
    _, rest = _place(names[10:], grouper, reloaded)
    assert {n: a.family_key for n, a in rest.items()} == {n: one_pass[n].family_key for n in names[10:]}


# -- database ----------------------------------------------------------------------------------------------


def _add(session, name: str, smiles: str, first: dt.date | None) -> int:
    s = standardise_smiles(smiles)
    sub = Substance(
        inchikey_nostereo=s.inchikey_nostereo,
        inchikey=s.inchikey,
        smiles=s.smiles,
        formula=s.formula,
        exact_mass=s.exact_mass,
        mol_weight=s.mol_weight,
        preferred_name=name,
        first_uk_detection_date=first,
        standardisation_version="test",
    )
    session.add(sub)
    session.flush()
    return sub.id


DETECTIONS = [
    ("isotonitazene", dt.date(2019, 6, 3)),
    ("eutylone", dt.date(2019, 9, 2)),
    ("metonitazene", dt.date(2020, 2, 3)),
    ("N-ethylpentylone", dt.date(2020, 5, 4)),
    ("N-pyrrolidino etonitazene", dt.date(2021, 7, 5)),
    ("dipentylone", dt.date(2022, 1, 3)),
]


def test_update_families_stores_fingerprints_families_and_memberships(runtime):
    with session_scope(runtime.factory) as s:
        ids = {name: _add(s, name, CATALOGUE[name].smiles, day) for name, day in DETECTIONS}
    with session_scope(runtime.factory) as s:
        placed = update_families(s)
    assert [a.substance_id for a in placed] == [ids[n] for n, _ in DETECTIONS]  # first-detection order
    assert [a.founded for a in placed] == [True, True, False, False, False, False]
    with runtime.factory() as s:
        fams = s.scalars(select(Family).order_by(Family.id)).all()
        assert [f.method for f in fams] == ["legal_generic", "legal_generic"]
        assert fams[0].name.startswith("nitazenes: 5-nitro benzimidazole")
        assert fams[0].first_seen == dt.date(2019, 6, 3)
        assert fams[0].basis["rule_id"] == "MDA-S2-P1-1(ea)" and fams[0].basis["scaffold"]
        assert fams[1].name == "cathinones: 3,4-methylenedioxy, β-keto"
        assert {f.version for f in s.scalars(select(SubstanceFingerprint))} == {FP_VERSION}
        assert s.get(Substance, ids["dipentylone"]).family_id == fams[1].id
        label = family_label(s, fams[0].id)
    assert label["id"] == f"F{fams[0].id}" and label["method"] == "legal_generic"
    assert [m["name"] for m in label["members"]] == ["isotonitazene", "metonitazene", "N-pyrrolidino etonitazene"]
    assert label["members"][0] == {
        "id": f"S{ids['isotonitazene']}",
        "name": "isotonitazene",
        "smiles": standardise_smiles(ISOTONITAZENE).smiles,
        "inchikey": standardise_smiles(ISOTONITAZENE).inchikey,
    }
    assert label["first_seen"] == "2019-06-03"


def test_as_of_places_only_substances_detected_by_then_and_later_runs_keep_them(runtime):
    with session_scope(runtime.factory) as s:
        for name, day in DETECTIONS:
            _add(s, name, CATALOGUE[name].smiles, day)
        undated = _add(s, "caffeine", "Cn1cnc2c1c(=O)n(C)c(=O)n2C", None)
    with session_scope(runtime.factory) as s:
        early = update_families(s, as_of=dt.date(2019, 12, 31))
    assert len(early) == 2 and all(a.founded for a in early)
    with runtime.factory() as s:
        snapshot = {sid: fid for sid, fid in s.execute(select(Substance.id, Substance.family_id))}
    with session_scope(runtime.factory) as s:
        later = update_families(s, as_of=dt.date(2021, 12, 31))
        assert update_families(s, as_of=dt.date(2021, 12, 31)) == []  # nothing left to place
    assert len(later) == 3 and not any(a.founded for a in later)
    with runtime.factory() as s:
        after = {sid: fid for sid, fid in s.execute(select(Substance.id, Substance.family_id))}
        assert all(after[sid] == fid for sid, fid in snapshot.items() if fid is not None)
        assert after[undated] is None  # no detection date: waits while as_of is given
        assert s.scalar(select(Family.first_seen).where(Family.id == later[0].family_id)) == dt.date(2019, 6, 3)
    with session_scope(runtime.factory) as s:
        rest = update_families(s)
    assert {a.substance_id for a in rest} == {sid for sid, fid in after.items() if fid is None}


def test_old_fingerprint_versions_are_recomputed(runtime):
    with session_scope(runtime.factory) as s:
        sid = _add(s, "mephedrone", MEPHEDRONE, dt.date(2010, 1, 4))
    with session_scope(runtime.factory) as s:
        update_families(s)
        s.execute(update(SubstanceFingerprint).values(version="old", bits=b"\x00" * 256))
    with session_scope(runtime.factory) as s:
        update_families(s)
    with runtime.factory() as s:
        fp = s.get(SubstanceFingerprint, sid)
        assert fp.version == FP_VERSION and fp.bits == morgan_bits(MEPHEDRONE)


def test_an_unreadable_structure_gets_no_family_and_is_logged(runtime, caplog):
    with session_scope(runtime.factory) as s:
        good = _add(s, "mephedrone", MEPHEDRONE, dt.date(2010, 1, 4))
        bad = _add(s, "eutylone", EUTYLONE, dt.date(2019, 1, 7))
        s.execute(update(Substance).where(Substance.id == bad).values(smiles="C1CC("))
    with caplog.at_level(logging.WARNING, logger="fews.detection.family_store"), session_scope(runtime.factory) as s:
        placed = update_families(s)
    assert [a.substance_id for a in placed] == [good]
    assert f"substance S{bad}: no fingerprint" in caplog.text


def test_family_label_of_an_unknown_family(runtime):
    with runtime.factory() as s, pytest.raises(LookupError, match="no family F99"):
        family_label(s, 99)


def test_families_from_ingested_seizures(runtime, tmp_path):
    path = (
        SeizureBuilder()
        .sample("F1", seizure_date="2021-03-01")
        .component("eutylone", EUTYLONE)
        .sample("F2", seizure_date="2021-04-05")
        .component("isotonitazene", ISOTONITAZENE)
        .sample("F3", seizure_date="2021-05-03")
        .component("N-ethylpentylone", CATALOGUE["N-ethylpentylone"].smiles)
        .write(tmp_path / "s.csv")
    )
    Ingestor(runtime.factory, runtime.config, "seizures", today=dt.date(2026, 11, 23)).ingest_file(path)
    with session_scope(runtime.factory) as s:
        placed = update_families(s)
    assert [a.founded for a in placed] == [True, True, False]
    assert placed[2].family_id == placed[0].family_id and placed[2].similarity >= 0.4
