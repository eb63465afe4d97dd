from __future__ import annotations

import io
import json

import pytest

from intake.parsers import FileError
from intake.parsers.json_rows import iter_json_rows


def rows(obj_or_bytes, kind="seizures"):  # type: ignore[no-untyped-def]
    data = obj_or_bytes if isinstance(obj_or_bytes, bytes) else json.dumps(obj_or_bytes).encode()
    return list(iter_json_rows(io.BytesIO(data), kind))


def test_components_flattened_with_parent_fields():
    out = rows(
        [{"sample_id": "S1", "purity_note": 1.5, "components": [{"component_name": "a"}, {"component_name": "b"}]}]
    )
    assert [r.data["component_name"] for r in out] == ["a", "b"]
    assert all(r.data["sample_id"] == "S1" and r.group == "item[0]" for r in out)
    assert out[0].data["purity_note"] == "1.5"


def test_report_substances_flattened():
    out = rows([{"report_id": "R1", "substances": [{"suspected_substance_name": "heroin"}]}], kind="reports")
    assert out[0].data["suspected_substance_name"] == "heroin"


def test_non_object_item_is_a_malformed_row():
    out = rows([1, {"sample_id": "S1"}])
    assert out[0].error and out[0].error[0] == "malformed_row" and out[1].error is None


def test_truncated_json_keeps_what_was_read_and_the_rest():
    out = rows(b'[{"sample_id": "S1"}, {"sample_id": "S2", "components": [')
    assert out[0].data["sample_id"] == "S1"
    assert out[-1].error and out[-1].error[0] == "malformed_row"


@pytest.mark.parametrize("data", [b"", b'{"sample_id": 1}'], ids=["empty", "not-a-list"])
def test_file_errors(data):
    with pytest.raises(FileError):
        rows(data)
