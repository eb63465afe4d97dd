"""Type aliases shared by the ``chem`` package.

There is exactly one molecule type in FEWS: RDKit's :class:`rdkit.Chem.Mol`.
Import it from here so that annotations read the same everywhere.

Examples
--------
>>> from rdkit import Chem
>>> from chem.types import Mol
>>> isinstance(Chem.MolFromSmiles("CCO"), Mol)
True
"""

from rdkit import Chem

Mol = Chem.Mol

__all__ = ["Mol"]
