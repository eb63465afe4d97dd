"""Coverage-gap forecasts, including the historical gaps the tool would have flagged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from chem.drafting import ANALOGUE_KINDS, draft_generic, enumerate_analogues
from chem.legal import LegalEngine
from chem.legal.rules import load_rules
from fews.policy.gap_forecast import forecast

ENGINE = LegalEngine()
CATHINONES = [
    ("3-MMC", "CNC(C)C(=O)c1cccc(C)c1"),
    ("4-CMC", "CNC(C)C(=O)c1ccc(Cl)cc1"),
    ("4-MEC", "CCNC(C)C(=O)c1ccc(C)cc1"),
]
NITAZENES = [
    ("isotonitazene", "CCN(CC)CCn1c(Cc2ccc(OC(C)C)cc2)nc2cc([N+](=O)[O-])ccc21"),
    ("metonitazepyne", "COc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN2CCCC2)cc1"),
]


def test_every_kind_of_tweak_is_enumerated() -> None:
    found = enumerate_analogues([s for _, s in CATHINONES] + [s for _, s in NITAZENES])
    assert {a.kind for a in found} == set(ANALOGUE_KINDS)
    smiles = {a.smiles for a in found}
    assert "CNC(C)C(=O)c1cccs1" in smiles  # thienyl isostere of methcathinone
    assert "CNC(C)C(=O)c1ccc(Br)cc1" in smiles  # 4-CMC -> 4-BMC swap
    assert "CNC(C)C(=O)c1cccc(Cl)c1" in smiles  # 4-CMC -> 3-CMC halogen walk
    assert "CCCNC(C)C(=O)c1ccc(C)cc1" in smiles  # 4-MEC -> N-propyl homologue
    assert "CCC(NC)C(=O)c1cccc(C)c1" in smiles  # 3-MMC alpha-ethyl homologue
    assert not smiles & {s for _, s in CATHINONES}


def test_issue_9_the_2010_cathinone_generic_missed_thienyl_and_naphthyl_analogues() -> None:
    before = forecast(CATHINONES, as_of=dt.date(2010, 5, 1), engine=ENGINE, kinds=["ring_isostere"])
    rows = before["analogues"]
    assert rows and all(r["escapes"] and r["status"] == "not_controlled" for r in rows)
    assert {r["change"].split("-> ")[1] for r in rows} == {"2-thienyl", "3-thienyl", "1-naphthyl", "2-naphthyl"}
    # ... which the naphyrone clause (in force 23 July 2010) then covered
    after = forecast(CATHINONES, as_of=dt.date(2010, 8, 1), engine=ENGINE, kinds=["ring_isostere"])
    assert all(r["status"] == "B" and r["rule"] == "MDA-S2-P2-1(ab)" for r in after["analogues"])
    # ring-substituent swaps were inside the 2010 generic from the start
    swaps = forecast(CATHINONES, as_of=dt.date(2010, 5, 1), engine=ENGINE, kinds=["ring_substituent_swap"])
    assert swaps["summary"]["ring_substituent_swap"]["escape"] == 0


def test_issue_9_nitazenes_without_the_2_benzyl_motif_escape_the_2025_generic() -> None:
    result = forecast(NITAZENES, as_of=dt.date(2025, 6, 1), engine=ENGINE, kinds=["nitazene_motif"])
    by_change = {}
    for r in result["analogues"]:
        by_change.setdefault(r["change"], set()).add(r["status"])
    for change in ("2-aryl (benzyl CH2 removed)", "2-phenethyl (benzyl homologue)", "2-benzoyl (keto linker)"):
        assert by_change[change] == {"PSA"}, change
    assert by_change["5-desnitro"] == {"A"}  # still a 2-benzylbenzimidazole: captured by 1(ea)


def test_draft_verdicts_and_gaps(tmp_path: Path) -> None:
    draft = draft_generic([s for _, s in CATHINONES], rule_id="DRAFT-T", name="t", in_force="2010-05-01")
    (tmp_path / "d.yaml").write_text(yaml.safe_dump(draft.rule), encoding="utf-8")
    rule = load_rules(tmp_path).rules[0]
    result = forecast(CATHINONES, as_of=dt.date(2010, 5, 1), engine=ENGINE, draft=rule)
    rows = result["analogues"]
    assert all(r["draft_captures"] is not None for r in rows)
    swaps = [r for r in rows if r["kind"] == "ring_substituent_swap" and "-> Br" in r["change"]]
    assert swaps and all(r["draft_captures"] for r in swaps)  # halide is an observed class
    isosteres = [r for r in rows if r["kind"] == "ring_isostere"]
    assert all(r["gap"] for r in isosteres)  # neither the 2010 law nor the phenyl-only draft catches them
    assert result["summary"]["ring_isostere"]["gaps"] == len(isosteres)


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown analogue kind"):
        enumerate_analogues(["CNC(C)C(=O)c1ccccc1"], kinds=["teleport"])
