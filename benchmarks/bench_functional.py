"""Time the functional API against one plain gradient, on the Newton demo's problem.

    python benchmarks/bench_functional.py

The loss of demos/newton_hvp.py (logistic regression, 300 points, 11 parameters). Each product is
timed in interleaved rounds (best of 3 x 3 x 20 calls), and reported as a ratio to one gradient
(a forward and a backward): on a shared machine the ratios mean more than the microseconds.
"""

import sys
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "demos"))
import newton_hvp  # noqa: E402  (the demo's problem and loss)

import minigrad as mg  # noqa: E402
from minigrad.autograd import functional as AF  # noqa: E402


def main():
    X, y = newton_hvp.make_problem()
    theta = np.full(11, 0.1)
    v = mg.tensor(np.ones(11))

    def loss(t):
        return newton_hvp.regularised_loss(t, X, y)

    cases = {
        "gradient (forward + backward)": lambda: newton_hvp.gradient(theta, X, y),
        "vjp": lambda: AF.vjp(loss, mg.tensor(theta)),
        "jvp (double VJP)": lambda: AF.jvp(lambda t: X @ t, mg.tensor(theta), v),
        "vhp": lambda: AF.vhp(loss, mg.tensor(theta), v),
        "hvp": lambda: AF.hvp(loss, mg.tensor(theta), v),
        "hessian (11 x 11)": lambda: AF.hessian(loss, mg.tensor(theta)),
    }
    best = {}
    for _ in range(3):  # interleaved, so that a burst of load hits every case alike
        for name, call in cases.items():
            seconds = min(timeit.repeat(call, number=20, repeat=3)) / 20
            best[name] = min(best.get(name, np.inf), seconds)
    base = best["gradient (forward + backward)"]
    print("| call | time | / gradient |\n|---|---|---|")
    for name, seconds in best.items():
        print(f"| {name} | {seconds * 1e6:.0f} us | {seconds / base:.1f}x |")


if __name__ == "__main__":
    main()
