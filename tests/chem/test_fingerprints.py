"""Packed Morgan fingerprints, bulk Tanimoto and generic scaffolds (chem/fingerprints.py)."""

from __future__ import annotations

import numpy as np
import pytest
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

from chem.errors import InvalidStructure
from chem.fingerprints import (
    FP_BYTES,
    FP_VERSION,
    generic_scaffold,
    morgan_bits,
    morgan_bits_many,
    pack_many,
    popcounts,
    scaffold_ring_count,
    tanimoto_many,
)

NPS = [
    "CNC(C)C(=O)c1ccc(C)cc1",  # mephedrone
    "CCNC(CC)C(=O)c1ccc2c(c1)OCO2",  # eutylone
    "CCN(CC)CCn1c(Cc2ccc(OC(C)C)cc2)nc2cc([N+](=O)[O-])ccc21",  # isotonitazene
    "CCCCn1nc(C(=O)N[C@H](C(N)=O)C(C)(C)C)c2ccccc21",  # ADB-BUTINACA
    "O=C(C1CC1)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1",  # cyclopropylfentanyl
    "Cc1nnc2n1-c1ccc(Br)cc1C(c1ccccc1)=NC2",  # bromazolam
    "OCCCC(=O)O",  # GHB
]


def _rdkit_bv(smiles: str) -> DataStructs.ExplicitBitVect:
    return rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048).GetFingerprint(Chem.MolFromSmiles(smiles))


def test_bits_are_the_rdkit_morgan_bits_packed_msb_first():
    bits = morgan_bits(NPS[0])
    assert len(bits) == FP_BYTES
    on = np.flatnonzero(np.unpackbits(np.frombuffer(bits, dtype=np.uint8)))
    assert on.tolist() == list(_rdkit_bv(NPS[0]).GetOnBits())


def test_mol_and_smiles_give_the_same_bits_and_the_mol_is_not_changed():
    mol = Chem.MolFromSmiles(NPS[2])
    before = Chem.MolToSmiles(mol)
    assert morgan_bits(mol) == morgan_bits(NPS[2])
    assert Chem.MolToSmiles(mol) == before


def test_tanimoto_many_matches_rdkit_bulk_tanimoto():
    packed = morgan_bits_many(NPS)
    for smi in NPS:
        ours = tanimoto_many(morgan_bits(smi), packed)
        ref = DataStructs.BulkTanimotoSimilarity(_rdkit_bv(smi), [_rdkit_bv(s) for s in NPS])
        np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-12)


def test_tanimoto_many_with_precomputed_counts_and_empty_inputs():
    packed = morgan_bits_many(NPS)
    q = morgan_bits(NPS[1])
    np.testing.assert_array_equal(tanimoto_many(q, packed, counts=popcounts(packed)), tanimoto_many(q, packed))
    assert tanimoto_many(q, pack_many([])).shape == (0,)
    empty = bytes(FP_BYTES)
    assert tanimoto_many(empty, pack_many([empty])).tolist() == [0.0]  # as RDKit: two empty vectors score 0


@pytest.mark.parametrize(
    ("query", "packed", "message"),
    [
        (b"\x00" * 10, np.zeros((1, FP_BYTES), dtype=np.uint8), "query fingerprint has 10 bytes"),
        (bytes(FP_BYTES), np.zeros((1, 128), dtype=np.uint8), "must have 256 columns"),
        (bytes(FP_BYTES), np.zeros((1, FP_BYTES), dtype=np.int32), "2-d uint8 array"),
        (bytes(FP_BYTES), np.zeros(FP_BYTES, dtype=np.uint8), "2-d uint8 array"),
    ],
    ids=["short-query", "wrong-width", "wrong-dtype", "one-dimensional"],
)
def test_tanimoto_many_refuses_wrong_shapes(query, packed, message):
    with pytest.raises(ValueError, match=message):
        tanimoto_many(query, packed)


def test_pack_many_refuses_a_short_fingerprint():
    with pytest.raises(ValueError, match="fingerprint 1 has 3 bytes"):
        pack_many([morgan_bits(NPS[0]), b"abc"])


@pytest.mark.parametrize(
    ("smiles", "scaffold"),
    [
        ("CCNC(CC)C(=O)c1ccc2c(c1)OCO2", "C1CCC2CCCC2C1"),  # eutylone: benzodioxole
        ("CNC(C)C(=O)c1ccc(C)cc1", "C1CCCCC1"),  # mephedrone: benzene
        ("CCCCC(N1CCCC1)C(=O)c1ccccc1", "C1CCC(CCC2CCCC2)CC1"),  # alpha-PHP: ring-linker-ring
        ("Cc1nnc2n1-c1ccc(Br)cc1C(c1ccccc1)=NC2", "C1CCC(C2CCC3CCCC3C3CCCCC23)CC1"),  # bromazolam
        ("OCCCC(=O)O", None),  # GHB: acyclic
    ],
    ids=["eutylone", "mephedrone", "alpha-PHP", "bromazolam", "GHB"],
)
def test_generic_scaffold(smiles, scaffold):
    assert generic_scaffold(smiles) == scaffold


def test_generic_scaffold_is_the_same_for_analogues_differing_only_in_substituents():
    etonitazene = generic_scaffold("CCN(CC)CCn1c(Cc2ccc(OCC)cc2)nc2cc([N+](=O)[O-])ccc21")
    metonitazene = generic_scaffold("CCN(CC)CCn1c(Cc2ccc(OC)cc2)nc2cc(C#N)ccc21")
    assert etonitazene == metonitazene
    assert scaffold_ring_count(etonitazene) == 3


@pytest.mark.parametrize(
    ("bad", "code"),
    [("", "empty"), ("   ", "empty"), ("C1CC", "unparsable"), ("C(C)(C)(C)(C)C", "unparsable")],
    ids=["empty", "blank", "unclosed-ring", "pentavalent-carbon"],
)
def test_bad_input_raises_invalid_structure_with_a_reason(bad, code):
    with pytest.raises(InvalidStructure) as err:
        morgan_bits(bad)
    assert err.value.code == code
    assert err.value.reason
    with pytest.raises(InvalidStructure):
        generic_scaffold(bad)


def test_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="got int"):
        morgan_bits(42)  # type: ignore[arg-type]


def test_version_names_the_recipe():
    assert "r2" in FP_VERSION and "2048" in FP_VERSION
