"""Chemistry core of FEWS: thin, typed wrappers over RDKit.

``chem`` knows nothing of databases or the web.  Its modules:

- :mod:`chem.types`: the single molecule type alias, ``Mol``.
- :mod:`chem.errors`: the failure contract, :class:`InvalidStructure` and
  :class:`ParseError` (both ``ValueError``), carrying input, reason and code.
- :mod:`chem.rdkit_log`: :func:`capture_rdkit_log`, a scope that keeps RDKit's
  log off stderr and collects its messages as error reasons.
- :mod:`chem.standardise`: the versioned standardisation pipeline
  (:data:`PIPELINE`, :data:`STANDARDISATION_VERSION`) giving a
  :class:`StandardStructure` with the stereo-free InChIKey identity key, plus
  :class:`StandardiseCache`.
- :mod:`chem.sdf`: :func:`iter_sdf`, a streaming SD-file reader that keeps
  malformed records with their error.
- :mod:`chem.names`: the curated :class:`SynonymTable` (``chem/data/``),
  :func:`normalise_name`, OPSIN batches and :func:`resolve_names`.

Other subpackages (``legal``, fingerprints, clustering, depiction) are
imported from their own modules.

Examples
--------
>>> from chem import standardise_smiles
>>> standardise_smiles("CNC(C)C(=O)c1ccc(C)cc1.Cl").inchikey_nostereo
'YELGFTGWJGBAQU-UHFFFAOYSA-N'
"""

from chem.errors import InvalidStructure, ParseError
from chem.names import (
    NameResolution,
    OpsinUnavailable,
    Synonym,
    SynonymTable,
    normalise_name,
    opsin_names_to_smiles,
    resolve_names,
)
from chem.rdkit_log import capture_rdkit_log
from chem.sdf import SdfRecord, iter_sdf
from chem.standardise import (
    MAX_HEAVY_ATOMS,
    PIPELINE,
    STANDARDISATION_VERSION,
    StandardiseCache,
    StandardStructure,
    standardise_mol,
    standardise_molblock,
    standardise_smiles,
    try_standardise_smiles,
)
from chem.types import Mol

__all__ = [
    "MAX_HEAVY_ATOMS",
    "PIPELINE",
    "STANDARDISATION_VERSION",
    "InvalidStructure",
    "Mol",
    "NameResolution",
    "OpsinUnavailable",
    "ParseError",
    "SdfRecord",
    "StandardStructure",
    "StandardiseCache",
    "Synonym",
    "SynonymTable",
    "capture_rdkit_log",
    "iter_sdf",
    "normalise_name",
    "opsin_names_to_smiles",
    "resolve_names",
    "standardise_mol",
    "standardise_molblock",
    "standardise_smiles",
    "try_standardise_smiles",
]
