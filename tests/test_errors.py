"""errors.py is true: every exception class of the package is in the one tree and drawn there,
and no class is kept that nothing raises."""

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import policypulse
from policypulse import errors
from policypulse.errors import PulseError

SRC = Path(policypulse.__file__).parent


def _exception_classes() -> dict[str, type]:
    found = {}
    for module in pkgutil.walk_packages(policypulse.__path__, "policypulse."):
        if module.name.endswith("__main__") or ".migrations." in module.name:
            continue
        imported = importlib.import_module(module.name)
        for _, value in inspect.getmembers(imported, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__.startswith("policypulse"):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


def test_every_exception_class_is_in_the_tree_and_drawn():
    classes = _exception_classes()
    assert len(classes) >= 20  # the walk reached the whole package
    drawing = errors.__doc__
    outside = sorted(name for name, cls in classes.items() if not issubclass(cls, PulseError))
    undrawn = sorted(
        name for name, cls in classes.items() if not re.search(rf"\b{cls.__name__}\b", drawing)
    )
    assert outside == []
    assert undrawn == []


def test_every_leaf_error_is_raised_somewhere():
    source = "\n".join(p.read_text("utf-8") for p in SRC.rglob("*.py"))
    classes = _exception_classes()
    parents = {base for cls in classes.values() for base in cls.__mro__[1:]}
    leaves = [cls for cls in classes.values() if cls not in parents]
    assert len(leaves) >= 10
    unraised = sorted(
        cls.__name__
        for cls in leaves
        if not re.search(rf"raise {cls.__name__}\b|(?<!class ){cls.__name__}\(", source)
    )
    assert unraised == []
