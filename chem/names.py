"""Names to structures: the curated synonym table first, then OPSIN.

Seizure and RIDR records often name a substance instead of drawing it
("meow meow", "4-MMC", "etonitazepyne", "Monkey Dust").  :func:`resolve_names`
turns a batch of such names into :class:`NameResolution` results:

1. :class:`SynonymTable` (``chem/data/synonyms.csv``) maps common, street,
   code, brand, systematic and product names to a **substance** (a SMILES),
   a **family** or a **class** (a label).  Product and class names such as
   "spice" or "Monkey Dust" never become a single structure (DESIGN.md 5.6).
2. Names the table does not know go to OPSIN (the IUPAC name parser shipped
   with ``py2opsin``) in **one** Java call per batch; its SMILES are checked
   with :func:`chem.standardise.standardise_smiles`.
3. Anything left is ``"unidentified"`` with the reason; the name is kept.

Examples
--------
>>> table = SynonymTable.default()
>>> table.lookup("Meow Meow").preferred_name
'mephedrone'
>>> table.lookup("4 mmc").preferred_name
'mephedrone'
>>> spice = table.lookup("spice")
>>> spice.maps_to, spice.target
('class', 'synthetic cannabinoid receptor agonists')
>>> normalise_name("  Alpha\u2013PVP\u00a0 ")
'alpha-pvp'
"""

from __future__ import annotations

import csv
import importlib.util
import io
import logging
import os
import re
import shutil
import subprocess
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

from rdkit import Chem

from chem.errors import InvalidStructure, ParseError
from chem.rdkit_log import capture_rdkit_log, log_reason
from chem.standardise import StandardStructure, standardise_smiles

__all__ = [
    "KINDS",
    "MAPS_TO",
    "SYNONYM_COLUMNS",
    "NameResolution",
    "OpsinUnavailable",
    "Synonym",
    "SynonymTable",
    "normalise_name",
    "opsin_names_to_smiles",
    "resolve_names",
]

logger = logging.getLogger(__name__)

#: Allowed values of :attr:`Synonym.kind`.
KINDS = frozenset({"common", "street", "code", "brand", "systematic", "product"})
#: Allowed values of :attr:`Synonym.maps_to`.
MAPS_TO = frozenset({"substance", "family", "class"})
#: Columns of the synonym CSV, in order.
SYNONYM_COLUMNS = ("name", "kind", "maps_to", "target", "preferred_name", "source")

#: Longest name sent to OPSIN; longer text is not a chemical name.
MAX_NAME_LENGTH = 1000

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033"
_TRANSLATE = {
    **{ord(c): "-" for c in _DASHES},
    **{ord(c): "'" for c in _SINGLE_QUOTES},
    **{ord(c): '"' for c in _DOUBLE_QUOTES},
    0x00AD: None,  # soft hyphen: invisible, drop it
}
_GREEK = {"\u03b1": "alpha", "\u03b2": "beta", "\u03b3": "gamma", "\u03b4": "delta"}
_LOOSE_DROP = re.compile(r"[\s\-_]+")
# Salt and form words that lab reports append to a substance name ("cocaine hydrochloride", "MDMA HCl").
_SALT_SUFFIX = re.compile(
    r"[\s,]+(?:(?:mono|di|tri|hemi|sesqui)?"
    r"(?:hydrochloride|hydrobromide|hydroiodide|sulphate|sulfate|phosphate|citrate|tartrate|bitartrate"
    r"|fumarate|maleate|mesylate|besylate|oxalate|hydrate)"
    r"|hcl|hbr|base|free ?base|salt)$"
)


def normalise_name(text: str, *, casefold: bool = True) -> str:
    """Normalise a substance name for lookup.

    Applies Unicode NFKC, unifies dashes/hyphens to ``-`` and curly quotes
    and primes to ``'``/``"``, collapses runs of whitespace, strips and
    (by default) case-folds.  Letters, digits, commas, parentheses and other
    punctuation are kept, so ``"4-MMC"`` and ``"4 MMC"`` stay different here
    (:meth:`SynonymTable.lookup` also tries a looser key).

    Parameters
    ----------
    text : str
        The name.
    casefold : bool, default True
        Case-fold the result (turn off for text sent to OPSIN, where ``N``
        and ``n`` differ).

    Returns
    -------
    str
        The normalised name (``""`` for a blank one).

    Raises
    ------
    TypeError
        If ``text`` is not a string.

    Examples
    --------
    >>> normalise_name("  MEOW\\tmeow ")
    'meow meow'
    >>> normalise_name("N\u2010ethylpentylone")
    'n-ethylpentylone'
    >>> normalise_name("2,5\u2010Dimethoxy (DOB)", casefold=False)
    '2,5-Dimethoxy (DOB)'
    """
    if not isinstance(text, str):
        raise TypeError(f"name must be a str, got {type(text).__name__}: {text!r:.80}")
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    text = " ".join(text.split())
    return text.casefold() if casefold else text


def _loose_key(normalised: str) -> str:
    """A second, looser key: Greek letters spelt out, spaces/hyphens/underscores and outer quotes dropped."""
    for letter, word in _GREEK.items():
        normalised = normalised.replace(letter, word)
    return _LOOSE_DROP.sub("", normalised.strip("'\""))


@dataclass(frozen=True, slots=True)
class Synonym:
    """One row of the synonym table.

    Attributes
    ----------
    name : str
        The name as written in the source.
    kind : str
        ``"common"``, ``"street"``, ``"code"``, ``"brand"``, ``"systematic"``
        or ``"product"``.
    maps_to : str
        ``"substance"``, ``"family"`` or ``"class"``.
    target : str
        A SMILES for ``maps_to="substance"``; a label otherwise (e.g.
        ``"synthetic cannabinoid receptor agonists"``).
    preferred_name : str
        Display name of the target.
    source : str
        The authority for the mapping.
    """

    name: str
    kind: str
    maps_to: str
    target: str
    preferred_name: str
    source: str


class SynonymTable:
    """A validated, indexed set of :class:`Synonym` rows.

    Parameters
    ----------
    synonyms : iterable of Synonym
        The rows.
    origin : str, default "<synonyms>"
        Where the rows came from, used in error messages.

    Raises
    ------
    chem.errors.ParseError
        (a :class:`ValueError`) naming the first bad row: unknown ``kind`` or
        ``maps_to``, empty field, unparsable or multi-component substance
        SMILES, a name that appears twice, or one target with two preferred
        names.

    Examples
    --------
    >>> rows = [Synonym("M-Cat", "street", "substance", "CNC(C)C(=O)c1ccc(C)cc1", "mephedrone", "FRANK")]
    >>> table = SynonymTable(rows)
    >>> len(table), table.lookup("m cat").name
    (1, 'M-Cat')
    """

    def __init__(self, synonyms: Iterable[Synonym], *, origin: str = "<synonyms>") -> None:
        self._rows: tuple[Synonym, ...] = tuple(synonyms)
        self.origin = origin
        self._exact: dict[str, Synonym] = {}
        self._loose: dict[str, Synonym | None] = {}  # None: two different targets share the loose key
        self._preferred: dict[tuple[str, str], str] = {}
        for number, synonym in enumerate(self._rows, start=1):
            self._add(synonym, number)
        #: the SMILES of every ``maps_to="substance"`` row (several rows may share one)
        self.substance_targets: frozenset[str] = frozenset(s.target for s in self._rows if s.maps_to == "substance")
        self._structures: dict[str, StandardStructure] = {}
        self._by_identity: dict[str, list[Synonym]] | None = None
        self._lock = threading.Lock()

    # --- construction ---------------------------------------------------------------------------------

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str]) -> SynonymTable:
        """Load a synonym CSV with the columns :data:`SYNONYM_COLUMNS`.

        Raises
        ------
        chem.errors.ParseError
            For a wrong header or a bad row (with its line number).
        OSError
            If the file cannot be read.
        """
        with open(path, encoding="utf-8", newline="") as handle:
            return cls._from_lines(handle, origin=os.fspath(path))

    @classmethod
    def default(cls) -> SynonymTable:
        """The shipped table (``chem/data/synonyms.csv``), loaded and validated once per process."""
        return _default_table()

    @classmethod
    def _from_lines(cls, lines: Iterable[str], *, origin: str) -> SynonymTable:
        reader = csv.reader(lines)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != SYNONYM_COLUMNS:
            raise ParseError(
                ",".join(header or []),
                reason=f"{origin}: expected the header {','.join(SYNONYM_COLUMNS)}",
                code="bad_header",
                line=1,
            )
        rows: list[Synonym] = []
        lines_of_rows: list[int] = []
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(SYNONYM_COLUMNS):
                raise ParseError(
                    ",".join(row),
                    reason=f"{origin} line {line}: expected {len(SYNONYM_COLUMNS)} fields, got {len(row)}",
                    code="bad_synonym",
                    line=line,
                )
            rows.append(Synonym(*(cell.strip() for cell in row)))
            lines_of_rows.append(line)
        try:
            return cls(rows, origin=origin)
        except ParseError as exc:  # renumber: row n of the table is CSV line lines_of_rows[n - 1]
            csv_line = lines_of_rows[exc.line - 1] if exc.line else None
            raise ParseError(
                exc.input,
                reason=exc.reason.replace(f"row {exc.line}:", f"line {csv_line}:"),
                code=exc.code,
                line=csv_line,
            ) from None

    def _fail(self, synonym: Synonym, number: int, reason: str) -> ParseError:
        return ParseError(
            ",".join(str(v) for v in (synonym.name, synonym.kind, synonym.maps_to, synonym.target)),
            reason=f"{self.origin} row {number}: {reason}",
            code="bad_synonym",
            line=number,
        )

    def _add(self, synonym: Synonym, number: int) -> None:
        for attribute in ("name", "kind", "maps_to", "target", "preferred_name", "source"):
            if not isinstance(getattr(synonym, attribute), str) or not getattr(synonym, attribute).strip():
                raise self._fail(synonym, number, f"{attribute} is empty")
        if synonym.kind not in KINDS:
            raise self._fail(synonym, number, f"kind {synonym.kind!r} is not one of {sorted(KINDS)}")
        if synonym.maps_to not in MAPS_TO:
            raise self._fail(synonym, number, f"maps_to {synonym.maps_to!r} is not one of {sorted(MAPS_TO)}")
        if synonym.maps_to == "substance":
            if "." in synonym.target:
                raise self._fail(synonym, number, f"substance target {synonym.target!r} has several components")
            with capture_rdkit_log() as messages:
                mol = Chem.MolFromSmiles(synonym.target)
            if mol is None:
                reason = log_reason(messages, default="RDKit could not read it")
                raise self._fail(synonym, number, f"target SMILES {synonym.target!r} does not parse: {reason}")
        key = normalise_name(synonym.name)
        if key in self._exact:
            raise self._fail(synonym, number, f"name {synonym.name!r} already listed as {self._exact[key].name!r}")
        identity = (synonym.maps_to, synonym.target)
        preferred = self._preferred.setdefault(identity, synonym.preferred_name)
        if preferred != synonym.preferred_name:
            raise self._fail(
                synonym,
                number,
                f"preferred_name {synonym.preferred_name!r} differs from {preferred!r} for this target",
            )
        self._exact[key] = synonym
        loose = _loose_key(key)
        if loose in self._loose:
            other = self._loose[loose]
            if other is not None and (other.maps_to, other.target) != identity:
                self._loose[loose] = None
        else:
            self._loose[loose] = synonym

    # --- queries --------------------------------------------------------------------------------------

    def lookup(self, name: str) -> Synonym | None:
        """Find the synonym for ``name``, or ``None``.

        Tries the normalised name, then the looser key (no spaces or hyphens,
        Greek letters spelt out), then both again without trailing salt or
        form words ("hydrochloride", "HCl", "sulphate", "base", "monohydrate"...),
        since the identity of a substance is that of its parent structure.

        Examples
        --------
        >>> table = SynonymTable.default()
        >>> table.lookup("\u03b1-PVP").preferred_name
        'alpha-PVP'
        >>> table.lookup("Cocaine hydrochloride").preferred_name
        'cocaine'
        >>> table.lookup("unknown white powder") is None
        True
        """
        key = normalise_name(name)
        while key:
            found = self._exact.get(key) or self._loose.get(_loose_key(key))
            if found is not None:
                return found
            stripped = _SALT_SUFFIX.sub("", key)
            if stripped == key:
                return None
            key = stripped
        return None

    def structure_for(self, target: str) -> StandardStructure:
        """The standardised structure of a substance target SMILES (computed once)."""
        with self._lock:
            structure = self._structures.get(target)
        if structure is None:
            structure = standardise_smiles(target)
            with self._lock:
                self._structures[target] = structure
        return structure

    def seed_structures(self, structures: dict[str, StandardStructure]) -> int:
        """Take precomputed structures of substance targets (see :mod:`chem.synonym_structures`).

        Only entries whose key is a substance target of this table are kept; returns how many.
        They must come from :func:`chem.standardise.standardise_smiles` under the running
        pipeline and RDKit, which :func:`chem.synonym_structures.load` checks.
        """
        kept = {target: structure for target, structure in structures.items() if target in self.substance_targets}
        with self._lock:
            self._structures.update(kept)
        return len(kept)

    def names_for(self, inchikey_nostereo: str) -> list[Synonym]:
        """All synonyms of the substance with this stereo-free InChIKey, in table order.

        Stereoisomers listed separately (e.g. amphetamine and dexamfetamine)
        share the key, so both sets of names are returned.  The identity of
        every substance target is computed on the first call.

        Raises
        ------
        ValueError
            If a substance target of the table cannot be standardised.
        """
        if self._by_identity is None:
            by_identity: dict[str, list[Synonym]] = {}
            for number, synonym in enumerate(self._rows, start=1):
                if synonym.maps_to != "substance":
                    continue
                try:
                    key = self.structure_for(synonym.target).inchikey_nostereo
                except InvalidStructure as exc:
                    raise self._fail(synonym, number, f"target cannot be standardised: {exc.reason}") from exc
                by_identity.setdefault(key, []).append(synonym)
            self._by_identity = by_identity
        return list(self._by_identity.get(inchikey_nostereo, ()))

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[Synonym]:
        return iter(self._rows)

    def __repr__(self) -> str:
        return f"SynonymTable({len(self._rows)} synonyms from {self.origin})"


@cache
def _default_table() -> SynonymTable:
    from chem import synonym_structures

    text = files("chem").joinpath("data", "synonyms.csv").read_text(encoding="utf-8")
    table = SynonymTable._from_lines(io.StringIO(text, newline=""), origin="chem/data/synonyms.csv")
    table.seed_structures(synonym_structures.load())
    return table


# --- OPSIN ---------------------------------------------------------------------------------------------


class OpsinUnavailable(RuntimeError):
    """OPSIN could not be run (no Java, no py2opsin jar, a crash or a timeout)."""


def _opsin_jar() -> Path:
    # locate the package without importing it: importing py2opsin runs "java -version"
    spec = importlib.util.find_spec("py2opsin")
    if spec is None or not spec.submodule_search_locations:
        raise OpsinUnavailable("the py2opsin package (which ships the OPSIN jar) is not installed")
    for location in spec.submodule_search_locations:
        jars = sorted(Path(location).glob("opsin*.jar"))
        if jars:
            return jars[-1]
    raise OpsinUnavailable("no OPSIN jar found in the py2opsin package")


def opsin_names_to_smiles(names: list[str], *, timeout: float = 120) -> dict[str, str | None]:
    """Parse IUPAC/systematic names with OPSIN in one Java call.

    Parameters
    ----------
    names : list of str
        The names (whitespace, including newlines, is collapsed before they
        are sent; blank names are not sent).
    timeout : float, default 120
        Seconds to wait for OPSIN (the JVM start alone takes 1-3 s).

    Returns
    -------
    dict of str to (str or None)
        For each input name, OPSIN's SMILES or ``None`` if OPSIN could not
        interpret it.

    Raises
    ------
    OpsinUnavailable
        If Java or the OPSIN jar (from ``py2opsin``) is missing, OPSIN
        fails, or it does not answer within ``timeout``.
    TypeError
        If a name is not a string.

    Notes
    -----
    The jar bundled with ``py2opsin`` is run directly (``java -jar ...
    -osmi`` with the names on stdin) rather than through
    ``py2opsin.py2opsin()``, which has no timeout and writes a temporary
    file into the working directory.

    References
    ----------
    .. [1] Lowe, D. M. et al. "Chemical Name to Structure: OPSIN, an Open
       Source Solution." J. Chem. Inf. Model. 51, 739-753 (2011).

    Examples
    --------
    >>> opsin_names_to_smiles(["propan-2-ol", "not a name"])  # doctest: +SKIP
    {'propan-2-ol': 'CC(C)O', 'not a name': None}
    """
    cleaned: dict[str, str] = {}
    results: dict[str, str | None] = {}
    for name in names:
        text = normalise_name(name, casefold=False)
        if text and len(text) <= MAX_NAME_LENGTH:
            cleaned[name] = text
        else:
            results[name] = None
    if not cleaned:
        return results
    to_send = list(dict.fromkeys(cleaned.values()))
    java = shutil.which("java")
    if java is None:
        raise OpsinUnavailable("Java is not installed or not on PATH (OPSIN needs Java 8 or newer)")
    command = [java, "-Dfile.encoding=UTF-8", "-Dstdout.encoding=UTF-8", "-jar", str(_opsin_jar()), "-osmi"]
    try:
        completed = subprocess.run(
            command,
            input="\n".join(to_send) + "\n",
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise OpsinUnavailable(f"OPSIN did not answer within {timeout:g} s for {len(to_send)} names") from exc
    except OSError as exc:
        raise OpsinUnavailable(f"could not start Java for OPSIN: {exc}") from exc
    if completed.returncode != 0:
        tail = completed.stderr.strip().splitlines()[-3:]
        raise OpsinUnavailable(f"OPSIN exited with status {completed.returncode}: {' | '.join(tail)}")
    lines = completed.stdout.split("\n")
    if len(lines) < len(to_send):
        raise OpsinUnavailable(f"OPSIN returned {len(lines)} lines for {len(to_send)} names")
    by_text = {text: (line.strip() or None) for text, line in zip(to_send, lines, strict=False)}
    for name, text in cleaned.items():
        results[name] = by_text[text]
    return {name: results[name] for name in names}


# --- resolution ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NameResolution:
    """What one name resolved to.

    Attributes
    ----------
    name : str
        The name as given.
    status : str
        ``"substance"``, ``"family"``, ``"class"`` or ``"unidentified"``.
    smiles : str or None
        Standardised SMILES for a substance.
    label : str or None
        The family/class label.
    preferred_name : str or None
        Display name from the synonym table (also for OPSIN structures that
        the table knows).
    source : str or None
        ``"synonym"``, ``"opsin"`` or ``None``.
    reason : str or None
        Why the name is unidentified.
    """

    name: str
    status: str
    smiles: str | None
    label: str | None
    preferred_name: str | None
    source: str | None
    reason: str | None


def _unidentified(name: str, reason: str) -> NameResolution:
    return NameResolution(name, "unidentified", None, None, None, None, reason)


def _from_synonym(name: str, synonym: Synonym, table: SynonymTable) -> NameResolution:
    if synonym.maps_to == "substance":
        smiles = table.structure_for(synonym.target).smiles
        return NameResolution(name, "substance", smiles, None, synonym.preferred_name, "synonym", None)
    return NameResolution(name, synonym.maps_to, None, synonym.target, synonym.preferred_name, "synonym", None)


def resolve_names(
    names: Iterable[str], *, table: SynonymTable | None = None, use_opsin: bool = True
) -> dict[str, NameResolution]:
    """Resolve a batch of names: synonym table first, then one OPSIN call for the rest.

    Parameters
    ----------
    names : iterable of str
        The names; duplicates are resolved once.
    table : SynonymTable, optional
        Defaults to :meth:`SynonymTable.default`.
    use_opsin : bool, default True
        Send names the table does not know to OPSIN.

    Returns
    -------
    dict of str to NameResolution
        One entry per distinct input name, in input order.  Blank names are
        ``"unidentified"`` with reason ``"empty name"``; names that neither
        the table nor OPSIN resolve, or whose OPSIN structure fails
        standardisation, are ``"unidentified"`` with the reason.  If OPSIN
        is unavailable, the remaining names are ``"unidentified"`` with that
        reason (logged once per call), never an exception.

    Raises
    ------
    TypeError
        If a name is not a string.

    Examples
    --------
    >>> result = resolve_names(["Monkey Dust", "M-Cat", ""], use_opsin=False)
    >>> for r in result.values():
    ...     print(r.status, "|", r.label or r.smiles or r.reason)
    class | synthetic cathinone products
    substance | CNC(C)C(=O)c1ccc(C)cc1
    unidentified | empty name
    """
    table = table if table is not None else SynonymTable.default()
    ordered = list(dict.fromkeys(names))
    results: dict[str, NameResolution] = {}
    pending: list[str] = []
    for name in ordered:
        if not normalise_name(name):
            results[name] = _unidentified(name, "empty name")
            continue
        synonym = table.lookup(name)
        if synonym is not None:
            results[name] = _from_synonym(name, synonym, table)
        else:
            pending.append(name)
    if pending and not use_opsin:
        for name in pending:
            results[name] = _unidentified(name, "not in the synonym table (OPSIN not used)")
    elif pending:
        try:
            parsed = opsin_names_to_smiles(pending)
        except OpsinUnavailable as exc:
            logger.warning("OPSIN unavailable; %d names left unidentified: %s", len(pending), exc)
            parsed = None
            reason = f"not in the synonym table and OPSIN is unavailable: {exc}"
            for name in pending:
                results[name] = _unidentified(name, reason)
        for name, smiles in (parsed or {}).items():
            if smiles is None:
                results[name] = _unidentified(name, "not in the synonym table and not a name OPSIN can parse")
                continue
            try:
                structure = standardise_smiles(smiles)
            except InvalidStructure as exc:
                results[name] = _unidentified(name, f"OPSIN structure {smiles!r} rejected: {exc.reason}")
                continue
            known = table.names_for(structure.inchikey_nostereo)
            preferred = known[0].preferred_name if known else None
            results[name] = NameResolution(name, "substance", structure.smiles, None, preferred, "opsin", None)
    return {name: results[name] for name in ordered}
