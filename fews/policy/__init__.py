"""Control-order support for Home Office policy staff and ACMD advisors (issue #9).

- ``evidence_pack.py``: the evidence pack of a family or substance as at a date (data);
  ``render.py`` and ``charts.py``: HTML, PDF (WeasyPrint) and DOCX (python-docx) with server-side charts.
- ``draft_generic.py``: a draft generic definition for a family, as a rule file the legal engine loads,
  and the checks re-run on an edited draft; ``collateral.py``: unintended captures among the shipped
  medicines (``chem/data/medicines.csv``) and the database's substances.
- ``gap_forecast.py``: plausible next analogues, and which escape the law and the draft.
- ``psa_review.py``: the Psychoactive Substances Act 2016 before/after review.
- ``cli.py``: ``fews evidence-pack``, ``fews draft-generic``, ``fews gap-forecast``, ``fews report psa-review``.
"""

__all__: list[str] = []
