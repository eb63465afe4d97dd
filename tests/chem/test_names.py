"""Tests for chem.names: synonym table data, lookups, OPSIN batches and resolve_names."""

import logging
import shutil
import subprocess

import pytest

from chem import names as names_module
from chem.errors import ParseError
from chem.names import (
    KINDS,
    MAPS_TO,
    NameResolution,
    OpsinUnavailable,
    Synonym,
    SynonymTable,
    normalise_name,
    opsin_names_to_smiles,
    resolve_names,
)
from chem.standardise import standardise_smiles

MEPHEDRONE_KEY = "YELGFTGWJGBAQU-UHFFFAOYSA-N"
AMPHETAMINE_KEY = "KWTSXDURSIMDCE-UHFFFAOYSA-N"

# Expected Hill formula of every distinct substance in chem/data/synonyms.csv, written by hand
# independently of the SMILES (from the substance's published formula), to catch SMILES typos.
EXPECTED_FORMULAS = [
    ("cocaine", "C17H21NO4"),
    ("heroin", "C21H23NO5"),
    ("6-monoacetylmorphine", "C19H21NO4"),
    ("morphine", "C17H19NO3"),
    ("codeine", "C18H21NO3"),
    ("dihydrocodeine", "C18H23NO3"),
    ("oxycodone", "C18H21NO4"),
    ("hydromorphone", "C17H19NO3"),
    ("hydrocodone", "C18H21NO3"),
    ("naloxone", "C19H21NO4"),
    ("buprenorphine", "C29H41NO4"),
    ("methadone", "C21H27NO"),
    ("pethidine", "C15H21NO2"),
    ("tramadol", "C16H25NO2"),
    ("tapentadol", "C14H23NO"),
    ("fentanyl", "C22H28N2O"),
    ("carfentanil", "C24H30N2O3"),
    ("acetylfentanyl", "C21H26N2O"),
    ("furanylfentanyl", "C24H26N2O2"),
    ("acrylfentanyl", "C22H26N2O"),
    ("cyclopropylfentanyl", "C23H28N2O"),
    ("ocfentanil", "C22H27FN2O2"),
    ("4-fluoroisobutyrylfentanyl", "C23H29FN2O"),
    ("para-fluorofentanyl", "C22H27FN2O"),
    ("butyrfentanyl", "C23H30N2O"),
    ("3-methylfentanyl", "C23H30N2O"),
    ("tetrahydrofuranylfentanyl", "C24H30N2O2"),
    ("methoxyacetylfentanyl", "C22H28N2O2"),
    ("sufentanil", "C22H30N2O2S"),
    ("alfentanil", "C21H32N6O3"),
    ("remifentanil", "C20H28N2O5"),
    ("U-47700", "C16H22Cl2N2O"),
    ("brorphine", "C20H22BrN3O"),
    ("bucinnazine", "C17H24N2O"),
    ("2-methyl-AP-237", "C18H26N2O"),
    ("isotonitazene", "C23H30N4O3"),
    ("protonitazene", "C23H30N4O3"),
    ("metonitazene", "C21H26N4O3"),
    ("etonitazene", "C22H28N4O3"),
    ("butonitazene", "C24H32N4O3"),
    ("etonitazepyne", "C22H26N4O3"),
    ("metonitazepyne", "C21H24N4O3"),
    ("protonitazepyne", "C23H28N4O3"),
    ("etonitazepipne", "C23H28N4O3"),
    ("N-desethyl isotonitazene", "C21H26N4O3"),
    ("etodesnitazene", "C22H29N3O"),
    ("metodesnitazene", "C21H27N3O"),
    ("flunitazene", "C20H23FN4O2"),
    ("clonitazene", "C20H23ClN4O2"),
    ("amphetamine", "C9H13N"),
    ("dexamfetamine", "C9H13N"),
    ("methamphetamine", "C10H15N"),
    ("MDMA", "C11H15NO2"),
    ("MDA", "C10H13NO2"),
    ("MDEA", "C12H17NO2"),
    ("PMA", "C10H15NO"),
    ("PMMA", "C11H17NO"),
    ("4-fluoroamphetamine", "C9H12FN"),
    ("methiopropamine", "C8H13NS"),
    ("5-APB", "C11H13NO"),
    ("6-APB", "C11H13NO"),
    ("methylphenidate", "C14H19NO2"),
    ("ethylphenidate", "C15H21NO2"),
    ("desoxypipradrol", "C18H21N"),
    ("phenmetrazine", "C11H15NO"),
    ("3-fluorophenmetrazine", "C11H14FNO"),
    ("BZP", "C11H16N2"),
    ("TFMPP", "C11H13F3N2"),
    ("mCPP", "C10H13ClN2"),
    ("cathinone", "C9H11NO"),
    ("methcathinone", "C10H13NO"),
    ("mephedrone", "C11H15NO"),
    ("3-MMC", "C11H15NO"),
    ("3-CMC", "C10H12ClNO"),
    ("4-CMC", "C10H12ClNO"),
    ("4-MEC", "C12H17NO"),
    ("ethanol", "C2H6O"),
    ("ADB-4en-PINACA", "C19H26N4O2"),
    ("ADB-5'Br-BUTINACA", "C18H25BrN4O2"),
    ("4-CEC", "C11H14ClNO"),
    ("2-CMC", "C10H12ClNO"),
    ("N-propylpentylone", "C15H21NO3"),
    ("ethcathinone", "C11H15NO"),
    ("buphedrone", "C11H15NO"),
    ("pentedrone", "C12H17NO"),
    ("N-ethylhexedrone", "C14H21NO"),
    ("methylone", "C11H13NO3"),
    ("butylone", "C12H15NO3"),
    ("eutylone", "C13H17NO3"),
    ("pentylone", "C13H17NO3"),
    ("N-ethylpentylone", "C14H19NO3"),
    ("dipentylone", "C14H19NO3"),
    ("alpha-PVP", "C15H21NO"),
    ("alpha-PHP", "C16H23NO"),
    ("alpha-PiHP", "C16H23NO"),
    ("MDPV", "C16H21NO3"),
    ("5F-MDMB-PICA", "C21H29FN2O3"),
    ("MDMB-4en-PINACA", "C20H27N3O3"),
    ("ADB-BUTINACA", "C18H26N4O2"),
    ("4F-MDMB-BINACA", "C19H26FN3O3"),
    ("5F-MDMB-PINACA", "C20H28FN3O3"),
    ("AMB-FUBINACA", "C21H22FN3O3"),
    ("AB-FUBINACA", "C20H21FN4O2"),
    ("ADB-FUBINACA", "C21H23FN4O2"),
    ("AB-CHMINACA", "C20H28N4O2"),
    ("MDMB-CHMICA", "C23H32N2O3"),
    ("ADB-INACA", "C14H18N4O2"),
    ("MDMB-INACA", "C15H19N3O3"),
    ("ADB-HEXINACA", "C20H30N4O2"),
    ("CUMYL-4CN-BINACA", "C22H24N4O"),
    ("JWH-018", "C24H23NO"),
    ("APINACA", "C23H31N3O"),
    ("5F-APINACA", "C23H30FN3O"),
    ("5F-PB-22", "C23H21FN2O2"),
    ("delta-9-tetrahydrocannabinol", "C21H30O2"),
    ("cannabidiol", "C21H30O2"),
    ("hexahydrocannabinol", "C21H32O2"),
    ("LSD", "C20H25N3O"),
    ("psilocybin", "C12H17N2O4P"),
    ("psilocin", "C12H16N2O"),
    ("DMT", "C12H16N2"),
    ("5-MeO-DMT", "C13H18N2O"),
    ("5-MeO-DiPT", "C17H26N2O"),
    ("4-AcO-DMT", "C14H18N2O2"),
    ("DPT", "C16H24N2"),
    ("AMT", "C11H14N2"),
    ("mescaline", "C11H17NO3"),
    ("2C-B", "C10H14BrNO2"),
    ("2C-I", "C10H14INO2"),
    ("DOB", "C11H16BrNO2"),
    ("25I-NBOMe", "C18H22INO3"),
    ("25C-NBOMe", "C18H22ClNO3"),
    ("25B-NBOMe", "C18H22BrNO3"),
    ("ketamine", "C13H16ClNO"),
    ("esketamine", "C13H16ClNO"),
    ("deschloroketamine", "C13H17NO"),
    ("2-fluorodeschloroketamine", "C13H16FNO"),
    ("methoxetamine", "C15H21NO2"),
    ("2-oxo-PCE", "C14H19NO"),
    ("phencyclidine", "C17H25N"),
    ("3-MeO-PCP", "C18H27NO"),
    ("mitragynine", "C23H30N2O4"),
    ("GHB", "C4H8O3"),
    ("GBL", "C4H6O2"),
    ("1,4-butanediol", "C4H10O2"),
    ("nitrous oxide", "N2O"),
    ("amyl nitrite", "C5H11NO2"),
    ("isobutyl nitrite", "C4H9NO2"),
    ("isopropyl nitrite", "C3H7NO2"),
    ("diazepam", "C16H13ClN2O"),
    ("alprazolam", "C17H13ClN4"),
    ("etizolam", "C17H15ClN4S"),
    ("deschloroetizolam", "C17H16N4S"),
    ("bromazolam", "C17H13BrN4"),
    ("flualprazolam", "C17H12ClFN4"),
    ("flubromazolam", "C17H12BrFN4"),
    ("clonazolam", "C17H12ClN5O2"),
    ("pyrazolam", "C16H12BrN5"),
    ("clonazepam", "C15H10ClN3O3"),
    ("lorazepam", "C15H10Cl2N2O2"),
    ("temazepam", "C16H13ClN2O2"),
    ("nitrazepam", "C15H11N3O3"),
    ("oxazepam", "C15H11ClN2O2"),
    ("chlordiazepoxide", "C16H14ClN3O"),
    ("flunitrazepam", "C16H12FN3O3"),
    ("phenazepam", "C15H10BrClN2O"),
    ("flubromazepam", "C15H10BrFN2O"),
    ("diclazepam", "C16H12Cl2N2O"),
    ("delorazepam", "C15H10Cl2N2O"),
    ("desalkylgidazepam", "C15H11BrN2O"),
    ("meclonazepam", "C16H12ClN3O3"),
    ("zolpidem", "C19H21N3O"),
    ("zopiclone", "C17H17ClN6O3"),
    ("pregabalin", "C8H17NO2"),
    ("gabapentin", "C9H17NO2"),
    ("xylazine", "C12H16N2S"),
    ("caffeine", "C8H10N4O2"),
    ("paracetamol", "C8H9NO2"),
    ("levamisole", "C11H12N2S"),
    ("tetramisole", "C11H12N2S"),
    ("benzocaine", "C9H11NO2"),
    ("lidocaine", "C14H22N2O"),
    ("procaine", "C13H20N2O2"),
    ("tetracaine", "C15H24N2O2"),
    ("phenacetin", "C10H13NO2"),
    ("diltiazem", "C22H26N2O4S"),
    ("hydroxyzine", "C21H27ClN2O2"),
    ("papaverine", "C20H21NO4"),
    ("creatine", "C4H9N3O2"),
    ("dimethyl sulfone", "C2H6O2S"),
    ("mannitol", "C6H14O6"),
    ("glucose", "C6H12O6"),
    ("lactose", "C12H22O11"),
]


@pytest.fixture(scope="module")
def table() -> SynonymTable:
    return SynonymTable.default()


def _targets_by_preferred_name(table):
    targets = {}
    for synonym in table:
        if synonym.maps_to == "substance":
            targets.setdefault(synonym.preferred_name, set()).add(synonym.target)
    return targets


# --- the shipped data --------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "formula"), EXPECTED_FORMULAS, ids=[name for name, _ in EXPECTED_FORMULAS])
def test_substance_smiles_matches_expected_formula(table, name, formula):
    targets = _targets_by_preferred_name(table)[name]
    assert len(targets) == 1, f"{name} has several target SMILES: {targets}"
    structure = standardise_smiles(targets.pop())
    assert structure.formula == formula
    assert structure.removed_fragments == ()


def test_every_substance_has_an_expected_formula(table):
    assert set(_targets_by_preferred_name(table)) == {name for name, _ in EXPECTED_FORMULAS}


def test_table_size_and_values(table):
    assert len(table) >= 250
    assert {s.kind for s in table} <= KINDS
    assert {s.maps_to for s in table} == MAPS_TO
    assert all(s.source for s in table)


def test_every_name_looks_up_its_own_row(table):
    for synonym in table:
        assert table.lookup(synonym.name) is synonym


def test_no_ambiguous_single_letter_names(table):
    short = {s.name for s in table if len(s.name) < 2}
    assert short == {"G"}  # GHB street name; "E", "H", "C", "K" are deliberately absent


def test_substance_identities_are_distinct_except_stereoisomers(table):
    by_key = {}
    for name, _ in EXPECTED_FORMULAS:
        target = _targets_by_preferred_name(table)[name].pop()
        by_key.setdefault(standardise_smiles(target).inchikey_nostereo, set()).add(name)
    shared = sorted(sorted(names) for names in by_key.values() if len(names) > 1)
    assert shared == [
        ["amphetamine", "dexamfetamine"],
        ["esketamine", "ketamine"],
        ["levamisole", "tetramisole"],
    ]


@pytest.mark.parametrize(
    ("name", "inchikey"),
    [
        ("cocaine", "ZPUCINDJVBIVPJ-LJISPDSOSA-N"),
        ("heroin", "GVGLGOZIDCSQPN-PVHGPHFFSA-N"),
        ("morphine", "BQJCRHHNABKAKU-KBQPJGBKSA-N"),
        ("buprenorphine", "RMRJXGBAOAMLHD-IHFGGWKQSA-N"),
        ("THC", "CYQFCXCEBYINGO-IAGOWNOFSA-N"),
        ("cannabidiol", "QHMBSVQNZZTUGM-ZWKOTPCHSA-N"),
        ("LSD", "VAYOSLLFUXYJDT-RDTXWAMCSA-N"),
        ("dexamfetamine", "KWTSXDURSIMDCE-QMMMGPOBSA-N"),
        ("levamisole", "HLFSDGLLUJUHTE-SNVBAGLBSA-N"),
        ("caffeine", "RYYVLZVUVIJVGH-UHFFFAOYSA-N"),
        ("fentanyl", "PJMPHNIQZUBGLI-UHFFFAOYSA-N"),
        ("MDMA", "SHXWCVYOXRDMCX-UHFFFAOYSA-N"),
    ],
    ids=[
        "cocaine",
        "heroin",
        "morphine",
        "buprenorphine",
        "THC",
        "CBD",
        "LSD",
        "dexamfetamine",
        "levamisole",
        "caffeine",
        "fentanyl",
        "MDMA",
    ],
)
def test_published_inchikeys(table, name, inchikey):
    """Cross-check stereo natural products and classics against their published (PubChem) InChIKeys."""
    structure = table.structure_for(table.lookup(name).target)
    assert structure.inchikey == inchikey


@pytest.mark.parametrize(
    "name",
    [
        "spice",
        "K2",
        "mamba",
        "black mamba",
        "Monkey Dust",
        "Benzo Fury",
        "magic mushrooms",
        "cannabis",
        "poppers",
    ],
)
def test_products_map_to_a_class_never_a_structure(table, name):
    synonym = table.lookup(name)
    assert synonym.maps_to == "class"
    result = resolve_names([name], use_opsin=False)[name]
    assert (result.status, result.smiles) == ("class", None)


def test_spice_products_share_the_scra_class(table):
    labels = {table.lookup(name).target for name in ("spice", "K2", "mamba", "black mamba")}
    assert labels == {"synthetic cannabinoid receptor agonists"}


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("nitazenes", "2-benzylbenzimidazole opioids"),
        ("synthetic cathinones", "synthetic cathinones"),
        ("NBOMes", "N-benzylphenethylamines (NBOMes)"),
    ],
    ids=["nitazenes", "cathinones", "nbomes"],
)
def test_families(table, name, label):
    synonym = table.lookup(name)
    assert (synonym.maps_to, synonym.target) == ("family", label)


# --- lookup and normalisation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "preferred_name"),
    [
        ("Meow Meow", "mephedrone"),
        ("  MEOW \t meow ", "mephedrone"),
        ("meow\u2013meow", "mephedrone"),  # en dash
        ("M\u2010Cat", "mephedrone"),  # Unicode hyphen
        ("4-MMC", "mephedrone"),
        ("4 mmc", "mephedrone"),
        ("4MMC", "mephedrone"),
        ("\u03b1-PVP", "alpha-PVP"),  # Greek alpha
        ("Alpha PVP", "alpha-PVP"),
        ("\u03949-THC", "delta-9-tetrahydrocannabinol"),  # Greek capital delta
        ("\u201cspice\u201d", "synthetic cannabinoids"),  # curly quotes
        ("\uff2d\uff24\uff2d\uff21", "MDMA"),  # full-width letters
        ("special k", "ketamine"),
        ("Brom", "bromazolam"),
        ("5F-ADB", "5F-MDMB-PINACA"),
        ("N-pyrrolidino etonitazene", "etonitazepyne"),
        ("Cocaine hydrochloride", "cocaine"),
        ("MDMA HCl", "MDMA"),
        ("mephedrone hydrochloride monohydrate", "mephedrone"),
        ("diamorphine hydrochloride", "heroin"),
        ("heroin base", "heroin"),
        ("ketamine, hydrochloride", "ketamine"),
    ],
    ids=[
        "case",
        "whitespace",
        "en-dash",
        "unicode-hyphen",
        "code",
        "code-space",
        "code-joined",
        "greek-alpha",
        "alpha-spelt",
        "greek-delta",
        "curly-quotes",
        "full-width",
        "street",
        "radar-street",
        "scra-alias",
        "nitazene-alias",
        "salt-word",
        "salt-abbreviation",
        "salt-and-hydrate",
        "salt-of-synonym",
        "base",
        "comma-salt",
    ],
)
def test_lookup_normalises(table, query, preferred_name):
    assert table.lookup(query).preferred_name == preferred_name


@pytest.mark.parametrize(
    "query", ["unknown white powder", "", "   ", "hydrochloride", "base", "mephedrone powder"]
)
def test_lookup_misses(table, query):
    assert table.lookup(query) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Alpha\u2013PVP\u00a0 ", "alpha-pvp"),
        ("N,N\u2032-Dimethyl", "n,n'-dimethyl"),
        ("2C\u2011B (Nexus)", "2c-b (nexus)"),
        ("soft\u00adhyphen", "softhyphen"),
        ("\t\n", ""),
    ],
    ids=["dash-nbsp", "prime", "parentheses", "soft-hyphen", "blank"],
)
def test_normalise_name(text, expected):
    assert normalise_name(text) == expected


def test_normalise_name_can_keep_case():
    assert normalise_name("N\u2010Ethyl  Pentylone", casefold=False) == "N-Ethyl Pentylone"


def test_normalise_name_rejects_non_strings():
    with pytest.raises(TypeError, match="name must be a str"):
        normalise_name(None)


def test_names_for_returns_all_synonyms_of_a_substance(table):
    names = {s.name for s in table.names_for(MEPHEDRONE_KEY)}
    assert {"mephedrone", "4-MMC", "meow meow", "M-Cat", "bubble"} <= names


def test_names_for_includes_separately_listed_stereoisomers(table):
    preferred = {s.preferred_name for s in table.names_for(AMPHETAMINE_KEY)}
    assert preferred == {"amphetamine", "dexamfetamine"}


def test_names_for_unknown_key(table):
    assert table.names_for("AAAAAAAAAAAAAA-UHFFFAOYSA-N") == []


# --- bad data ----------------------------------------------------------------------------------------

HEADER = "name,kind,maps_to,target,preferred_name,source\n"
GOOD = "M-Cat,street,substance,CNC(C)C(=O)c1ccc(C)cc1,mephedrone,FRANK\n"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("M-Cat,street,compound,CNC(C)C(=O)c1ccc(C)cc1,mephedrone,FRANK\n", "maps_to 'compound'"),
        ("M-Cat,slang,substance,CNC(C)C(=O)c1ccc(C)cc1,mephedrone,FRANK\n", "kind 'slang'"),
        ("M-Cat,street,substance,CNC(C)C(=O)c1ccc(C,mephedrone,FRANK\n", "does not parse"),
        ("M-Cat,street,substance,CNC(C)C(=O)c1ccc(C)cc1.Cl,mephedrone,FRANK\n", "several components"),
        ("M-Cat,street,substance,CNC(C)C(=O)c1ccc(C)cc1,mephedrone,\n", "source is empty"),
        (GOOD + "m cat,street,substance,CCO,ethanol,FRANK\n".replace("m cat", "M-CAT"), "already listed"),
        (GOOD + "meph,street,substance,CNC(C)C(=O)c1ccc(C)cc1,4-MMC,FRANK\n", "differs from 'mephedrone'"),
        ("M-Cat,street,substance\n", "expected 6 fields"),
    ],
    ids=[
        "maps-to",
        "kind",
        "smiles",
        "mixture",
        "no-source",
        "duplicate",
        "two-preferred-names",
        "short-row",
    ],
)
def test_bad_rows_raise_naming_the_line(tmp_path, rows, message):
    path = tmp_path / "synonyms.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(ParseError, match=message) as info:
        SynonymTable.from_csv(path)
    assert isinstance(info.value, ValueError)
    expected_line = 2 + rows.count("\n") - 1
    assert info.value.line == expected_line
    assert f"line {expected_line}:" in info.value.reason


def test_bad_header(tmp_path):
    path = tmp_path / "synonyms.csv"
    path.write_text("name,kind,target\n" + GOOD, encoding="utf-8")
    with pytest.raises(ParseError, match="expected the header") as info:
        SynonymTable.from_csv(path)
    assert info.value.code == "bad_header"


def test_table_from_rows():
    table = SynonymTable(
        [Synonym("M-Cat", "street", "substance", "CNC(C)C(=O)c1ccc(C)cc1", "mephedrone", "FRANK")]
    )
    assert len(table) == 1
    assert table.lookup("mcat").name == "M-Cat"


# --- resolve_names without Java ----------------------------------------------------------------------


def test_resolve_names_without_opsin():
    result = resolve_names(
        ["Monkey Dust", "M-Cat", "nitazenes", "", "  ", "unknown white powder", "M-Cat"], use_opsin=False
    )
    assert list(result) == ["Monkey Dust", "M-Cat", "nitazenes", "", "  ", "unknown white powder"]
    assert result["Monkey Dust"] == NameResolution(
        "Monkey Dust",
        "class",
        None,
        "synthetic cathinone products",
        "synthetic cathinone products",
        "synonym",
        None,
    )
    assert result["M-Cat"] == NameResolution(
        "M-Cat", "substance", "CNC(C)C(=O)c1ccc(C)cc1", None, "mephedrone", "synonym", None
    )
    assert result["nitazenes"].status == "family"
    assert result[""].reason == result["  "].reason == "empty name"
    assert result["unknown white powder"].status == "unidentified"
    assert "OPSIN not used" in result["unknown white powder"].reason


def test_resolve_names_returns_standardised_smiles():
    result = resolve_names(["cocaine"], use_opsin=False)["cocaine"]
    assert result.smiles == standardise_smiles(result.smiles).smiles


def test_opsin_unavailable_leaves_names_unidentified_and_logs_once(monkeypatch, caplog):
    def unavailable(names, **kw):
        raise OpsinUnavailable("Java is not installed")

    monkeypatch.setattr(names_module, "opsin_names_to_smiles", unavailable)
    with caplog.at_level(logging.WARNING, logger="chem.names"):
        result = resolve_names(["propan-2-ol", "butan-1-ol", "meow meow"])
    assert result["meow meow"].status == "substance"
    for name in ("propan-2-ol", "butan-1-ol"):
        assert result[name].status == "unidentified"
        assert "OPSIN is unavailable: Java is not installed" in result[name].reason
    assert len(caplog.records) == 1


def test_opsin_structure_failing_standardisation_is_unidentified(monkeypatch):
    monkeypatch.setattr(
        names_module, "opsin_names_to_smiles", lambda names, **kw: {"odd name": "C(C)(C)(C)(C)C"}
    )
    result = resolve_names(["odd name"])["odd name"]
    assert result.status == "unidentified"
    assert "Explicit valence" in result.reason


def test_opsin_without_java_raises(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(OpsinUnavailable, match="Java is not installed"):
        opsin_names_to_smiles(["propan-2-ol"])


def test_opsin_timeout_raises(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/java")

    def too_slow(*args, **kw):
        raise subprocess.TimeoutExpired(args[0], kw["timeout"])

    monkeypatch.setattr(subprocess, "run", too_slow)
    with pytest.raises(OpsinUnavailable, match="did not answer within 0.5 s"):
        opsin_names_to_smiles(["propan-2-ol"], timeout=0.5)


def test_opsin_is_not_called_for_blank_names(monkeypatch):
    monkeypatch.setattr(subprocess, "run", pytest.fail)
    assert opsin_names_to_smiles(["", "  "]) == {"": None, "  ": None}


# --- resolve_names with the real OPSIN (one Java start for the module) -------------------------------

OPSIN_BATCH = [
    "2-(methylamino)-1-(4-methylphenyl)propan-1-one",  # mephedrone, systematic name
    "unknown white powder",
    "meow meow",
    "propan-2-ol",
    "  2-(methylamino)-1-(4-methylphenyl)propan-1-one\n",  # same name, untidy whitespace
]


@pytest.fixture(scope="module")
def opsin_batch():
    if shutil.which("java") is None:
        pytest.skip("Java is not installed")
    calls = []
    original = names_module.opsin_names_to_smiles

    def counting(names, **kw):
        calls.append(list(names))
        return original(names, **kw)

    names_module.opsin_names_to_smiles = counting
    try:
        result = resolve_names(OPSIN_BATCH)
    finally:
        names_module.opsin_names_to_smiles = original
    return result, calls


@pytest.mark.slow
def test_opsin_is_called_once_for_the_batch(opsin_batch):
    _, calls = opsin_batch
    assert len(calls) == 1
    assert "meow meow" not in calls[0]  # the synonym table answered it


@pytest.mark.slow
def test_opsin_resolves_systematic_name(opsin_batch):
    result, _ = opsin_batch
    for name in (OPSIN_BATCH[0], OPSIN_BATCH[4]):
        mephedrone = result[name]
        assert (mephedrone.status, mephedrone.source) == ("substance", "opsin")
        assert standardise_smiles(mephedrone.smiles).inchikey_nostereo == MEPHEDRONE_KEY
        assert mephedrone.preferred_name == "mephedrone"  # known to the table by structure


@pytest.mark.slow
def test_opsin_leaves_non_names_unidentified(opsin_batch):
    result, _ = opsin_batch
    unknown = result["unknown white powder"]
    assert (unknown.status, unknown.smiles, unknown.source) == ("unidentified", None, None)
    assert "not a name OPSIN can parse" in unknown.reason


@pytest.mark.slow
def test_opsin_structure_unknown_to_table(opsin_batch):
    result, _ = opsin_batch
    assert result["propan-2-ol"].smiles == "CC(C)O"
    assert result["propan-2-ol"].preferred_name is None
    assert result["meow meow"].source == "synonym"
