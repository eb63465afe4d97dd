"""MOL blocks pasted into a browser form: undo what the browser and the clipboard do to them.

A textarea submits CRLF line ends, and a MOL block whose title line is blank loses it when a user's
selection (or our own ``strip``) starts at the program line. The V2000/V3000 header is positional
(title, program, comment, then the counts line), so :func:`normalise_pasted_molblock` puts the line
ends back to LF and, when the counts line arrives early, restores the blank header lines before it.
Anything else is left for ``chem.standardise.standardise_molblock`` to judge (an unreadable block is
quarantined at intake with its reason, like a bad SMILES).
"""

from __future__ import annotations

import re

__all__ = ["normalise_pasted_molblock"]

_COUNTS = re.compile(r"^[ 0-9]{6}.*V[23]000\s*$")


def normalise_pasted_molblock(text: str | None) -> str | None:
    """The block with LF line ends and its three header lines before the counts line; None when blank.

    Examples
    --------
    >>> normalise_pasted_molblock("  RDKit          2D\\r\\n\\r\\n  1  0  0  0  0  0  0  0  0  0999 V2000\\r\\nM  END")
    '\\n  RDKit          2D\\n\\n  1  0  0  0  0  0  0  0  0  0999 V2000\\nM  END\\n'
    """
    if text is None or not text.strip():
        return None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").rstrip().split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    counts_at = next((i for i, line in enumerate(lines[:4]) if _COUNTS.match(line)), None)
    if counts_at is not None and counts_at < 3:
        lines = [""] * (3 - counts_at) + lines
    return "\n".join(lines) + "\n"
