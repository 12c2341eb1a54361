"""RemovableHandle: what registering a hook returns, so that the hook can be taken out again."""

import itertools

_next_id = itertools.count()


class RemovableHandle:
    """A registered hook; `.remove()` unregisters it (PyTorch's torch.utils.hooks.RemovableHandle)."""

    def __init__(self, hooks: dict, hook):
        self._hooks = hooks  # the owner's dict of hooks, in registration order
        self.id = next(_next_id)
        hooks[self.id] = hook

    def remove(self):
        """Unregister the hook (removing it twice is harmless)."""
        self._hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
