"""Time one optimizer step of every minigrad.optim algorithm; compare with torch.optim if present.

Run:  python benchmarks/bench_optim.py [--quick] [--sizes 1e3 1e6] [--algorithms Adam SGD]
      python benchmarks/bench_optim.py --kernel-costs   (numba's costs per tuple length)
      python benchmarks/bench_optim.py --breakdown      (where an Adam step's time goes, 1e3)

For each total size the parameters are 10 float32 tensors of size/10 elements, each with a fixed
random gradient. A step's time is the median over many steps, measured after warm-up steps (so
numba's compilation and the first touch of fresh memory are not counted), in 3 bursts that take
turns with the other optimizers of the same size; the lowest burst median is reported, with the
fastest single step, because on a shared machine a median also measures the neighbours. The effective
memory bandwidth is (bytes an element's update must read and write) * elements / median time; the
byte count of each algorithm is printed in the table, and the machine's copy bandwidth (numpy, one
thread; and a numba prange copy on all threads) is measured in the same run for comparison.

torch is timed in a child process of the same run: torch's OpenMP threads and numba's spin-wait
after each parallel loop, and on a 2-core machine sharing one process made either side up to 100x
slower (measured), which would be a benchmark of the thread pools, not of the optimizers.

This is a script that prints a table, not a test: times depend on the machine and its load.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import minigrad.optim as optim  # noqa: E402

N_TENSORS = 10
BURSTS = 3  # timed bursts per measurement, interleaved across the optimizers compared

# (label, class name, constructor kwargs, state buffers the update reads and writes per element)
ALGORITHMS = [
    ("SGD", "SGD", {"lr": 1e-3}, 0),
    ("SGD momentum=0.9", "SGD", {"lr": 1e-3, "momentum": 0.9}, 1),
    ("SGD nesterov", "SGD", {"lr": 1e-3, "momentum": 0.9, "nesterov": True}, 1),
    ("Adam", "Adam", {"lr": 1e-3}, 2),
    ("Adam, new grad arrays", "Adam", {"lr": 1e-3}, 2),
    ("Adam amsgrad", "Adam", {"lr": 1e-3, "amsgrad": True}, 3),
    ("AdamW", "AdamW", {"lr": 1e-3}, 2),
    ("Adamax", "Adamax", {}, 2),
    ("NAdam", "NAdam", {}, 2),
    ("Adagrad", "Adagrad", {}, 1),
    ("RMSprop", "RMSprop", {}, 1),
    ("RMSprop centered+momentum", "RMSprop", {"momentum": 0.9, "centered": True}, 3),
    ("Rprop", "Rprop", {}, 2),
    ("Adadelta", "Adadelta", {}, 2),
]


def bytes_per_element(n_state, itemsize=4):
    """Bytes per element per step: param and grad read, param written, each state read + written.

    Adam: 4 * (3 + 2 * 2) = 28 bytes per float32 element.
    """
    return itemsize * (3 + 2 * n_state)


class Param:
    """The least an optimizer needs: a parameter with .data and .grad numpy arrays."""

    def __init__(self, data, grad):
        self.data = data
        self.grad = grad


def random_tensors(total, rng):
    """10 (values, gradient) pairs of float32 arrays with total // 10 elements each."""
    n = total // N_TENSORS
    return [
        (
            rng.standard_normal(n).astype(np.float32),
            (rng.standard_normal(n) * 1e-2).astype(np.float32),
        )
        for _ in range(N_TENSORS)
    ]


def repeats_for(total, quick):
    """Enough steps for a stable median, without spending minutes at 1e7."""
    if total <= 10**3:
        n = 2000
    elif total <= 10**5:
        n = 300
    elif total <= 10**6:
        n = 60
    else:
        n = 15
    return max(5, n // 4) if quick else n


def step_times(step, repeats, warmup):
    """Wall times of ``repeats`` calls of ``step``, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return times


def interleaved_bursts(steps, repeats, bursts=BURSTS, warmup=3):
    """{key: (median, min)} for each step function in ``steps`` ({key: callable}).

    Each function runs ``bursts`` bursts of ``repeats`` timed steps (after ``warmup`` untimed
    ones, which also bring its arrays back into cache), taking turns with the others, so that a
    few seconds of another process's work spoil one burst of each, not all bursts of one. The
    median reported is the lowest of the bursts' medians; the min is over all steps.
    """
    medians = {key: [] for key in steps}
    minimum = {key: float("inf") for key in steps}
    for _ in range(bursts):
        for key, step in steps.items():
            times = step_times(step, repeats, warmup)
            medians[key].append(statistics.median(times))
            minimum[key] = min(minimum[key], min(times))
    return {key: (min(medians[key]), minimum[key]) for key in steps}


def copy_bandwidth(nbytes=400_000_000, repeats=10):
    """Bytes per second of ``np.copyto`` on a large array (counting the read and the write)."""
    src = np.ones(nbytes // 4, dtype=np.float32)
    dst = np.zeros_like(src)
    median = statistics.median(step_times(lambda: np.copyto(dst, src), repeats, warmup=2))
    return 2 * src.nbytes / median


def parallel_copy_bandwidth(nbytes=400_000_000, repeats=10):
    """Like copy_bandwidth, with a numba prange loop on all threads."""
    import numba

    @numba.njit(parallel=True)
    def copy(dst, src):
        for i in numba.prange(src.size):
            dst[i] = src[i]

    src = np.ones(nbytes // 4, dtype=np.float32)
    dst = np.zeros_like(src)
    median = statistics.median(step_times(lambda: copy(dst, src), repeats, warmup=2))
    return 2 * src.nbytes / median


def make_ours(class_name, kwargs, total, rng, new_grad_arrays=False):
    """The step method of minigrad.optim.<class_name> on fresh parameters (None if no such class).

    With ``new_grad_arrays`` every step sees other gradient arrays (two per parameter, taken in
    turn, so no time goes into making them), as after ``zero_grad()`` and ``backward()``: the
    optimizer cannot reuse the last step's checks and views (see Optimizer.step).
    """
    cls = getattr(optim, class_name, None)
    if cls is None:
        return None
    params = [Param(data, grad) for data, grad in random_tensors(total, rng)]
    opt = cls(params, **kwargs)
    if not new_grad_arrays:
        return opt.step
    spares = [p.grad.copy() for p in params]

    def step_with_new_grad_arrays():
        for k, p in enumerate(params):
            p.grad, spares[k] = spares[k], p.grad
        opt.step()

    return step_with_new_grad_arrays


def torch_variants():
    """Torch's Adam and SGD(momentum=0.9) in each implementation torch offers on CPU."""
    impls = [{"foreach": False}, {"foreach": True}, {"fused": True}]
    return [("Adam", {"lr": 1e-3}, impls), ("SGD", {"lr": 1e-3, "momentum": 0.9}, impls)]


def make_torch(torch, class_name, kwargs, impl, total, rng):
    """The step method of torch.optim.<class_name>(**kwargs, **impl), or None if unsupported."""
    params = []
    for data, grad in random_tensors(total, rng):
        p = torch.from_numpy(data).requires_grad_()
        p.grad = torch.from_numpy(grad)
        params.append(p)
    try:
        opt = getattr(torch.optim, class_name)(params, **kwargs, **impl)
        opt.step()
    except (RuntimeError, TypeError, ValueError):
        return None
    return opt.step


def torch_worker(sizes, quick):
    """Child-process entry: time every torch variant, print one JSON line per measurement."""
    import torch

    rng = np.random.default_rng(1)
    print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads()}))
    for total in sizes:
        steps, unsupported = {}, []
        for class_name, kwargs, impls in torch_variants():
            for impl in impls:
                step = make_torch(torch, class_name, kwargs, impl, total, rng)
                key = (class_name, json.dumps(impl))
                if step is None:
                    unsupported.append(key)
                else:
                    steps[key] = step
        results = interleaved_bursts(steps, repeats_for(total, quick))
        results.update({key: None for key in unsupported})
        for (class_name, impl), times in results.items():
            row = {"class": class_name, "impl": json.loads(impl), "total": total, "times": times}
            print(json.dumps(row), flush=True)


def run_torch_in_child(sizes, quick):
    """Run torch_worker in a fresh interpreter: (info, rows), or None if torch is missing."""
    command = [sys.executable, os.path.abspath(__file__), "--torch-worker", "--sizes"]
    command += [str(s) for s in sizes] + (["--quick"] if quick else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        if "No module named 'torch'" in done.stderr:
            return None
        raise RuntimeError(f"bench_optim: the torch child process failed:\n{done.stderr}")
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return lines[0], lines[1:]


def fmt_time(seconds):
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    return f"{seconds * 1e3:.2f} ms"


def cpu_jiffies():
    """(busy, total) CPU time of the whole machine so far, in seconds (Linux), else None."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields) - idle) / ticks, sum(fields) / ticks


def own_cpu_seconds():
    """CPU time used by this process and its finished children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def wait_for_idle(max_seconds, idle_fraction=0.9, window=2.0):
    """Wait (at most max_seconds) until the machine was idle >= idle_fraction for ``window`` s."""
    deadline = time.monotonic() + max_seconds
    while time.monotonic() < deadline:
        before = cpu_jiffies()
        time.sleep(window)
        after = cpu_jiffies()
        if before is None or after is None:
            return
        busy, total = after[0] - before[0], after[1] - before[1]
        if total > 0 and 1 - busy / total >= idle_fraction:
            return


def measure_size(algorithms, total, args, rng):
    """Time our algorithms and (in a child) torch at one size.

    Returns (ours, torch_result, others_share): others_share is the fraction of the machine's
    CPU time that other processes used meanwhile (None where /proc/stat is missing).
    """
    before, own_before, wall_before = cpu_jiffies(), own_cpu_seconds(), time.monotonic()
    steps = {}
    for label, class_name, kwargs, _ in algorithms:
        steps[label, total] = make_ours(class_name, kwargs, total, rng, "new grad" in label)
    present = {key: step for key, step in steps.items() if step is not None}
    ours = {key: None for key in steps}
    ours.update(interleaved_bursts(present, repeats_for(total, args.quick)))
    print(f"  ours at {total:.0e} done", file=sys.stderr, flush=True)
    torch_result = None if args.no_torch else run_torch_in_child([total], args.quick)
    after, own_after, wall_after = cpu_jiffies(), own_cpu_seconds(), time.monotonic()
    others_share = None
    if before is not None and after is not None:
        capacity = (wall_after - wall_before) * (os.cpu_count() or 1)
        others = (after[0] - before[0]) - (own_after - own_before)
        others_share = max(0.0, others / capacity)
    return ours, torch_result, others_share


def print_ours(algorithms, sizes, ours):
    """Print our table: median, min and effective bandwidth for every algorithm and size."""
    header = f"{'algorithm':<26} {'B/elem':>6} |" + " |".join(
        f"{f'{s:.0e} median':>15} {'min':>9} {'GB/s':>5}" for s in sizes
    )
    print(header)
    print("-" * len(header))
    for label, _, _, n_state in algorithms:
        per_elem = bytes_per_element(n_state)
        cells = []
        for total in sizes:
            times = ours[label, total]
            if times is None:
                cells.append(f"{'-':>15} {'-':>9} {'-':>5}")
                continue
            gbs = per_elem * total / times[0] / 1e9
            cells.append(f"{fmt_time(times[0]):>15} {fmt_time(times[1]):>9} {gbs:>5.1f}")
        print(f"{label:<26} {per_elem:>6} |" + " |".join(cells))


def print_torch(info, rows, ours, sizes):
    """Print torch's times and our median over torch's best median (min over min in brackets)."""
    print(
        f"\ntorch {info['version']} ({info['threads']} threads), timed in a child process. "
        "Cells: median (min).\nours/best: our median over the fastest torch variant's median "
        "(and the same for the minimums)."
    )
    header = f"{'torch.optim':<38} |" + " |".join(f"{f'{s:.0e}':>21}" for s in sizes)
    print(header)
    print("-" * len(header))
    for class_name, kwargs, impls in torch_variants():
        best = {total: None for total in sizes}
        for impl in impls:
            cells = []
            for total in sizes:
                (times,) = [
                    r["times"]
                    for r in rows
                    if (r["class"], r["impl"], r["total"]) == (class_name, impl, total)
                ]
                if times is None:
                    cells.append(f"{'-':>21}")
                    continue
                if best[total] is None:
                    best[total] = tuple(times)
                best[total] = (min(best[total][0], times[0]), min(best[total][1], times[1]))
                cells.append(f"{fmt_time(times[0]) + ' (' + fmt_time(times[1]) + ')':>21}")
            name = f"{class_name}{'(momentum=0.9)' if 'momentum' in kwargs else ''} {impl}"
            print(f"{name:<38} |" + " |".join(cells))
        label = "Adam" if class_name == "Adam" else "SGD momentum=0.9"
        ratios = []
        for total in sizes:
            mine, theirs = ours.get((label, total)), best[total]
            if mine is None or theirs is None:
                ratios.append(f"{'-':>21}")
            else:
                ratio = f"{mine[0] / theirs[0]:.2f}x ({mine[1] / theirs[1]:.2f}x)"
                ratios.append(f"{ratio:>21}")
        print(f"{'  ours/best: ' + label:<38} |" + " |".join(ratios))


def kernel_costs(lengths=(1, 2, 4, 8, 16, 32), size=100):
    """Print what numba's tuples cost: compiling Adam's kernel, and calling a kernel, per length.

    The compile time is that of the serial Adam kernel for float32 tuples of each length,
    compiled without the disk cache (the first call minus a second one). The call time is a
    kernel that does nothing with one tuple of arrays: what converting the arrays costs.
    """
    import numba

    from minigrad.optim import _jit
    from minigrad.optim.adam import adam

    _jit.register_numba_helpers()
    numba.njit(lambda x: x)(1.0)  # numba's own start-up is not a compile time
    compiled = numba.njit(**{**_jit.JIT_OPTIONS, "cache": False})(adam.lazy.loop)
    does_nothing = numba.njit(lambda arrays: None)
    print(f"{'tuple length':>12} {'Adam compile':>13} {'empty call':>11} {'per array':>10}")
    for n in lengths:
        arrays = tuple(np.zeros(size, np.float32) for _ in range(n))
        kwargs = dict(params=arrays, grads=arrays, exp_avgs=arrays, exp_avg_sqs=arrays,
                      max_exp_avg_sqs=None, steps=(1.0,) * n, lr=0.0, beta1=0.9, beta2=0.999,
                      eps=1e-8, weight_decay=0.0, maximize=False, decoupled=False)  # fmt: skip
        start = time.perf_counter()
        compiled(**kwargs)
        first = time.perf_counter() - start
        start = time.perf_counter()
        compiled(**kwargs)
        compile_time = first - (time.perf_counter() - start)
        call = statistics.median(step_times(lambda a=arrays: does_nothing(a), 2000, warmup=10))
        print(f"{n:>12} {compile_time:>11.2f} s {fmt_time(call):>11} {call / n * 1e6:>7.2f} us")


def breakdown(total=1000, repeats=20000):
    """Print where one Adam step's time goes at ``total`` weights (10 float32 tensors).

    Each line times one layer of the call path by itself, in a loop of ``repeats`` calls (the
    best of 5 loops): the whole step, the step's bookkeeping (``Optimizer._last_batches``: the
    identity checks, step counts), ``Adam.update`` (reads the group and the state views, calls
    the kernel), the compiled kernel called directly with the same arguments, a compiled
    function that takes the same arguments and does nothing (numba's dispatch: converting them),
    and what the bookkeeping would cost if it checked and viewed everything again
    (``Optimizer._batches``).
    """
    import numba

    params = [Param(data, grad) for data, grad in random_tensors(total, np.random.default_rng(0))]
    opt = optim.Adam(params, lr=1e-3)
    for _ in range(10):
        opt.step()
    arrays = [(g, p, p.data, p.grad) for g in opt.param_groups for p in g["params"]]
    (group, batch), *rest = opt._last_step[1]
    beta1, beta2 = group["betas"]
    arguments = dict(params=batch.params, grads=batch.grads, exp_avgs=batch.state("exp_avg"),
                     exp_avg_sqs=batch.state("exp_avg_sq"), max_exp_avg_sqs=None,
                     steps=batch.steps, lr=1e-3, beta1=beta1, beta2=beta2, eps=1e-8,
                     weight_decay=0.0, maximize=False, decoupled=False)  # fmt: skip
    from minigrad.optim.adam import adam

    compiled = adam.lazy.compiled(False)
    does_nothing = numba.njit(
        lambda params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps, lr, beta1, beta2,
        eps, weight_decay, maximize, decoupled: None
    )  # fmt: skip
    layers = [
        ("opt.step()", opt.step),
        ("  bookkeeping (_last_batches)", lambda: opt._last_batches(arrays)),
        ("  Adam.update(group, batch)", lambda: opt.update(group, batch)),
        ("    compiled kernel, called directly", lambda: compiled(**arguments)),
        ("    a kernel that does nothing", lambda: does_nothing(**arguments)),
        # last: it replaces the batches the lines above reuse
        ("  without reuse: rebuilding the batches", lambda: opt._batches(arrays)),
    ]
    print(f"# Adam, {total:.0e} weights in 10 float32 tensors, {len(rest) + 1} batch(es)")
    for label, call in layers:
        best = min(_loop_time(call, repeats) for _ in range(5))
        print(f"{label:<40} {fmt_time(best):>9}")


def _loop_time(call, repeats):
    """Mean time of one call of ``call`` over a loop of ``repeats`` calls (after 200 untimed)."""
    for _ in range(200):
        call()
    start = time.perf_counter()
    for _ in range(repeats):
        call()
    return (time.perf_counter() - start) / repeats


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes 1e3 and 1e6, fewer repeats")
    parser.add_argument("--sizes", nargs="*", type=float, help="total elements, e.g. 1e3 1e7")
    parser.add_argument("--algorithms", nargs="*", help="labels to run (default: all)")
    parser.add_argument("--no-torch", action="store_true", help="skip the torch comparison")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        metavar="SECONDS",
        help="before each size, wait up to SECONDS for the machine to be >= 90%% idle",
    )
    parser.add_argument(
        "--kernel-costs",
        action="store_true",
        help="only print numba's compile time and call cost per tuple length",
    )
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="only print where one Adam step's time goes at 1e3 weights",
    )
    parser.add_argument("--torch-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.kernel_costs:
        kernel_costs()
        return
    if args.breakdown:
        breakdown()
        return

    if args.sizes:
        sizes = [int(s) for s in args.sizes]
    else:
        sizes = [10**3, 10**6] if args.quick else [10**3, 10**5, 10**6, 10**7]
    if args.torch_worker:
        torch_worker(sizes, args.quick)
        return
    algorithms = [a for a in ALGORITHMS if not args.algorithms or a[0] in args.algorithms]
    rng = np.random.default_rng(0)

    import numba

    print(f"# machine: {platform.machine()}, {os.cpu_count()} cores; ", end="")
    print(
        f"numpy {np.__version__}, numba {numba.__version__} ({numba.config.NUMBA_NUM_THREADS} threads)"
    )
    copy_bw = copy_bandwidth()
    print(f"# copy bandwidth, np.copyto (1 thread), read+write: {copy_bw / 1e9:.1f} GB/s")
    par_bw = parallel_copy_bandwidth()
    print(f"# copy bandwidth, numba prange (all threads), read+write: {par_bw / 1e9:.1f} GB/s")

    ours, torch_info, torch_rows, others = {}, None, [], {}
    for total in sizes:
        if args.wait_idle:
            wait_for_idle(args.wait_idle)
        size_ours, torch_result, others[total] = measure_size(algorithms, total, args, rng)
        ours.update(size_ours)
        if torch_result is not None:
            torch_info = torch_result[0]
            torch_rows += torch_result[1]

    shares = ", ".join(
        f"{total:.0e}: {'?' if share is None else f'{100 * share:.0f}%'}"
        for total, share in others.items()
    )
    print(f"# CPU share used by other processes while each size was measured: {shares}\n")
    print_ours(algorithms, sizes, ours)
    if args.no_torch:
        return
    if torch_info is None:
        print("\n(torch is not importable: no comparison)")
    else:
        print_torch(torch_info, torch_rows, ours, sizes)


if __name__ == "__main__":
    main()
