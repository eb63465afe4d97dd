"""The :class:`Spectrum` record every reader yields: metadata, peaks and, when it cannot be used, why."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Spectrum"]


@dataclass
class Spectrum:
    """One spectrum: metadata (upper-cased keys), peaks as an (n, 2) float32 array, and its source position.

    ``index`` is the 1-based position of the record in its file and ``line`` the line (or scan number)
    where it starts, so that a report can point a user at a malformed record. ``error`` is set, never
    raised, when the record cannot be used; the record is still yielded so that nothing is lost.
    """

    index: int
    line: int
    metadata: dict[str, str] = field(default_factory=dict)
    peaks: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.float32))
    error: str | None = None

    @property
    def name(self) -> str:
        """NAME, else TITLE, else ``spectrum <index>``."""
        return self.metadata.get("NAME") or self.metadata.get("TITLE") or f"spectrum {self.index}"

    @property
    def precursor_mz(self) -> float | None:
        """The precursor m/z as a positive float, or ``None`` when missing, ``NA`` or not a number."""
        raw = self.metadata.get("PRECURSORMZ") or self.metadata.get("PRECURSOR_MZ") or self.metadata.get("PEPMASS")
        try:
            value = float(str(raw).split()[0]) if raw not in (None, "", "NA") else None
        except (ValueError, IndexError):
            return None
        return value if value and value > 0 else None

    @property
    def inchikey(self) -> str | None:
        """The InChIKey as given (or derived by the cleaning pipeline), upper-case, or ``None``."""
        key = (self.metadata.get("INCHIKEY") or "").strip().upper()
        return key if len(key) == 27 else None

    @property
    def compound_key(self) -> str:
        """Identity of the compound: the InChIKey's first (connectivity) block, as FEWS substances are
        stereo-free; else the lower-cased name. Stereoisomers are not separable by mass spectrometry."""
        key = self.inchikey
        return key[:14] if key else self.name.strip().lower()

    @property
    def is_ei(self) -> bool:
        """True for a single-stage (EI GC-MS style) spectrum: MS level 1 or EI ionisation, no precursor."""
        if self.precursor_mz is not None:
            return False
        level = (self.metadata.get("MSLEVEL") or "").strip()
        ionisation = (self.metadata.get("IONIZATION") or "").upper()
        return level == "1" or ionisation.startswith("EI")
