"""Page faults and time per step of the big MLP (case b of bench_engine.py), minigrad and by hand.

    python benchmarks/bench_engine_faults.py

A step whose temporaries are handed back to the kernel between steps pays a minor page fault for
every fresh 4 KiB page it touches next time; `resource.getrusage` counts them. Try it again with
MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=268435456 to see the step without them.
The two steps run in turns in this process, then each alone in a child process of its own: what
malloc keeps between steps depends on what else the process allocates, so both are shown.
"""

import resource
import subprocess
import sys
import time

from bench_engine import make_problem, minigrad_step, numpy_step

SIZES = [784, 256, 256, 10]


def faults_and_time(step, steps=100):
    """Minor page faults and microseconds per call of `step()`, after a warm-up."""
    for _ in range(20):
        step()
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    start = time.perf_counter()
    for _ in range(steps):
        step()
    elapsed = (time.perf_counter() - start) / steps * 1e6
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / steps, elapsed


def make_steps():
    problem = make_problem(SIZES, 256, True)
    return {
        "minigrad": minigrad_step(SIZES, *problem, True)[0],
        "hand-written numpy": numpy_step(SIZES, *problem, True)[0],
    }


def row(name, step, where):
    faults, elapsed = faults_and_time(step)
    print(f"| {name} | {where} | {faults:.0f} | {elapsed:,.0f} us |", flush=True)


def main():
    if sys.argv[1:2] == ["--alone"]:  # the child process: one step only
        row(sys.argv[2], make_steps()[sys.argv[2]], "alone")
        return
    steps = make_steps()
    print("| step | process | minor page faults per step | time per step |")
    print("|---|---|---|---|", flush=True)
    for _ in range(2):  # twice each, in turns: the VM's speed drifts
        for name, step in steps.items():
            row(name, step, "in turns")
    for name in steps:
        subprocess.run([sys.executable, __file__, "--alone", name], check=True)


if __name__ == "__main__":
    main()
