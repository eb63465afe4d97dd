"""chem.search: the fingerprint screen never loses a match; answers equal brute-force RDKit."""

from __future__ import annotations

import numpy as np
import pytest
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

from chem.errors import InvalidStructure
from chem.search import INDEX_VERSION, StructureIndex, parse_query
from fews.bench.classify import distinct_structures

STRUCTURES = distinct_structures(400) + [
    "CNC(C)C(=O)c1ccc2c(c1)OCO2",  # methylone
    "C[C@H](N)Cc1ccccc1",  # dexamfetamine (stereo)
    "C[N+](C)(C)CCO",  # choline (charged)
    "CCN(CC)C(=O)[C@H]1C=C2c3cccc4[nH]cc(c34)C[C@@H]2N(C)C1",  # LSD
]


@pytest.fixture(scope="module")
def index() -> StructureIndex:
    return StructureIndex.build(enumerate(STRUCTURES, start=1))


@pytest.fixture(scope="module")
def mols() -> list:
    return [Chem.MolFromSmiles(s) for s in STRUCTURES]


@pytest.mark.parametrize(
    ("query", "smarts"),
    [
        ("NC(C)C(=O)c1ccccc1", False),  # cathinone core
        ("NCCc1c[nH]c2ccccc12", False),  # tryptamine
        ("c1ccc2c(c1)OCO2", False),  # methylenedioxy
        ("[N+](=O)[O-]", True),  # nitro (charges; as SMILES the bare fragment would be a radical)
        ("[#6]-[#7;X3]-[#6](-[#6])-[#6](=O)-c1ccccc1", True),  # N-alkyl cathinone
        ("[r4]", True),  # four-membered ring atom (ring sizes must survive the trusted read)
        ("[R2]", True),  # atom in two rings
        ("[NX4+]", True),  # quaternary ammonium
        ("c1ccccc1", False),  # benzene: the screen passes almost everything
        ("CCCCCCCCCC", False),  # no hit
    ],
    ids=["cathinone", "tryptamine", "methylenedioxy", "nitro", "smarts-n-alkyl", "ring-size", "ring-count",
         "quaternary", "benzene", "no-hit"],
)  # fmt: skip
def test_substructure_equals_brute_force(index, mols, query, smarts):
    qmol = parse_query(query, smarts=smarts)
    expected = StructureIndex.brute_force_substructure(mols, list(range(1, len(mols) + 1)), qmol)
    assert [h.id for h in index.substructure(query, smarts=smarts)] == expected


def test_screen_prunes_selective_queries(index):
    assert len(index.screen(parse_query("c1ccc2c(c1)OCO2"))) < len(index) / 10


def test_substructure_limit_stops_early(index):
    assert len(index.substructure("c1ccccc1", limit=5)) == 5


def test_chirality_is_used_only_when_asked(index):
    query = "C[C@@H](N)Cc1ccccc1"  # levamfetamine: the index holds the other enantiomer
    assert 402 in [h.id for h in index.substructure(query)]
    assert 402 not in [h.id for h in index.substructure(query, use_chirality=True)]


def test_similarity_equals_rdkit_bulk_tanimoto(index, mols):
    gen = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    fps = [gen.GetFingerprint(m) for m in mols]
    query = "CCNC(C)C(=O)c1ccc(C)cc1"
    scores = DataStructs.BulkTanimotoSimilarity(gen.GetFingerprint(Chem.MolFromSmiles(query)), fps)
    expected = sorted((i + 1 for i, s in enumerate(scores) if s >= 0.35), key=lambda i: (-scores[i - 1], i))
    hits = index.similar(query, threshold=0.35, top=None)
    assert [h.id for h in hits] == expected
    assert [round(h.score, 6) for h in hits] == [round(scores[i - 1], 6) for i in expected]
    assert [h.id for h in index.similar(query, threshold=0.35, top=3)] == expected[:3]


def test_save_and_load_round_trip(index, tmp_path):
    path = tmp_path / "index.npz"
    index.save(path)
    again = StructureIndex.load(path)
    assert np.array_equal(again.ids, index.ids) and again.smiles(0) == index.smiles(0)
    assert [h.id for h in again.substructure("NCCc1c[nH]c2ccccc12")] == [
        h.id for h in index.substructure("NCCc1c[nH]c2ccccc12")
    ]


def test_load_refuses_another_version(index, tmp_path):
    path = tmp_path / "old.npz"
    np.savez(path, version=np.array("pattern-1024-v0"), ids=index.ids)
    with pytest.raises(ValueError, match=INDEX_VERSION.split("/")[0]):
        StructureIndex.load(path)


@pytest.mark.parametrize("bad", ["", "C1CC", "not a smiles"], ids=["empty", "unclosed-ring", "garbage"])
def test_bad_queries_raise_invalid_structure(index, bad):
    with pytest.raises(InvalidStructure):
        index.substructure(bad)


def test_bad_threshold_is_refused(index):
    with pytest.raises(ValueError, match="threshold"):
        index.similar("CCO", threshold=1.5)


def test_unreadable_structure_is_refused_at_build():
    with pytest.raises(InvalidStructure, match="structure 7"):
        StructureIndex.build([(7, "C1CC")])
