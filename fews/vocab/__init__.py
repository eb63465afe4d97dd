"""Controlled vocabularies shipped as data (DESIGN.md section 5.4).

One CSV file per vocabulary lives in ``data/``, with its origin and licence in
``data/SOURCES.md`` and in the file's own ``# source:``/``# licence:`` lines:

- places: ``nations``, ``regions`` (the 9 English regions plus Wales, Scotland
  and Northern Ireland), ``local_authorities`` (the 361 ONS local authority
  districts), ``places`` (ports, airports, counties, London),
  ``police_force_areas``;
- intake: ``agencies``, ``seizure_contexts``, ``product_forms``,
  ``component_roles``, ``identification_levels``;
- harm reports: ``care_settings``, ``severities``, ``reporter_roles``,
  ``effects``, ``vulnerable_groups``, ``toxicology_statuses``;
- intelligence: ``intel_streams``, ``source_evaluations``,
  ``intelligence_assessments``, ``handling_codes`` (the police 3x5x2 grading).

:func:`load` returns a cached :class:`Vocabulary`; :meth:`Vocabulary.lookup`
resolves a code, label or alias whatever its case or punctuation, and
:func:`jurisdiction_of` maps any UK place, area or police force to its nation.

Examples
--------
>>> from fews.vocab import jurisdiction_of, load
>>> load("seizure_contexts").lookup("Fast parcel").code
'border_postal'
>>> jurisdiction_of("Glasgow City")
'scotland'
"""

from fews.vocab.loader import (
    UK,
    Term,
    Vocabulary,
    jurisdiction_of,
    load,
    load_file,
    names,
    normalise,
)

__all__ = [
    "UK",
    "Term",
    "Vocabulary",
    "jurisdiction_of",
    "load",
    "load_file",
    "names",
    "normalise",
]
