"""Property-based tests (hypothesis) for every parser, with the checks the atheris harnesses use
(``fuzz.targets``), plus regression tests for what fuzzing found and a bounded fuzz run."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alerts.exports import safe_cell, to_csv
from fuzz.seeds import SEEDS
from fuzz.targets import TARGETS, check_sdf, check_smiles
from intake.parsers.csv_rows import iter_csv_rows
from intake.parsers.json_rows import MAX_DEPTH, iter_json_rows

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _seeded_bytes(name: str) -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, and seeds with arbitrary bytes spliced in (closer to real files)."""
    seeds = [s.encode() for s in SEEDS[name]]
    splice = st.tuples(st.sampled_from(seeds), st.integers(0, 4000), st.binary(max_size=64)).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :]
    )
    return st.one_of(st.binary(max_size=2000), splice)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_parser_contract_holds_for_arbitrary_bytes(name):
    @PROPERTY
    @given(data=_seeded_bytes(name))
    def check(data: bytes) -> None:
        TARGETS[name](data)

    check()


cell = st.text(st.characters(codec="utf-8"), max_size=40)


@PROPERTY
@given(rows=st.lists(st.lists(cell, min_size=3, max_size=3), max_size=20))
def test_csv_rows_round_trip_or_carry_a_reason(rows):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["sample_id", "component_name", "free_text"])
    writer.writerows(rows)
    parsed = list(iter_csv_rows(io.BytesIO(buf.getvalue().encode("utf-8"))))
    kept = [r for r in rows if any(v.strip() for v in r)]
    assert len(parsed) == len(kept)  # one row out per non-blank row in: nothing dropped
    for raw, got in zip(kept, parsed, strict=True):
        if got.error:
            assert got.error[0] in ("invalid_character", "malformed_row", "encoding_error")
            continue
        assert [got.data[k] for k in ("sample_id", "component_name", "free_text")] == [v.strip() or None for v in raw]


json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), cell)
json_value = st.recursive(
    json_scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(cell, inner, max_size=3)
)


@PROPERTY
@given(records=st.lists(st.dictionaries(cell, json_value, max_size=4) | json_value, max_size=8))
def test_json_gives_a_row_per_record_or_child(records):
    rows = list(iter_json_rows(io.BytesIO(json.dumps(records).encode()), "seizures"))
    groups = {r.group for r in rows}
    assert len(groups) == len(records)  # every record is represented (as rows or as a malformed row)


def test_json_depth_limit_keeps_the_record_and_the_ones_after():
    deep = "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5)
    data = f'[{{"sample_id": "A", "x": {deep}}}, {{"sample_id": "B"}}]'.encode()
    rows = list(iter_json_rows(io.BytesIO(data), "seizures"))
    assert rows[0].error and "nested deeper" in rows[0].error[1] and rows[0].raw
    assert rows[1].data["sample_id"] == "B" and rows[1].error is None


def test_issue_11_json_integer_beyond_4300_digits_does_not_crash_the_process():
    """ijson's C backend crashed the interpreter (SIGSEGV) on such a number; now it is refused."""
    code = (
        "import io; from intake.parsers.json_rows import iter_json_rows; "
        "rows = list(iter_json_rows(io.BytesIO(b'[{\"a\": ' + b'9' * 5000 + b'}]'), 'seizures')); "
        "print(rows[-1].error[0])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "malformed_row"


def test_issue_11_non_ascii_smiles_is_an_invalid_structure_not_a_crash():
    check_smiles(("~" + "\ufffd" * 15 + "~").encode())


def test_issue_11_mol_block_counts_line_with_odd_whitespace():
    check_sdf(b"x\n\n\n \x1e3  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n$$$$\n")


def test_issue_11_10k_atom_polycycle_is_refused_without_sanitising():
    """Ring perception of 2,500 fused rings took 134 s before the size check refused the molecule."""
    from chem.errors import InvalidStructure
    from chem.standardise import standardise_molblock, standardise_smiles
    from tests.reliability.hostile import ladder_block

    start = time.monotonic()
    with pytest.raises(InvalidStructure) as err:
        standardise_molblock(ladder_block())
    assert err.value.code == "too_large"
    with pytest.raises(InvalidStructure) as err:
        standardise_smiles("C1CCC2CCCCC2C1" * 1000)  # 10,000 atoms in 2,000 rings
    assert err.value.code == "too_large"
    assert time.monotonic() - start < 20


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


@PROPERTY
@given(value=st.one_of(cell, st.sampled_from(["=cmd|' /C calc'!A0", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])))
def test_every_exported_cell_is_safe_from_formula_injection(value):
    out = safe_cell(value)
    assert not out.startswith(FORMULA_STARTS)
    assert out == value or out == "'" + value
    text = to_csv([{"a": value}], ["a"])
    [row] = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert not row[0].startswith(FORMULA_STARTS)


@pytest.mark.slow
def test_bounded_fuzz_run_finds_nothing(tmp_path):
    """What CI runs: every harness under atheris for a short, bounded time."""
    pytest.importorskip("atheris", reason="atheris is in the test extra")
    done = subprocess.run(
        [sys.executable, "-m", "fuzz.run", "--seconds", "16", "--seed", "20261128", "--artifacts", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert {r["harness"] for r in results} == set(TARGETS)
    assert done.returncode == 0, [r for r in results if not r["ok"]]
    assert all(r["runs"] for r in results)


def test_a_number_with_a_huge_exponent_is_quarantined_not_a_crash():
    """Found by the JSON fuzzer: ``1e6666555…`` raised decimal.InvalidOperation out of ijson."""
    import io

    from intake.parsers.json_rows import iter_json_rows

    data = b'[{"a": [{"a":1e666655555555555555555555555555555555555555555555555555555555555555555555555555555}]}]'
    rows = list(iter_json_rows(io.BytesIO(data), "seizures"))
    assert rows and all(r.error is not None and r.error[0] == "malformed_row" for r in rows)
