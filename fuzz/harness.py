"""Run one parser's check under atheris (libFuzzer): ``python -m fuzz.harness NAME [libFuzzer flags]``.

Only FEWS's own packages are instrumented for coverage; RDKit, lxml and ijson run as they are.
A failed check or any exception is a crash: libFuzzer stops and saves the input (``crash-*``).
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["intake", "chem", "reference_spectra", "fuzz"]):
    import chem.sdf
    import chem.standardise
    import intake.parsers
    import reference_spectra.readers
    from fuzz.targets import TARGETS

_INSTRUMENTED = (chem.sdf, chem.standardise, intake.parsers, reference_spectra.readers)


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] not in TARGETS:
        raise SystemExit(f"usage: python -m fuzz.harness {{{'|'.join(TARGETS)}}} [libFuzzer flags]")
    target = TARGETS[argv[1]]
    atheris.Setup([argv[0], *argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
