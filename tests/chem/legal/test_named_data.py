"""Data checks for the shipped legal rule files (chem/legal/rules/named, chem/legal/rules/lists).

Checks every file against the rule-file schema, parses every SMILES with RDKit and
compares the molecular formula, and pins a few cross-file legal facts.
"""

import datetime as dt
from pathlib import Path

import pytest
import yaml
from rdkit import Chem, RDLogger
from rdkit.Chem import rdMolDescriptors

RDLogger.DisableLog("rdApp.*")

RULES = Path(__file__).resolve().parents[3] / "chem" / "legal" / "rules"
NAMED = sorted((RULES / "named").glob("*.yaml"))
LISTS = [RULES / "lists" / "psa_exempt.yaml", RULES / "lists" / "not_psychoactive.yaml"]
FILES = NAMED + LISTS

KINDS = {"named", "tcdo", "psa_exempt", "not_psychoactive", "pending"}
CLASSES = {"A", "B", "C", "TCDO"}
TAGS = {"V", "P", "M", "I", "U"}
RANK = {t: i for i, t in enumerate("VPMIU")}  # higher = weaker
SCOPES = {"possession", "supply", "production", "import", "export", "possession_in_custodial_institution"}
FULL_SCOPE = ["possession", "supply", "production", "import", "export"]
TCDO_SCOPE = ["supply", "production", "import", "export"]


def _load(path):
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


DATA = {p: _load(p) for p in FILES}
IDS = [p.relative_to(RULES).as_posix() for p in FILES]


def _date(value):
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _key(smiles, stereo):
    mol = Chem.MolFromSmiles(smiles)
    assert mol is not None, smiles
    mol = Chem.Mol(mol)
    if not stereo:
        Chem.RemoveStereochemistry(mol)
    return Chem.MolToInchiKey(mol)


def _entries(kind=None):
    for path, doc in DATA.items():
        if kind and doc["kind"] != kind:
            continue
        for sub in doc["substances"]:
            yield path, doc, sub


def test_rule_files_exist():
    assert len(NAMED) >= 30
    for p in LISTS:
        assert p.exists(), p


def test_ids_unique():
    ids = [doc["id"] for doc in DATA.values()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_header(path):
    doc = DATA[path]
    for field in ("id", "kind", "instrument", "citation", "url", "in_force", "confidence", "source", "substances"):
        assert doc.get(field), f"{path.name}: missing {field}"
    assert "end" in doc
    assert doc["kind"] in KINDS
    assert doc["confidence"] in TAGS
    assert str(doc["url"]).startswith("https://")
    start, end = _date(doc["in_force"]), _date(doc["end"])
    assert isinstance(start, dt.date)
    if end is not None:
        assert start <= end
    if doc["kind"] in ("psa_exempt", "not_psychoactive"):
        assert "class" not in doc
        assert path.parent.name == "lists"
    else:
        assert doc["class"] in CLASSES
        assert path.parent.name == "named"
        assert (doc["class"] == "TCDO") == (doc["kind"] == "tcdo")
        scope = doc["offence_scope"]
        assert set(scope) <= SCOPES
        if doc["kind"] == "tcdo":
            assert scope == TCDO_SCOPE, "TCDOs do not create a possession offence (MDA s.2A)"
            assert end is not None, "every TCDO lapses or was replaced"
            assert end <= start.replace(year=start.year + 1), "a TCDO lasts at most one year"
        else:
            assert scope == FULL_SCOPE


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_entries(path):
    doc = DATA[path]
    start, end = _date(doc["in_force"]), _date(doc["end"])
    assert doc["substances"], path.name
    for sub in doc["substances"]:
        name = sub["name"]
        assert name and isinstance(name, str)
        assert isinstance(sub.get("synonyms", []), list)
        assert sub["confidence"] in TAGS, name
        assert isinstance(sub["stereo_specific"], bool), name
        mol = Chem.MolFromSmiles(sub["smiles"])
        assert mol is not None, f"{path.name}: {name}: unparsable SMILES"
        assert rdMolDescriptors.CalcMolFormula(mol) == sub["formula"], f"{path.name}: {name}"
        if sub["stereo_specific"]:
            assert Chem.FindMolChiralCenters(mol, includeUnassigned=True), name
            assert all(c != "?" for _, c in Chem.FindMolChiralCenters(mol, includeUnassigned=True)), name
        sub_end = _date(sub.get("end"))
        if sub_end is not None:
            assert start <= sub_end, name
            if end is not None:
                assert sub_end <= end, name
        if doc["kind"] in ("psa_exempt", "not_psychoactive"):
            assert sub.get("category") and sub.get("citation"), name


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_no_duplicate_substance_in_file(path):
    seen = {}
    for sub in DATA[path]["substances"]:
        key = _key(sub["smiles"], sub["stereo_specific"])
        assert key not in seen, f"{path.name}: {sub['name']} duplicates {seen.get(key)}"
        seen[key] = sub["name"]
        if not sub["stereo_specific"]:
            seen[_key(sub["smiles"], True)] = sub["name"]


def _named_status(name, on):
    """Classes of every named/tcdo entry called `name` in force on date `on`."""
    out = set()
    for _path, doc, sub in _entries():
        if doc["kind"] not in ("named", "tcdo") or sub["name"] != name:
            continue
        start = _date(doc["in_force"])
        stop = _date(sub.get("end")) or _date(doc["end"])
        if start <= on and (stop is None or on < stop):
            out.add(doc["class"])
    return out


def _by_key(smiles, stereo=False):
    want = _key(smiles, stereo)
    return [(p, d, s) for p, d, s in _entries() if _key(s["smiles"], stereo and s["stereo_specific"]) == want]


def test_cocaine_class_a():
    assert _named_status("cocaine", dt.date(2024, 1, 1)) == {"A"}


def test_mephedrone_name_removed_2011():
    hits = [(d, s) for _, d, s in _entries("named") if s["name"] == "mephedrone"]
    assert len(hits) == 1
    doc, sub = hits[0]
    assert doc["class"] == "B" and _date(doc["in_force"]) == dt.date(2010, 4, 16)
    assert _date(sub["end"]).year == 2011


def test_ketamine_c_then_b():
    assert _named_status("ketamine", dt.date(2010, 1, 1)) == {"C"}
    assert _named_status("ketamine", dt.date(2014, 6, 9)) == {"C"}
    assert _named_status("ketamine", dt.date(2014, 6, 10)) == {"B"}
    assert _named_status("ketamine", dt.date(2005, 1, 1)) == set()


def test_methylamphetamine_b_then_a():
    assert _named_status("methylamphetamine", dt.date(2000, 1, 1)) == {"B"}
    assert _named_status("methylamphetamine", dt.date(2008, 1, 1)) == {"A"}


def test_methylphenidate_analogues_tcdo_then_b():
    assert _named_status("ethylphenidate", dt.date(2015, 5, 1)) == {"TCDO"}
    assert _named_status("ethylphenidate", dt.date(2016, 12, 1)) == {"TCDO"}
    assert _named_status("ethylphenidate", dt.date(2017, 6, 1)) == {"B"}
    assert _named_status("ethylphenidate", dt.date(2015, 1, 1)) == set()
    # the TCDO chain has no gap
    for day in (
        dt.date(2015, 6, 26),
        dt.date(2015, 6, 27),
        dt.date(2016, 6, 26),
        dt.date(2016, 6, 27),
        dt.date(2017, 5, 30),
    ):
        assert _named_status("ethylphenidate", day) == {"TCDO"}, day


def test_methiopropamine_tcdo_then_b():
    for day in (dt.date(2015, 11, 27), dt.date(2016, 11, 26), dt.date(2016, 11, 27), dt.date(2017, 11, 26)):
        assert _named_status("methiopropamine", day) == {"TCDO"}, day
    assert _named_status("methiopropamine", dt.date(2017, 11, 27)) == {"B"}


def test_seven_tcdos():
    assert len([d for d in DATA.values() if d["kind"] == "tcdo"]) == 7


def test_stereo_levomethorphan_not_dextromethorphan():
    levo = "COc1ccc2c(c1)[C@@]13CCCC[C@H]1[C@@H](C2)N(C)CC3"
    dextro = "COc1ccc2c(c1)[C@]13CCCC[C@@H]1[C@H](C2)N(C)CC3"
    levo_hits = [d["class"] for p, d, s in _by_key(levo, stereo=True) if s["stereo_specific"] and d["kind"] == "named"]
    assert levo_hits == ["A"]
    dextro_hits = [(d["kind"], s["stereo_specific"]) for p, d, s in _by_key(dextro, stereo=True)]
    assert ("named", True) not in dextro_hits
    assert ("psa_exempt", True) in dextro_hits


def test_expected_named_classes():
    today = dt.date(2025, 6, 1)
    expected = {
        "phencyclidine": {"A"},
        "carfentanil": {"A"},
        "U-47,700": {"A"},
        "isotonitazene": {"A"},
        "brorphine": {"A"},
        "AP-237": {"A"},
        "etryptamine": {"A"},
        "amphetamine": {"B"},
        "ephenidine": {"B"},
        "Cumyl-PeGaClone": {"B"},
        "methiopropamine": {"B"},
        "O-desmethyltramadol": {"B"},
        "cathinone": {"C"},
        "pyrovalerone": {"C"},
        "diethylpropion": {"C"},
        "etizolam": {"C"},
        "flualprazolam": {"C"},
        "xylazine": {"C"},
        "pregabalin": {"C"},
        "phenazepam": {"C"},
        "mephedrone": set(),  # name removed in 2011; Class B via the 1(aa) generic, not by name
        "methoxetamine": set(),  # only the 2012 TCDO and then the 1(d) generic
    }
    for name, classes in expected.items():
        assert _named_status(name, today) == classes, name


def test_xylazine_not_before_2025():
    assert _named_status("xylazine", dt.date(2025, 1, 14)) == set()
    assert _named_status("xylazine", dt.date(2025, 1, 15)) == {"C"}


def test_pending_is_not_named():
    pend = [d for d in DATA.values() if d["kind"] == "pending"]
    assert pend and all(d["class"] == "B" for d in pend)
    hhc = _key("CCCCCc1cc(O)c2c(c1)OC(C)(C)C1CCC(C)CC21", False)
    for path, doc, sub in _entries():
        if _key(sub["smiles"], False) == hhc:
            assert doc["kind"] == "pending", path.name


def test_generic_only_substances_not_named():
    # captured by generic definitions only (uk-law.md §2): must not appear in a named file
    generic_only = {
        "MDMA": "CNC(C)Cc1ccc2OCOc2c1",
        "naphyrone": "CCCC(N1CCCC1)C(=O)c1ccc2ccccc2c1",
        "desoxypipradrol": "C1CCNC(C1)C(c1ccccc1)c1ccccc1",
        "methoxetamine": "CCNC1(CCCCC1=O)c1cccc(OC)c1",
    }
    for name, smi in generic_only.items():
        hits = [d["kind"] for _, d, _ in _by_key(smi)]
        assert "named" not in hits, name


def test_exempt_and_cutting_lists_are_not_controlled():
    controlled = {
        _key(s["smiles"], False)
        for _, d, s in _entries()
        if d["kind"] in ("named", "tcdo") and not s["stereo_specific"]
    }
    for kind in ("psa_exempt", "not_psychoactive"):
        for _, _, sub in _entries(kind):
            if not sub["stereo_specific"]:
                assert _key(sub["smiles"], False) not in controlled, sub["name"]
