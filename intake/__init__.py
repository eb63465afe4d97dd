"""Intake of submissions: seizure results, RIDR-style reports, intelligence and psychoactivity results.

Flow: ``parsers`` (CSV, JSON, SDF -> flattened rows) -> ``records`` (rows grouped into samples or
reports) -> ``validation`` (a step chain giving reject reasons and warnings) -> ``resolve`` (names
to structures, batched) -> ``build`` (model values) -> ``store`` (new / duplicate / merged /
amended) or ``quarantine``. ``pipeline.Ingestor`` runs it chunk by chunk, one transaction each.
"""

from intake.pipeline import Ingestor, IngestSummary, ingest_file, retry_quarantined

__all__ = ["IngestSummary", "Ingestor", "ingest_file", "retry_quarantined"]
