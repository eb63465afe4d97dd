"""A MOL block pasted into the seizure form (V2000 and V3000, with a browser's CRLF line ends and a lost
blank title line): stored through the real intake, previewed live by the form's endpoint, and quarantined
with its reason when unreadable, like a bad SMILES."""

from __future__ import annotations

import pytest
from rdkit import Chem
from sqlalchemy import select

from fews.models import QuarantineItem, Sample, Substance
from tests.builders import ISOTONITAZENE, MEPHEDRONE
from tests.web.conftest import PASSWORD, csrf_token
from tests.web.pages_world import build_pages_world
from web import create_app
from web.submit.molblock import normalise_pasted_molblock

SAMPLE = {
    "seizure_date": "2026-11-10",
    "submitting_agency": "metropolitan",
    "seizure_context": "inland",
    "jurisdiction": "england",
}


def _browser_paste(smiles: str, *, v3000: bool = False) -> str:
    """A block as a browser submits it: CRLF line ends, the blank title line lost in the selection."""
    block = (
        Chem.MolToV3KMolBlock(Chem.MolFromSmiles(smiles)) if v3000 else Chem.MolToMolBlock(Chem.MolFromSmiles(smiles))
    )
    assert block.startswith("\n")  # RDKit writes a blank title line
    return block.lstrip("\n").replace("\n", "\r\n")


@pytest.fixture
def chemist(runtime, tmp_path):  # type: ignore[no-untyped-def]
    world = build_pages_world(runtime, tmp_path)
    app = create_app(runtime.config)
    client = app.test_client()
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    assert (
        client.post(
            "/auth/login", data={"username": "forensic_chemist", "password": PASSWORD, "csrf_token": token}
        ).status_code
        == 302
    )
    yield world, app, client
    app.extensions["fews_engine"].dispose()


def _submit(client, sample_id, components):  # type: ignore[no-untyped-def]
    page = client.get("/submit/seizure").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "sample_id": sample_id, **SAMPLE}
    for i, comp in enumerate(components):
        data |= {f"components-{i}-{k}": v for k, v in comp.items()}
    return client.post("/submit/seizure", data=data)


@pytest.mark.parametrize("v3000", [False, True], ids=["V2000", "V3000"])
def test_molblock_component_is_stored_as_its_substance(chemist, v3000):  # type: ignore[no-untyped-def]
    world, _, client = chemist
    page = client.get("/submit/seizure").get_data(as_text=True)
    assert 'name="components-0-component_molblock"' in page and "data-fews-classify-molblock" in page
    resp = _submit(
        client,
        "WEB-MOL-1",
        [
            {
                "component_name": "4-MMC",
                "component_molblock": _browser_paste(MEPHEDRONE, v3000=v3000),
                "role": "active",
            },
            {"component_smiles": ISOTONITAZENE, "role": "active"},
        ],
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[-2000:]
    with world.runtime.factory() as s:
        sample = s.scalar(select(Sample).where(Sample.sample_id == "WEB-MOL-1"))
        assert sample is not None
        mol_component = sample.components[0]
        sub = s.get(Substance, mol_component.substance_id)
        assert sub is not None and sub.smiles == MEPHEDRONE
        assert "M  END" in (mol_component.smiles_reported or "")
        assert s.get(Substance, sample.components[1].substance_id).smiles == ISOTONITAZENE  # type: ignore[union-attr]


def test_unreadable_molblock_is_quarantined_with_its_reason(chemist):  # type: ignore[no-untyped-def]
    world, _, client = chemist
    broken = _browser_paste(MEPHEDRONE).replace("V2000", "V2000\r\n  garbage line that is not an atom")
    resp = _submit(client, "WEB-MOL-BAD", [{"component_name": "unknown powder", "component_molblock": broken}])
    assert resp.status_code == 302
    result = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "quarantined" in result and "unparsable_structure" in result
    with world.runtime.factory() as s:
        item = s.scalars(select(QuarantineItem).where(QuarantineItem.reason_codes.like("%unparsable_structure%"))).one()
        assert item.reasons[0]["field"] == "component_molblock"
        assert s.scalar(select(Sample).where(Sample.sample_id == "WEB-MOL-BAD")) is None


def test_smiles_and_molblock_together_is_a_form_error(chemist):  # type: ignore[no-untyped-def]
    _, _, client = chemist
    resp = _submit(
        client, "WEB-MOL-2", [{"component_smiles": MEPHEDRONE, "component_molblock": _browser_paste(MEPHEDRONE)}]
    )
    assert resp.status_code == 400
    assert "a SMILES or a MOL block, not both" in resp.get_data(as_text=True)


def _preview(client, body):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/submit/seizure").get_data(as_text=True))
    return client.post("/submit/structure-preview", json=body, headers={"X-CSRFToken": token})


def test_live_preview_reads_the_molblock(chemist):  # type: ignore[no-untyped-def]
    _, _, client = chemist
    resp = _preview(client, {"molblock": _browser_paste(MEPHEDRONE), "as_of": "2026-11-10"})
    assert resp.status_code == 200
    item = resp.get_json()["items"][0]
    assert (item["status"], item["smiles"]) == ("B", MEPHEDRONE)
    assert resp.get_json()["as_of"] == "2026-11-10"
    before = _preview(client, {"molblock": _browser_paste(MEPHEDRONE), "as_of": "2010-01-01"}).get_json()
    assert before["items"][0]["status"] == "not_controlled"  # mephedrone was controlled on 16 April 2010


@pytest.mark.parametrize(
    "body,status,text",
    [
        ({"molblock": "not a mol block\nM  END\n"}, 422, "cannot be read"),
        ({"molblock": "   "}, 422, "empty"),
        ({"smiles": MEPHEDRONE}, 400, "molblock"),
        ({"molblock": "x", "as_of": "10/11/2026"}, 400, "as_of must be YYYY-MM-DD"),
    ],
    ids=["garbage", "blank", "no-molblock", "bad-date"],
)
def test_live_preview_explains_bad_input(chemist, body, status, text):  # type: ignore[no-untyped-def]
    _, _, client = chemist
    resp = _preview(client, body)
    assert resp.status_code == status
    assert text in resp.get_json()["detail"]


def test_live_preview_needs_the_submit_permission(chemist):  # type: ignore[no-untyped-def]
    _, app, _ = chemist
    reporter = app.test_client()
    token = csrf_token(reporter.get("/auth/login").get_data(as_text=True))
    reporter.post("/auth/login", data={"username": "clinical_reporter", "password": PASSWORD, "csrf_token": token})
    token = csrf_token(reporter.get("/dashboard").get_data(as_text=True))
    resp = reporter.post("/submit/structure-preview", json={"molblock": "x"}, headers={"X-CSRFToken": token})
    assert resp.status_code == 403


def test_normalise_pasted_molblock_restores_the_header():  # type: ignore[no-untyped-def]
    original = Chem.MolToMolBlock(Chem.MolFromSmiles(MEPHEDRONE))
    assert normalise_pasted_molblock(_browser_paste(MEPHEDRONE)) == original
    assert normalise_pasted_molblock(original) == original
    assert normalise_pasted_molblock(" \r\n ") is None
