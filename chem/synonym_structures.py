"""The standardised structures of the synonym table's substance targets, shipped precomputed.

Naming a new substance looks its InChIKey up among the synonym table's ~190 substance targets
(:meth:`chem.names.SynonymTable.names_for`), and intake standardises a submitted SMILES that is a
target through the table.  Standardising every target (with canonical tautomers) costs about a
second of CPU in every process that names a substance.  ``chem/data/synonym_structures.json``
holds the results, computed by the same :func:`chem.standardise.standardise_smiles` call.

The file is used only when it was made by the running code: its ``standardisation_version`` must
equal :data:`chem.standardise.STANDARDISATION_VERSION` (the pipeline) and its ``rdkit_version``
the installed RDKit (canonical SMILES and InChIs can change between RDKit releases).  Otherwise,
and for any target the file does not list, the structure is computed at run time as before, so
the file can make naming faster but never different.  ``tests/chem/test_synonym_structures.py``
fails when the file no longer matches the synonym table or the pipeline; regenerate it with::

    python -m chem.synonym_structures
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from dataclasses import asdict, fields
from importlib.resources import files
from pathlib import Path
from typing import Any

import rdkit

from chem.standardise import STANDARDISATION_VERSION, StandardStructure, standardise_smiles

__all__ = ["FILE_NAME", "compute", "load", "main", "render"]

log = logging.getLogger(__name__)

FILE_NAME = "synonym_structures.json"
_FIELDS = tuple(f.name for f in fields(StandardStructure))


def _versions() -> dict[str, str]:
    return {"standardisation_version": STANDARDISATION_VERSION, "rdkit_version": rdkit.__version__}


def compute(targets: Iterable[str]) -> dict[str, StandardStructure]:
    """Standardise each target SMILES (the run-time call); targets that fail are left out."""
    out: dict[str, StandardStructure] = {}
    for target in sorted(set(targets)):
        try:
            out[target] = standardise_smiles(target)
        except ValueError:  # InvalidStructure: names_for reports it with the row number at run time
            continue
    return out


def render(structures: dict[str, StandardStructure]) -> str:
    """The file's text: versions, then one target per line (sorted, so diffs stay small)."""
    lines = [
        f"  {json.dumps(target)}: {json.dumps(asdict(structure), sort_keys=True)}"
        for target, structure in sorted(structures.items())
    ]
    head = json.dumps(_versions(), sort_keys=True)[:-1]
    return head + ', "structures": {\n' + ",\n".join(lines) + "\n}}\n"


def _structure(record: dict[str, Any]) -> StandardStructure:
    values = {name: record[name] for name in _FIELDS}
    values["removed_fragments"] = tuple(values["removed_fragments"])
    return StandardStructure(**values)


def load(text: str | None = None) -> dict[str, StandardStructure]:
    """The shipped structures, or ``{}`` if the file is missing, unreadable or from other versions.

    Parameters
    ----------
    text : str, optional
        The file's content (default: read ``chem/data/synonym_structures.json``).
    """
    try:
        if text is None:
            text = files("chem").joinpath("data", FILE_NAME).read_text(encoding="utf-8")
        data = json.loads(text)
        made_by = {key: data[key] for key in _versions()}
        if made_by != _versions():
            log.info("%s was made by %s, not %s: synonym targets computed at run time", FILE_NAME, made_by, _versions())
            return {}
        return {target: _structure(record) for target, record in data["structures"].items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring %s (%s): computing synonym targets at run time", FILE_NAME, exc)
        return {}


def main(argv: list[str] | None = None) -> int:
    """Rewrite ``chem/data/synonym_structures.json`` from the shipped synonym table."""
    from chem.names import SynonymTable

    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else Path(str(files("chem").joinpath("data", FILE_NAME)))
    table = SynonymTable.default()
    structures = compute(table.substance_targets)
    path.write_text(render(structures), encoding="utf-8")
    print(f"wrote {len(structures)} structures ({len(table.substance_targets)} targets) to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
