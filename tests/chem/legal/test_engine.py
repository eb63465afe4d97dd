"""The whole rule set: named lists, generics, TCDOs, PSA lists and the overlay, decided as at a date.

Expected values follow uk-law.md §7 (controls) and the cited sections; each row names its source.
"""

from __future__ import annotations

import datetime as dt

import pytest

from chem.legal import LegalEngine
from chem.legal.overlay import OverlayEvent

ON = dt.date(2021, 6, 1)


@pytest.fixture(scope="module")
def engine() -> LegalEngine:
    return LegalEngine()


CONTROLS = [
    # (name, SMILES, date, status, basis) — source
    ("cocaine", "COC(=O)C1C(OC(=O)c2ccccc2)CC2CCC1N2C", ON, "A", "named"),  # MDA 1971 Sch 2 Pt I
    ("diamorphine", "CC(=O)Oc1ccc2CC3N(C)CCC45C(Oc1c24)C(OC(C)=O)C=CC35", ON, "A", "named"),
    ("amphetamine", "CC(N)Cc1ccccc1", ON, "B", "named"),  # §7: outside 1(c), Class B by name
    ("4-FA", "CC(N)Cc1ccc(F)cc1", ON, "A", "generic"),  # §7: Class A via 1(c)
    ("MDMA", "CNC(C)Cc1ccc2OCOc2c1", ON, "A", "generic"),  # 1(c)
    ("mephedrone", "CNC(C)C(=O)c1ccc(C)cc1", ON, "B", "generic"),  # name removed 2011; generic 1(aa)
    ("mephedrone-2010-06", "CNC(C)C(=O)c1ccc(C)cc1", dt.date(2010, 6, 1), "B", "named"),  # named 2010-2011
    ("bupropion", "CC(NC(C)(C)C)C(=O)c1cccc(Cl)c1", ON, "exempt", "exempt"),  # §7: not MDA; a medicine
    ("pyrovalerone", "CCCC(N1CCCC1)C(=O)c1ccc(C)cc1", ON, "C", "named"),  # §7
    ("ketamine-2010", "CNC1(CCCCC1=O)c1ccccc1Cl", dt.date(2010, 1, 1), "C", "named"),  # §2.9: C 2006
    ("ketamine-2015", "CNC1(CCCCC1=O)c1ccccc1Cl", dt.date(2015, 1, 1), "B", "named"),  # B from 10 Jun 2014
    ("PCP", "C1CCN(CC1)C1(CCCCC1)c1ccccc1", ON, "A", "named"),  # §7
    ("3-MeO-PCP", "COc1cccc(c1)C1(CCCCC1)N1CCCCC1", ON, "B", "generic"),  # §7
    ("methoxetamine-2012-06", "CCNC1(CCCCC1=O)c1cccc(OC)c1", dt.date(2012, 6, 1), "TCDO", "tcdo"),  # §3 TCDO 1
    ("methoxetamine-2013-03", "CCNC1(CCCCC1=O)c1cccc(OC)c1", dt.date(2013, 3, 1), "B", "generic"),  # §2.9
    ("methiopropamine-2016", "CNC(C)Cc1cccs1", dt.date(2016, 1, 1), "TCDO", "tcdo"),  # §3 TCDO 5
    ("methiopropamine-2018", "CNC(C)Cc1cccs1", dt.date(2018, 1, 1), "B", "named"),  # SI 2017/1114
    ("AMT-2014", "CC(N)Cc1c[nH]c2ccccc12", dt.date(2014, 12, 31), "not_controlled", "none"),  # §7
    ("AMT-2015", "CC(N)Cc1c[nH]c2ccccc12", dt.date(2015, 1, 7), "A", "generic"),  # §7
    (
        "isotonitazene-2024",
        "CCN(CC)CCn1c(Cc2ccc(OC(C)C)cc2)nc2cc([N+](=O)[O-])ccc21",
        dt.date(2024, 4, 1),
        "A",
        "named",
    ),  # SI 2024/190
    ("4-AcO-DMT", "CC(=O)Oc1cccc2[nH]cc(CCN(C)C)c12", ON, "A", "ester_ether"),  # §1.1/§7: ester of psilocin
    ("5-MeO-DMT-2010", "COc1ccc2[nH]cc(CCN(C)C)c2c1", dt.date(2010, 1, 1), "A", "ester_ether"),  # ether of bufotenine
    ("codeine", "COc1ccc2CC3N(C)CCC45C(Oc1c24)C(O)C=CC35", ON, "B", "named"),  # ether of morphine but Part II
    ("ethylmorphine", "CCOc1ccc2CC3N(C)CCC45C(Oc1c24)C(O)C=CC35", ON, "B", "named"),  # Part II proviso
    # [I] outside 1(ea) by its alkoxy carbon cap, but the hexyl ether of a 1(ea) hydroxy-nitazene: para 3
    (
        "hexyloxy nitazene",
        "CCN(CC)CCn1c(Cc2ccc(OCCCCCC)cc2)nc2cc([N+](=O)[O-])ccc21",
        dt.date(2025, 6, 1),
        "A",
        "ester_ether",
    ),
    ("pipradrol", "OC(c1ccccc1)(c1ccccc1)C1CCCCN1", ON, "C", "named"),  # Class C by name, not the 2-DPMP generic
    ("desoxypipradrol", "C1CCNC(C1)C(c1ccccc1)c1ccccc1", ON, "B", "generic"),  # uk-law.md §2.11
    ("25I-NBOMe-2013-07", "COc1ccccc1CNCCc1cc(OC)c(I)cc1OC", dt.date(2013, 7, 1), "TCDO", "tcdo"),  # §3 TCDO 2
    ("5-APB-2013-07", "CC(N)Cc1ccc2occc2c1", dt.date(2013, 7, 1), "TCDO", "tcdo"),  # §3 TCDO 2
    ("5-APB-2014-07", "CC(N)Cc1ccc2occc2c1", dt.date(2014, 7, 1), "B", "generic"),  # §2.10
    ("MDMB-4en-PINACA", "COC(=O)C(NC(=O)c1nn(CCCC=C)c2ccccc12)C(C)(C)C", ON, "B", "generic"),  # §2.8(d)
    ("paracetamol", "CC(=O)Nc1ccc(O)cc1", ON, "exempt", "exempt"),  # PSA Sch 1 medicinal product
    ("caffeine", "Cn1cnc2c1c(=O)n(C)c(=O)n2C", ON, "exempt", "exempt"),
    ("levamisole", "C1CN2CC(N=C2S1)c1ccccc1", ON, "not_controlled", "none"),  # cutting agent, not psychoactive
    (
        "an uncaptured cathinone homologue before the PSA",
        "CC(=O)C(C)NC",
        dt.date(2016, 5, 25),
        "not_controlled",
        "none",
    ),
    ("the same after the PSA", "CC(=O)C(C)NC", dt.date(2016, 5, 26), "PSA", "psa"),  # §1.3
]


@pytest.mark.parametrize(("name", "smiles", "day", "status", "basis"), CONTROLS, ids=[c[0] for c in CONTROLS])
def test_controls(engine, name, smiles, day, status, basis):
    r = engine.classify(smiles, day, ident=name)
    assert (r["status"], r["basis"]) == (status, basis), r
    for key in (
        "id",
        "smiles",
        "inchikey",
        "rule",
        "instrument",
        "in_force",
        "offence_scope",
        "matched_atoms",
        "explanation",
        "near_misses",
        "rule_set_version",
        "event_ids",
    ):
        assert key in r


def test_tcdo_offence_scope_excludes_possession(engine):
    r = engine.classify("CNC(C)Cc1cccs1", dt.date(2016, 1, 1))
    assert r["status"] == "TCDO" and "possession" not in r["offence_scope"] and "supply" in r["offence_scope"]
    assert r["in_force_to"]


def test_hhc_is_psa_with_pending_caveat(engine):
    r = engine.classify("CCCCCc1cc(O)c2c(c1)OC(C)(C)C1CCC(C)CC21", dt.date(2025, 10, 1))  # §2.8(f): pending
    assert r["status"] == "PSA" and "pending_control" in r["caveats"]


def test_overlay_adds_and_ends_control_from_its_date_only(engine):
    smiles = "CCCCCc1cc(O)c2c(c1)OC(C)(C)C1CCC(C)CC21"
    key = engine.structures.get(smiles).inchikey
    events = [
        OverlayEvent(
            id=1,
            kind="add_named",
            effective_date=dt.date(2026, 3, 1),
            instrument="test Order 2026",
            citation="Sch 2 Pt II 1(a)",
            inchikey=key,
            drug_class="B",
            name="HHC",
        ),
        OverlayEvent(
            id=2,
            kind="end_rule",
            effective_date=dt.date(2026, 6, 1),
            instrument="test Order 2026 (No. 2)",
            citation="revocation",
            rule_id="MDA-S2-P2-1(aa)",
        ),
    ]
    amended = LegalEngine(overlay=events)
    assert amended.classify(smiles, dt.date(2026, 2, 28))["status"] == "PSA"
    r = amended.classify(smiles, dt.date(2026, 3, 1))
    assert (r["status"], r["rule"], r["event_ids"]) == ("B", "event:1", [1])
    assert amended.classify("CNC(C)C(=O)c1ccc(C)cc1", dt.date(2026, 5, 31))["status"] == "B"
    assert amended.classify("CNC(C)C(=O)c1ccc(C)cc1", dt.date(2026, 6, 1))["status"] == "PSA"
    assert engine.classify("CNC(C)C(=O)c1ccc(C)cc1", dt.date(2026, 6, 1))["status"] == "B"  # shipped rules unchanged


def test_bad_overlay_event_is_refused():
    with pytest.raises(ValueError, match="no shipped rule"):
        LegalEngine(
            overlay=[
                OverlayEvent(
                    id=1,
                    kind="end_rule",
                    effective_date=dt.date(2026, 1, 1),
                    instrument="x",
                    citation="y",
                    rule_id="NOPE",
                )
            ]
        )


@pytest.mark.parametrize(
    ("smiles", "expected"),
    [
        ("CNC1(CCCCC1=O)c1ccccc1Cl", [("1971-01-01", "not_controlled"), ("2006-01-01", "C"), ("2014-06-10", "B")]),
        (
            "CNC(C)Cc1cccs1",
            [("1971-01-01", "not_controlled"), ("2015-11-27", "TCDO"), ("2016-11-27", "TCDO"), ("2017-11-27", "B")],
        ),
        ("CC(N)Cc1c[nH]c2ccccc12", [("1971-01-01", "not_controlled"), ("2015-01-07", "A")]),
    ],
    ids=["ketamine C then B (§2.9)", "methiopropamine TCDO, renewed, then B (§3)", "AMT from 7 Jan 2015 (§7)"],
)
def test_timeline(engine, smiles, expected):
    got = [(t["from"], t["status"]) for t in engine.timeline(smiles, end=dt.date(2026, 11, 23))]
    assert got == expected


def test_depiction_highlights_the_matched_core(engine):
    from chem.depict import depict_svg

    r = engine.classify("CNC(C)C(=O)c1ccc(C)cc1", ON)
    svg = depict_svg(r["smiles"], highlight=r["matched_atoms"], legend="mephedrone")
    assert svg.startswith("<?xml") and "</svg>" in svg
    assert "#8CBFFF" in svg.upper()  # the highlight colour is drawn
    plain = depict_svg(r["smiles"])
    assert "#8CBFFF" not in plain.upper()
