"""Every docstring example runs and gives what it shows, and every public name is documented
in the numpydoc format (checked by numpydoc's own validator)."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
from collections.abc import Iterator

import pytest
from numpydoc.validate import validate

import hourcircle

MODULES = sorted(m.name for m in pkgutil.walk_packages(hourcircle.__path__, "hourcircle."))
# numpydoc checks enforced: a docstring and a summary, every parameter documented and none
# unknown, a Returns section where something is returned.
CHECKS = {"GL08", "SS01", "PR01", "PR02", "RT01"}


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def _public(module_name: str) -> Iterator[str]:
    """Dotted names of the public functions, classes, methods and properties a module defines."""
    module = importlib.import_module(module_name)
    for name, member in vars(module).items():
        if name.startswith("_") or getattr(member, "__module__", None) != module_name:
            continue
        if inspect.isfunction(member):
            yield f"{module_name}.{name}"
        elif inspect.isclass(member):
            yield f"{module_name}.{name}"
            methods = (attr for attr, value in vars(member).items()
                       if inspect.isfunction(value) or isinstance(value, classmethod | staticmethod))
            yield from (f"{module_name}.{name}.{attr}" for attr in methods if not attr.startswith("_"))


PUBLIC = sorted(name for module in MODULES for name in _public(module))


def test_there_are_public_names_to_check() -> None:
    assert len(PUBLIC) > 80


@pytest.mark.parametrize("name", PUBLIC)
def test_numpydoc(name: str) -> None:
    found = validate(name)
    problems = [f"{code} {message}" for code, message in found["errors"] if code in CHECKS]
    assert problems == [], name
