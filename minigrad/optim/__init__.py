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

from minigrad.optim import lr_scheduler  # noqa: E402
from minigrad.optim.adadelta import Adadelta  # noqa: E402
from minigrad.optim.adagrad import Adagrad  # noqa: E402
from minigrad.optim.rmsprop import RMSprop  # noqa: E402
from minigrad.optim.rprop import Rprop  # noqa: E402

__all__ += ["Adagrad", "RMSprop", "Rprop", "Adadelta", "lr_scheduler"]
