"""Draft generic definitions (chem/drafting.py): the core, the observed variation, a rule the engine loads
and evaluates, the English draft, and no capture among the medicines."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rdkit import Chem

from chem.drafting import common_core, draft_generic, observed_variation
from chem.errors import InvalidStructure
from chem.legal.generic import GenericHit, evaluate_generic
from chem.legal.rules import load_rules
from chem.legal.substituents import Switches
from fews.demo import catalogue as demo_catalogue
from fews.policy.collateral import collateral_check

# the demo cathinone wave (fews/demo/catalogue.py): ring-substituted, N-alkyl, alpha-alkyl, methylenedioxy
CATHINONES = [
    "CNC(C)C(=O)c1cccc(C)c1",  # 3-MMC
    "CNC(C)C(=O)c1cccc(Cl)c1",  # 3-CMC
    "CNC(C)C(=O)c1ccc(Cl)cc1",  # 4-CMC
    "CCNC(CC)C(=O)c1ccc2c(c1)OCO2",  # eutylone
    "CCCC(NCC)C(=O)c1ccc2c(c1)OCO2",  # N-ethylpentylone
    "CCCC(N(C)C)C(=O)c1ccc2c(c1)OCO2",  # dipentylone
    "CCNC(C)C(=O)c1ccc(Cl)cc1",  # 4-CEC
]
NITAZENES = [
    "CCN(CC)CCn1c(Cc2ccc(OC(C)C)cc2)nc2cc([N+](=O)[O-])ccc21",  # isotonitazene
    "CCN(CC)CCn1c(Cc2ccc(OC)cc2)nc2cc([N+](=O)[O-])ccc21",  # metonitazene
    "CCOc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN2CCCC2)cc1",  # etonitazepyne
    "CCNCCn1c(Cc2ccc(OC(C)C)cc2)nc2cc([N+](=O)[O-])ccc21",  # N-desethyl isotonitazene
]


def _load(draft, tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "draft.yaml").write_text(yaml.safe_dump(draft.rule, sort_keys=False), encoding="utf-8")
    return load_rules(tmp_path).rules[0]


def test_cathinone_core_is_the_statutory_parent() -> None:
    core = common_core(CATHINONES)
    assert core.parent_smiles == "CC(N)C(=O)c1ccccc1"  # 2-amino-1-phenyl-1-propanone
    assert core.ring_names == ("phenyl ring",)
    assert core.members_with_core == tuple(range(len(CATHINONES)))


def test_variation_is_classified_per_position() -> None:
    core = common_core(CATHINONES)
    by_kind = {p.kind: p for p in observed_variation(core, CATHINONES)}
    assert by_kind["ring"].classes == ["halide", "alkylenedioxy", "alkyl"]
    assert by_kind["nitrogen"].classes == ["alkyl"] and by_kind["nitrogen"].max_groups == 2
    assert by_kind["chain"].classes == ["alkyl"]  # the alpha carbon: ethyl, propyl


def test_draft_rule_loads_and_captures_every_member(tmp_path: Path) -> None:
    draft = draft_generic(CATHINONES, rule_id="DRAFT-F1", name="cathinones", in_force="2026-11-23")
    rule = _load(draft, tmp_path)
    assert rule.kind == "generic" and rule.generic is not None and rule.drug_class == "B"
    for smi in CATHINONES:
        assert isinstance(evaluate_generic(rule.generic, Chem.MolFromSmiles(smi), Switches()), GenericHit), smi


def _demo_family(key: str) -> list[str]:
    return [s.smiles for s in demo_catalogue.substances().values() if s.family == key]


@pytest.mark.parametrize("family", ["cathinone", "nitazene"])
def test_draft_for_a_demo_family_captures_all_members_and_none_of_the_medicines(family: str, tmp_path: Path) -> None:
    members = _demo_family(family)
    assert len(members) == 7
    rule = _load(draft_generic(members, rule_id="DRAFT-T", name="t", in_force="2026-11-23"), tmp_path)
    for smi in members:
        assert isinstance(evaluate_generic(rule.generic, Chem.MolFromSmiles(smi), Switches()), GenericHit), smi
    result = collateral_check(rule)
    assert result["medicines_checked"] >= 300
    assert result["medicines"] == []


def test_a_wider_draft_catches_bupropion_until_it_is_excluded(tmp_path: Path) -> None:
    # two spare carbons on the nitrogen admit N-tert-butyl: bupropion, which the 2010 generic names as an exclusion
    draft = draft_generic(CATHINONES, rule_id="DRAFT-T", name="t", in_force="2026-11-23", carbon_margin=2)
    rule = _load(draft, tmp_path)
    assert [m["name"] for m in collateral_check(rule)["medicines"]] == ["bupropion"]
    draft.rule["exclusions"] = [{"name": "bupropion", "smiles": "CC(NC(C)(C)C)C(=O)c1cccc(Cl)c1"}]
    edited = _load(draft, tmp_path)
    result = collateral_check(edited)
    assert result["medicines"] == [] and [e["name"] for e in result["excluded"]] == ["bupropion"]


def test_draft_rejects_structures_outside_the_observed_variation(tmp_path: Path) -> None:
    rule = _load(draft_generic(CATHINONES, rule_id="DRAFT-T", name="t", in_force="2026-11-23"), tmp_path)
    for outside in ("CNC(C)C(=O)c1ccc2ccccc2c1", "CNC(C)C(=O)c1cccs1", "CC(=O)NC(C)C(=O)c1ccccc1"):
        assert not isinstance(evaluate_generic(rule.generic, Chem.MolFromSmiles(outside), Switches()), GenericHit)


def test_english_draft_is_in_statutory_style() -> None:
    text = draft_generic(NITAZENES, rule_id="DRAFT-T", name="t", in_force="2026-11-23").text
    assert text.startswith("Any compound (not being a compound for the time being specified in sub-paragraph (a)")
    assert "structurally derived from 2-(2-benzyl-benzimidazol-1-yl)ethanamine by modification in any of" in text
    assert "(i) by substitution in the benzimidazole ring system to any extent with nitro substituents" in text
    assert "alkoxy containing up to" in text and "in a cyclic structure" in text


def test_bad_input_is_refused_with_a_reason() -> None:
    with pytest.raises(InvalidStructure):
        common_core(["CNC(C)C(=O)c1ccc"])
    with pytest.raises(ValueError, match="at least one"):
        common_core([])
    with pytest.raises(ValueError, match="no ring"):
        common_core(["CCCCO", "CCCCN"])
    with pytest.raises(ValueError, match="drug_class"):
        draft_generic(CATHINONES, rule_id="X", name="x", in_force="2026-01-01", drug_class="D")
