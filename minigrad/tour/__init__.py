"""The optimizer tour: 2-D test functions, optimizer paths, a data-set race, and the measurements
behind each statement of docs/optimizers.md (its tour section).

- functions.py  the 2-D test functions (numpy and minigrad alike) and their start points
- paths.py      optimizers by short name, run_path, steps-to-tolerance tables
- dataset.py    the same MLP trained on moons by each optimizer (with minigrad.training.fit)
- claims.py     one experiment per claim (momentum, Adagrad, Rprop, Adam, AdaDelta, batch size)
- figures.py    the figures of those experiments
- compare.py    the `minigrad compare` command: add_compare_arguments, run_compare
"""

from minigrad.tour.compare import add_compare_arguments, markdown_table, run_compare
from minigrad.tour.functions import PROBLEMS, beale, quadratic, rosenbrock, saddle
from minigrad.tour.paths import OPTIMIZERS, make_optimizer, run_path, steps_to_reach

__all__ = [
    "PROBLEMS",
    "OPTIMIZERS",
    "add_compare_arguments",
    "beale",
    "make_optimizer",
    "markdown_table",
    "quadratic",
    "rosenbrock",
    "run_compare",
    "run_path",
    "saddle",
    "steps_to_reach",
]
