"""Time the tiny MLP step of this minigrad against another version of it, in one process.

    python benchmarks/bench_engine_ab.py COMMIT [--pairs 40]

Under load, two separate runs of bench_engine.py can differ by 2x; alternating short blocks of
the two engines in one process cancels most of that. COMMIT's `minigrad/` is copied (git archive)
into a temporary folder as the package `minigrad_other`, and the ratio this / other of each
pair's 10th-percentile step time is reported as a median with quartiles.
"""

import argparse
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

import minigrad


def import_version(commit, folder):
    """Import COMMIT's minigrad package as `minigrad_other` (its imports are relative)."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, "minigrad"], capture_output=True, check=True
    ).stdout
    tar_path = Path(folder) / "other.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(folder, filter="data")
    (Path(folder) / "minigrad").rename(Path(folder) / "minigrad_other")
    sys.path.insert(0, folder)
    import minigrad_other

    return minigrad_other


def tiny_step(mg):
    """One SGD step of the MLP 2-16-16-1 on 100 points (MSE), as in bench_engine.py."""
    import importlib

    functional = importlib.import_module(mg.__name__ + ".nn.functional")
    rng = np.random.default_rng(0)
    x = mg.tensor(rng.standard_normal((100, 2)).astype(np.float32))
    y = mg.tensor(rng.standard_normal((100, 1)).astype(np.float32))
    model = mg.nn.MLP([2, 16, 16, 1])
    params = list(model.parameters())

    def step():
        loss = functional.mse_loss(model(x), y)
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.data -= 0.01 * p.grad

    return step


def block(step, steps=200):
    """10th-percentile time of `steps` calls (the low tail is the least disturbed by load)."""
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return sorted(times)[steps // 10]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commit")
    parser.add_argument("--pairs", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ours, theirs = tiny_step(minigrad), tiny_step(import_version(args.commit, folder))
        for _ in range(300):
            ours(), theirs()
        ratios = sorted(block(ours) / block(theirs) for _ in range(args.pairs))
    quartiles = statistics.quantiles(ratios, n=4)
    print(
        f"tiny MLP step, this / {args.commit}: median {statistics.median(ratios):.3f}x"
        f" (quartiles {quartiles[0]:.3f}-{quartiles[2]:.3f}, {args.pairs} pairs)"
    )


if __name__ == "__main__":
    main()
