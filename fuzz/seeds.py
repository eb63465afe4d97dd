"""Small valid inputs per parser, written into a fresh corpus directory before each fuzz run, so
libFuzzer mutates realistic files (no corpus is committed)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["SEEDS", "write_seeds"]

_SEIZURE_CSV = (
    "sample_id,seizure_date,submitting_agency,seizure_context,jurisdiction,local_area,product_as_sold,"
    "component_name,component_smiles,role\n"
    "S1,2021-03-02,Metropolitan Police Service,inland,England,Camden,pills,mephedrone,CNC(C)C(=O)c1ccc(C)cc1,active\n"
    'S1,2021-03-02,Metropolitan Police Service,inland,England,Camden,pills,"caffeine, anhydrous",'
    "Cn1cnc2c1c(=O)n(C)c(=O)n2C,adulterant\n"
)
_JSON = (
    '[{"sample_id": "J1", "seizure_date": "2021-03-02", "jurisdiction": "England", "purity": 12.5,'
    ' "components": [{"component_name": "mephedrone", "component_smiles": "CNC(C)C(=O)c1ccc(C)cc1"}]},'
    ' {"report_id": "R1", "substances": [{"suspected_substance_name": "spice"}], "free_text": null}]'
)
_MOL = """ethanol
     RDKit          2D

  3  2  0  0  0  0  0  0  0  0999 V2000
    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    1.2990    0.7500    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    2.5981   -0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0
  1  2  1  0
  2  3  1  0
M  END
>  <sample_id>
SD1

$$$$
"""
_MSP = """NAME: mephedrone
PRECURSORMZ: 178.1226
Num Peaks: 3
58.0651 999
119.0491 120; 145.0648 55

NAME: broken
Num Peaks: 2
1 2
"""
_MGF = """BEGIN IONS
TITLE=query 1
PEPMASS=178.1226
CHARGE=1+
58.0651 999
119.0491 120
END IONS
"""
_JCAMP = """##TITLE=Mephedrone
##JCAMP-DX=4.24
##DATA TYPE=MASS SPECTRUM
##XUNITS=M/Z
##YUNITS=RELATIVE ABUNDANCE
##NPOINTS=3
##PEAK TABLE=(XY..XY)
58,999 119,120
145,55
##XYDATA=(X++(Y..Y))
50 10J2%jK
##END=
"""
_MZML = """<?xml version="1.0" encoding="utf-8"?>
<mzML xmlns="http://psi.hupo.org/ms/mzml" version="1.1.0">
<cvList count="1"><cv id="MS" fullName="PSI-MS" URI="x"/></cvList>
<run id="r"><spectrumList count="1"><spectrum index="0" id="scan=1" defaultArrayLength="0">
<cvParam cvRef="MS" accession="MS:1000511" name="ms level" value="2"/>
<binaryDataArrayList count="0"/></spectrum></spectrumList></run></mzML>
"""
SEEDS: dict[str, list[str]] = {
    "csv": [_SEIZURE_CSV, "\ufeff" + _SEIZURE_CSV, "report_id,free_text\nR1,\"=cmd|' /C calc'!A0\"\n"],
    "json": [_JSON, "[" * 40 + "]" * 40, '[{"a": 1e999, "b": -0.0}]'],
    "sdf": [_MOL, _MOL.replace("M  END", "")],
    "msp": [_MSP],
    "mgf": [_MGF, _MGF.replace("END IONS", "")],
    "jcamp": [_JCAMP, "##TITLE=link\n##BLOCKS=1\n" + _JCAMP + "##END=\n"],
    "mzml": [_MZML],
    "smiles": ["CNC(C)C(=O)c1ccc(C)cc1", "[Na+].[Cl-]", "C1CC", "c1ccccc1" * 20, "O=c1cccc[nH]1"],
}


def write_seeds(name: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(SEEDS[name]):
        (folder / f"seed-{i}").write_text(text, encoding="utf-8")
    return folder
