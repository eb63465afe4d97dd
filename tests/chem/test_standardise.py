"""Tests for chem.standardise: SMILES/MOL literals in, canonical SMILES and InChIKeys out."""

import hashlib
import json
import pickle

import pytest
from rdkit import Chem

from chem.errors import InvalidStructure
from chem.standardise import (
    MAX_HEAVY_ATOMS,
    MAX_SMILES_LENGTH,
    PIPELINE,
    STANDARDISATION_VERSION,
    StandardiseCache,
    StandardStructure,
    standardise_mol,
    standardise_molblock,
    standardise_smiles,
    try_standardise_smiles,
)

MEPHEDRONE = "CNC(C)C(=O)c1ccc(C)cc1"
MEPHEDRONE_KEY = "YELGFTGWJGBAQU-UHFFFAOYSA-N"
METHAMPHETAMINE_KEY = "MYWUZJCMWCOHBA-UHFFFAOYSA-N"


# --- pipeline as data --------------------------------------------------------------------------------

# Changing PIPELINE without bumping STANDARDISATION_VERSION must fail here: records store the version.
PINNED_PIPELINES = {
    "2026.11-1": "da1b3144e0d74da353488248c6d153c6f04045d6fd6a49618a1a419a16afb0ee",
}


def _pipeline_digest() -> str:
    return hashlib.sha256(json.dumps(PIPELINE, sort_keys=True).encode()).hexdigest()


def test_pipeline_change_requires_version_bump():
    assert STANDARDISATION_VERSION in PINNED_PIPELINES, "add the new version with its pipeline digest"
    assert PINNED_PIPELINES[STANDARDISATION_VERSION] == _pipeline_digest(), (
        "PIPELINE changed: bump STANDARDISATION_VERSION and pin the new digest"
    )


def test_pipeline_step_order():
    names = [name for name, _ in PIPELINE]
    assert names == ["cleanup", "fragment_parent", "uncharge", "canonical_tautomer"]


def test_pipeline_is_serialisable_data():
    assert json.loads(json.dumps(PIPELINE)) == [[name, params] for name, params in PIPELINE]


def test_tautomer_step_keeps_stereo():
    params = dict(PIPELINE)["canonical_tautomer"]
    assert params["remove_sp3_stereo"] is False
    assert params["remove_bond_stereo"] is False


# --- salts, hydrates and solvents --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("smiles", "parent", "removed"),
    [
        ("CNC(C)C(=O)c1ccc(C)cc1.Cl", MEPHEDRONE, ("Cl",)),  # mephedrone hydrochloride
        ("C[NH2+]C(C)C(=O)c1ccc(C)cc1.[Cl-]", MEPHEDRONE, ("[Cl-]",)),  # mephedrone HCl, ionic form
        ("Cl.CNC(C)C(=O)c1ccc(C)cc1.O", MEPHEDRONE, ("Cl", "O")),  # mephedrone HCl hydrate
        ("CNC(C)Cc1ccc2c(c1)OCO2.CCO", "CNC(C)Cc1ccc2c(c1)OCO2", ("CCO",)),  # MDMA ethanol solvate
        (
            "CC(N)Cc1ccccc1.CC(N)Cc1ccccc1.OS(=O)(=O)O",  # amphetamine sulfate (2:1)
            "CC(N)Cc1ccccc1",
            ("CC(N)Cc1ccccc1", "O=S(=O)(O)O"),
        ),
        ("OCCCC(=O)[O-].[Na+]", "O=C(O)CCCO", ("[Na+]",)),  # sodium oxybate -> GHB
        ("CC(C)CC(CN)CC(=O)O", "CC(C)CC(CN)CC(=O)O", ()),  # pregabalin, no salt
    ],
    ids=["hcl", "hcl-ionic", "hcl-hydrate", "ethanol-solvate", "sulfate-2to1", "sodium-salt", "no-salt"],
)
def test_salts_and_solvents_are_stripped(smiles, parent, removed):
    result = standardise_smiles(smiles)
    assert result.smiles == parent
    assert result.removed_fragments == removed


def test_mephedrone_hydrochloride_identity():
    result = standardise_smiles("CNC(C)C(=O)c1ccc(C)cc1.Cl")
    assert result.inchikey_nostereo == MEPHEDRONE_KEY
    assert result.formula == "C11H15NO"
    assert result.exact_mass == pytest.approx(177.115364, abs=1e-5)
    assert result.mol_weight == pytest.approx(177.247, abs=1e-3)
    assert result.neutralised is False
    assert result.has_stereo is False


# --- charges -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("smiles", "expected", "neutralised"),
    [
        ("C[NH2+]C(C)Cc1ccccc1", "CNC(C)Cc1ccccc1", True),  # protonated methamphetamine
        ("CC(=O)[O-]", "CC(=O)O", True),  # acetate -> acetic acid
        ("O=C([O-])CCCO", "O=C(O)CCCO", True),  # 4-hydroxybutanoate -> GHB
        ("C[N+](C)(C)CCc1ccccc1", "C[N+](C)(C)CCc1ccccc1", False),  # quaternary: stays charged
        ("C[N+](C)(C)CC(=O)[O-]", "C[N+](C)(C)CC(=O)[O-]", False),  # betaine zwitterion stays
        ("[N-]=[N+]=O", "[N-]=[N+]=O", False),  # nitrous oxide
    ],
    ids=["protonated-amine", "carboxylate", "ghb-anion", "quaternary", "zwitterion", "nitrous-oxide"],
)
def test_charges(smiles, expected, neutralised):
    result = standardise_smiles(smiles)
    assert result.smiles == expected
    assert result.neutralised is neutralised


def test_quaternary_salt_keeps_cation_and_drops_anion():
    result = standardise_smiles("C[N+](C)(C)CCc1ccccc1.[I-]")
    assert result.smiles == "C[N+](C)(C)CCc1ccccc1"
    assert result.removed_fragments == ("[I-]",)
    assert result.formula == "C11H18N+"


def test_nitro_group_is_normalised_not_neutralised():
    # isotonitazene written with a pentavalent nitro nitrogen
    result = standardise_smiles("CCN(CC)CCn1c(Cc2ccc(OC(C)C)cc2)nc2cc(N(=O)=O)ccc21")
    assert "[N+](=O)[O-]" in result.smiles
    assert result.formula == "C23H30N4O3"
    assert result.neutralised is False


# --- tautomers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Oc1ccccn1", "O=c1cccc[nH]1"),  # 2-hydroxypyridine / 2-pyridone
        ("CC(C)=O", "C=C(C)O"),  # acetone / prop-1-en-2-ol
        ("O=c1cc[nH]c(=O)[nH]1", "Oc1ccnc(O)n1"),  # uracil lactam / lactim
    ],
    ids=["2-pyridone", "keto-enol", "uracil"],
)
def test_tautomers_share_smiles_and_key(first, second):
    a, b = standardise_smiles(first), standardise_smiles(second)
    assert a.smiles == b.smiles
    assert a.inchikey == b.inchikey


def test_tautomer_step_can_be_skipped():
    with_step = standardise_smiles("Oc1ccccn1")
    without = standardise_smiles("Oc1ccccn1", tautomer=False)
    assert (with_step.smiles, with_step.tautomer_changed) == ("O=c1cccc[nH]1", True)
    assert (without.smiles, without.tautomer_changed) == ("Oc1ccccn1", False)


def test_tautomer_step_keeps_cathinone_stereocentre():
    # the alpha carbon of a cathinone is enolisable; the canonical tautomer must not erase its stereo
    result = standardise_smiles("CN[C@@H](C)C(=O)c1ccc(C)cc1")
    assert result.smiles == "CN[C@@H](C)C(=O)c1ccc(C)cc1"
    assert result.has_stereo is True
    assert result.inchikey_nostereo == MEPHEDRONE_KEY


# --- stereochemistry and isotopes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("smiles", "inchikey"),
    [
        ("CN[C@@H](C)Cc1ccccc1", "MYWUZJCMWCOHBA-VIFPVBQESA-N"),  # (S)-methamphetamine
        ("CN[C@H](C)Cc1ccccc1", "MYWUZJCMWCOHBA-SECBINFHSA-N"),  # (R)-methamphetamine
        ("CNC(C)Cc1ccccc1", METHAMPHETAMINE_KEY),  # racemic / unspecified
    ],
    ids=["S-methamphetamine", "R-methamphetamine", "unspecified"],
)
def test_stereo_in_full_key_not_in_identity_key(smiles, inchikey):
    result = standardise_smiles(smiles)
    assert result.smiles == Chem.MolToSmiles(Chem.MolFromSmiles(smiles))
    assert result.inchikey == inchikey
    assert result.inchikey_nostereo == METHAMPHETAMINE_KEY
    assert result.has_stereo is (inchikey != METHAMPHETAMINE_KEY)


def test_double_bond_isomers_share_identity_key():
    e, z = standardise_smiles("C/C=C/C"), standardise_smiles("C/C=C\\C")  # (E)- and (Z)-but-2-ene
    assert e.inchikey != z.inchikey
    assert e.inchikey_nostereo == z.inchikey_nostereo == "IAQRGUVFOMOMEM-UHFFFAOYSA-N"
    assert e.has_stereo and z.has_stereo


@pytest.mark.parametrize(
    "smiles",
    [
        "[2H]C([2H])([2H])NC(C)Cc1ccccc1",  # methamphetamine-d3
        "CN[13CH](C)Cc1ccccc1",  # methamphetamine-13C
    ],
    ids=["deuterated", "carbon-13"],
)
def test_isotopes_are_kept_and_change_identity(smiles):
    result = standardise_smiles(smiles)
    assert "[2H]" in result.smiles or "[13CH]" in result.smiles
    assert result.inchikey_nostereo != METHAMPHETAMINE_KEY
    assert result.inchikey_nostereo[:14] == METHAMPHETAMINE_KEY[:14]  # same skeleton
    assert result.exact_mass > standardise_smiles("CNC(C)Cc1ccccc1").exact_mass


# --- invalid input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("smiles", "code"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        (None, "empty"),
        ("not a smiles", "unparsable"),
        ("C1CC", "unparsable"),  # unclosed ring
        ("CC(", "unparsable"),
        ("C(C)(C)(C)(C)C", "sanitization"),  # pentavalent carbon
        ("c1cccc1", "sanitization"),  # cannot be kekulised
        ("C" * (MAX_HEAVY_ATOMS + 1), "too_large"),
        ("C" * (MAX_SMILES_LENGTH + 1), "too_large"),
        ("*C", "inchi_failed"),  # dummy atom: no InChI
    ],
    ids=[
        "empty",
        "blank",
        "none",
        "garbage",
        "unclosed-ring",
        "open-branch",
        "bad-valence",
        "kekulize",
        "too-many-atoms",
        "too-long",
        "dummy-atom",
    ],
)
def test_invalid_smiles_raise_with_code(smiles, code):
    with pytest.raises(InvalidStructure) as info:
        standardise_smiles(smiles)
    assert info.value.code == code
    assert info.value.reason
    assert isinstance(info.value, ValueError)


def test_bad_valence_reason_is_rdkits_message():
    with pytest.raises(InvalidStructure) as info:
        standardise_smiles("C(C)(C)(C)(C)C")
    assert info.value.reason == "Explicit valence for atom # 0 C, 5, is greater than permitted"
    assert info.value.input == "C(C)(C)(C)(C)C"


def test_syntax_error_reason_names_position():
    with pytest.raises(InvalidStructure) as info:
        standardise_smiles("CC(")
    assert info.value.reason == "syntax error while parsing: CC(; check for mistakes around position 3"


def test_rdkit_messages_do_not_leak_to_stderr(capfd):
    for smiles in ("C(C)(C)(C)(C)C", "c1cccc1", "CC(", "*C"):
        assert try_standardise_smiles(smiles) is None
    standardise_smiles("CN[C@@H](C)C(=O)c1ccc(C)cc1.Cl")
    captured = capfd.readouterr()
    assert captured.err == ""
    assert captured.out == ""


def test_long_input_is_truncated_in_error():
    with pytest.raises(InvalidStructure) as info:
        standardise_smiles("C" * 2000)
    assert len(info.value.input) == 500


@pytest.mark.parametrize("value", [42, b"CCO", ["CCO"]], ids=["int", "bytes", "list"])
def test_non_string_smiles_is_a_type_error(value):
    with pytest.raises(TypeError, match="smiles must be a str"):
        standardise_smiles(value)


def test_invalid_structure_rejects_unknown_code():
    with pytest.raises(ValueError, match="unknown InvalidStructure code"):
        InvalidStructure("x", reason="r", code="no-such-code")


def test_invalid_structure_pickles():
    error = InvalidStructure("C1CC", reason="unclosed ring", code="unparsable")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.input, copy.reason, copy.code) == ("C1CC", "unclosed ring", "unparsable")


def test_try_standardise_smiles():
    assert try_standardise_smiles("xyz") is None
    assert try_standardise_smiles("CCO").smiles == "CCO"


# --- molecules and MOL blocks ------------------------------------------------------------------------


def test_standardise_mol_does_not_mutate_input():
    mol = Chem.AddHs(Chem.MolFromSmiles("C[NH2+]C(C)C(=O)c1ccc(C)cc1.[Cl-]"))
    before = (Chem.MolToSmiles(mol), mol.GetNumAtoms())
    result = standardise_mol(mol)
    assert result.smiles == MEPHEDRONE
    assert (Chem.MolToSmiles(mol), mol.GetNumAtoms()) == before


def test_standardise_mol_sanitises_unsanitised_input():
    mol = Chem.MolFromSmiles("C(C)(C)(C)(C)C", sanitize=False)
    with pytest.raises(InvalidStructure) as info:
        standardise_mol(mol, source="row 7")
    assert (info.value.code, info.value.input) == ("sanitization", "row 7")


def test_standardise_mol_rejects_non_mol():
    with pytest.raises(TypeError, match="RDKit Mol"):
        standardise_mol("CCO")


@pytest.mark.parametrize(
    "smiles",
    [
        "CN[C@@H](C)Cc1ccccc1",  # (S)-methamphetamine
        "C/C=C/C",  # (E)-but-2-ene
        "CNC(C)C(=O)c1ccc(C)cc1.Cl",  # mephedrone hydrochloride
        "COC(=O)[C@H]1[C@@H](OC(=O)c2ccccc2)C[C@@H]2CC[C@H]1N2C",  # cocaine
        "[2H]C([2H])([2H])NC(C)Cc1ccccc1",  # methamphetamine-d3
    ],
    ids=["S-methamphetamine", "E-butene", "mephedrone-hcl", "cocaine", "deuterated"],
)
def test_molblock_round_trip_matches_smiles(smiles):
    block = Chem.MolToMolBlock(Chem.MolFromSmiles(smiles))
    assert standardise_molblock(block) == standardise_smiles(smiles)


def test_v3000_molblock():
    block = Chem.MolToV3KMolBlock(Chem.MolFromSmiles("CN[C@@H](C)Cc1ccccc1"))
    assert standardise_molblock(block).inchikey == "MYWUZJCMWCOHBA-VIFPVBQESA-N"


PENTAVALENT_MOLBLOCK = """pentavalent carbon
     RDKit          2D

  6  5  0  0  0  0  0  0  0  0999 V2000
    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    1.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
   -1.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    0.0000    1.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    0.0000   -1.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    0.5000    0.5000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
  1  2  1  0
  1  3  1  0
  1  4  1  0
  1  5  1  0
  1  6  1  0
M  END
"""

EMPTY_MOLBLOCK = """no atoms
     RDKit          2D

  0  0  0  0  0  0  0  0  0  0999 V2000
M  END
"""


@pytest.mark.parametrize(
    ("block", "code"),
    [
        ("", "empty"),
        ("garbage\nmore garbage\n", "unparsable"),
        (PENTAVALENT_MOLBLOCK, "sanitization"),
        (EMPTY_MOLBLOCK, "no_atoms"),
    ],
    ids=["empty", "garbage", "pentavalent", "no-atoms"],
)
def test_invalid_molblocks(block, code):
    with pytest.raises(InvalidStructure) as info:
        standardise_molblock(block)
    assert info.value.code == code


# --- cache -------------------------------------------------------------------------------------------


def test_cache_counts_hits_and_misses():
    cache = StandardiseCache(maxsize=10)
    first = cache.get("CNC(C)C(=O)c1ccc(C)cc1.Cl")
    second = cache.get("CNC(C)C(=O)c1ccc(C)cc1.Cl")
    assert first is second
    assert isinstance(first, StandardStructure)
    assert cache.stats == {"hits": 1, "misses": 1, "size": 1}


def test_cache_keeps_and_reraises_invalid_structures():
    cache = StandardiseCache()
    for _ in range(3):
        with pytest.raises(InvalidStructure) as info:
            cache.get("C(C)(C)(C)(C)C")
        assert info.value.code == "sanitization"
    assert cache.stats == {"hits": 2, "misses": 1, "size": 1}


def test_cache_evicts_least_recently_used():
    cache = StandardiseCache(maxsize=2)
    cache.get("C")
    cache.get("CC")
    cache.get("C")  # refresh "C"
    cache.get("CCC")  # evicts "CC"
    assert len(cache) == 2
    cache.get("C")
    cache.get("CC")
    assert cache.stats == {"hits": 2, "misses": 4, "size": 2}


def test_cache_respects_tautomer_option():
    assert StandardiseCache(tautomer=False).get("Oc1ccccn1").smiles == "Oc1ccccn1"
    assert StandardiseCache().get("Oc1ccccn1").smiles == "O=c1cccc[nH]1"


@pytest.mark.parametrize(
    "maxsize", [0, -1, "10", 2.5, True], ids=["zero", "negative", "str", "float", "bool"]
)
def test_cache_rejects_bad_maxsize(maxsize):
    with pytest.raises(ValueError, match="maxsize must be a positive int"):
        StandardiseCache(maxsize=maxsize)
