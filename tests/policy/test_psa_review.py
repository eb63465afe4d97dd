"""The PSA s.58-style before/after review on the policy test world."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from fews.db import session_scope
from fews.policy.psa_review import psa_review, rate_ratio, two_proportion_z
from fews.policy.render import render_psa_html
from tests.policy.conftest import SENTINELS, World


def _review(world: World, **kw) -> dict:  # type: ignore[no-untyped-def]
    with session_scope(world.runtime.factory) as s:
        return psa_review(s, **kw)


def test_before_and_after_counts(world: World) -> None:
    doc = _review(world)
    assert doc["windows"]["before"] == {"from": "2015-05-28", "to": "2016-05-25"}
    assert doc["windows"]["after"] == {"from": "2016-05-26", "to": "2017-05-24"}
    national = {r["key"]: (r["before"], r["after"]) for r in doc["seizures"]["national"]}
    assert national == {"all samples": (3, 4), "samples with PSA-scope substances": (1, 1)}  # MDAI is PSA-scope
    contexts = {r["key"]: (r["before"], r["after"]) for r in doc["seizures"]["by_context"]}
    assert contexts == {"border_postal": (0, 2), "inland": (3, 0), "online": (0, 2)}
    areas = {r["key"]: (r["before"], r["after"]) for r in doc["seizures"]["by_local_area"]}
    assert areas["Leeds"] == (3, 1) and areas["Coventry"] == (0, 2)
    streams = {r["key"]: (r["before"], r["after"]) for r in doc["availability"]["by_stream"]}
    assert streams == {"drug_checking": (1, 0), "online_market": (1, 2)}


def test_displacement_to_postal_and_online(world: World) -> None:
    d = _review(world)["displacement"]["all_seizures"]
    assert (d["before"], d["after"], d["difference"]) == (0.0, 1.0, 1.0)
    assert d["p_value"] < 0.05


def test_harm_counts_are_suppressed_and_no_case_data(world: World) -> None:
    doc = _review(world)
    assert {r["key"]: (r["before"], r["after"]) for r in doc["harms"]["national"]} == {
        "all reports": ("<5", "<5"),
        "PSA-scope substances": (0, 0),
    }
    html = render_psa_html(doc, marking="OFFICIAL-SENSITIVE")
    for text in (json.dumps(doc), html):
        for sentinel in SENTINELS:
            assert sentinel not in text
    assert "Displacement to postal and online supply" in html and "OFFICIAL-SENSITIVE" in html


def test_window_is_validated(world: World) -> None:
    with pytest.raises(ValueError, match="window_weeks"):
        _review(world, window_weeks=0)
    assert _review(world, date=dt.date(2016, 5, 26), window_weeks=4)["windows"]["weeks"] == 4


@pytest.mark.parametrize(
    ("after", "before", "ratio", "low", "high"),
    [(20, 10, 2.0, 0.936, 4.273), (10, 10, 1.0, 0.416, 2.403)],
    ids=["doubling", "no-change"],
)
def test_rate_ratio_confidence_interval(after: int, before: int, ratio: float, low: float, high: float) -> None:
    # log-scale Wald interval: exp(log(RR) +/- 1.96 * sqrt(1/a + 1/b)) (Rothman et al. 2008)
    assert rate_ratio(after, before) == {"ratio": ratio, "low": low, "high": high}
    assert rate_ratio(0, 5)["ratio"] is None


def test_two_proportion_test_matches_a_hand_calculation() -> None:
    # 10/100 vs 20/100: pooled p=0.15, se=0.0505, z=1.98, two-sided p=0.0477
    r = two_proportion_z(10, 100, 20, 100)
    assert r["difference"] == 0.1 and abs(r["p_value"] - 0.0477) < 0.0005
    assert two_proportion_z(0, 0, 1, 2)["p_value"] is None
