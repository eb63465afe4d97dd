"""UK legal status of a structure as at a date (Misuse of Drugs Act 1971, TCDOs, PSA 2016).

- ``rules/``: the law as data, one YAML file per instrument or clause (named lists, generic
  definitions with their exclusions, temporary class drug orders, PSA exempt and non-psychoactive
  lists), each with citation, dates and a confidence tag (V/P/M/I/U as in ``../shared/legal``).
- ``rules.py``: the loader (fails loudly on a bad file; ``rule_set_version`` = hash of the files).
- ``substituents.py`` and ``generic.py``: generic definitions as "core + allowed modifications +
  nothing else", with interpretive choices as named switches.
- ``engine.py``: ``LegalEngine.classify(smiles, date)`` -> the DESIGN.md §6 record.
"""

from chem.legal.engine import PSA_IN_FORCE, LegalEngine
from chem.legal.rules import RuleFileError, RuleSet, load_rules
from chem.legal.substituents import Switches

__all__ = ["LegalEngine", "PSA_IN_FORCE", "RuleFileError", "RuleSet", "Switches", "load_rules"]
