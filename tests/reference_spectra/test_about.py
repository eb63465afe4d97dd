from __future__ import annotations

from reference_spectra.attribution import library_attribution
from web import create_app


def test_attribution_summary_counts_every_record_by_licence():
    att = library_attribution()
    assert att["records"] == 1039 and sum(att["licences"].values()) == 1039
    assert att["licences"]["CC BY"] == 545 and att["licences"]["dl-de/by-2-0"] == 271
    assert sum(c["records"] for c in att["contributors"]) == 1039
    bafg = next(c for c in att["contributors"] if c["name"] == "BAFG")
    assert bafg["accessions"][0].startswith("MassBank MSBNK-BAFG") and bafg["authors"]
    assert "MassBank" in att["notice"]


def test_about_page_is_public_and_credits_massbank(runtime):
    app = create_app(runtime.config)
    try:
        page = app.test_client().get("/about")
    finally:
        app.extensions["fews_engine"].dispose()
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "MassBank" in html and "Horai" in html and "dl-de/by-2-0" in html and "Lessmann" in html
