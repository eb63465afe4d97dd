"""Spectral similarity scores behind one interface (matchms ``BaseSimilarity`` style): ``pair()`` scores two
cleaned peak arrays, ``matrix()`` one query against many. ``SCORES`` maps the ``--score`` names."""

from reference_spectra.scores.base import BaseSimilarity
from reference_spectra.scores.cosine import CosineGreedy
from reference_spectra.scores.entropy import EntropySimilarity

__all__ = ["SCORES", "BaseSimilarity", "CosineGreedy", "EntropySimilarity"]

SCORES: dict[str, type[BaseSimilarity]] = {"entropy": EntropySimilarity, "cosine": CosineGreedy}
