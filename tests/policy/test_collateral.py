"""Collateral-capture checks with the shipped rules: the real history of the 2016 cannabinoid generic."""

from __future__ import annotations

from chem.legal import load_rules
from fews.policy.collateral import collateral_check

RULES = {r.id: r for r in load_rules().rules}


def test_2016_cannabinoid_generic_caught_a_named_medicine_and_2019_text_does_not() -> None:
    # zafirlukast is one of the medicines the 2016 Order had to name as an exclusion (uk-law.md §2.8)
    caught_2016 = {m["name"] for m in collateral_check(RULES["MDA-S2-P2-1(ca)-2016"])["medicines"]}
    caught_2019 = {m["name"] for m in collateral_check(RULES["MDA-S2-P2-1(ca)-2019"])["medicines"]}
    assert "zafirlukast" in caught_2016
    assert caught_2019 == set()


def test_named_exclusion_is_reported_as_excluded_not_captured() -> None:
    result = collateral_check(RULES["MDA-S2-P2-1(aa)"])  # "not being bupropion ..."
    assert result["medicines"] == []
    assert {"kind": "medicine", "id": "bupropion", "name": "bupropion"} in result["excluded"]


def test_database_substances_and_members() -> None:
    rule = RULES["MDA-S2-P2-1(aa)"]
    subs = [
        ("S1", "mephedrone", "CNC(C)C(=O)c1ccc(C)cc1"),
        ("S2", "4-CMC", "CNC(C)C(=O)c1ccc(Cl)cc1"),
        ("S3", "broken", "C1CC"),
    ]
    import chem.standardise as st

    member = st.standardise_smiles("CNC(C)C(=O)c1ccc(Cl)cc1").inchikey_nostereo
    result = collateral_check(rule, substances=subs, members=[member])
    assert [s["name"] for s in result["substances"]] == ["mephedrone"]
    assert result["unreadable"][0]["id"] == "S3"
    assert result["unintended_captures"] == 1
