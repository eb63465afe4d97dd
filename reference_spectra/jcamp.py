"""Read JCAMP-DX mass spectra (the JCAMP-DX 4.24 MS subset used by GC-EI-MS libraries such as SWGDRUG and
the NIST WebBook), block by block.

Supported: labelled data records ``##KEY=value`` (``$$`` comments stripped), ``##PEAK TABLE=(XY..XY)``
(and ``(XYW..XYW)``, width ignored) as ``x,y`` pairs, ``##XYDATA=(X++(Y..Y))`` in AFFN or ASDF
compressed form (SQZ, DIF with the Y-value check, DUP), ``##XFACTOR``/``##YFACTOR``, and link files
(``##BLOCKS=``) whose child blocks each hold one spectrum. Every block is yielded as a
:class:`~reference_spectra.spectrum.Spectrum` with ``MSLEVEL=1`` and ``IONIZATION`` (default ``EI``);
a block that cannot be read is yielded with ``error`` set, never dropped.

References
----------
McDonald RS, Wilks PA (1988) JCAMP-DX: a standard form for exchange of infrared spectra in computer
readable form. Appl. Spectrosc. 42:151. Lampen P et al. (1994) JCAMP-DX for mass spectrometry.
Appl. Spectrosc. 48:1545 (version 4.24 MS data types).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import IO

import numpy as np

from reference_spectra.spectrum import Spectrum

__all__ = ["JcampError", "decode_asdf_line", "iter_jcamp"]

_SQZ = {"@": 0, **{c: i + 1 for i, c in enumerate("ABCDEFGHI")}, **{c: -(i + 1) for i, c in enumerate("abcdefghi")}}
_DIF = {"%": 0, **{c: i + 1 for i, c in enumerate("JKLMNOPQR")}, **{c: -(i + 1) for i, c in enumerate("jklmnopqr")}}
_DUP = {**{c: i + 1 for i, c in enumerate("STUVWXYZ")}, "s": 9}
_LDR = re.compile(r"^##\s*([^=]*?)\s*=\s*(.*)$")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
#: JCAMP labels mapped onto the metadata keys FEWS reads.
_KEYS = {
    "TITLE": "NAME",
    "MOLFORM": "FORMULA",
    "CAS REGISTRY NO": "CASNO",
    ".IONIZATION MODE": "IONIZATION",
    "$INCHIKEY": "INCHIKEY",
    "$SMILES": "SMILES",
    "ORIGIN": "AUTHORS",
    "OWNER": "COPYRIGHT",
}


class JcampError(ValueError):
    """A block that cannot be read as a mass spectrum (carries the reason)."""


def decode_asdf_line(line: str) -> list[float]:
    """Decode one line of AFFN or ASDF (SQZ/DIF/DUP) ordinates into numbers, X value first.

    DIF values are relative to the previous value; a DUP count repeats the previous token (value or
    difference) so that it occurs ``count`` times in all.

    Examples
    --------
    >>> decode_asdf_line("10 A0J%J")  # x=10, then 10, 11, 11, 12
    [10.0, 10.0, 11.0, 11.0, 12.0]
    >>> decode_asdf_line("1 @T")  # 0 twice
    [1.0, 0.0, 0.0]
    """
    tokens: list[tuple[str, str]] = []  # (kind, digits) kind in affn|sqz|dif|dup
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in " \t,;":
            i += 1
            continue
        if c in _SQZ or c in _DIF or c in _DUP:
            kind = "sqz" if c in _SQZ else "dif" if c in _DIF else "dup"
            j = i + 1
            while j < n and (line[j].isdigit() or line[j] == "."):
                j += 1
            tokens.append((kind, c + line[i + 1 : j]))
            i = j
            continue
        m = _NUMBER.match(line, i)
        if m is None or m.end() == i:
            raise JcampError(f"unexpected character {c!r} in compressed data {line[:40]!r}")
        tokens.append(("affn", m.group(0)))
        i = m.end()
    values: list[float] = []
    last_kind = ""
    last_diff = 0.0
    for kind, text in tokens:
        if kind == "affn":
            values.append(float(text))
        elif kind == "sqz":
            head = _SQZ[text[0]]
            values.append(float(f"{'-' if head < 0 else ''}{abs(head)}{text[1:]}"))
        elif kind == "dif":
            if not values:
                raise JcampError(f"a DIF value with nothing before it in {line[:40]!r}")
            head = _DIF[text[0]]
            last_diff = float(f"{'-' if head < 0 else ''}{abs(head)}{text[1:]}")
            values.append(values[-1] + last_diff)
        else:  # dup
            if not values:
                raise JcampError(f"a DUP count with nothing before it in {line[:40]!r}")
            count = int(f"{_DUP[text[0]]}{text[1:]}")
            for _ in range(count - 1):
                values.append(values[-1] + last_diff if last_kind == "dif" else values[-1])
            continue
        last_kind = kind
    return values


def _lines(source: str | os.PathLike[str] | IO[str]) -> Iterator[str]:
    if isinstance(source, (str, os.PathLike)):
        with open(source, encoding="utf-8", errors="replace") as fh:
            yield from fh
    else:
        yield from source


class _Block:
    def __init__(self, index: int, line: int):
        self.index, self.line = index, line
        self.labels: dict[str, str] = {}
        self.data_kind: str | None = None  # "peaks" | "xydata"
        self.data_lines: list[tuple[int, str]] = []
        self.in_data = False
        self.closed = False

    def spectrum(self) -> Spectrum:
        meta = {_KEYS.get(k, k): v for k, v in self.labels.items() if v and not k.startswith("XYDATA")}
        meta.setdefault("MSLEVEL", "1")
        meta.setdefault("IONIZATION", "EI")
        spec = Spectrum(index=self.index, line=self.line, metadata=meta)
        try:
            spec.peaks = self._peaks()
        except JcampError as exc:
            spec.error = str(exc)
        if spec.error is None and not self.closed:
            spec.error = "the file ends inside the block (no ##END=)"
        return spec

    def _factor(self, key: str) -> float:
        raw = self.labels.get(key, "1") or "1"
        try:
            return float(raw)
        except ValueError:
            raise JcampError(f"##{key}={raw!r} is not a number") from None

    def _peaks(self) -> np.ndarray:
        dtype = self.labels.get("DATA TYPE", "MASS SPECTRUM").upper()
        if "MASS" not in dtype:
            raise JcampError(f"##DATA TYPE={dtype} is not a mass spectrum")
        if self.data_kind is None:
            raise JcampError("no ##PEAK TABLE or ##XYDATA in the block")
        xf, yf = self._factor("XFACTOR"), self._factor("YFACTOR")
        if self.data_kind == "peaks":
            pairs: list[tuple[float, float]] = []
            width = 3 if "XYW" in self.labels.get("PEAK TABLE", "").upper() else 2
            for n, text in self.data_lines:
                for group in re.split(r"[\s;]+", text.strip()):
                    if not group:
                        continue
                    parts = [p for p in re.split(r"[,]", group) if p != ""]
                    if len(parts) not in (width, 2):
                        raise JcampError(f"line {n}: peak {group!r} is not an x,y pair")
                    try:
                        pairs.append((float(parts[0]) * xf, float(parts[1]) * yf))
                    except ValueError:
                        raise JcampError(f"line {n}: peak {group!r} is not numeric") from None
            peaks = np.asarray(pairs, dtype=np.float64).reshape(-1, 2)
        else:
            peaks = self._xydata(xf, yf)
        expected = self.labels.get("NPOINTS")
        if expected and expected.strip().isdigit() and int(expected) != len(peaks):
            raise JcampError(f"##NPOINTS={expected} but {len(peaks)} points were read")
        peaks = peaks[peaks[:, 1] > 0] if len(peaks) else peaks
        if len(peaks) == 0:
            raise JcampError("the spectrum has no peaks")
        return peaks.astype(np.float32)

    def _xydata(self, xf: float, yf: float) -> np.ndarray:
        form = self.labels.get("XYDATA", "").replace(" ", "").upper()
        if form != "(X++(Y..Y))":
            raise JcampError(f"##XYDATA={form} is not supported (only (X++(Y..Y)))")
        try:
            first = float(self.labels["FIRSTX"])
            last = float(self.labels["LASTX"])
            npoints = int(self.labels["NPOINTS"])
        except (KeyError, ValueError):
            raise JcampError("##XYDATA needs numeric ##FIRSTX, ##LASTX and ##NPOINTS") from None
        ys: list[float] = []
        prev_last: float | None = None
        prev_dif = False
        for n, text in self.data_lines:
            try:
                values = decode_asdf_line(text)
            except JcampError as exc:
                raise JcampError(f"line {n}: {exc}") from None
            if len(values) < 2:
                continue
            row = values[1:]
            if prev_dif and prev_last is not None:
                # DIF form repeats the previous line's last ordinate as this line's first (Y-value check)
                if abs(row[0] - prev_last) > 1e-6 * max(1.0, abs(prev_last)):
                    raise JcampError(f"line {n}: DIF Y-value check failed ({row[0]} != {prev_last})")
                row = row[1:]
            ys.extend(row)
            prev_last = values[-1]
            prev_dif = any(ch in _DIF for ch in text)
        if npoints < 1 or len(ys) != npoints:
            raise JcampError(f"##NPOINTS={npoints} but {len(ys)} ordinates were decoded")
        delta = (last - first) / (npoints - 1) if npoints > 1 else 0.0
        xs = (first + delta * np.arange(npoints)) * xf
        return np.column_stack([xs, np.asarray(ys) * yf])


def iter_jcamp(source: str | os.PathLike[str] | IO[str]) -> Iterator[Spectrum]:
    """Yield one :class:`Spectrum` per data block (link blocks are containers, not spectra)."""
    stack: list[_Block] = []
    count = 0
    saw_label = False
    for n, raw in enumerate(_lines(source), start=1):
        line = raw.split("$$", 1)[0].rstrip()
        if not line.strip():
            continue
        m = _LDR.match(line.strip())
        if m is None:
            if stack and stack[-1].in_data:
                stack[-1].data_lines.append((n, line))
            elif stack:  # continuation of a multi-line label value
                block = stack[-1]
                if block.labels:
                    last = next(reversed(block.labels))
                    block.labels[last] = f"{block.labels[last]} {line.strip()}".strip()
            continue
        saw_label = True
        key, value = m.group(1).strip().upper(), m.group(2).strip()
        if key == "TITLE":
            count += 1
            stack.append(_Block(count, n))
            stack[-1].labels["TITLE"] = value
            continue
        if not stack:
            count += 1
            yield Spectrum(index=count, line=n, error=f"line {n}: ##{key}= before any ##TITLE=")
            continue
        block = stack[-1]
        if key == "END":
            block.closed = True
            stack.pop()
            if block.labels.get("DATA TYPE", "").upper() != "LINK" and "BLOCKS" not in block.labels:
                yield block.spectrum()
            continue
        if key in ("PEAK TABLE", "XYDATA", "PEAKTABLE"):
            block.data_kind = "xydata" if key == "XYDATA" else "peaks"
            block.in_data = True
            block.labels["PEAK TABLE" if key != "XYDATA" else "XYDATA"] = value
            continue
        block.in_data = False  # any other label ends the data section
        block.labels[key] = value
    for block in reversed(stack):
        if block.labels.get("DATA TYPE", "").upper() != "LINK" and "BLOCKS" not in block.labels:
            yield block.spectrum()
    if not saw_label:
        yield Spectrum(index=1, line=1, error="not a JCAMP-DX file: no ##LABEL= lines")
