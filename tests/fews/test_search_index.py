"""The substance search index is built from the substance table (reusing stored Morgan
fingerprints), kept in a file, and rebuilt only when substances were added."""

from __future__ import annotations

from chem.fingerprints import FP_VERSION, morgan_bits
from chem.standardise import standardise_smiles
from fews.db import session_scope
from fews.models import SubstanceFingerprint
from fews.search_index import build_substance_index, load_or_build
from fews.substances import SubstanceRegistry
from tests.builders import COCAINE, EUTYLONE, ISOTONITAZENE, MEPHEDRONE


def _add(runtime, *smiles: str) -> list[int]:
    reg = SubstanceRegistry()
    with session_scope(runtime.factory) as s:
        return [reg.ensure(s, standardise_smiles(smi)) for smi in smiles]


def test_index_answers_substructure_and_similarity_over_stored_substances(runtime):
    meph, eut, _coc = _add(runtime, MEPHEDRONE, EUTYLONE, COCAINE)
    with session_scope(runtime.factory) as s:
        s.add(SubstanceFingerprint(substance_id=meph, version=FP_VERSION, bits=morgan_bits(MEPHEDRONE)))
    with session_scope(runtime.factory) as s:
        index = build_substance_index(s)
    assert sorted(h.id for h in index.substructure("NCC(=O)c1ccccc1")) == sorted([meph, eut])
    assert index.similar(MEPHEDRONE, threshold=0.9)[0].id == meph


def test_persisted_index_is_reused_until_a_substance_is_added(runtime, tmp_path):
    _add(runtime, MEPHEDRONE, EUTYLONE)
    path = tmp_path / "search" / "substances.npz"
    with session_scope(runtime.factory) as s:
        first = load_or_build(s, path)
    stamp = path.stat().st_mtime_ns
    with session_scope(runtime.factory) as s:
        again = load_or_build(s, path)
    assert path.stat().st_mtime_ns == stamp and len(again) == len(first) == 2
    (iso,) = _add(runtime, ISOTONITAZENE)
    with session_scope(runtime.factory) as s:
        grown = load_or_build(s, path)
    assert len(grown) == 3 and [h.id for h in grown.substructure("[N+](=O)[O-]", smarts=True)] == [iso]
