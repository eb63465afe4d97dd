"""Hostile and broken intake files as data (name, kind, format, bytes), and the check that every row a
parser yields ends up stored or quarantined exactly once."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

from rdkit import Chem
from sqlalchemy import func, select

from fews.models import Component, QuarantineItem, Sample
from fews.runtime import Runtime
from intake.parsers import FileError, iter_rows
from intake.pipeline import Ingestor, IngestSummary

HEADER = (
    "sample_id,seizure_date,submitting_agency,seizure_context,jurisdiction,local_area,product_as_sold,"
    "component_name,component_smiles,role"
)
GOOD = "H{n},2021-03-02,Metropolitan Police Service,inland,England,Camden,{sold},{name},CNC(C)C(=O)c1ccc(C)cc1,active"
FORMULAS = ("=cmd|' /C calc'!A0", "+SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)", "\t=1+1")
SCRIPT = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'


def csv_text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def _good(n: int, *, sold: str = "pills", name: str = "mephedrone") -> str:
    return GOOD.format(n=n, sold=sold, name=name)


def _v3000(n_atoms: int, bonds: list[tuple[int, int]]) -> str:
    lines = ["big", "  hostile", "", "  0  0  0     0  0            999 V3000", "M  V30 BEGIN CTAB"]
    lines += [f"M  V30 COUNTS {n_atoms} {len(bonds)} 0 0 0", "M  V30 BEGIN ATOM"]
    lines += [f"M  V30 {i + 1} C 0 0 0 0" for i in range(n_atoms)]
    lines += ["M  V30 END ATOM", "M  V30 BEGIN BOND"]
    lines += [f"M  V30 {i + 1} 1 {a} {b}" for i, (a, b) in enumerate(bonds)]
    lines += ["M  V30 END BOND", "M  V30 END CTAB", "M  END"]
    return "\n".join(lines) + "\n"


def ladder_block(n_atoms: int = 10_000) -> str:
    """A 10,000-atom polycycle (two chains joined every other atom: 2,500 rings)."""
    m = n_atoms // 2
    bonds = [(i + 1, i + 2) for i in range(m - 1)] + [(m + i + 1, m + i + 2) for i in range(m - 1)]
    bonds += [(i + 1, m + i + 1) for i in range(0, m, 2)]
    return _v3000(n_atoms, bonds)


def sdf_record(block: str, **props: str) -> str:
    return block + "".join(f">  <{k}>\n{v}\n\n" for k, v in props.items()) + "$$$$\n"


SDF_PROPS = {
    "sample_id": "SDF1",
    "seizure_date": "2022-05-01",
    "submitting_agency": "Border Force",
    "seizure_context": "border_postal",
    "jurisdiction": "England",
    "component_name": "x",
}


def _mol(smiles: str) -> str:
    return Chem.MolToMolBlock(Chem.MolFromSmiles(smiles))


def cases() -> list[tuple[str, str, str, bytes]]:
    """(id, kind, format, file bytes) for every hostile input the suite feeds through intake."""
    out: list[tuple[str, str, str, bytes]] = []
    add = out.append
    base = csv_text(_good(1), _good(2))
    add(("csv-utf8-bom", "seizures", "csv", codecs.BOM_UTF8 + base.encode()))
    add(("csv-utf16-bom", "seizures", "csv", base.encode("utf-16")))
    add(("csv-utf16-no-bom", "seizures", "csv", base.encode("utf-16-le")))
    add(("csv-utf32", "seizures", "csv", base.encode("utf-32")))
    add(("csv-utf16-truncated", "seizures", "csv", base.encode("utf-16") + b"\x00"))
    add(("csv-latin1-row", "seizures", "csv", csv_text(_good(1), _good(2, name="café")).encode("latin-1")))
    add(("csv-cp1252-smart-quotes", "seizures", "csv", csv_text(_good(1, sold="“pills”")).encode("cp1252")))
    add(("csv-nul-in-value", "seizures", "csv", csv_text(_good(1), _good(2, name="meph\x00edrone")).encode()))
    add(("csv-nul-in-header", "seizures", "csv", (HEADER + ",no\x00te\n" + _good(1) + ",x\n").encode()))
    add(("csv-huge-field", "seizures", "csv", csv_text(_good(1, sold="x" * 2_000_000), _good(2)).encode()))
    add(("csv-huge-quoted-field", "seizures", "csv", csv_text(_good(1, sold='"' + "y" * 1_500_000 + '"')).encode()))
    # longer than its column (PostgreSQL refused the whole chunk; SQLite stores any length)
    add(("csv-over-long-label", "seizures", "csv", csv_text(_good(1), _good(2, sold="z" * 5000)).encode()))
    add(
        (
            "csv-over-long-provider",
            "seizures",
            "csv",
            (HEADER + ",provider\n" + _good(1) + "," + "p" * 500 + "\n").encode(),
        )
    )
    add(("csv-unterminated-quote", "seizures", "csv", csv_text(_good(1), '"H2,2021-03-02', _good(3)).encode()))
    add(("csv-cr-line-ends", "seizures", "csv", csv_text(_good(1), _good(2)).replace("\n", "\r").encode()))
    add(("csv-ragged-rows", "seizures", "csv", csv_text(_good(1) + ",extra,extra", "H2,2021-03-02").encode()))
    add(
        (
            "csv-10k-columns",
            "seizures",
            "csv",
            (
                HEADER
                + ","
                + ",".join(f"c{i}" for i in range(10_000))
                + "\n"
                + _good(1)
                + ","
                + ",".join("v" for _ in range(10_000))
                + "\n"
            ).encode(),
        )
    )
    add(
        (
            "csv-formula-injection",
            "seizures",
            "csv",
            csv_text(*(_good(i, sold=f'"{f}"', name=f'"{f}"') for i, f in enumerate(FORMULAS))).encode(),
        )
    )
    add(("csv-script-payloads", "seizures", "csv", csv_text(_good(1, sold=f'"{SCRIPT}"', name=f'"{SCRIPT}"')).encode()))
    add(("csv-control-chars", "seizures", "csv", csv_text(_good(1, name="a\x1b[31mred\x07\x08")).encode()))
    add(("csv-bidi-override", "seizures", "csv", csv_text(_good(1, name="\u202eenordehpem")).encode()))
    # found by fuzzing: RDKit cuts a non-ASCII SMILES mid-character in its error message
    add(
        (
            "csv-non-ascii-smiles",
            "seizures",
            "csv",
            csv_text(_good(1).replace("CNC(C)", "~" + "\ufffd" * 15 + "~")).encode(),
        )
    )
    add(("csv-random-binary", "seizures", "csv", HEADER.encode() + b"\n" + bytes(range(256)) * 40))
    add(("csv-header-only", "seizures", "csv", (HEADER + "\n").encode()))
    add(("csv-empty", "seizures", "csv", b""))
    add(("csv-wrong-kind", "seizures", "csv", b"report_id,event_date\nR1,2021-01-01\n"))
    reports = "report_id,event_date,care_setting,suspected_substance_name,severity,region,free_text\n"
    add(
        (
            "csv-report-free-text-script",
            "reports",
            "csv",
            (reports + f'R1,2021-03-04,emergency_department,spice,severe,North West,"{SCRIPT} =cmd|x"\n').encode(),
        )
    )
    # JSON
    one = {
        "sample_id": "J1",
        "seizure_date": "2021-03-02",
        "submitting_agency": "Border Force",
        "seizure_context": "inland",
        "jurisdiction": "England",
        "components": [{"component_name": "mephedrone", "component_smiles": "CNC(C)C(=O)c1ccc(C)cc1"}],
    }
    deep = "[" * 100_000 + "]" * 100_000
    add(("json-deep-array", "seizures", "json", f'[{json.dumps(one)}, {{"sample_id": "J2", "x": {deep}}}]'.encode()))
    deep_obj = '{"a":' * 50_000 + "1" + "}" * 50_000
    add(
        (
            "json-deep-object",
            "seizures",
            "json",
            f'[{{"sample_id": "J2", "x": {deep_obj}}}, {json.dumps(one)}]'.encode(),
        )
    )
    add(("json-deep-top", "seizures", "json", ("[" + deep + "]").encode()))
    add(("json-huge-integer", "seizures", "json", f'[{json.dumps(one)}, {{"sample_id": {"9" * 5000}}}]'.encode()))
    add(
        (
            "json-huge-integer-across-reads",
            "seizures",
            "json",
            (f"[{json.dumps(one)}, " + " " * 4090 + f'{{"sample_id": {"7" * 50_000}}}]').encode(),
        )
    )
    add(
        (
            "json-huge-exponent",
            "seizures",
            "json",
            json.dumps([one | {"sample_id": "J3", "components": [{"component_name": "x", "purity": 1}]}])
            .replace('"purity": 1', '"purity": 1e999999999')
            .encode(),
        )
    )
    add(
        (
            "json-float-overflow",
            "seizures",
            "json",
            json.dumps([one]).replace('"mephedrone"', '"mephedrone", "purity": 1e309').encode(),
        )
    )
    add(("json-nul-escape", "seizures", "json", json.dumps([one | {"local_area": "Cam\u0000den"}]).encode()))
    add(("json-not-objects", "seizures", "json", b'[1, "two", null, [3], {"sample_id": "J4", "components": 5}]'))
    add(("json-truncated", "seizures", "json", json.dumps([one, one | {"sample_id": "J5"}]).encode()[:-30]))
    add(("json-not-a-list", "seizures", "json", b'{"sample_id": "J6"}'))
    add(("json-lone-surrogate", "seizures", "json", b'[{"sample_id": "J7\\ud800", "seizure_date": "2021-03-02"}]'))
    # SDF
    add(("sdf-10k-atom-polycycle", "seizures", "sdf", sdf_record(ladder_block(), **SDF_PROPS).encode()))
    add(
        (
            "sdf-10k-atom-chain",
            "seizures",
            "sdf",
            sdf_record(_v3000(10_000, [(i + 1, i + 2) for i in range(9_999)]), **SDF_PROPS).encode(),
        )
    )
    add(
        (
            "sdf-no-m-end",
            "seizures",
            "sdf",
            sdf_record("junk\n  x\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n", **SDF_PROPS).encode(),
        )
    )
    add(
        (
            "sdf-bad-element",
            "seizures",
            "sdf",
            sdf_record(
                "bad\n  RDKit\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n    0.0 0.0 0.0 Xx  0  0\nM  END\n",
                **SDF_PROPS,
            ).encode(),
        )
    )
    add(
        (
            "sdf-pentavalent-carbon",
            "seizures",
            "sdf",
            sdf_record(
                _mol("C").replace(" 0  0  0  0  0  0  0  0  0  0  0  0", " 0  0  0  0  0  5  0  0  0  0  0  0"),
                **SDF_PROPS,
            ).encode(),
        )
    )
    add(
        (
            "sdf-lying-counts",
            "seizures",
            "sdf",
            sdf_record("liar\n  x\n\n999999  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n", **SDF_PROPS).encode(),
        )
    )
    add(
        (
            "sdf-cp1252",
            "seizures",
            "sdf",
            sdf_record(_mol("CCO"), **(SDF_PROPS | {"component_name": "éthanol"})).encode("cp1252"),
        )
    )
    add(("sdf-no-terminator", "seizures", "sdf", sdf_record(_mol("CCO"), **SDF_PROPS).encode()[:-5]))
    add(("sdf-binary", "seizures", "sdf", bytes(range(256)) * 20))
    return out


def parsed_rows(path: Path, kind: str, fmt: str) -> int | None:
    """How many rows the parser yields for the file, or ``None`` when it refuses the whole file."""
    try:
        return sum(1 for _ in iter_rows(path, kind, fmt))
    except FileError:
        return None


def ingest_bytes(
    runtime: Runtime, tmp_path: Path, name: str, kind: str, fmt: str, data: bytes, **kw: Any
) -> tuple[Path, IngestSummary | FileError]:
    path = tmp_path / f"{name}.{fmt}"
    path.write_bytes(data)
    ing = Ingestor(runtime.factory, runtime.config.with_(use_opsin=False), kind, **kw)
    try:
        return path, ing.ingest_file(path, fmt=fmt)
    except FileError as exc:
        return path, exc


def accounted(runtime: Runtime, summary: IngestSummary) -> int:
    """Rows of the batch now in the database: stored seizure components plus quarantined rows."""
    with runtime.factory() as s:
        stored = (
            s.scalar(
                select(func.count())
                .select_from(Component)
                .join(Sample, Sample.id == Component.sample_pk)
                .where(Sample.batch_id == summary.batch_id)
            )
            if summary and True
            else 0
        )
        quarantined = s.scalar(
            select(func.coalesce(func.sum(QuarantineItem.row_count), 0)).where(
                QuarantineItem.batch_id == summary.batch_id
            )
        )
    return int(stored or 0) + int(quarantined or 0)


__all__ = ["cases", "csv_text", "ingest_bytes", "accounted", "parsed_rows", "FORMULAS", "SCRIPT"]
