from __future__ import annotations

import numpy as np
import pytest

from reference_spectra.scores import CosineGreedy, EntropySimilarity


def _random_pair(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    a = np.column_stack([np.sort(rng.uniform(40, 300, 25)), rng.uniform(0.01, 1, 25)])
    b = a.copy()
    b[:, 0] += rng.normal(0, 0.004, len(b))
    b[:, 1] *= rng.uniform(0.3, 1.7, len(b))
    b = np.vstack([b[5:], np.column_stack([rng.uniform(40, 300, 6), rng.uniform(0.01, 1, 6)])])
    return a, b[np.argsort(b[:, 0])]


def test_identical_spectra_score_one_and_disjoint_zero():
    a = np.array([[50.0, 1.0], [60.0, 2.0]])
    for score in (CosineGreedy(), EntropySimilarity()):
        assert score.pair(a, a) == pytest.approx(1.0)
        assert score.pair(a, a + [100.0, 0.0]) == 0.0


def test_modified_cosine_credits_shifted_fragments():
    a = np.array([[50.0, 1.0], [91.05, 2.0], [119.07, 3.0]])
    b = np.array([[50.0, 1.0], [91.05, 2.0], [105.05, 3.0]])  # the 119 fragment carries a +14.02 change
    plain, modified = CosineGreedy().pair(a, b), CosineGreedy().pair(a, b, shift=14.02)
    assert plain < 0.5 and modified == pytest.approx(1.0)


@pytest.mark.slow
def test_cosine_agrees_with_matchms_cosine_greedy():
    matchms = pytest.importorskip("matchms")
    from matchms.similarity import CosineGreedy as MatchmsCosine

    rng = np.random.default_rng(5)
    ours, theirs = CosineGreedy(tolerance=0.02), MatchmsCosine(tolerance=0.02)
    for _ in range(20):
        a, b = _random_pair(rng)
        sa = matchms.Spectrum(mz=a[:, 0], intensities=a[:, 1], metadata={"precursor_mz": 400.0})
        sb = matchms.Spectrum(mz=b[:, 0], intensities=b[:, 1], metadata={"precursor_mz": 400.0})
        assert ours.pair(a, b) == pytest.approx(float(theirs.pair(sa, sb)["score"]), abs=1e-6)
