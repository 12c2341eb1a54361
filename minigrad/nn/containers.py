"""ModuleList and ModuleDict: hold sub-modules so that parameters(), state_dict() and train() find them.

A plain Python list or dict of layers is invisible to the Module that holds it (its parameters
would not be trained or saved); these containers register each entry as a child, named by its
position ("0", "1", ...) or by its key, as PyTorch does.
"""

from .module import Module, _check_name


def _check_module(caller, key, module):
    if not isinstance(module, Module):
        raise TypeError(f"{caller}: entry {key!r} must be a Module, got {type(module).__name__}")
    return module


class ModuleList(Module):
    """A list of modules, indexable and iterable; it has no forward (you loop over it yourself)."""

    def __init__(self, modules=()):
        super().__init__()
        self.extend(modules)

    def _index(self, index):
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"ModuleList: index {index} out of range for {n} modules")
        return str(index % n)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ModuleList(list(self._modules.values())[index])
        return self._modules[self._index(index)]

    def __setitem__(self, index, module):
        setattr(self, self._index(index), _check_module("ModuleList", index, module))

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        """Add one module at the end."""
        setattr(self, str(len(self)), _check_module("ModuleList", len(self), module))
        return self

    def extend(self, modules):
        """Add each module of an iterable at the end."""
        for module in modules:
            self.append(module)
        return self


class ModuleDict(Module):
    """A dict of modules keyed by name; its keys become the names in state_dict() ("key.weight")."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        if key not in self._modules:
            raise KeyError(f"ModuleDict: no module named {key!r}; keys are {list(self._modules)}")
        return self._modules[key]

    def __setitem__(self, key, module):
        _check_name(self, "ModuleDict", "key", key, self._modules)  # "keys" would hide keys()
        _check_module("ModuleDict", key, module)
        self._modules[key] = module
        object.__setattr__(self, key, module)

    def __delitem__(self, key):
        self[key]  # the KeyError above for a missing key
        del self._modules[key]
        object.__delattr__(self, key)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def keys(self):
        """The names, in insertion order."""
        return self._modules.keys()

    def values(self):
        """The modules, in insertion order."""
        return self._modules.values()

    def items(self):
        """(name, module) pairs, in insertion order."""
        return self._modules.items()

    def update(self, modules):
        """Add entries from a dict or from (name, module) pairs."""
        pairs = modules.items() if hasattr(modules, "items") else modules
        for key, module in pairs:
            self[key] = module
        return self
