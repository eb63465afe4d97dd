"""Load, validate and query the controlled vocabularies shipped in ``data/``.

Each vocabulary is one CSV file, ``data/<name>.csv``.  The file may open with
``# key: value`` comment lines (``source`` and ``licence`` are read into the
:class:`Vocabulary`), followed by a header row holding at least the columns
``code``, ``label`` and ``aliases`` (``|``-separated).  Every further column is
a vocabulary-specific attribute, kept in :attr:`Term.attrs` as a string.

A term is found by its code, label or any alias (and by its ``ons_code``
attribute where the vocabulary has one), after :func:`normalise` has removed
differences of case, accents, whitespace, punctuation, ``&``/``and``,
apostrophes and ``St``/``St.``/``Saint``.  A file in which two terms share a
code, or a normalised key, is rejected with a :class:`ValueError` naming the
file and the line.

References
----------
FEWS DESIGN.md section 5.4 (Vocabularies); ``data/SOURCES.md`` for the origin
and licence of every file.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

DATA_DIR = Path(__file__).resolve().with_name("data")
"""Directory holding the shipped vocabulary files."""

REQUIRED_COLUMNS: tuple[str, ...] = ("code", "label", "aliases")
"""Columns every vocabulary file must have."""

ALIAS_SEPARATOR = "|"
"""Separator between aliases in the ``aliases`` column."""

INDEXED_ATTRIBUTES: tuple[str, ...] = ("ons_code",)
"""Attribute columns whose values are also lookup keys."""

UK = "uk"
"""What :func:`jurisdiction_of` returns for the United Kingdom as a whole."""

JURISDICTION_VOCABULARIES: tuple[str, ...] = (
    "nations",
    "regions",
    "local_authorities",
    "places",
    "police_force_areas",
)
"""Vocabularies consulted, in this order, by :func:`jurisdiction_of`."""

_CODE_PATTERN = re.compile(r"^[A-Za-z0-9_]+$")
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc`\u00b4]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_TOKEN_REWRITES = {"saint": "st"}
_UK_TEXTS = (
    "UK",
    "U.K.",
    "United Kingdom",
    "United Kingdom of Great Britain and Northern Ireland",
)


def normalise(text: str) -> str:
    """Return the lookup key of *text*.

    The key is case-folded, stripped of accents, with ``&`` read as ``and``,
    apostrophes removed, every other run of punctuation or whitespace turned
    into one space, ``Saint`` written ``st`` and a leading ``The`` dropped.

    Parameters
    ----------
    text : str
        Any text, such as a label, an alias or a value from an input file.

    Returns
    -------
    str
        The key; empty when *text* holds no letters or digits.

    Examples
    --------
    >>> normalise("St. Helens")
    'st helens'
    >>> normalise("Yorkshire & the Humber")
    'yorkshire and the humber'
    >>> normalise("King's Lynn and West-Norfolk")
    'kings lynn and west norfolk'
    >>> normalise("Ynys Môn")
    'ynys mon'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    folded = stripped.casefold().replace("&", " and ")
    folded = _APOSTROPHES.sub("", folded)
    tokens = [_TOKEN_REWRITES.get(token, token) for token in _NON_ALNUM.split(folded) if token]
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    return " ".join(tokens)


_UK_KEYS = frozenset(normalise(text) for text in _UK_TEXTS)


@dataclass(frozen=True, slots=True)
class Term:
    """One entry of a vocabulary.

    Parameters
    ----------
    code : str
        Stable identifier stored in the database (letters, digits, ``_``).
    label : str
        Name shown to people.
    aliases : tuple of str
        Other names that resolve to this term.
    attrs : Mapping of str to str
        The vocabulary-specific columns of the term's row (read-only).
    """

    code: str
    label: str
    aliases: tuple[str, ...] = ()
    attrs: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.attrs, MappingProxyType):
            object.__setattr__(self, "attrs", MappingProxyType(dict(self.attrs)))

    def keys(self, *, indexed_attributes: Iterable[str] = INDEXED_ATTRIBUTES) -> tuple[str, ...]:
        """Return the texts this term is looked up by: code, label, aliases, indexed attributes."""
        extra = tuple(self.attrs[name] for name in indexed_attributes if self.attrs.get(name))
        return (self.code, self.label, *self.aliases, *extra)


class Vocabulary:
    """A named, validated set of :class:`Term` objects.

    Parameters
    ----------
    name : str
        Vocabulary name (the file stem for shipped files).
    terms : iterable of Term
        The terms, in file order.
    source : str, default ""
        Where the data come from.
    licence : str, default ""
        Licence of the data.

    Raises
    ------
    ValueError
        If two terms share a code or a normalised lookup key.

    Examples
    --------
    >>> vocab = Vocabulary("demo", [Term("a_and_e", "A&E", ("casualty",))])
    >>> vocab.lookup("a and e").code
    'a_and_e'
    >>> "Casualty" in vocab, len(vocab)
    (True, 1)
    """

    __slots__ = ("name", "source", "licence", "terms", "_by_code", "_index", "_memo")

    def __init__(self, name: str, terms: Iterable[Term], *, source: str = "", licence: str = "") -> None:
        self.name = name
        self.source = source
        self.licence = licence
        self.terms: tuple[Term, ...] = tuple(terms)
        self._by_code: dict[str, Term] = {}
        self._index: dict[str, Term] = {}
        self._memo: dict[str, Term | None] = {}
        for term in self.terms:
            if term.code in self._by_code:
                raise ValueError(f"vocabulary {name!r}: duplicate code {term.code!r}")
            self._by_code[term.code] = term
            for text in term.keys():
                key = normalise(text)
                if not key:
                    raise ValueError(f"vocabulary {name!r}: {text!r} of {term.code!r} has no letters or digits")
                other = self._index.setdefault(key, term)
                if other is not term:
                    raise ValueError(f"vocabulary {name!r}: {text!r} of {term.code!r} clashes with {other.code!r}")

    def lookup(self, text: str | None) -> Term | None:
        """Return the term whose code, label or alias matches *text*, else None.

        Parameters
        ----------
        text : str or None
            The text to resolve; matching ignores case, whitespace and the
            punctuation differences listed in :func:`normalise`.

        Returns
        -------
        Term or None
            None when *text* is None, blank or unknown.

        Raises
        ------
        TypeError
            If *text* is neither a string nor None.

        Examples
        --------
        >>> from fews.vocab import load
        >>> load("regions").lookup("yorkshire & humber").code
        'yorkshire_and_the_humber'
        >>> load("regions").lookup("  ") is None
        True
        """
        if text is None:
            return None
        if not isinstance(text, str):
            raise TypeError(f"lookup expects a str or None, got {type(text).__name__}: {text!r}")
        memo = self._memo
        if text in memo:
            return memo[text]  # type: ignore[no-any-return]
        key = normalise(text)
        term = self._index.get(key) if key else None
        if len(memo) < _MEMO_LIMIT:
            memo[text] = term
        return term

    def codes(self) -> frozenset[str]:
        """Return the set of codes."""
        return frozenset(self._by_code)

    def __getitem__(self, code: str) -> Term:
        """Return the term with exactly this *code*; raise KeyError otherwise."""
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"{code!r} is not a code of vocabulary {self.name!r}") from None

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and self.lookup(text) is not None

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def __repr__(self) -> str:
        return f"Vocabulary({self.name!r}, {len(self.terms)} terms)"


_MEMO_LIMIT = 10_000  # per vocabulary: raw texts already looked up


def names() -> list[str]:
    """Return the names of the shipped vocabularies, sorted.

    Examples
    --------
    >>> "nations" in names()
    True
    """
    return list(_shipped_names())


@functools.cache
def _shipped_names() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in DATA_DIR.glob("*.csv")))


def load(name: str) -> Vocabulary:
    """Return the shipped vocabulary *name*, read and validated once per process.

    Parameters
    ----------
    name : str
        One of :func:`names`.

    Returns
    -------
    Vocabulary

    Raises
    ------
    ValueError
        If *name* is not a shipped vocabulary, or its file is invalid (the
        message names the file and the line).

    Examples
    --------
    >>> load("nations").lookup("Cymru").label
    'Wales'
    >>> load("severities")["severe"].attrs["weight"]
    '4'
    """
    if not isinstance(name, str) or name not in _shipped_names():
        raise ValueError(f"unknown vocabulary {name!r}; expected one of {', '.join(names())}")
    return _load_shipped(name)


@functools.cache
def _load_shipped(name: str) -> Vocabulary:
    return load_file(DATA_DIR / f"{name}.csv", name=name)


def load_file(path: str | Path, *, name: str | None = None) -> Vocabulary:
    """Read and validate one vocabulary file (not cached).

    Parameters
    ----------
    path : str or Path
        CSV file in the format described in the module docstring.
    name : str, optional
        Vocabulary name; defaults to the file stem.

    Returns
    -------
    Vocabulary

    Raises
    ------
    ValueError
        If the file cannot be read as UTF-8, lacks a required column, has a
        row of the wrong width, an empty or malformed code, an empty label
        or alias, a duplicate code, or a lookup key shared by two terms.
        The message names the file and the line.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read vocabulary file: {exc}") from exc

    lines = text.splitlines(keepends=True)
    metadata: dict[str, str] = {}
    skipped = 0
    for line in lines:
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        skipped += 1
        key, sep, value = stripped.lstrip("#").partition(":")
        if stripped and sep:
            metadata[key.strip().lower()] = value.strip()

    reader = csv.reader(io.StringIO("".join(lines[skipped:]), newline=""), strict=True)
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise ValueError(f"{path}: no header row") from None
    except csv.Error as exc:
        raise ValueError(f"{path}: line {skipped + 1}: {exc}") from exc
    header_line = skipped + reader.line_num
    _check_header(path, header_line, header)

    terms: list[Term] = []
    first_line: dict[str, int] = {}
    key_owner: dict[str, tuple[str, int]] = {}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ValueError(f"{path}: line {skipped + reader.line_num}: {exc}") from exc
        line_no = skipped + reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        where = f"{path}: line {line_no} (row {len(terms) + 1})"
        term = _parse_row(where, header, row)
        if term.code in first_line:
            raise ValueError(f"{where}: duplicate code {term.code!r} (first on line {first_line[term.code]})")
        first_line[term.code] = line_no
        for key_text in term.keys():
            key = normalise(key_text)
            if not key:
                raise ValueError(f"{where}: {key_text!r} of {term.code!r} has no letters or digits")
            owner, owner_line = key_owner.setdefault(key, (term.code, line_no))
            if owner != term.code:
                raise ValueError(
                    f"{where}: {key_text!r} of {term.code!r} clashes with {owner!r} "
                    f"on line {owner_line} (both normalise to {key!r})"
                )
        terms.append(term)
    if not terms:
        raise ValueError(f"{path}: no terms after the header on line {header_line}")
    return Vocabulary(
        name or path.stem,
        terms,
        source=metadata.get("source", ""),
        licence=metadata.get("licence", metadata.get("license", "")),
    )


def _check_header(path: Path, line_no: int, header: list[str]) -> None:
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ValueError(
            f"{path}: line {line_no}: missing required column(s) {', '.join(missing)}; got {', '.join(header)}"
        )
    if any(not column for column in header):
        raise ValueError(f"{path}: line {line_no}: empty column name in header")
    duplicated = sorted({column for column in header if header.count(column) > 1})
    if duplicated:
        raise ValueError(f"{path}: line {line_no}: duplicate column(s) {', '.join(duplicated)}")


def _parse_row(where: str, header: list[str], row: list[str]) -> Term:
    if len(row) != len(header):
        raise ValueError(f"{where}: {len(row)} fields, but the header has {len(header)}")
    values = {column: cell.strip() for column, cell in zip(header, row, strict=True)}
    code, label, alias_cell = values["code"], values["label"], values["aliases"]
    if not _CODE_PATTERN.match(code):
        raise ValueError(f"{where}: code {code!r} must be non-empty letters, digits or '_'")
    if not label:
        raise ValueError(f"{where}: empty label for code {code!r}")
    aliases: tuple[str, ...] = ()
    if alias_cell:
        aliases = tuple(alias.strip() for alias in alias_cell.split(ALIAS_SEPARATOR))
        if not all(aliases):
            raise ValueError(f"{where}: empty alias in {alias_cell!r} for code {code!r}")
    attrs = {column: value for column, value in values.items() if column not in REQUIRED_COLUMNS}
    return Term(code=code, label=label, aliases=aliases, attrs=attrs)


def jurisdiction_of(text: str | None) -> str | None:
    """Return the UK nation that a place, area or police force lies in.

    *text* may name (by code, label or alias) a nation, a region, a local
    authority district, a place from the ``places`` vocabulary (port,
    airport, county, London) or a police force area; the vocabularies are
    consulted in the order of :data:`JURISDICTION_VOCABULARIES`.

    Parameters
    ----------
    text : str or None
        The jurisdiction as written in the input.

    Returns
    -------
    str or None
        ``"england"``, ``"wales"``, ``"scotland"`` or ``"northern_ireland"``;
        :data:`UK` (``"uk"``) for the United Kingdom as a whole; None when
        *text* is None, blank, unknown or spans several nations (British
        Transport Police, Great Britain).

    Raises
    ------
    TypeError
        If *text* is neither a string nor None.

    Examples
    --------
    >>> jurisdiction_of("North West"), jurisdiction_of("Cardiff"), jurisdiction_of("PSNI")
    ('england', 'wales', 'northern_ireland')
    >>> jurisdiction_of("U.K.")
    'uk'
    >>> jurisdiction_of("Atlantis") is None
    True
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError(f"jurisdiction_of expects a str or None, got {type(text).__name__}: {text!r}")
    return _jurisdiction_of(text)


@functools.lru_cache(maxsize=4096)
def _jurisdiction_of(text: str) -> str | None:
    if not isinstance(text, str):
        raise TypeError(f"jurisdiction_of expects a str or None, got {type(text).__name__}: {text!r}")
    key = normalise(text)
    if not key:
        return None
    if key in _UK_KEYS:
        return UK
    for name in JURISDICTION_VOCABULARIES:
        term = load(name).lookup(text)
        if term is not None:
            nation = term.code if name == "nations" else term.attrs.get("nation", "")
            return nation or None
    return None
