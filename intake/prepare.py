"""The CPU half of intake: group rows into chunks of records, validate them and build their values.

:class:`ChunkPreparer` writes nothing (it may read the ``name_resolution`` cache and, when OPSIN
is on, add to it), so it can run in the ingesting process or ahead of it in a worker process
(``intake.prepare_worker``) while the ingesting process stores the previous chunk. Its output,
:data:`PreparedChunk`, is plain data and pickles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from chem.names import NameResolution
from chem.standardise import StandardiseCache
from intake.build import BuildContext, build_record
from intake.kinds import KindSpec
from intake.parsers import RawRow
from intake.prepared import Prepared
from intake.quarantine import Rejected
from intake.records import Record, group_records
from intake.resolve import NameResolver
from intake.sold_as import SoldAsVerdict
from intake.store import column_overflow
from intake.validation.issues import reject
from intake.validation.steps import CheckedRow, ValidationContext, check_row

__all__ = ["ChunkPreparer", "PreparedChunk"]

PreparedChunk = tuple[list[Prepared], list[Rejected], int]  # stored records, rejected records, rows


class ChunkPreparer:
    """Chunks, validation and building for one kind (see :class:`intake.pipeline.Ingestor`).

    Parameters
    ----------
    spec : KindSpec
        The kind's fields, vocabularies and rules.
    today : datetime.date
        "Today" for the future-date check (Europe/London).
    structures : StandardiseCache
        Standardised structures by input SMILES.
    resolver : NameResolver
        Reported names to structures (synonym table, database cache, OPSIN).
    security_marking : str
        Marking written on every stored record.
    chunk_rows : int
        Rows per chunk (a chunk ends at the first record boundary at or after this many rows).
    """

    def __init__(
        self,
        spec: KindSpec,
        *,
        today: dt.date,
        structures: StandardiseCache,
        resolver: NameResolver,
        security_marking: str,
        chunk_rows: int,
    ):
        self.spec = spec
        self.structures = structures
        self.resolver = resolver
        self.security_marking = security_marking
        self.chunk_rows = chunk_rows
        self.vctx = ValidationContext(today=today, structures=structures, table=resolver.table)
        self._sold_as_memo: dict[tuple[object, ...], SoldAsVerdict] = {}  # kept across chunks

    def chunks(self, rows: Iterable[RawRow], provider: str | None) -> Iterator[list[Record]]:
        """Group rows into records and records into chunks of about ``chunk_rows`` rows."""
        chunk: list[Record] = []
        nrows = 0
        for rec in group_records(rows, self.spec, default_provider=provider):
            chunk.append(rec)
            nrows += len(rec.rows)
            if nrows >= self.chunk_rows:
                yield chunk
                chunk, nrows = [], 0
        if chunk:
            yield chunk

    def validate(self, rec: Record) -> tuple[list[CheckedRow] | None, Rejected | None]:
        """Run the step chain on every row of ``rec``; a record is rejected whole or accepted whole."""
        spec, vctx = self.spec, self.vctx
        checked = [check_row(r, spec, vctx) for r in rec.rows]
        if any(c.rejected for c in checked):
            return None, Rejected(rec.provider, rec.record_key, rec.rows, [c.issues for c in checked])
        if len(checked) > 1:
            first = rec.rows[0].data
            for c in checked[1:]:
                data = c.raw.data
                for f in spec.header_fields:
                    if data.get(f) != first.get(f):
                        issue = reject(
                            "inconsistent_record",
                            "record",
                            f,
                            f"rows of {spec.key_field} {rec.key!r} disagree on {f}: "
                            f"{first.get(f)!r} vs {data.get(f)!r}",
                        )
                        c.issues.append(issue)
                        return None, Rejected(rec.provider, rec.record_key, rec.rows, [x.issues for x in checked])
        return checked, None

    def sold_as_lookup(self, label: str) -> NameResolution | None:
        """A sold-as label resolved by the synonym table alone."""
        return self.resolver.synonym_only(label)

    def prepare(self, records: list[Record]) -> PreparedChunk:
        """Validate and build one chunk: (records to store, rejected records, rows in the chunk)."""
        valid: list[tuple[Record, list[CheckedRow]]] = []
        rejected: list[Rejected] = []
        for rec in records:
            checked, rej = self.validate(rec)
            if rej is not None:
                rejected.append(rej)
            else:
                assert checked is not None
                valid.append((rec, checked))
        names = {c.pending_name for _, cs in valid for c in cs if c.pending_name}
        resolutions = self.resolver.resolve(names) if names else {}
        bctx = BuildContext(
            structures=self.vctx,
            names=resolutions,
            sold_as_lookup=self.sold_as_lookup,
            security_marking=self.security_marking,
            sold_as_memo=self._sold_as_memo,
        )
        spec = self.spec
        prepared = []
        for rec, cs in valid:
            built = build_record(rec, cs, spec, bctx)
            overflow = column_overflow(spec.name, built)
            if overflow is None:
                prepared.append(built)
                continue
            name, length, limit = overflow  # PostgreSQL would refuse the whole chunk: quarantine the record
            issue = reject("value_too_long", "store", name, f"{length} characters; {name} holds at most {limit}")
            rejected.append(Rejected(rec.provider, rec.record_key, rec.rows, [[issue]] + [[] for _ in rec.rows[1:]]))
        return prepared, rejected, sum(len(r.rows) for r in records)
