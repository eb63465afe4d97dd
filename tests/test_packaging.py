"""The top-level packages have generic names: make sure each is imported from this project."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["fews", "chem", "intake", "alerts", "web", "reference_spectra"])
def test_package_comes_from_this_project(name):
    module = importlib.import_module(name)
    assert Path(module.__file__).resolve().is_relative_to(ROOT), module.__file__
    assert module.__doc__, f"{name}/__init__.py needs a docstring overview"
