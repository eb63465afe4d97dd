"""SVG depictions with the atoms a legal rule matched highlighted (for pages, packs and reports)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rdkit import Chem
from rdkit.Chem import rdDepictor
from rdkit.Chem.Draw import rdMolDraw2D

from chem.errors import InvalidStructure

__all__ = ["depict_svg"]

HIGHLIGHT = (0.55, 0.75, 1.0)  # light blue, readable on white and in greyscale print


def depict_svg(
    smiles: str, *, highlight: Sequence[int] = (), width: int = 360, height: int = 260, legend: str = ""
) -> str:
    """An SVG of ``smiles`` with ``highlight`` atoms (indices into that SMILES) and their bonds shaded.

    Raises
    ------
    InvalidStructure
        If the SMILES cannot be read.
    """
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise InvalidStructure(smiles, reason="the SMILES cannot be read", code="unparsable")
    rdDepictor.SetPreferCoordGen(True)
    rdDepictor.Compute2DCoords(mol)
    atoms = [i for i in highlight if 0 <= i < mol.GetNumAtoms()]
    atom_set = set(atoms)
    bonds = [b.GetIdx() for b in mol.GetBonds() if b.GetBeginAtomIdx() in atom_set and b.GetEndAtomIdx() in atom_set]
    drawer = rdMolDraw2D.MolDraw2DSVG(width, height)
    opts: Any = drawer.drawOptions()  # RDKit stubs type the option attributes loosely
    opts.clearBackground = False
    opts.addStereoAnnotation = True
    rdMolDraw2D.PrepareAndDrawMolecule(
        drawer,
        mol,
        legend=legend,
        highlightAtoms=atoms,
        highlightBonds=bonds,
        highlightAtomColors={i: HIGHLIGHT for i in atoms},
        highlightBondColors={i: HIGHLIGHT for i in bonds},
    )
    drawer.FinishDrawing()
    return drawer.GetDrawingText()
