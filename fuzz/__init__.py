"""Fuzzing harnesses (atheris) for every FEWS parser; ``python -m fuzz.run --seconds 20`` runs them all
for a bounded time (CI). The checks themselves are in :mod:`fuzz.targets`."""

__all__ = ["targets", "seeds", "run"]
