"""The precomputed structures of the synonym table's substance targets (chem/data/synonym_structures.json)."""

import json
import logging
from dataclasses import replace
from importlib.resources import files

import rdkit

from chem import synonym_structures
from chem.names import SynonymTable
from chem.standardise import STANDARDISATION_VERSION, standardise_smiles

REGENERATE = "regenerate it with: python -m chem.synonym_structures"


def _targets(table: SynonymTable) -> list[str]:
    return sorted(table.substance_targets)


def _shipped() -> dict:
    path = files("chem").joinpath("data", synonym_structures.FILE_NAME)
    return json.loads(path.read_text(encoding="utf-8"))


def test_shipped_file_is_from_the_running_pipeline():
    # a pipeline change must come with a new file; an RDKit upgrade only makes the file unused (next test)
    assert _shipped()["standardisation_version"] == STANDARDISATION_VERSION, REGENERATE


def test_shipped_file_equals_a_fresh_standardisation_of_every_target():
    table = SynonymTable.default()
    loaded = synonym_structures.load()
    if _shipped()["rdkit_version"] != rdkit.__version__:
        # made by another RDKit: not used, every target is computed at run time instead
        assert loaded == {}
        return
    assert set(loaded) == set(_targets(table)), REGENERATE
    assert loaded == synonym_structures.compute(_targets(table)), REGENERATE


def test_the_file_renders_and_reads_back_to_the_same_structures(tmp_path):
    targets = ["CNC(C)C(=O)c1ccc(C)cc1", "CC(N)Cc1ccccc1", "Oc1ccccn1", "[Na+].OC(=O)CCCO"]
    structures = synonym_structures.compute(targets)
    assert synonym_structures.load(synonym_structures.render(structures)) == structures
    assert structures["[Na+].OC(=O)CCCO"].removed_fragments == ("[Na+]",)
    out = tmp_path / "structures.json"
    assert synonym_structures.main([str(out)]) == 0
    assert set(synonym_structures.load(out.read_text(encoding="utf-8"))) == set(_targets(SynonymTable.default()))


def test_a_file_from_other_versions_or_unreadable_is_ignored(caplog):
    structures = synonym_structures.compute(["CNC(C)C(=O)c1ccc(C)cc1"])
    data = json.loads(synonym_structures.render(structures))
    for key, other in (("standardisation_version", "1999.01-1"), ("rdkit_version", "2001.01.1")):
        assert synonym_structures.load(json.dumps(dict(data, **{key: other}))) == {}
    with caplog.at_level(logging.WARNING, logger="chem.synonym_structures"):
        assert synonym_structures.load("{not json") == {}
        assert synonym_structures.load(json.dumps({k: v for k, v in data.items() if k != "structures"})) == {}
    assert sum("ignoring synonym_structures.json" in r.getMessage() for r in caplog.records) == 2


def test_seeded_table_names_substances_exactly_as_an_unseeded_one():
    seeded = SynonymTable.default()
    fresh = SynonymTable(list(seeded))
    for target in _targets(seeded):
        key = standardise_smiles(target).inchikey_nostereo
        assert seeded.names_for(key) == fresh.names_for(key)
        assert seeded.structure_for(target) == fresh.structure_for(target)


def test_seed_keeps_only_targets_of_the_table():
    table = SynonymTable(list(SynonymTable.default())[:5])
    mephedrone = standardise_smiles("CNC(C)C(=O)c1ccc(C)cc1")
    # a structure under a key that is not a target is dropped; one under a target is used as given
    target = next(s.target for s in table if s.maps_to == "substance")
    marked = replace(mephedrone, formula="SEEDED")
    assert table.seed_structures({"not-a-target": mephedrone, target: marked}) == 1
    assert table.structure_for(target).formula == "SEEDED"
