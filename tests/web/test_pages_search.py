"""The search page on the pages world: names and InChIKeys through fews.browse, substructure (SMILES and
SMARTS) and similarity through the persisted structure index, depictions with the match shaded, CSV, and a
clear error for a query that cannot be read."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from chem.search import StructureIndex
from fews.models import Substance
from fews.structure_search import structure_search
from tests.alerts.conftest import N_ETHYLHEXEDRONE
from tests.builders import ISOTONITAZENE, MEPHEDRONE
from tests.web.conftest import signed_in
from tests.web.pages_world import build_pages_world
from web import create_app

BENZOYL = "C(=O)c1ccccc1"  # aryl ketone: the cathinones have it, isotonitazene has not


@pytest.fixture
def search_app(runtime, tmp_path):  # type: ignore[no-untyped-def]
    world = build_pages_world(runtime, tmp_path)
    app = create_app(runtime.config)
    with runtime.factory() as s:
        ids = {
            smi: s.scalar(select(Substance.id).where(Substance.smiles == smi)) for smi in (MEPHEDRONE, N_ETHYLHEXEDRONE)
        }
    ids[ISOTONITAZENE] = world.ids["substance"]
    yield world, app, ids
    app.extensions["fews_engine"].dispose()



def _result_ids(html: str) -> list[int]:
    return [int(m) for m in re.findall(r'href="/substances/S(\d+)"', html)]


def _client(app, role="enforcement_subscriber"):  # type: ignore[no-untyped-def]
    return signed_in(app, role)


def test_search_by_name_shows_family_legal_status_and_depiction(search_app):  # type: ignore[no-untyped-def]
    world, app, ids = search_app
    html = _client(app).get("/search?q=isotonitazene&by=name").get_data(as_text=True)
    assert _result_ids(html) == [world.ids["substance"]]
    assert f"F{world.ids['family']}: nitazene opioids" in html
    assert "Class A" in html  # isotonitazene: MDA 1971 Sch 2 Part I 1(ea) nitazenes
    assert f"/search/depict/S{world.ids['substance']}.svg" in html


def test_search_by_inchikey_block_and_s_number(search_app):  # type: ignore[no-untyped-def]
    world, app, ids = search_app
    client = _client(app)
    with world.runtime.factory() as s:
        key = s.get(Substance, ids[MEPHEDRONE]).inchikey  # type: ignore[union-attr]
    assert _result_ids(client.get(f"/search?q={key[:14]}&by=name").get_data(as_text=True)) == [ids[MEPHEDRONE]]
    assert _result_ids(client.get(f"/search?q=S{ids[MEPHEDRONE]}&by=name").get_data(as_text=True)) == [ids[MEPHEDRONE]]


@pytest.mark.parametrize(
    "by,query",
    [("substructure", BENZOYL), ("smarts", "[#6]C(=O)c1ccccc1")],
    ids=["smiles-aryl-ketone", "smarts-aryl-ketone"],
)
def test_substructure_finds_the_cathinones_only(search_app, by, query):  # type: ignore[no-untyped-def]
    world, app, ids = search_app
    resp = _client(app).get("/search", query_string={"q": query, "by": by})
    assert resp.status_code == 200
    found = set(_result_ids(resp.get_data(as_text=True)))
    assert found == {ids[MEPHEDRONE], ids[N_ETHYLHEXEDRONE]}
    assert (world.runtime.config.instance_path / "search" / "substances.npz").is_file()  # persisted index


def test_similarity_ranks_the_query_itself_first(search_app):  # type: ignore[no-untyped-def]
    world, app, ids = search_app
    html = (
        _client(app)
        .get("/search", query_string={"q": MEPHEDRONE, "by": "similarity", "threshold": "0.2"})
        .get_data(as_text=True)
    )
    found = _result_ids(html)
    assert found[0] == ids[MEPHEDRONE]
    assert ids[ISOTONITAZENE] not in found  # an opioid is not similar to a cathinone
    assert ">1.00<" in html


@pytest.mark.parametrize(
    "by,query,message",
    [
        ("substructure", "C1CC(", "not a readable SMILES"),
        ("smarts", "[#6", "not a readable SMARTS"),
        ("similarity", "not a molecule", "not a readable SMILES"),
    ],
    ids=["unclosed-ring", "unclosed-bracket", "words"],
)
def test_unreadable_query_is_a_clear_error(search_app, by, query, message):  # type: ignore[no-untyped-def]
    _, app, _ = search_app
    resp = _client(app).get("/search", query_string={"q": query, "by": by})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert message in html and "There is a problem" in html


def test_empty_query_and_bad_threshold_are_refused(search_app):  # type: ignore[no-untyped-def]
    _, app, _ = search_app
    client = _client(app)
    assert client.get("/search?q=&by=name").status_code == 400
    assert client.get("/search?q=CCO&by=similarity&threshold=7").status_code == 400
    assert client.get("/search").status_code == 200  # the empty form


def test_csv_download_has_the_hits(search_app):  # type: ignore[no-untyped-def]
    _, app, ids = search_app
    resp = _client(app).get("/search", query_string={"q": MEPHEDRONE, "by": "similarity", "format": "csv"})
    assert resp.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert rows[0]["id"] == f"S{ids[MEPHEDRONE]}" and float(rows[0]["score"]) == 1.0
    assert rows[0]["uk_status"] == "B"


def test_depiction_shades_the_matched_atoms(search_app):  # type: ignore[no-untyped-def]
    _, app, ids = search_app
    client = _client(app)
    plain = client.get(f"/search/depict/S{ids[MEPHEDRONE]}.svg")
    shaded = client.get(f"/search/depict/S{ids[MEPHEDRONE]}.svg", query_string={"q": BENZOYL, "by": "substructure"})
    assert plain.mimetype == shaded.mimetype == "image/svg+xml"
    assert "#8CBFFF" not in plain.get_data(as_text=True).upper()
    assert "#8CBFFF" in shaded.get_data(as_text=True).upper()
    assert client.get("/search/depict/S999999.svg").status_code == 404


def test_structure_search_truncates_at_the_limit(search_app):  # type: ignore[no-untyped-def]
    world, _, ids = search_app
    with world.runtime.factory() as s:
        index = StructureIndex.build([(i, smi) for smi, i in ids.items()])
        result = structure_search(s, index, BENZOYL, mode="substructure", limit=1)
        assert result.truncated and len(result.hits) == 1 and result.searched == 3
        with pytest.raises(ValueError, match="limit"):
            structure_search(s, index, BENZOYL, limit=0)
