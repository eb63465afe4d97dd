"""The shipped medicines list (chem/data/medicines.csv): real structures, each checked against its formula."""

from __future__ import annotations

import pytest
from rdkit import Chem
from rdkit.Chem.rdMolDescriptors import CalcMolFormula

from fews.policy.collateral import load_medicines

MEDICINES = load_medicines()


def test_list_is_large_enough_and_names_are_unique() -> None:
    assert len(MEDICINES) >= 300
    names = [m.name for m in MEDICINES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("med", MEDICINES, ids=[m.name for m in MEDICINES])
def test_smiles_parses_and_matches_the_stated_formula(med) -> None:  # type: ignore[no-untyped-def]
    mol = Chem.MolFromSmiles(med.smiles)
    assert mol is not None, med.name
    assert CalcMolFormula(mol) == med.formula
    assert med.source and med.category


def test_no_two_rows_are_the_same_structure() -> None:
    keys = [Chem.MolToInchiKey(Chem.MolFromSmiles(m.smiles))[:14] for m in MEDICINES]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    "name",
    [
        "losartan",
        "valsartan",
        "irbesartan",
        "telmisartan",
        "olmesartan",
        "indometacin",
        "acemetacin",
        "atorvastatin",
        "zafirlukast",
        "bazedoxifene",
        "proglumetacin",
        "viminol",
    ],
)
def test_known_collateral_victims_of_the_2016_cannabinoid_generic_are_listed(name: str) -> None:
    assert name in {m.name for m in MEDICINES}


@pytest.mark.parametrize("name", ["caffeine", "paracetamol", "benzocaine", "lidocaine", "levamisole", "phenacetin"])
def test_common_cutting_agents_are_listed(name: str) -> None:
    assert name in {m.name for m in MEDICINES}
