"""Evidence packs: contents, data windows, as-at reproducibility, suppression, and no case-level data."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from docx import Document
from pypdf import PdfReader

from fews.db import session_scope
from fews.policy.evidence_pack import EvidencePackError, build_evidence_pack
from fews.policy.render import render_docx, render_html, render_pdf
from tests.policy.conftest import SENTINELS, TODAY, World

SECTIONS = (
    "members",
    "seizures",
    "availability",
    "harms",
    "psychoactivity",
    "international",
    "detection",
    "analytical",
)


def _pack(world: World, ident: str, as_of: dt.date = TODAY) -> dict:
    with session_scope(world.runtime.factory) as s:
        return build_evidence_pack(s, ident, as_of=as_of, security_marking="OFFICIAL-SENSITIVE")


def test_family_pack_has_every_section_with_window_and_source(world: World) -> None:
    doc = _pack(world, world.cathinone_family)
    assert doc["subject"]["kind"] == "family" and doc["subject"]["members"] == 4
    for name in SECTIONS[1:]:
        assert doc[name]["source"], name
    for name in ("seizures", "availability", "harms", "psychoactivity", "detection"):
        assert doc[name]["window"]["to"] == TODAY.isoformat(), name
    names = {m["name"] for m in doc["members"]}
    assert names == {"3-MMC", "3-CMC", "4-CMC", "4-CEC"}
    for m in doc["members"]:
        assert m["structure_svg"].startswith("<?xml")
        assert m["legal"]["status"] == "B" and m["legal"]["rule"] == "MDA-S2-P2-1(aa)"
        assert m["legal"]["history"][0]["status"] == "not_controlled"
    assert doc["escaping_control"] == []
    s = doc["seizures"]
    assert s["samples"] == 9
    assert s["first_uk"]["date"] == "2015-09-01" and s["first_uk"]["substance"] == "3-MMC"
    assert {r["context"] for r in s["first_by_context"]} == {"inland", "border_postal", "online", "prison"}
    assert {r["jurisdiction"] for r in s["first_by_jurisdiction"]} == {"england", "wales", "scotland"}
    assert sum(r["count"] for r in s["by_quarter"]) == 9
    assert doc["availability"]["by_stream"] == {"drug_checking": 2, "online_market": 4}
    assert doc["psychoactivity"]["results"][0]["result"] == "active"


def test_harm_counts_are_suppressed_below_five(world: World) -> None:
    harms = _pack(world, world.cathinone_family)["harms"]
    assert harms["reports"] == 10
    cells = harms["severity"]["cells"]  # 4 severe, 4 moderate, 1 fatal, 1 mild
    assert cells == {"fatal": "<5", "mild": "<5", "moderate": "<5", "severe": "<5"}
    assert harms["severity"]["total"] == 10  # four cells of 1-4 adding to 10 pin none of them
    assert all(r["count"] in (0, "<5", "suppressed") or r["count"] >= 5 for r in harms["by_quarter"])


def test_substance_pack_flags_a_member_that_escapes_control(world: World) -> None:
    doc = _pack(world, f"S{world.substances['MDAI']}")
    assert doc["subject"]["kind"] == "substance"
    assert doc["members"][0]["legal"]["status"] == "PSA"
    assert doc["escaping_control"] == ["MDAI"]


def test_pack_as_at_an_earlier_date_sees_only_what_was_visible(world: World) -> None:
    doc = _pack(world, world.cathinone_family, dt.date(2016, 12, 31))
    assert doc["seizures"]["samples"] == 4
    assert doc["harms"]["reports"] == "<5"
    assert doc["psychoactivity"]["results"] == []
    assert doc["availability"]["records"] == 4


def test_pack_is_reproducible(world: World) -> None:
    first = render_html(_pack(world, world.cathinone_family))
    second = render_html(_pack(world, world.cathinone_family))
    assert first == second


def test_unknown_subject_is_a_clear_error(world: World) -> None:
    with pytest.raises(EvidencePackError, match="no family F9999"):
        _pack(world, "F9999")
    with pytest.raises(EvidencePackError, match="no family or substance"):
        _pack(world, "not-a-substance-name")


def test_no_case_level_data_in_any_format(world: World) -> None:
    doc = _pack(world, world.cathinone_family)
    html = render_html(doc)
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(doc))).pages)
    docx = Document(io.BytesIO(render_docx(doc)))
    docx_text = "\n".join(p.text for p in docx.paragraphs) + "\n".join(
        c.text for t in docx.tables for r in t.rows for c in r.cells
    )
    for text in (json.dumps(doc), html, pdf_text, docx_text):
        for sentinel in SENTINELS:
            assert sentinel not in text
    for forbidden in ("case_reference", "free_text", "report_id", "sample_id"):
        assert forbidden not in json.dumps(doc)


def test_pdf_text_has_the_sections_and_the_marking(world: World) -> None:
    reader = PdfReader(io.BytesIO(render_pdf(_pack(world, world.cathinone_family))))
    text = "\n".join(p.extract_text() for p in reader.pages)
    for heading in (
        "Identity, structures and legal status",
        "First detections",
        "Seizures over time and by place",
        "Availability (intelligence)",
        "Harms (RIDR reports, aggregated)",
        "Psychoactivity test results",
        "International status",
        "Signals and alerts",
        "Analytical references",
    ):
        assert heading in text
    assert "Data window: 2015-09-01 to 2026-11-23" in text
    assert text.count("OFFICIAL-SENSITIVE") >= len(reader.pages)
    assert "4-CMC" in text and "MDA-S2-P2-1(aa)" in text


def test_docx_has_sections_tables_and_charts(world: World) -> None:
    docx = Document(io.BytesIO(render_docx(_pack(world, world.cathinone_family))))
    headings = [p.text for p in docx.paragraphs if p.style.name.startswith("Heading")]
    assert "Harms (RIDR reports, aggregated)" in headings and "Signals and alerts" in headings
    assert len(docx.inline_shapes) >= 4 + 3  # four structures and the charts
    assert docx.sections[0].header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
