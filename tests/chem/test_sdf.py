"""Tests for chem.sdf: streaming SDF records, malformed blocks kept with their error."""

import io

import pytest
from rdkit import Chem

from chem.sdf import SdfRecord, iter_sdf


def _molblock(smiles: str, title: str = "") -> str:
    block = Chem.MolToMolBlock(Chem.MolFromSmiles(smiles))
    return title + block[block.index("\n") :]  # replace RDKit's empty title line


def _record(smiles: str, title: str = "", **properties: str) -> str:
    items = "".join(f"> <{name}>\n{value}\n\n" for name, value in properties.items())
    return _molblock(smiles, title) + items + "$$$$\n"


MALFORMED = "not a molecule\nthis block has no counts line\nand no end\n$$$$\n"

PENTAVALENT = """pentavalent carbon
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
> <SAMPLE_ID>
S-9

$$$$
"""


def _sdf(*records: str) -> io.StringIO:
    return io.StringIO("".join(records))


def test_malformed_block_in_the_middle_is_kept_with_error():
    text = _sdf(
        _record("CNC(C)C(=O)c1ccc(C)cc1.Cl", "mephedrone HCl", SAMPLE_ID="S-1"),  # mephedrone hydrochloride
        MALFORMED,
        _record("CCN(CC)CCn1c(Cc2ccc(OC(C)C)cc2)nc2cc([N+](=O)[O-])ccc21", "isotonitazene", SAMPLE_ID="S-3"),
    )
    records = list(iter_sdf(text))
    assert [r.index for r in records] == [1, 2, 3]
    assert [r.ok for r in records] == [True, False, True]
    first, bad, last = records
    assert first.structure.smiles == "CNC(C)C(=O)c1ccc(C)cc1"
    assert first.properties == {"_Name": "mephedrone HCl", "SAMPLE_ID": "S-1"}
    assert bad.structure is None
    assert bad.error.code == "unparsable"
    assert "no 'M  END' line" in bad.error.reason
    assert bad.properties == {"_Name": "not a molecule"}
    assert last.structure.formula == "C23H30N4O3"
    assert last.properties["SAMPLE_ID"] == "S-3"


def test_chemically_invalid_record_keeps_properties():
    (record,) = iter_sdf(_sdf(PENTAVALENT))
    assert record.error.code == "sanitization"
    assert "Explicit valence" in record.error.reason
    assert record.properties == {"_Name": "pentavalent carbon", "SAMPLE_ID": "S-9"}
    assert record.molblock.endswith("M  END\n")


def test_multiline_and_unbracketed_data_items():
    text = _molblock("CCO") + "> 1 <NOTES>\nline one\nline two\n\n> DT12\nold style\n\n$$$$\n"
    (record,) = iter_sdf(io.StringIO(text))
    assert record.properties == {"NOTES": "line one\nline two", "DT12": "old style"}


def test_empty_title_is_not_a_property():
    (record,) = iter_sdf(_sdf(_record("CCO")))
    assert "_Name" not in record.properties


def test_last_record_without_terminator_is_read():
    text = _record("CCO", "ethanol") + _molblock("CO", "methanol")
    records = list(iter_sdf(io.StringIO(text)))
    assert [r.properties.get("_Name") for r in records] == ["ethanol", "methanol"]
    assert records[1].structure.smiles == "CO"


def test_trailing_blank_lines_are_not_a_record():
    records = list(iter_sdf(io.StringIO(_record("CCO") + "\n\n  \n")))
    assert len(records) == 1


def test_empty_block_between_terminators_is_a_record():
    records = list(iter_sdf(_sdf(_record("CCO"), "\n$$$$\n", _record("CO"))))
    assert [r.error.code if r.error else "ok" for r in records] == ["ok", "empty", "ok"]


def test_empty_source_has_no_records():
    assert list(iter_sdf(io.StringIO(""))) == []


def test_line_numbers_point_at_record_starts():
    first = _record("CCO", "ethanol")
    records = list(iter_sdf(_sdf(first, MALFORMED)))
    assert records[0].line == 1
    assert records[1].line == first.count("\n") + 1


def test_reads_path_with_crlf_and_cp1252_bytes(tmp_path):
    text = _record("CN[C@@H](C)Cc1ccccc1", "S-methamphetamine", LAB="Caf\u00e9 lab")
    path = tmp_path / "windows.sdf"
    path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    (record,) = iter_sdf(path)
    assert record.properties == {"_Name": "S-methamphetamine", "LAB": "Caf\u00e9 lab"}
    assert record.structure.inchikey == "MYWUZJCMWCOHBA-VIFPVBQESA-N"
    (same,) = iter_sdf(str(path))
    assert same == record


def test_v3000_record():
    block = Chem.MolToV3KMolBlock(Chem.MolFromSmiles("CNC(C)C(=O)c1ccc(C)cc1"))
    (record,) = iter_sdf(io.StringIO(block + "$$$$\n"))
    assert record.structure.inchikey_nostereo == "YELGFTGWJGBAQU-UHFFFAOYSA-N"


class _CountingStream(io.StringIO):
    """A text stream that counts the lines handed out."""

    lines_read = 0

    def __next__(self):
        line = super().__next__()
        self.lines_read += 1
        return line


def test_streams_record_by_record():
    text = "".join(_record("C" * n) for n in range(1, 50))
    stream = _CountingStream(text)
    first = next(iter_sdf(stream))
    assert isinstance(first, SdfRecord)
    assert first.structure.smiles == "C"
    assert stream.lines_read < text.count("\n") / 10


def test_binary_stream_is_a_type_error():
    with pytest.raises(TypeError, match="text stream"):
        list(iter_sdf(io.BytesIO(b"CCO\n$$$$\n")))


def test_other_source_types_are_a_type_error():
    with pytest.raises(TypeError, match="path or a text stream"):
        list(iter_sdf(42))


def test_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        list(iter_sdf(tmp_path / "absent.sdf"))
