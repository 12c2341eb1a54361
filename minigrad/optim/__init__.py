"""minigrad.optim: optimizers that see only ``.data`` and ``.grad``, and learning-rate schedulers.

Importing this package does not import numba: each kernel compiles on its first call.
"""

from minigrad.optim.adam import Adam
from minigrad.optim.adamax import Adamax
from minigrad.optim.adamw import AdamW
from minigrad.optim.nadam import NAdam
from minigrad.optim.optimizer import Optimizer
from minigrad.optim.sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "Adamax", "NAdam"]

# Helper O2's algorithms and schedulers are imported below this line (with `__all__ += [...]`).
