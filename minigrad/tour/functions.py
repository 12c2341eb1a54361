"""The 2-D test functions of the tour, written once for numpy arrays and for minigrad Tensors.

Each function is plain arithmetic on its two arguments, so the same expression draws the contours
(numpy arrays of grid points) and, given the two entries of a Parameter, builds a minigrad graph
whose backward pass gives the gradient the optimizers follow.
"""

from dataclasses import dataclass


def rosenbrock(x, y):
    """Rosenbrock's banana valley: (1 - x)² + 100 (y - x²)², minimum 0 at (1, 1)."""
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def beale(x, y):
    """Beale's function: Σ (cᵢ - x + x yⁱ)² with c = 1.5, 2.25, 2.625; minimum 0 at (3, 0.5)."""
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def quadratic(x, y):
    """A long narrow valley: 0.05 x² + 5 y², curvatures 0.1 and 10 (condition number 100)."""
    return 0.05 * x**2 + 5 * y**2


def saddle(x, y):
    """A saddle at (0, 0) between two minima: x² + y⁴/4 - y²/2, minimum -1/4 at (0, ±1)."""
    return x**2 + 0.25 * y**4 - 0.5 * y**2


@dataclass(frozen=True)
class Problem:
    """A 2-D test function with the tour's start point, its minimum and the view to draw."""

    name: str
    fn: object  # fn(x, y), numpy arrays or Tensors
    start: tuple
    minimum: tuple
    f_min: float
    tolerance: float  # "reached" means f(x, y) - f_min <= tolerance
    bounds: tuple  # ((xmin, xmax), (ymin, ymax)) of the contour plot
    lr: dict  # optimizer name -> a learning rate that is stable and reasonably fast here


# Learning rates. The adaptive methods take steps of about lr whatever the gradient's size, so one
# value serves every function here (Adamax at twice Adam's, as in PyTorch's defaults; AdaDelta at
# its default 1.0). Plain gradient steps are lr times the gradient, so SGD's lr must suit each
# function's curvature: hand-picked below to be stable, not tuned for a race.
ADAPTIVE_LR = {
    "adagrad": 0.5,
    "rmsprop": 0.01,
    "rprop": 0.01,
    "adadelta": 1.0,
    "adam": 0.05,
    "adamw": 0.05,
    "amsgrad": 0.05,
    "adamax": 0.1,
    "nadam": 0.05,
}


def _lrs(sgd_lr):
    return {"sgd": sgd_lr, "momentum": sgd_lr, "nesterov": sgd_lr, **ADAPTIVE_LR}


PROBLEMS = {
    "rosenbrock": Problem(
        "rosenbrock",
        rosenbrock,
        start=(-1.5, 2.0),
        minimum=(1.0, 1.0),
        f_min=0.0,
        tolerance=1e-3,
        bounds=((-2.0, 2.0), (-1.0, 3.0)),
        lr=_lrs(1e-3),
    ),
    "beale": Problem(
        "beale",
        beale,
        start=(1.0, 1.5),
        minimum=(3.0, 0.5),
        f_min=0.0,
        tolerance=1e-3,
        bounds=((-0.5, 4.0), (-1.0, 2.0)),
        lr=_lrs(1e-3),
    ),
    "quadratic": Problem(
        "quadratic",
        quadratic,
        start=(-9.0, 0.9),
        minimum=(0.0, 0.0),
        f_min=0.0,
        tolerance=1e-3,
        bounds=((-10.0, 2.0), (-1.5, 1.5)),
        lr=_lrs(0.13),
    ),
    "saddle": Problem(
        "saddle",
        saddle,
        start=(-1.5, 1e-3),
        minimum=(0.0, 1.0),
        f_min=-0.25,
        tolerance=1e-3,
        bounds=((-1.8, 0.6), (-0.5, 1.5)),
        lr=_lrs(0.05),
    ),
}
