"""FEWS core package: configuration, database, models, migrations, CLI, scheduler, audit and access control.

The other top-level packages build on it: ``chem`` (structures, names, legal status), ``intake``
(parsing, validation, quarantine and storage of submissions), ``alerts``, ``web`` and
``reference_spectra``.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
