"""Tests for fews.vocab: the shipped vocabularies and their loader."""

from collections import Counter
from pathlib import Path

import pytest

from fews.vocab import UK, Term, Vocabulary, jurisdiction_of, load, load_file, names, normalise
from fews.vocab.loader import DATA_DIR, JURISDICTION_VOCABULARIES, REQUIRED_COLUMNS

EXPECTED_NAMES = {
    "nations",
    "regions",
    "local_authorities",
    "places",
    "police_force_areas",
    "agencies",
    "seizure_contexts",
    "care_settings",
    "severities",
    "reporter_roles",
    "component_roles",
    "identification_levels",
    "toxicology_statuses",
    "product_forms",
    "vulnerable_groups",
    "effects",
    "intel_streams",
    "source_evaluations",
    "intelligence_assessments",
    "handling_codes",
    "psychoactivity_results",
}
NATIONS = {"england", "wales", "scotland", "northern_ireland"}


def write_vocab(tmp_path: Path, body: str, name: str = "bad.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


# --- every shipped vocabulary -------------------------------------------------


def test_names_lists_every_shipped_vocabulary():
    assert set(names()) == EXPECTED_NAMES
    assert names() == sorted(names())


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_vocabulary_loads_with_unique_codes_and_a_source(name):
    vocab = load(name)
    assert isinstance(vocab, Vocabulary)
    assert vocab.name == name
    assert len(vocab) > 0
    codes = [term.code for term in vocab]
    assert len(codes) == len(set(codes)) == len(vocab.codes())
    assert vocab.source, f"{name}.csv has no '# source:' line"
    assert vocab.licence, f"{name}.csv has no '# licence:' line"
    assert name in (DATA_DIR / "SOURCES.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_every_term_resolves_by_its_code_label_and_aliases(name):
    vocab = load(name)
    for term in vocab:
        for text in (term.code, term.label, *term.aliases, term.label.upper(), f"  {term.label} "):
            assert vocab.lookup(text) is term, (name, text)


def test_load_is_cached():
    assert load("nations") is load("nations")


def test_load_unknown_name():
    with pytest.raises(ValueError, match="unknown vocabulary 'atlantis'"):
        load("atlantis")


# --- contents -------------------------------------------------------------------


def test_seizure_contexts_are_exactly_the_design_set():
    contexts = load("seizure_contexts")
    assert contexts.codes() == {
        "border_postal",
        "border_freight",
        "border_passenger",
        "inland",
        "prison",
        "online",
    }
    assert {t.code for t in contexts if t.attrs["is_border"] == "true"} == {
        "border_postal",
        "border_freight",
        "border_passenger",
    }
    assert {t.attrs["is_border"] for t in contexts} == {"true", "false"}


def test_nations_have_ons_codes():
    nations = load("nations")
    assert nations.codes() == NATIONS
    assert {t.code: t.attrs["ons_code"] for t in nations} == {
        "england": "E92000001",
        "wales": "W92000004",
        "scotland": "S92000003",
        "northern_ireland": "N92000002",
    }


def test_regions_are_nine_english_regions_plus_devolved_nations():
    regions = load("regions")
    english = [t for t in regions if t.attrs["nation"] == "england"]
    assert sorted(t.attrs["ons_code"] for t in english) == [f"E1200000{i}" for i in range(1, 10)]
    assert {t.code for t in regions if t.attrs["nation"] != "england"} == NATIONS - {"england"}
    assert regions.lookup("East").code == "east_of_england"


def test_local_authority_counts_per_nation_and_type():
    """361 live ONS districts (CHD July 2024): England 296, Wales 22, Scotland 32, NI 11."""
    lads = load("local_authorities")
    assert len(lads) == 361
    assert Counter(t.attrs["nation"] for t in lads) == {
        "england": 296,
        "wales": 22,
        "scotland": 32,
        "northern_ireland": 11,
    }
    assert Counter(t.code[:3] for t in lads) == {
        "E06": 63,
        "E07": 164,
        "E08": 36,
        "E09": 33,
        "W06": 22,
        "S12": 32,
        "N09": 11,
    }


def test_local_authority_regions_and_nations_are_consistent():
    regions = load("regions")
    prefix_nation = {"E": "england", "W": "wales", "S": "scotland", "N": "northern_ireland"}
    for lad in load("local_authorities"):
        assert lad.attrs["nation"] == prefix_nation[lad.code[0]], lad
        region = regions[lad.attrs["region"]]
        assert region.attrs["nation"] == lad.attrs["nation"], lad
        assert bool(lad.attrs["county"]) == lad.code.startswith("E07"), lad


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Glasgow", "S12000049"),
        ("Hull", "E06000010"),
        ("Kingston upon Hull, City of", "E06000010"),
        ("Bristol", "E06000023"),
        ("St Helens", "E08000013"),
        ("Saint Helens", "E08000013"),
        ("Kings Lynn & West Norfolk", "E07000146"),
        ("Stockton on Tees", "E06000004"),
        ("Western Isles", "S12000013"),
        ("Ynys Mon", "W06000001"),
        ("Shepway", "E07000112"),
        ("Derry", "N09000005"),
        ("e09000033", "E09000033"),
    ],
    ids=lambda value: value,
)
def test_local_authority_aliases(text, code):
    assert load("local_authorities").lookup(text).code == code


def test_places_point_at_real_districts_in_the_same_region():
    lads = load("local_authorities")
    regions = load("regions")
    places = load("places")
    for place in places:
        region = regions[place.attrs["region"]]
        assert region.attrs["nation"] == place.attrs["nation"], place
        if place.attrs["lad_code"]:
            lad = lads[place.attrs["lad_code"]]
            assert lad.attrs["region"] == place.attrs["region"], (place, lad)
    assert places.lookup("Felixstowe").attrs["lad_code"] == "E07000244"
    assert places.lookup("Greater London").attrs["region"] == "london"


def test_police_force_areas():
    forces = load("police_force_areas")
    territorial = [t for t in forces if t.attrs["kind"] == "territorial"]
    assert Counter(t.attrs["nation"] for t in territorial) == {
        "england": 39,
        "wales": 4,
        "scotland": 1,
        "northern_ireland": 1,
    }
    assert [t.code for t in forces if t.attrs["kind"] == "special"] == ["british_transport_police"]
    assert forces.lookup("Met").label == "Metropolitan Police Service"
    assert forces.lookup("GMP").label == "Greater Manchester Police"
    assert forces.lookup("PSNI").code == "psni"
    assert forces.lookup("Dyfed Powys Police").code == "dyfed_powys"


def test_agencies_include_every_police_force():
    agencies = load("agencies")
    forces = load("police_force_areas")
    police = {t.code for t in agencies if t.attrs["kind"] == "police"}
    assert police == forces.codes()
    assert agencies.lookup("NCA").attrs["kind"] == "nca"
    assert agencies.lookup("Border Force").attrs["kind"] == "border"
    assert agencies.lookup("HMPPS").attrs["kind"] == "prison"


def test_severity_weights_double_with_rank():
    severities = load("severities")
    assert [t.code for t in sorted(severities, key=lambda t: int(t.attrs["rank"]))] == [
        "mild",
        "moderate",
        "severe",
        "fatal",
    ]
    assert {t.code: int(t.attrs["weight"]) for t in severities} == {
        "mild": 1,
        "moderate": 2,
        "severe": 4,
        "fatal": 8,
    }


def test_identification_levels_rank_crm_strongest():
    levels = load("identification_levels")
    ranks = {t.code: int(t.attrs["rank"]) for t in levels}
    assert ranks == {
        "confirmed_crm": 4,
        "confirmed_two_techniques": 3,
        "tentative_library": 2,
        "presumptive": 1,
    }


def test_police_grading_3x5x2():
    assert load("source_evaluations").codes() == {"1", "2", "3"}
    assert load("intelligence_assessments").codes() == set("ABCDE")
    assert load("handling_codes").codes() == {"P", "C"}


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("seizure_contexts", "Fast Parcel", "border_postal"),
        ("seizure_contexts", "dark-web", "online"),
        ("seizure_contexts", "custody", "prison"),
        ("care_settings", "A & E", "emergency_department"),
        ("care_settings", "drug service", "drug_treatment"),
        ("component_roles", "cutting agent", "adulterant"),
        ("product_forms", "Blotter", "paper"),
        ("product_forms", "vape", "e_liquid"),
        ("effects", "serotonin syndrome", "serotonin_toxicity"),
        ("intel_streams", "cryptomarket", "online_market"),
    ],
)
def test_alias_lookup(name, text, code):
    assert load(name).lookup(text).code == code


# --- lookup semantics -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("St. Albans", "st albans"),
        ("ST ALBANS", "st albans"),
        ("Saint Albans", "st albans"),
        ("Brighton & Hove", "brighton and hove"),
        ("Stockton-on-Tees", "stockton on tees"),
        ("King’s Lynn", "kings lynn"),
        ("The Vale of Glamorgan", "vale of glamorgan"),
        ("  Newry,  Mourne and Down ", "newry mourne and down"),
        ("Ynys Môn", "ynys mon"),
        (" - ", ""),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize("text", [None, "", "   ", "--", "Atlantis"])
def test_lookup_of_blank_or_unknown_is_none(text):
    vocab = load("regions")
    assert vocab.lookup(text) is None
    assert text not in vocab


def test_lookup_rejects_non_strings():
    with pytest.raises(TypeError, match="got int"):
        load("regions").lookup(5)
    assert 5 not in load("regions")


def test_getitem_is_exact_code():
    regions = load("regions")
    assert regions["london"].label == "London"
    with pytest.raises(KeyError, match="'London' is not a code of vocabulary 'regions'"):
        regions["London"]


def test_term_attrs_are_read_only():
    term = load("nations")["wales"]
    with pytest.raises(TypeError):
        term.attrs["ons_code"] = "X"  # type: ignore[index]
    assert hash(term) == hash(load("nations")["wales"])


# --- jurisdiction_of ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "nation"),
    [
        ("North West", "england"),
        ("Wales", "wales"),
        ("Glasgow City", "scotland"),
        ("Cardiff", "wales"),
        ("Felixstowe", "england"),
        ("London", "england"),
        ("Greater London", "england"),
        ("Yorkshire & the Humber", "england"),
        ("Scotland", "scotland"),
        ("NI", "northern_ireland"),
        ("Belfast", "northern_ireland"),
        ("N92000002", "northern_ireland"),
        ("W06000015", "wales"),
        ("Heathrow", "england"),
        ("Holyhead", "wales"),
        ("Kent", "england"),
        ("Metropolitan Police Service", "england"),
        ("Police Scotland", "scotland"),
        ("Dyfed-Powys Police", "wales"),
        ("PSNI", "northern_ireland"),
        ("UK", UK),
        ("United Kingdom", UK),
    ],
    ids=lambda value: value,
)
def test_jurisdiction_of(text, nation):
    assert jurisdiction_of(text) == nation


@pytest.mark.parametrize("text", ["Atlantis", None, "", "  ", "British Transport Police", "Great Britain"])
def test_jurisdiction_of_unknown_or_multi_nation_is_none(text):
    assert jurisdiction_of(text) is None


def test_jurisdiction_of_rejects_non_strings():
    with pytest.raises(TypeError):
        jurisdiction_of(42)  # type: ignore[arg-type]


def test_jurisdiction_vocabularies_agree_on_every_name():
    """A name found in several geographic vocabularies always means the same nation."""
    nation_of: dict[str, tuple[str, str]] = {}
    for name in JURISDICTION_VOCABULARIES:
        for term in load(name):
            nation = term.code if name == "nations" else term.attrs["nation"]
            for text in term.keys():
                key = normalise(text)
                first = nation_of.setdefault(key, (name, nation))
                assert first[1] == nation, (key, first, (name, nation))
                if nation:
                    assert jurisdiction_of(text) == nation, (name, text)


# --- loader validation --------------------------------------------------------------


def test_load_file_reads_metadata_and_attrs(tmp_path):
    path = write_vocab(
        tmp_path,
        "# source: test data\n# licence: CC0\n"
        "code,label,aliases,colour\nred,Red,rouge|rot,warm\nblue,Blue,,cold\n",
        name="colours.csv",
    )
    vocab = load_file(path)
    assert vocab.name == "colours"
    assert (vocab.source, vocab.licence) == ("test data", "CC0")
    assert vocab.lookup("ROT") == Term("red", "Red", ("rouge", "rot"), {"colour": "warm"})
    assert vocab["blue"].aliases == ()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("code,label\nred,Red\n", r"line 1: missing required column\(s\) aliases"),
        ("code,label,aliases,label\nred,Red,,x\n", r"line 1: duplicate column\(s\) label"),
        (
            "code,label,aliases\nred,Red,\nred,Rouge,\n",
            r"line 3 \(row 2\): duplicate code 'red' \(first on line 2\)",
        ),
        (
            "code,label,aliases\nred,Red,scarlet\ncrimson,Crimson,Scarlet\n",
            r"line 3 \(row 2\): 'Scarlet' of 'crimson' clashes with 'red' on line 2",
        ),
        ("code,label,aliases\nst_a,St Albans,\nsaint_a,Saint Albans,\n", r"line 3 .*clashes with 'st_a'"),
        ("code,label,aliases\nred,Red,,extra\n", r"line 2 \(row 1\): 4 fields, but the header has 3"),
        ("code,label,aliases\n,Red,\n", r"line 2 \(row 1\): code '' must be"),
        ("code,label,aliases\nbad code,Red,\n", r"code 'bad code' must be"),
        ("code,label,aliases\nred,,\n", r"empty label for code 'red'"),
        ("code,label,aliases\nred,Red,a||b\n", r"empty alias in 'a\|\|b'"),
        ("code,label,aliases\nred,Red,--\n", r"'--' of 'red' has no letters or digits"),
        ("code,label,aliases\n", r"no terms after the header on line 1"),
        ("# only a comment\n", r"no header row"),
        ('code,label,aliases\nred,"Red\n', r"line 2: unexpected end of data"),
        ('code,label,aliases\nred,Red,\n"a"b,x,\n', r"line 3: ',' expected after"),
    ],
    ids=[
        "missing-column",
        "duplicate-column",
        "duplicate-code",
        "alias-clash",
        "saint-clash",
        "too-many-fields",
        "empty-code",
        "code-with-space",
        "empty-label",
        "empty-alias",
        "alias-without-letters",
        "no-terms",
        "no-header",
        "unterminated-quote",
        "stray-quote",
    ],
)
def test_load_file_rejects_bad_data_naming_file_and_line(tmp_path, body, message):
    path = write_vocab(tmp_path, body)
    with pytest.raises(ValueError, match=message) as excinfo:
        load_file(path)
    assert "bad.csv" in str(excinfo.value)


def test_load_file_counts_comment_lines_in_line_numbers(tmp_path):
    path = write_vocab(tmp_path, "# source: x\n\ncode,label,aliases\nred,Red,\nred,Red again,\n")
    with pytest.raises(
        ValueError, match=r"bad\.csv: line 5 \(row 2\): duplicate code 'red' \(first on line 4\)"
    ):
        load_file(path)


def test_load_file_rejects_non_utf8(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("code,label,aliases\nmon,Ynys Môn,\n".encode("latin-1"))
    with pytest.raises(ValueError, match="latin1.csv: cannot read"):
        load_file(path)


def test_load_file_missing_file(tmp_path):
    with pytest.raises(ValueError, match="missing.csv: cannot read"):
        load_file(tmp_path / "missing.csv")


def test_vocabulary_constructor_rejects_clashes():
    with pytest.raises(ValueError, match="'A&E' of 'b' clashes with 'a'"):
        Vocabulary("demo", [Term("a", "A and E"), Term("b", "A&E")])
    with pytest.raises(ValueError, match="duplicate code 'a'"):
        Vocabulary("demo", [Term("a", "One"), Term("a", "Two")])


def test_required_columns_are_in_every_shipped_file():
    for name in names():
        header_line = next(
            line
            for line in (DATA_DIR / f"{name}.csv").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")
        )
        assert header_line.split(",")[: len(REQUIRED_COLUMNS)] == list(REQUIRED_COLUMNS), name
