"""Typed domain errors raised by ``chem``.

FEWS has one failure contract: parsers and chemistry functions raise one of
these errors (both are :class:`ValueError` subclasses) carrying the offending
input and a human-readable reason; functions that return ``None`` instead say
so in their name (``try_...``).

Examples
--------
>>> err = InvalidStructure("C1CC", reason="unclosed ring", code="unparsable")
>>> err.code, err.reason
('unparsable', 'unclosed ring')
>>> str(err)
"unparsable: unclosed ring (input: 'C1CC')"
"""

from __future__ import annotations

__all__ = ["InvalidStructure", "ParseError", "INVALID_STRUCTURE_CODES", "MAX_INPUT_ECHO"]

#: Longest stretch of the offending input that an error keeps (characters).
MAX_INPUT_ECHO = 500

#: Machine codes that :class:`InvalidStructure` may carry, with their meaning.
INVALID_STRUCTURE_CODES: dict[str, str] = {
    "empty": "the input is empty or blank",
    "unparsable": "the SMILES/MOL text could not be read at all",
    "sanitization": "the structure was read but is chemically impossible (valence, aromaticity, ...)",
    "no_atoms": "the structure has no atoms",
    "too_large": "the structure exceeds the heavy-atom cap",
    "inchi_failed": "no InChI/InChIKey could be computed",
}


def _truncate(text: object) -> str:
    text = "" if text is None else str(text)
    if len(text) <= MAX_INPUT_ECHO:
        return text
    return text[: MAX_INPUT_ECHO - 1] + "\u2026"


class InvalidStructure(ValueError):
    """A chemical structure that FEWS cannot accept.

    Parameters
    ----------
    input : str
        The offending input (SMILES, MOL block, name...); kept truncated to
        :data:`MAX_INPUT_ECHO` characters.
    reason : str
        A human sentence saying what is wrong, e.g. RDKit's
        ``"Explicit valence for atom # 1 N, 4, is greater than permitted"``.
    code : str
        One of :data:`INVALID_STRUCTURE_CODES`.

    Raises
    ------
    ValueError
        If ``code`` is not a known code.
    """

    def __init__(self, input: object, *, reason: str, code: str) -> None:  # noqa: A002 - API name
        if code not in INVALID_STRUCTURE_CODES:
            raise ValueError(
                f"unknown InvalidStructure code {code!r}; expected one of {sorted(INVALID_STRUCTURE_CODES)}"
            )
        self.input = _truncate(input)
        self.reason = reason
        self.code = code
        super().__init__(f"{code}: {reason} (input: {self.input!r})")

    def __reduce__(self):  # keep pickling (multiprocessing) working with keyword-only args
        return (_rebuild_invalid_structure, (self.input, self.reason, self.code))


def _rebuild_invalid_structure(input: str, reason: str, code: str) -> InvalidStructure:  # noqa: A002
    return InvalidStructure(input, reason=reason, code=code)


class ParseError(ValueError):
    """A malformed file or record (SDF block, CSV row, data file).

    Parameters
    ----------
    input : str
        The offending text (truncated to :data:`MAX_INPUT_ECHO` characters).
    reason : str
        A human sentence saying what is wrong.
    code : str
        A short machine code, e.g. ``"bad_row"``.
    line : int, optional
        1-based line number in the source where the problem starts.
    """

    def __init__(self, input: object, *, reason: str, code: str, line: int | None = None) -> None:  # noqa: A002
        self.input = _truncate(input)
        self.reason = reason
        self.code = code
        self.line = line
        where = f" at line {line}" if line is not None else ""
        super().__init__(f"{code}{where}: {reason} (input: {self.input!r})")

    def __reduce__(self):
        return (_rebuild_parse_error, (self.input, self.reason, self.code, self.line))


def _rebuild_parse_error(input: str, reason: str, code: str, line: int | None) -> ParseError:  # noqa: A002
    return ParseError(input, reason=reason, code=code, line=line)
