"""Reference spectra: the shipped MassBank library, spectrum import and spectral search (issue #5)."""

__all__: list[str] = []
