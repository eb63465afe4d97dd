"""Render evidence packs (and the PSA review) as HTML, PDF (WeasyPrint) and DOCX (python-docx).

The HTML is the master: the PDF is WeasyPrint's rendering of the same HTML, and the web page
(``web/policy``) includes the same body template. The DOCX is built from the same document mapping,
with the same sections, tables and charts (as PNG). Every format carries the security marking in
its header and footer.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdkit import Chem
from rdkit.Chem.Draw import rdMolDraw2D

from fews.policy.charts import Chart, bar_chart, grouped_bar_chart

__all__ = [
    "FORMATS",
    "TEMPLATES",
    "environment",
    "pack_charts",
    "render_docx",
    "render_html",
    "render_pdf",
    "render_psa_html",
]

TEMPLATES = Path(__file__).parent / "templates"
FORMATS = ("html", "pdf", "docx")


def svg_uri(svg: str) -> str:
    """An SVG as a data: URI (images in HTML, PDF and pages under a CSP that allows data: images)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def environment() -> Environment:
    """The Jinja environment of the policy templates (autoescaped)."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))
    env.filters["svg_uri"] = svg_uri
    return env


def css() -> str:
    return (TEMPLATES / "pack.css").read_text(encoding="utf-8")


def pack_charts(doc: Mapping[str, Any]) -> dict[str, list[Chart]]:
    """The pack's charts: seizures by quarter, nation and context; availability by quarter; harms by quarter."""
    s, a, h = doc["seizures"], doc["availability"], doc["harms"]
    out: dict[str, list[Chart]] = {"seizures": [], "availability": [], "harms": []}
    if s["by_quarter"]:
        out["seizures"].append(
            bar_chart(
                [r["period"] for r in s["by_quarter"]],
                [r["count"] for r in s["by_quarter"]],
                title="Seized samples per quarter",
                ylabel="samples",
            )
        )
    if s["by_jurisdiction"]:
        out["seizures"].append(
            bar_chart(
                [k.replace("_", " ") for k in s["by_jurisdiction"]],
                list(s["by_jurisdiction"].values()),
                title="Seized samples by nation",
                ylabel="samples",
                rotate=False,
            )
        )
    if s["by_context"]:
        out["seizures"].append(
            bar_chart(
                [k.replace("_", " ") for k in s["by_context"]],
                list(s["by_context"].values()),
                title="Seized samples by seizure context",
                ylabel="samples",
            )
        )
    if a["by_quarter"]:
        streams = list(a["by_stream"])
        out["availability"].append(
            grouped_bar_chart(
                [r["period"] for r in a["by_quarter"]],
                {st.replace("_", " "): [r[st] for r in a["by_quarter"]] for st in streams},
                title="Intelligence records per quarter, by stream",
                ylabel="records",
            )
        )
    if h["by_quarter"]:
        out["harms"].append(
            bar_chart(
                [r["period"] for r in h["by_quarter"]],
                [r["count"] for r in h["by_quarter"]],
                title="Harm reports per quarter (suppressed)",
                ylabel="reports",
            )
        )
    return out


def _marking_css(marking: str) -> str:
    """The marking as a CSS string body: no quotes, backslashes or angle brackets (it sits inside <style>)."""
    return "".join(ch for ch in marking if ch not in '"\\<>')


def render_html(doc: Mapping[str, Any], *, template: str = "pack.html") -> str:
    """A self-contained HTML document (inline CSS, charts and structures as data URIs)."""
    charts = pack_charts(doc) if template == "pack.html" else {}
    return (
        environment()
        .get_template(template)
        .render(doc=doc, charts=charts, css=css(), marking_css=_marking_css(str(doc["security_marking"])))
    )


def render_pdf(doc: Mapping[str, Any], *, template: str = "pack.html") -> bytes:
    """The HTML rendered to PDF by WeasyPrint (A4, marking in every page's header and footer)."""
    from weasyprint import HTML

    pdf = HTML(string=render_html(doc, template=template)).write_pdf()
    if pdf is None:
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)


# -- DOCX ----------------------------------------------------------------------------------------------
def _structure_png(smiles: str, legend: str) -> bytes | None:
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return None
    drawer = rdMolDraw2D.MolDraw2DCairo(420, 300)
    rdMolDraw2D.PrepareAndDrawMolecule(drawer, mol, legend=legend)
    drawer.FinishDrawing()
    return bytes(drawer.GetDrawingText())


def _table(document: Any, header: list[str], rows: list[list[Any]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)


def _italic(document: Any, text: str) -> None:
    document.add_paragraph().add_run(text).italic = True


def _meta(document: Any, section: Mapping[str, Any]) -> None:
    w = section.get("window") or {}
    p = document.add_paragraph()
    run = p.add_run(f"Data window: {w.get('from') or 'no records'} to {w.get('to')}. Source: {section['source']}.")
    run.italic = True


def _chart(document: Any, chart: Chart) -> None:
    from docx.shared import Cm

    document.add_picture(io.BytesIO(chart.png), width=Cm(15))
    _italic(document, chart.title)


def _cells(document: Any, title: str, table: Mapping[str, Any]) -> None:
    document.add_heading(title, level=3)
    rows = [[k.replace("_", " "), v] for k, v in table["cells"].items()]
    rows.append(["total", table["total"] if table["total"] is not None else "not published"])
    _table(document, ["category", "reports"], rows)


def render_docx(doc: Mapping[str, Any]) -> bytes:
    """The pack as a Word document: the same sections as the HTML, charts as PNG."""
    from docx import Document
    from docx.shared import Cm

    d = Document()
    marking = str(doc["security_marking"])
    section = d.sections[0]
    section.header.paragraphs[0].text = marking
    section.footer.paragraphs[0].text = f"{marking} - {doc['title']} - as at {doc['as_of']}"
    charts = pack_charts(doc)
    d.add_heading(doc["title"], level=0)
    d.add_paragraph(
        f"{doc['subject']['kind'].capitalize()} {doc['subject']['id']}. As at {doc['as_of']}: only data visible on or "
        f"before this date. Legal rule set {doc['rule_set_version']}. No case-level or personal data; harm counts "
        "1-4 are shown as '<5'."
    )
    d.add_heading("Summary", level=1)
    first = doc["seizures"]["first_uk"]
    for line in (
        f"{doc['subject']['members']} member substance(s); escaping control on {doc['as_of']}: "
        f"{', '.join(doc['escaping_control']) or 'none'}.",
        f"First UK detection: {first['date']} ({first['substance']}, {first['context']}, {first['jurisdiction']})."
        if first
        else "First UK detection: none recorded.",
        f"{doc['seizures']['samples']} seized samples; {doc['availability']['records']} intelligence records; "
        f"{doc['harms']['reports']} harm reports; {len(doc['psychoactivity']['results'])} psychoactivity results.",
    ):
        d.add_paragraph(line, style="List Bullet")
    d.add_heading("Identity, structures and legal status", level=1)
    _italic(d, doc["legal_source"])
    for m in doc["members"]:
        d.add_heading(f"{m['name']} ({m['id']})", level=2)
        png = _structure_png(m["smiles"], m["name"])
        if png:
            d.add_picture(io.BytesIO(png), width=Cm(7))
        d.add_paragraph(f"{m['formula']}, {m['mol_weight']} g/mol; InChIKey {m['inchikey']}; SMILES {m['smiles']}")
        legal = m["legal"]
        escapes = " - escapes control" if legal["escapes_control"] else ""
        d.add_paragraph(f"Status on {doc['as_of']}: {legal['status']} ({legal['rule'] or 'no rule'}){escapes}.")
        d.add_paragraph(legal["explanation"])
        _table(d, ["from", "status", "rule"], [[h["from"], h["status"], h["rule"]] for h in legal["history"]])
    s = doc["seizures"]
    d.add_heading("First detections", level=1)
    _meta(d, s)
    _table(
        d,
        ["substance", "date", "context", "jurisdiction", "identification level"],
        [
            [r["substance"], r["date"], r["context"], r["jurisdiction"], r["identification_level"]]
            for r in s["first_by_member"]
        ],
    )
    _table(
        d, ["context", "date", "substance"], [[r["context"], r["date"], r["substance"]] for r in s["first_by_context"]]
    )
    _table(
        d,
        ["jurisdiction", "date", "substance"],
        [[r["jurisdiction"], r["date"], r["substance"]] for r in s["first_by_jurisdiction"]],
    )
    d.add_heading("Seizures over time and by place", level=1)
    _meta(d, s)
    for c in charts["seizures"]:
        _chart(d, c)
    _table(d, ["local area (top 15)", "samples"], [[k, v] for k, v in s["by_local_area"].items()])
    a = doc["availability"]
    d.add_heading("Availability (intelligence)", level=1)
    _meta(d, a)
    _table(
        d, ["stream", "records", "first observed"], [[k, v, a["first_by_stream"][k]] for k, v in a["by_stream"].items()]
    )
    for c in charts["availability"]:
        _chart(d, c)
    h = doc["harms"]
    d.add_heading("Harms (RIDR reports, aggregated)", level=1)
    _meta(d, h)
    d.add_paragraph(f"Reports naming a member: {h['reports']}.")
    for c in charts["harms"]:
        _chart(d, c)
    for title, key in (
        ("By severity", "severity"),
        ("By care setting", "care_settings"),
        ("By nation", "jurisdictions"),
        ("By toxicology status", "toxicology"),
    ):
        _cells(d, title, h[key])
    p = doc["psychoactivity"]
    d.add_heading("Psychoactivity test results", level=1)
    _meta(d, p)
    _table(
        d,
        ["substance", "assay", "result", "potency", "efficacy %", "tested", "laboratory"],
        [
            [r["substance"], r["assay"], r["result"], r["potency"], r["efficacy_percent"], r["tested"], r["laboratory"]]
            for r in p["results"]
        ],
    )
    i = doc["international"]
    d.add_heading("International status", level=1)
    _italic(d, f"Source: {i['source']}.")
    _table(
        d,
        ["substance"] + [b["label"] for b in i["bodies"]],
        [[r["substance"]] + [r[b["key"]] for b in i["bodies"]] for r in i["rows"]],
    )
    det = doc["detection"]
    d.add_heading("Signals and alerts", level=1)
    _meta(d, det)
    _table(
        d,
        ["signal", "type", "raised", "status", "reason"],
        [[x["id"], x["type"], x["raised"], x["status"], x["reason"]] for x in det["signals"]],
    )
    _table(
        d,
        ["alert", "type", "level", "status", "title", "events"],
        [
            [
                x["id"],
                x["type"],
                x["level"],
                x["status"],
                x["title"],
                "; ".join(f"{e['date']} {e['action']}" for e in x["events"]),
            ]
            for x in det["alerts"]
        ],
    )
    an = doc["analytical"]
    d.add_heading("Analytical references", level=1)
    _italic(d, f"Source: {an['source']}.")
    _table(
        d,
        ["substance", "accession", "technique", "licence"],
        [[r["substance"], r["accession"], r["technique"], r["licence"]] for r in an["references"]],
    )
    _table(d, ["method reported", "identifications"], [[k, v] for k, v in an["methods"].items()])
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def render_psa_html(doc: Mapping[str, Any], *, marking: str) -> str:
    """The PSA review as a self-contained HTML document."""
    return environment().get_template("psa_review.html").render(doc=doc, css=css(), marking=marking)
