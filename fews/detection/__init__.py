"""Emergence detection (issue #6): families, novelty, aberrations, near misses, harm clusters, signals."""
