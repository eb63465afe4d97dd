"""Generic definitions in isolation: positives, express exclusions and near misses (sources in each row's
comment). Named entries that would decide some of these structures first are tested with the full rule set."""

from __future__ import annotations

import datetime as dt

import pytest

from chem.legal import LegalEngine
from chem.legal.rules import RuleSet

ON = dt.date(2021, 6, 1)


@pytest.fixture(scope="module")
def engine() -> LegalEngine:
    """The generic definitions alone, so each clause is tested in isolation from the named lists."""
    from chem.legal.rules import RULES_DIR, RuleSet, load_rules

    rules = load_rules(RULES_DIR / "generic")
    # paragraph 3 (esters/ethers of any Class A substance) is tested with the full rule set
    return LegalEngine(RuleSet(tuple(r for r in rules.rules if r.id != "MDA-S2-P1-3"), rules.version))


# (id, SMILES, rule that must capture it) -- uk-law.md §2.6 (1(aa) text V) and §2.2 (1(c) text V)
CAPTURED = [
    ("mephedrone", "CNC(C)C(=O)c1ccc(C)cc1", "MDA-S2-P2-1(aa)"),  # 4-methyl (alkyl), N-methyl
    ("3-CMC", "CNC(C)C(=O)c1cccc(Cl)c1", "MDA-S2-P2-1(aa)"),  # halide
    ("4-CMC", "CNC(C)C(=O)c1ccc(Cl)cc1", "MDA-S2-P2-1(aa)"),
    ("methylone", "CNC(C)C(=O)c1ccc2OCOc2c1", "MDA-S2-P2-1(aa)"),  # alkylenedioxy (fused ring, §4.3 trap)
    ("eutylone", "CCC(NCC)C(=O)c1ccc2OCOc2c1", "MDA-S2-P2-1(aa)"),  # + 3-alkyl
    ("MDPV", "CCCC(N1CCCC1)C(=O)c1ccc2OCOc2c1", "MDA-S2-P2-1(aa)"),  # N in a cyclic structure
    ("alpha-PVP", "CCCC(N1CCCC1)C(=O)c1ccccc1", "MDA-S2-P2-1(aa)"),  # no ring substituent needed
    ("pentedrone", "CCCC(NC)C(=O)c1ccccc1", "MDA-S2-P2-1(aa)"),
    ("4-MEC", "CCNC(C)C(=O)c1ccc(C)cc1", "MDA-S2-P2-1(aa)"),
    ("4-CF3-methcathinone", "CNC(C)C(=O)c1ccc(C(F)(F)F)cc1", "MDA-S2-P2-1(aa)"),  # haloalkyl is in 1(aa)
    ("MDMA", "CNC(C)Cc1ccc2OCOc2c1", "MDA-S2-P1-1(c)"),  # alkylenedioxy + alpha-methyl + N-methyl
    ("MDA", "CC(N)Cc1ccc2OCOc2c1", "MDA-S2-P1-1(c)"),
    ("4-FA", "CC(N)Cc1ccc(F)cc1", "MDA-S2-P1-1(c)"),  # §7: Class A though amphetamine is B
    ("2C-B", "COc1cc(CCN)c(OC)cc1Br", "MDA-S2-P1-1(c)"),
    ("2C-TFM", "COc1cc(CCN)c(OC)cc1C(F)(F)F", "MDA-S2-P1-1(c)"),  # CF3 as "other univalent" (§2.2 [I])
    ("DOB", "COc1cc(CC(C)N)c(OC)cc1Br", "MDA-S2-P1-1(c)"),
    ("4-methylamphetamine", "CC(N)Cc1ccc(C)cc1", "MDA-S2-P1-1(c)"),
    # uk-law.md §2.7 (1(ab) text V): other ring systems
    ("naphyrone", "CCCC(N1CCCC1)C(=O)c1ccc2ccccc2c1", "MDA-S2-P2-1(ab)"),  # fused-polycyclic
    ("alpha-PVT", "CCCC(N1CCCC1)C(=O)c1cccs1", "MDA-S2-P2-1(ab)"),  # thiophene (monocyclic)
    ("indanyl cathinone", "CCCC(N1CCCC1)C(=O)c1ccc2CCCc2c1", "MDA-S2-P2-1(ab)"),
    ("benzofuranyl cathinone", "CCCC(N1CCCC1)C(=O)c1ccc2occc2c1", "MDA-S2-P2-1(ab)"),
]


@pytest.mark.parametrize(("name", "smiles", "rule"), CAPTURED, ids=[c[0] for c in CAPTURED])
def test_generic_captures(engine, name, smiles, rule):
    r = engine.classify(smiles, ON, ident=name)
    assert r["rule"] == rule and r["basis"] == "generic", r
    assert r["status"] == ("A" if rule == "MDA-S2-P1-1(c)" else "B")
    assert r["matched_atoms"] and "Captured by" in r["explanation"]


# Structures that meet a core but not the clause: (id, SMILES, rule, text in the blocking modification)
OUTSIDE = [
    ("bupropion", "CC(NC(C)(C)C)C(=O)c1cccc(Cl)c1", "MDA-S2-P2-1(aa)", "bupropion"),  # express exclusion §2.6
    ("cathinone", "CC(N)C(=O)c1ccccc1", "MDA-S2-P2-1(aa)", "cathinone"),
    ("diethylpropion", "CCN(CC)C(C)C(=O)c1ccccc1", "MDA-S2-P2-1(aa)", "diethylpropion"),
    ("pyrovalerone", "CCCC(N1CCCC1)C(=O)c1ccc(C)cc1", "MDA-S2-P2-1(aa)", "pyrovalerone"),
    ("methoxyphenamine", "CNC(C)Cc1ccccc1OC", "MDA-S2-P1-1(c)", "methoxyphenamine"),  # §7
    ("amphetamine", "CC(N)Cc1ccccc1", "MDA-S2-P1-1(c)", "no qualifying substituent"),  # §7
    ("methamphetamine", "CNC(C)Cc1ccccc1", "MDA-S2-P1-1(c)", "no qualifying substituent"),
    ("4-CF3-amphetamine", "CC(N)Cc1ccc(C(F)(F)F)cc1", "MDA-S2-P1-1(c)", "is not alkyl"),  # haloalkyl not in 1(c)
    ("ephenidine", "CCNC(Cc1ccccc1)c1ccccc1", "MDA-S2-P1-1(c)", "alpha carbon"),  # alpha-phenyl, §4.3
    ("beta-methoxy-PEA", "COC(CN)c1ccc(C)cc1", "MDA-S2-P1-1(c)", "no substitution is allowed"),  # beta-substituted
]


def test_phenyl_and_alkylenedioxyphenyl_go_to_1aa_not_1ab(engine):
    for smiles in ("CNC(C)C(=O)c1ccc(C)cc1", "CNC(C)C(=O)c1ccc2OCOc2c1"):
        r = engine.classify(smiles, ON)
        assert r["rule"] == "MDA-S2-P2-1(aa)" and r["near_misses"] == []  # same-class misses are not shown
    r = engine.classify("CC(NC(C)(C)C)C(=O)c1cccc(Cl)c1", ON)  # bupropion: uncaptured, misses are shown
    assert {m["rule"] for m in r["near_misses"]} == {"MDA-S2-P2-1(aa)", "MDA-S2-P2-1(ab)"}


@pytest.mark.parametrize(("name", "smiles", "rule", "blocking"), OUTSIDE, ids=[c[0] for c in OUTSIDE])
def test_generic_near_misses_and_exclusions(engine, name, smiles, rule, blocking):
    r = engine.classify(smiles, ON, ident=name)
    assert r["rule"] != rule, r
    misses = {m["rule"]: m for m in r["near_misses"]}
    assert rule in misses, r["near_misses"]
    assert blocking in misses[rule]["blocking_modification"]


@pytest.mark.parametrize(
    ("smiles", "day", "status"),
    [
        ("CNC(C)C(=O)c1ccc(C)cc1", dt.date(2010, 4, 15), "not_controlled"),  # day before SI 2010/1207
        ("CNC(C)C(=O)c1ccc(C)cc1", dt.date(2010, 4, 16), "B"),  # in force 16 Apr 2010
        ("CC(NC)C(=O)c1ccc(C)cc1Cl", dt.date(2016, 5, 25), "B"),
        ("CC(=O)C(C)NC", dt.date(2016, 5, 25), "not_controlled"),  # uncaptured, before the PSA
        ("CC(=O)C(C)NC", dt.date(2016, 5, 26), "PSA"),  # PSA in force 26 May 2016
    ],
    ids=["mephedrone-day-before", "mephedrone-in-force", "controlled-before-psa", "before-psa", "psa-day"],
)
def test_dates(engine, smiles, day, status):
    assert engine.classify(smiles, day)["status"] == status


def test_invalid_structure_is_reported_not_raised(engine):
    r = engine.classify("C1CC(", ON, ident="broken")
    assert r["status"] == "invalid" and r["inchikey"] is None and "syntax" in r["explanation"]


def test_salt_and_stereo_forms_decide_like_the_parent(engine):
    a = engine.classify("CN[C@@H](C)C(=O)c1ccc(C)cc1.Cl", ON)
    assert a["status"] == "B" and a["smiles"] == "CN[C@@H](C)C(=O)c1ccc(C)cc1"


def test_every_generic_rule_meets_the_contract(engine):
    for rule in engine.rules.of_kind("generic"):
        assert (rule.generic is not None or rule.scra is not None or rule.cannabinol) and rule.citation
        assert rule.instrument and rule.in_force
        assert rule.confidence in {"V", "P", "M", "I", "U"} and rule.text


# Tryptamines (uk-law.md §2.1; §7 AMT date edge), arylcyclohexylamines (§2.9), nitazenes (§2.4; §7)
DATED = [
    ("DMT-1990", "CN(C)CCc1c[nH]c2ccccc12", dt.date(1990, 1, 1), "A", "MDA-S2-P1-1(b)-1977"),
    ("psilocin-2010", "CN(C)CCc1c[nH]c2cccc(O)c12", dt.date(2010, 1, 1), "A", "MDA-S2-P1-1(b)-1977"),
    ("AMT-2015-01-06", "CC(N)Cc1c[nH]c2ccccc12", dt.date(2015, 1, 6), "not_controlled", None),  # §7
    ("AMT-2015-01-07", "CC(N)Cc1c[nH]c2ccccc12", dt.date(2015, 1, 7), "A", "MDA-S2-P1-1(b)-2015"),  # §7
    ("5-MeO-DALT-2016", "COc1ccc2[nH]cc(CCN(CC=C)CC=C)c2c1", dt.date(2016, 6, 1), "A", "MDA-S2-P1-1(b)-2015"),
    ("3-MeO-PCP", "COc1cccc(c1)C1(CCCCC1)N1CCCCC1", dt.date(2020, 1, 1), "B", "MDA-S2-P2-1(d)"),  # §7
    ("methoxetamine-2013-02-26", "CCNC1(CCCCC1=O)c1cccc(OC)c1", dt.date(2013, 2, 26), "B", "MDA-S2-P2-1(d)"),
    (
        "metonitazepyne-2025",
        "COc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN2CCCC2)cc1",
        dt.date(2025, 1, 15),
        "A",
        "MDA-S2-P1-1(ea)",
    ),  # §7: Class A from 15 Jan 2025 by the generic only
    ("metonitazepyne-2024", "COc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN2CCCC2)cc1", dt.date(2024, 12, 1), "PSA", None),
]


@pytest.mark.parametrize(("name", "smiles", "day", "status", "rule"), DATED, ids=[d[0] for d in DATED])
def test_dated_generics(engine, name, smiles, day, status, rule):
    r = engine.classify(smiles, day, ident=name)
    assert (r["status"], r["rule"]) == (status, rule), r


@pytest.mark.parametrize(
    ("name", "smiles", "blocking"),
    [
        ("N,N-dibutyl nitazene", "CCCCN(CCCC)CCn1c(Cc2ccc(OCC)cc2)nc2cc([N+](=O)[O-])ccc21", "more than 3 carbon"),
        ("hexyloxy nitazene", "CCN(CC)CCn1c(Cc2ccc(OCCCCCC)cc2)nc2cc([N+](=O)[O-])ccc21", "more than 5 carbon"),
        ("a nitazene over 500 u", "CCN(CC)CCn1c(Cc2ccc(OCC)c(I)c2I)nc2cc(I)c(I)cc21", "over 500 u"),  # §7 mass cap
    ],
    ids=["n-carbon-cap", "alkoxy-carbon-cap", "mass-cap"],
)
def test_nitazene_caps_are_near_misses_with_partial_rule(engine, name, smiles, blocking):
    r = engine.classify(smiles, dt.date(2025, 6, 1), ident=name)
    assert r["status"] == "PSA" and "partial_rule" in r["caveats"]
    assert any(blocking in m["blocking_modification"] for m in r["near_misses"] if m["rule"] == "MDA-S2-P1-1(ea)")


def test_ketamine_and_pcp_are_carved_out_of_1d(engine):
    for smiles in ("CNC1(CCCCC1=O)c1ccccc1Cl", "C1CCN(CC1)C1(CCCCC1)c1ccccc1"):
        r = engine.classify(smiles, dt.date(2020, 1, 1))
        assert r["rule"] != "MDA-S2-P2-1(d)"
        assert any("expressly excluded" in m["blocking_modification"] for m in r["near_misses"])


def test_rule_files_fail_loudly(tmp_path):
    from chem.legal.rules import RuleFileError, load_rules

    (tmp_path / "bad.yaml").write_text(
        "id: X\nkind: generic\nclass: B\ninstrument: I\ncitation: C\nconfidence: V\n"
        "in_force: 2020-01-01\ngeneric: {core: 'C1CC(', positions: []}\n"
    )
    with pytest.raises(RuleFileError, match="bad generic definition"):
        load_rules(tmp_path)
    (tmp_path / "bad.yaml").write_text("id: X\nkind: named\nclass: Q\ninstrument: I\ncitation: C\nconfidence: V\n")
    with pytest.raises(RuleFileError, match="class"):
        load_rules(tmp_path)
    (tmp_path / "bad.yaml").write_text(
        "id: X\nkind: named\nclass: B\ninstrument: I\ncitation: C\nconfidence: V\nin_force: 2020-01-01\nmax_mass: 5\n"
    )
    with pytest.raises(RuleFileError, match="unknown key"):
        load_rules(tmp_path)


@pytest.mark.parametrize(
    ("name", "smiles", "day", "status"),
    [
        ("25I-NBOMe", "COc1ccccc1CNCCc1cc(OC)c(I)cc1OC", dt.date(2014, 6, 10), "A"),  # §2.5: parent 2C-I in 1(c)
        ("25C-NBOH", "Oc1ccccc1CNCCc1cc(OC)c(Cl)cc1OC", dt.date(2016, 1, 1), "A"),  # benzyl ring "to any extent"
        ("mescaline-NBOMe", "COc1ccccc1CNCCc1cc(OC)c(OC)c(OC)c1", dt.date(2016, 1, 1), "A"),  # named parent
        ("N-benzyl-MDA", "CC(Cc1ccc2OCOc2c1)NCc1ccccc1", dt.date(2016, 1, 1), "not_controlled"),  # excluded
        ("N-benzylamphetamine", "CC(Cc1ccccc1)NCc1ccccc1", dt.date(2016, 1, 1), "not_controlled"),  # parent not in 1(c)
    ],
    ids=["25I-NBOMe", "25C-NBOH", "mescaline-NBOMe", "N-benzyl-MDA-excluded", "benzylamphetamine"],
)
def test_nbome_strips_the_benzyl_and_retests_the_parent(engine, name, smiles, day, status):
    r = engine.classify(smiles, day, ident=name)
    assert r["status"] == status, r
    if status == "A":
        assert r["rule"] == "MDA-S2-P1-1(f)" and "N-benzyl" in r["explanation"]


# Synthetic cannabinoids 1(ca): four-fragment topology (uk-law.md §2.8(c)-(d); §4.2 item 10 [I])
SCRA = [
    ("5F-MDMB-PICA", "COC(=O)C(NC(=O)c1cn(CCCCCF)c2ccccc12)C(C)(C)C", "1-hydroxy-1-oxopropan-2-yl head"),
    ("MDMB-4en-PINACA", "COC(=O)C(NC(=O)c1nn(CCCC=C)c2ccccc12)C(C)(C)C", "alkenyl tail"),
    ("ADB-BUTINACA", "CCCCn1nc(C(=O)NC(C(N)=O)C(C)(C)C)c2ccccc21", "1-amino-1-oxopropan-2-yl head"),
    ("AB-FUBINACA", "CC(C)C(NC(=O)c1nn(Cc2ccc(F)cc2)c2ccccc12)C(N)=O", "benzyl tail"),
    ("CUMYL-4CN-BINACA", "CC(C)(NC(=O)c1nn(CCCCC#N)c2ccccc12)c1ccccc1", "benzyl head"),
    ("5F-MDMB-P7AICA", "COC(=O)C(NC(=O)c1cn(CCCCCF)c2ncccc12)C(C)(C)C", "pyrrolo[2,3-b]pyridine core"),
    ("THJ-2201", "FCCCCCn1nc(C(=O)c2cccc3ccccc23)c2ccccc21", "1-naphthyl head"),  # indazole: no older limb
    ("JWH-176", "CCCCCC1=CC(=Cc2cccc3ccccc23)c2ccccc21", "methine (ylidene) linker"),  # indene core (list (i))
    ("imidazole analogue", "CCCCCn1cnc(C(=O)c2cccc3ccccc23)c1", "imidazole core"),  # tail N1, linker C4 [I]
    ("indane analogue", "CCCCCC1CC(C(=O)NC(C(N)=O)C(C)(C)C)c2ccccc21", "indane / indene core"),
]


# Compounds of the earlier cannabinoid generics (Part II 1(c)) are carved out of 1(ca): "not being … a compound
# for the time being specified in sub-paragraph (c) above" (uk-law.md §2.8(c), 2016 text V; 2019 [P]).
@pytest.mark.parametrize(
    ("name", "smiles", "rule"),
    [
        ("JWH-018", "CCCCCn1cc(C(=O)c2cccc3ccccc23)c2ccccc21", "MDA-S2-P2-cannabinoids-2013-naphthoylindoles"),
        (
            "APICA",
            "CCCCCn1cc(C(=O)NC23CC4CC(CC(C4)C2)C3)c2ccccc21",
            "MDA-S2-P2-cannabinoids-2013-adamantylcarboxamides",
        ),
        ("UR-144", "CCCCCn1cc(C(=O)C2C(C)(C)C2(C)C)c2ccccc21", "MDA-S2-P2-cannabinoids-2013-tmcp-indoles"),
    ],
    ids=["JWH-018", "APICA", "UR-144"],
)
def test_earlier_cannabinoid_generics_are_carved_out_of_1ca(engine, name, smiles, rule):
    for day, ca in ((dt.date(2017, 6, 1), "MDA-S2-P2-1(ca)-2016"), (dt.date(2021, 6, 1), "MDA-S2-P2-1(ca)-2019")):
        r = engine.classify(smiles, day, ident=name)
        assert (r["status"], r["rule"]) == ("B", rule), r
        plain = LegalEngine(RuleSet(tuple(x for x in engine.rules.rules if x.id != rule), engine.rules.version))
        assert plain.classify(smiles, day)["rule"] == ca  # without the earlier limb, 1(ca) captures it


@pytest.mark.parametrize(("name", "smiles", "part"), SCRA, ids=[s[0] for s in SCRA])
def test_third_generation_cannabinoids(engine, name, smiles, part):
    r = engine.classify(smiles, dt.date(2021, 6, 1), ident=name)
    assert (r["status"], r["rule"]) == ("B", "MDA-S2-P2-1(ca)-2019"), r
    assert part in r["explanation"] and "partial_rule" in r["caveats"]


@pytest.mark.parametrize(
    ("name", "smiles", "blocking"),
    [
        ("ADB-INACA (no tail)", "CC(C)(C)C(NC(=O)c1n[nH]c2ccccc12)C(N)=O", "without a substituent at the N1"),
        ("indometacin", "COc1ccc2n(C(=O)c3ccc(Cl)cc3)c(C)c(CC(=O)O)c2c1", "not an allowed replacement"),
    ],
    ids=["tail-less precursor (§2.8(e))", "indometacin (2016 exclusion list)"],
)
def test_cannabinoid_near_misses_are_never_silent(engine, name, smiles, blocking):
    r = engine.classify(smiles, dt.date(2021, 6, 1), ident=name)
    assert r["status"] == "PSA" and "partial_rule" in r["caveats"]
    assert any(blocking in m["blocking_modification"] for m in r["near_misses"])


def test_cannabinoid_2016_text_applies_before_the_2019_narrowing(engine):
    r = engine.classify("COC(=O)C(NC(=O)c1nn(CCCC=C)c2ccccc12)C(C)(C)C", dt.date(2018, 6, 1))
    assert r["rule"] == "MDA-S2-P2-1(ca)-2016"


@pytest.mark.parametrize(
    ("name", "smiles", "year", "rule"),
    [
        ("JWH-018 in 2009 (before SI 2009/3209)", "CCCCCn1cc(C(=O)c2cccc3ccccc23)c2ccccc21", 2009, None),
        (
            "JWH-018 in 2010",
            "CCCCCn1cc(C(=O)c2cccc3ccccc23)c2ccccc21",
            2010,
            "MDA-S2-P2-cannabinoids-2009-naphthoylindoles",
        ),
        (
            "AM-2201 (haloalkyl tail)",
            "FCCCCCn1cc(C(=O)c2cccc3ccccc23)c2ccccc21",
            2010,
            "MDA-S2-P2-cannabinoids-2009-naphthoylindoles",
        ),
        (
            "JWH-200 (2-(4-morpholinyl)ethyl)",
            "O=C(c1cn(CCN2CCOCC2)c2ccccc12)c1cccc2ccccc12",
            2010,
            "MDA-S2-P2-cannabinoids-2009-naphthoylindoles",
        ),
        (
            "JWH-122 (naphthyl ring substituted)",
            "CCCCCn1cc(C(=O)c2ccc(C)c3ccccc23)c2ccccc21",
            2010,
            "MDA-S2-P2-cannabinoids-2009-naphthoylindoles",
        ),
        ("AM-1220 in 2010 (tail only in the 2013 text)", "CN1CCCCC1Cn1cc(C(=O)c2cccc3ccccc23)c2ccccc21", 2010, None),
        (
            "AM-1220 in 2014",
            "CN1CCCCC1Cn1cc(C(=O)c2cccc3ccccc23)c2ccccc21",
            2014,
            "MDA-S2-P2-cannabinoids-2013-naphthoylindoles",
        ),
        (
            "JWH-018 in 2017",
            "CCCCCn1cc(C(=O)c2cccc3ccccc23)c2ccccc21",
            2017,
            "MDA-S2-P2-cannabinoids-2013-naphthoylindoles",
        ),
    ],
)
def test_cannabinoid_generations_by_date(engine, name, smiles, year, rule):
    r = engine.classify(smiles, dt.date(year, 6, 1), ident=name)
    assert r["rule"] == rule, r
    assert r["status"] == ("B" if rule else "not_controlled")


@pytest.mark.parametrize(
    ("name", "smiles"),
    [
        ("acetylfentanyl", "CC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1"),  # (vi) another acyl group (uk-law.md §2.3)
        ("furanylfentanyl", "O=C(c1ccco1)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1"),
        ("cyclopropylfentanyl", "O=C(C1CC1)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1"),
        ("acrylfentanyl", "C=CC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1"),
        ("ocfentanil", "COCC(=O)N(c1ccccc1F)C1CCN(CCc2ccccc2)CC1"),  # (iv) halogeno on the aniline ring
        ("4-fluoroisobutyrfentanyl", "CC(C)C(=O)N(c1ccc(F)cc1)C1CCN(CCc2ccccc2)CC1"),
        ("thiofentanyl", "CCC(=O)N(c1ccccc1)C1CCN(CCc2cccs2)CC1"),  # (i) heteromonocycle
        ("3-methylfentanyl", "CCC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1C"),  # (iii) piperidine alkyl
    ],
    ids=lambda v: v if not v.startswith(("C", "O")) else None,
)
def test_fentanyl_generic(engine, name, smiles):
    r = engine.classify(smiles, dt.date(2021, 6, 1), ident=name)
    assert (r["status"], r["rule"]) == ("A", "MDA-S2-P1-1(d)"), r
    assert "partial_rule" in r["caveats"]


@pytest.mark.parametrize(
    ("name", "smiles", "status"),
    [
        ("5-APB", "CC(N)Cc1ccc2occc2c1", "B"),  # uk-law.md §2.10 (text [M]); 2013 TCDO substances
        ("6-APB", "CC(N)Cc1ccc2ccoc2c1", "B"),
        ("5-MAPB", "CNC(C)Cc1ccc2occc2c1", "B"),
        ("5-APDB", "CC(N)Cc1ccc2OCCc2c1", "B"),  # 2,3-dihydrobenzofuran
        ("5-IT", "CC(N)Cc1ccc2[nH]ccc2c1", "B"),  # indole, side chain on the 6-membered ring
        ("3-APB", "CC(N)Cc1coc2ccccc12", "PSA"),  # side chain on the furan ring: outside
    ],
    ids=["5-APB", "6-APB", "5-MAPB", "5-APDB", "5-IT", "3-APB"],
)
def test_benzofuran_generic(engine, name, smiles, status):
    r = engine.classify(smiles, dt.date(2021, 6, 1), ident=name)
    assert r["status"] == status, r
    if status == "B":
        assert r["rule"] == "MDA-S2-P2-benzofurans"


@pytest.mark.parametrize(
    ("name", "smiles", "status"),
    [
        ("MPPP", "CCC(=O)OC1(CCN(C)CC1)c1ccccc1", "A"),  # (iv) acyloxy at the 4-position (uk-law.md §2.3, [M])
        ("PEPAP", "CC(=O)OC1(CCN(CCc2ccccc2)CC1)c1ccccc1", "A"),  # (i) phenethyl on N + (iv)
        ("4-fluoropethidine", "CCOC(=O)C1(CCN(C)CC1)c1ccc(F)cc1", "A"),  # (iii) halogeno
        ("haloperidol", "O=C(CCCN1CCC(O)(CC1)c1ccc(Cl)cc1)c1ccc(F)cc1", "PSA"),  # 4-hydroxy: outside (iv)
    ],
    ids=["MPPP", "PEPAP", "4-fluoropethidine", "haloperidol"],
)
def test_pethidine_generic(engine, name, smiles, status):
    r = engine.classify(smiles, dt.date(2021, 6, 1), ident=name)
    assert r["status"] == status, r
    if status == "A":
        assert r["rule"] == "MDA-S2-P1-1(e)"
    else:
        assert any(m["rule"] == "MDA-S2-P1-1(e)" for m in r["near_misses"])


@pytest.mark.parametrize(
    ("name", "smiles", "status"),
    [
        ("desoxypipradrol (2-DPMP)", "C1CCNC(C1)C(c1ccccc1)c1ccccc1", "B"),  # uk-law.md §2.11 (ACMD, text [M])
        ("diphenylprolinol (D2PM)", "OC(c1ccccc1)(c1ccccc1)C1CCCN1", "B"),  # hydroxy at the methyl carbon
        ("pipradrol", "OC(c1ccccc1)(c1ccccc1)C1CCCCN1", "PSA"),  # Class C by name; excluded from this generic
        ("1-benzhydrylpiperazine", "C1CN(CCN1)C(c1ccccc1)c1ccccc1", "PSA"),  # on the nitrogen, and a piperazine
    ],
    ids=["2-DPMP", "D2PM", "pipradrol", "benzhydrylpiperazine"],
)
def test_pipradrol_generic(engine, name, smiles, status):
    r = engine.classify(smiles, dt.date(2021, 6, 1), ident=name)
    assert r["status"] == status, r


@pytest.mark.parametrize(
    ("name", "smiles"),
    [
        ("AB-CHMINACA", "CC(C)C(NC(=O)c1nn(CC2CCCCC2)c2ccccc12)C(N)=O"),  # cyclohexylmethyl tail (list (ii))
        ("MDMB-CHMICA", "COC(=O)C(NC(=O)c1cn(CC2CCCCC2)c2ccccc12)C(C)(C)C"),
    ],
    ids=["AB-CHMINACA", "MDMB-CHMICA"],
)
def test_cycloalkylmethyl_tails_of_any_ring_size(engine, name, smiles):
    r = engine.classify(smiles, dt.date(2021, 6, 1), ident=name)
    assert (r["status"], r["rule"]) == ("B", "MDA-S2-P2-1(ca)-2019") and "cycloalkylmethyl (6) tail" in r["explanation"]


@pytest.mark.parametrize(
    ("name", "smiles", "statuses"),
    [  # (2000, 2005, 2021): Class A in the 1991 text, C from 2004, B from 2009 (uk-law.md §2.13, §9 [M dates])
        ("delta-9-THC", "CCCCCc1cc(O)c2c(c1)OC(C)(C)[C@@H]1CCC(C)=C[C@@H]21", ("A", "C", "B")),
        ("delta-8-THC", "CCCCCc1cc(O)c2c(c1)OC(C)(C)C1CC=C(C)CC21", ("A", "C", "B")),
        ("THCV (3-propyl homologue)", "CCCc1cc(O)c2c(c1)OC(C)(C)C1CCC(C)=CC21", ("A", "C", "B")),
        ("THCP (3-heptyl homologue)", "CCCCCCCc1cc(O)c2c(c1)OC(C)(C)C1CCC(C)=CC21", ("A", "C", "B")),
        ("cannabinol", "CCCCCc1cc(O)c2c(c1)OC(C)(C)c1ccc(C)cc1-2", ("A", "C", "B")),
        ("HHC (hexahydro)", "CCCCCc1cc(O)c2c(c1)OC(C)(C)C1CCC(C)CC21", ("not_controlled", "not_controlled", "PSA")),
    ],
    ids=["d9-THC", "d8-THC", "THCV", "THCP", "CBN", "HHC"],
)
def test_cannabinol_derivatives_definition(engine, name, smiles, statuses):
    got = tuple(engine.classify(smiles, dt.date(y, 6, 1), ident=name)["status"] for y in (2000, 2005, 2021))
    assert got == statuses
