"""Backups are engine-independent: SQLite data restores into SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from fews import audit, migrate
from fews.backup import RestoreError, dump, load
from fews.db import make_engine, make_session_factory, session_scope
from fews.models import Component, Sample, Substance
from intake.pipeline import Ingestor
from tests.builders import CAFFEINE, COCAINE, SeizureBuilder


def test_sqlite_backup_restores_into_either_engine(runtime, tmp_path, database_url):
    src_url = f"sqlite:///{tmp_path / 'source.db'}"
    src = make_engine(src_url)
    migrate.upgrade(src)
    factory = make_session_factory(src)
    path = (
        SeizureBuilder()
        .sample("B1")
        .component("cocaine", COCAINE)
        .component("caffeine", CAFFEINE)
        .write(tmp_path / "b.csv")
    )
    Ingestor(factory, runtime.config, "seizures", today=dt.date(2026, 11, 23)).ingest_file(path)
    counts = dump(src, str(tmp_path / "b.backup.gz"))
    src.dispose()
    target = make_engine(database_url)
    try:
        restored = load(target, str(tmp_path / "b.backup.gz"))
        assert restored == {k: v for k, v in counts.items() if v}
        tf = make_session_factory(target)
        with session_scope(tf) as s:
            assert s.scalar(select(func.count()).select_from(Component)) == 2
            assert s.scalar(select(Sample.sample_id)) == "B1"
            assert audit.verify(s).ok
            s.add(
                Substance(
                    inchikey_nostereo="X" * 14 + "-UHFFFAOYSA-N",
                    inchikey="X" * 14 + "-UHFFFAOYSA-N",
                    smiles="C",
                    formula="CH4",
                    exact_mass=16.0,
                    mol_weight=16.0,
                    standardisation_version="t",
                )
            )  # ids continue after the restored ones
        with pytest.raises(RestoreError, match="not empty"):
            load(target, str(tmp_path / "b.backup.gz"))
    finally:
        target.dispose()
