"""`dir(minigrad)` shows the API: every public name is an object of `__all__` or a submodule."""

import importlib
import sys
import types

import minigrad as mg


def test_every_public_name_is_api_or_a_minigrad_submodule():
    for name in sorted(mg._LAZY_SUBMODULES):
        importlib.import_module(f"minigrad.{name}")  # the lazy ones too, once loaded
    leaked = []
    for name in dir(mg):
        if name.startswith("_"):
            continue
        value = getattr(mg, name)
        if isinstance(value, types.ModuleType):
            if not value.__name__.startswith("minigrad."):  # importlib, math, numpy, ...
                leaked.append(f"{name} (module {value.__name__})")
        elif name not in mg.__all__:
            leaked.append(name)
    assert not leaked, f"minigrad: public names that are not API: {leaked}"


def test_no_stdlib_module_is_a_public_name():
    public = [getattr(mg, n) for n in dir(mg) if not n.startswith("_")]
    modules = [m for m in public if isinstance(m, types.ModuleType)]
    stdlib = [m.__name__ for m in modules if m.__name__.split(".")[0] in sys.stdlib_module_names]
    assert not stdlib, f"minigrad: stdlib modules among the public names: {stdlib}"
    assert not hasattr(mg, "importlib")  # `import importlib` in __init__ leaked it once


def test_every_name_in_all_is_documented():
    undocumented = [n for n in mg.__all__ if not getattr(mg, n).__doc__]
    assert not undocumented, undocumented
