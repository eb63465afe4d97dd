"""`fews demo`: the generator's data through the real pipeline, idempotent and additive."""

from __future__ import annotations

import datetime as dt
import os
import stat

from sqlalchemy import func, select

from fews.access import ROLES
from fews.demo.load import load_demo
from fews.models import HarmReport, Sample, Substance, User


def test_demo_is_clean_idempotent_and_additive(runtime):
    end = dt.date(2024, 9, 1)
    first = load_demo(runtime, end=end, scale=0.15)
    assert sorted(first["users_created"]) == sorted(ROLES)
    for kind in ("seizures", "reports", "intel", "psychoactivity"):
        s = first[kind]
        assert s["rows"] > 0 and s["quarantined"] == 0, (kind, s)
    creds = runtime.config.instance_path / "demo-credentials.txt"
    assert stat.S_IMODE(os.stat(creds).st_mode) == 0o600
    assert len([x for x in creds.read_text().splitlines() if not x.startswith("#")]) == len(ROLES)
    again = load_demo(runtime, end=end, scale=0.15)
    assert again["users_created"] == []
    for kind in ("seizures", "reports", "intel", "psychoactivity"):
        assert again[kind]["duplicates"] == again[kind]["rows"], kind
    later = load_demo(runtime, end=end + dt.timedelta(weeks=6), scale=0.15)
    assert later["seizures"]["accepted"] > 0 and later["seizures"]["amended"] == 0
    with runtime.factory() as db:
        assert db.scalar(select(func.count()).select_from(Sample)) > 100
        assert db.scalar(select(func.count()).select_from(Sample).where(Sample.sold_as_mismatch.is_(True))) > 0
        assert db.scalar(select(func.count()).select_from(Substance)) > 20
        reporter = db.scalar(select(User.id).where(User.username == "clinical_reporter"))
        assert (
            db.scalar(select(func.count()).select_from(HarmReport).where(HarmReport.reporter_user_id == reporter)) > 0
        )
