"""Scoped capture of RDKit's log, so that nothing leaks to stderr.

RDKit writes warnings and errors (bad valence, SMILES syntax errors, InChI
warnings) straight to the C++ standard error stream.  FEWS never lets those
leak: every RDKit call that may log runs inside :func:`capture_rdkit_log`,
which blocks all RDKit log channels in its scope and collects the error
channel's messages so that they can become the ``reason`` of an
:class:`~chem.errors.InvalidStructure`.

Nothing is changed at import time and the previous logging state is restored
when the scope ends (RDKit's ``BlockLogs`` and ``CaptureErrorLog`` are both
scoped objects).

Examples
--------
>>> from rdkit import Chem
>>> with capture_rdkit_log() as messages:
...     mol = Chem.MolFromSmiles("C(C)(C)(C)(C)C")
>>> mol is None
True
>>> messages[0]
'Explicit valence for atom # 0 C, 5, is greater than permitted'
>>> log_reason(messages, default="unknown")
'Explicit valence for atom # 0 C, 5, is greater than permitted'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from rdkit import rdBase

__all__ = ["capture_rdkit_log", "log_reason"]

_TIMESTAMP = re.compile(r"^\[\d{2}:\d{2}:\d{2}(?:\.\d+)?\]\s?")
_CARET_LINE = re.compile(r"^[\s~^]+$")
_PREFIXES = ("SMILES Parse Error: ", "SMARTS Parse Error: ", "ERROR: ")
_INPUT_ECHO = re.compile(r"\s+for input: '.*'$")


def _split_messages(raw: str) -> list[str]:
    lines = []
    for line in raw.splitlines():
        text = _TIMESTAMP.sub("", line).rstrip()
        if text.strip():
            lines.append(text)
    return lines


@contextmanager
def capture_rdkit_log() -> Iterator[list[str]]:
    """Silence RDKit logging in a scope and collect its error messages.

    Yields
    ------
    list of str
        The messages RDKit sent to its error log in the scope, one per line,
        with RDKit's ``[hh:mm:ss]`` prefix removed.  The list is filled when
        the scope exits (also when it exits with an exception), so read it
        after the ``with`` block.

    Notes
    -----
    Warnings and info messages are blocked but not collected.  On RDKit
    releases without ``rdBase.CaptureErrorLog`` (it exists in 2026.09), the
    messages are blocked but the list stays empty, and callers fall back to
    their generic reason.

    Examples
    --------
    >>> from rdkit import Chem
    >>> with capture_rdkit_log() as messages:
    ...     _ = Chem.MolFromSmiles("CCO")
    >>> messages
    []
    """
    messages: list[str] = []
    capture = None
    with ExitStack() as stack:
        # Order matters: BlockLogs outside, so that the capture still sees the
        # error channel while every channel is kept away from stderr.
        stack.enter_context(rdBase.BlockLogs())
        capture_cls = getattr(rdBase, "CaptureErrorLog", None)
        if capture_cls is not None:
            capture = stack.enter_context(capture_cls())
        try:
            yield messages
        finally:
            if capture is not None:
                try:
                    logged = capture.messages
                except UnicodeDecodeError:  # RDKit cut a non-ASCII input mid-character when echoing it
                    logged = "RDKit's message could not be read: the input has characters that are not ASCII"
                messages.extend(_split_messages(logged))


def log_reason(messages: list[str], *, default: str) -> str:
    """Condense captured RDKit messages into one human sentence.

    SMILES echo lines (the input and its ``~~^`` marker), RDKit's
    ``"SMILES Parse Error: "`` prefixes, repeated lines and the redundant
    ``"Failed parsing SMILES ..."`` summary are dropped.

    Parameters
    ----------
    messages : list of str
        Messages from :func:`capture_rdkit_log`.
    default : str
        Returned when nothing useful was logged.

    Returns
    -------
    str
        The remaining messages joined with ``"; "``, or ``default``.

    Examples
    --------
    >>> log_reason(["SMILES Parse Error: syntax error while parsing: CC(",
    ...             "SMILES Parse Error: check for mistakes around position 3:",
    ...             "CC(", "~~^",
    ...             "SMILES Parse Error: Failed parsing SMILES 'CC(' for input: 'CC('"], default="?")
    'syntax error while parsing: CC(; check for mistakes around position 3'
    >>> log_reason([], default="could not parse")
    'could not parse'
    """
    kept: list[str] = []
    for i, line in enumerate(messages):
        if _CARET_LINE.match(line):
            continue
        if i + 1 < len(messages) and _CARET_LINE.match(messages[i + 1]):
            continue  # the echoed input above a caret marker
        text = line.strip()
        for prefix in _PREFIXES:
            if text.startswith(prefix):
                text = text[len(prefix) :]
        if text.startswith("Failed parsing SMILES"):
            continue
        text = _INPUT_ECHO.sub("", text).rstrip(":").strip()
        if text and text not in kept:
            kept.append(text)
    return "; ".join(kept) if kept else default
