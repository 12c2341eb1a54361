"""The one global random number generator behind init, factories and data shuffling.

`manual_seed(n)` makes a whole run reproducible, as `torch.manual_seed` does.
"""

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Re-seed minigrad's global generator and return it."""
    global _generator
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"manual_seed: seed must be a non-negative int, got {seed!r}")
    _generator = np.random.default_rng(int(seed))
    return _generator


def generator() -> np.random.Generator:
    """The global numpy Generator (replaced by each `manual_seed` call, so fetch it when you use it)."""
    return _generator
