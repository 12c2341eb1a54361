"""minigrad.optim: optimizers that see only ``.data`` and ``.grad``, and learning-rate schedulers.

Importing this package does not import numba: each kernel compiles on its first call.
"""

from minigrad.optim.optimizer import Optimizer
from minigrad.optim.sgd import SGD

__all__ = ["Optimizer", "SGD"]

# Helper O2's algorithms and schedulers are imported below this line (with `__all__ += [...]`).
