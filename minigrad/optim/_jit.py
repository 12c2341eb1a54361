"""Lazy numba compilation of the optimizer kernels, with the numpy twins as the fallback.

Nothing here imports numba at import time: `import minigrad` stays fast, and numba is loaded and a
kernel compiled on the first call of that kernel. Compiled code is cached on disk (``cache=True``),
so a second process loads it instead of compiling again.

Set the environment variable ``MINIGRAD_DISABLE_JIT=1`` (or numba's own ``NUMBA_DISABLE_JIT=1``)
before the first step to run the plain-numpy twins instead: slower, but steppable in a debugger.
"""

import functools
import hashlib
import os
import types
import warnings
from pathlib import Path

import numpy as np

# error_model="numpy": a division by zero gives inf/nan as numpy does, instead of a Python-style
# check on every division, which also stops LLVM from vectorising the loop (4-6x slower measured).
# fastmath stays off: it lets LLVM reorder float operations, and the kernels must match their
# twins and PyTorch's documented order of operations.
JIT_OPTIONS = {"cache": True, "error_model": "numpy"}

# Parallel loops. Kernels mark their loop `prange` (iterations independent); calls on at least
# PARALLEL_MIN_SIZE weights run a second compile with numba.prange over all cores, smaller ones a
# serial compile (waking a sleeping thread costs ~10 us: at 1e5 weights the parallel loop won
# 46 vs 56 us on an idle machine and lost 71 vs 57 with a busy second core). MINIGRAD_PARALLEL=0
# turns it off.
# Measured on this project's 2-core machine (a shared VM), float32 Adam at 1e6 and 1e7 weights
# ran 2.3 to 3.7x faster in parallel than serially on an idle machine, and 1.7 to 2x with a
# busy process on the other core, once the thread pool sleeps instead of spinning (see
# compile_kernel). torch's fused Adam, our yardstick, uses both cores too.
PARALLEL_MIN_SIZE = 1 << 17
if os.environ.get("MINIGRAD_PARALLEL", "1") in ("", "0"):
    PARALLEL_MIN_SIZE = None


def prange(n):
    """``range(n)`` for a kernel loop whose iterations are independent of each other.

    In plain Python (the twins' world, or with the JIT disabled) it is ``range``. Compiled, it
    is an unsigned range (``register_numba_helpers``), or numba.prange in the parallel compile.
    """
    return range(n)


def indices(n):
    """``range(n)`` over one chunk's weights; compiled, a range with an unsigned index."""
    return range(n)


# Each parameter is cut into chunks of this many weights, and the chunks of a whole batch are
# shared among the threads in one parallel loop: a loop per parameter would wake the threads
# once per parameter, and on a loaded 2-core machine each wake-up can wait a scheduler slice.
CHUNK = 1 << 14


def weight_chunks(params):
    """The batch's chunks in one array: chunk c is weights [1][c]:[2][c] of parameter [0][c]."""
    count = 0
    for t in range(len(params)):
        count += (params[t].size + CHUNK - 1) // CHUNK
    chunks = np.empty((3, count), np.int64)
    c = 0
    for t in range(len(params)):
        for first in range(0, params[t].size, CHUNK):
            chunks[0, c] = t
            chunks[1, c] = first
            chunks[2, c] = min(first + CHUNK, params[t].size)
            c += 1
    return chunks


_helpers_registered = False


def register_numba_helpers():
    """Teach numba ``prange``, ``indices`` (unsigned ranges) and ``weight_chunks``.

    numba's ``a[i]`` with a signed ``i`` must wrap negative indices around; with an unsigned one
    it need not, and LLVM vectorises the loop better: the serial Adam loop ran 1.7x faster.
    """
    global _helpers_registered
    if _helpers_registered:
        return
    from numba.extending import overload

    @overload(prange)
    def unsigned_prange(n):
        return lambda n: range(np.uint64(n))

    @overload(indices)
    def unsigned_indices(n):
        return lambda n: range(np.uint64(n))

    @overload(weight_chunks)
    def compiled_weight_chunks(params):
        return weight_chunks

    _helpers_registered = True


def jit_disabled():
    """True when the environment asks for the numpy twins instead of compiled kernels."""
    flags = (os.environ.get("MINIGRAD_DISABLE_JIT", ""), os.environ.get("NUMBA_DISABLE_JIT", ""))
    return any(flag not in ("", "0") for flag in flags)


# numba's disk cache checks that the kernel's own file is unchanged, not this one, yet every
# kernel compiles in this file's helpers (weight_chunks, indices, prange above): after a change
# here (a `git pull`), a kernel cached before it ran the old helpers' machine code on the new
# arguments and crashed the process (seen: a segfault in Adadelta after a checkout that changed
# only _jit.py among its files). This file's hash in each kernel's cache name makes such an entry
# a different one; tests/test_optim_design.py::test_a_changed_jit_file_does_not_reuse_old_kernels.
HELPERS_VERSION = hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:12]


def compile_kernel(loop, parallel=False):
    """Compile ``loop`` with numba; if no cache directory is writable, compile without a cache."""
    import numba  # deferred: importing numba costs about a second

    register_numba_helpers()
    options = dict(JIT_OPTIONS)
    if not parallel:
        loop = renamed(loop, f"{loop.__qualname__}_{HELPERS_VERSION}")
    if parallel:
        # GNU OpenMP (numba's usual thread pool) lets idle worker threads spin by default. With
        # another busy process on a 2-core machine the spinning worker lost its core, and every
        # parallel loop then waited a scheduler slice for it: 11 ms instead of 0.4 (measured at
        # 1e6 weights). Sleeping workers are woken within microseconds. setdefault: a user's own
        # OMP_WAIT_POLICY wins; it must be set before numba starts its threads, i.e. here.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        loop = with_numba_prange(loop, numba.prange)
        options["parallel"] = True
    try:
        return numba.njit(**options)(loop)
    except RuntimeError as error:
        # numba raises this when neither the source tree nor a user cache dir is writable (a
        # read-only install); compiling in memory is correct, only slower on the next start.
        if "cannot cache" not in str(error):
            raise
        warnings.warn(
            f"minigrad.optim: cannot cache the compiled {loop.__name__} ({error}); "
            "compiling without a disk cache",
            RuntimeWarning,
            stacklevel=3,
        )
        return numba.njit(**{**options, "cache": False})(loop)


def with_numba_prange(loop, numba_prange):
    """A copy of function ``loop`` in which the global name ``prange`` means ``numba.prange``."""
    # numba names its cache files after the qualified name: a distinct one keeps the parallel
    # machine code from overwriting the serial one's cache entry (same signature) and vice versa.
    return renamed(loop, f"{loop.__qualname__}_parallel_{HELPERS_VERSION}", prange=numba_prange)


def renamed(loop, qualname, **names):
    """A copy of function ``loop`` under another qualified name, with extra global ``names``."""
    copy = types.FunctionType(loop.__code__, {**loop.__globals__, **names}, loop.__name__)
    copy.__qualname__ = qualname
    copy.__module__ = loop.__module__
    copy.__doc__ = loop.__doc__
    return copy


class LazyKernel:
    """An update rule with two implementations: a numba loop compiled on first use, a numpy twin.

    Both take the same keyword arguments (tuples of 1-D arrays updated in place, ``params``
    first, then scalar hyper-parameters) and return nothing. Which one runs is decided on the
    first call (see ``jit_disabled``); compiled, a call on ``PARALLEL_MIN_SIZE`` weights or more
    runs the parallel compile (unless MINIGRAD_PARALLEL=0).
    """

    def __init__(self, loop, twin):
        self.loop = loop
        self.twin = twin
        self._compiled = {}  # parallel (bool) -> numba dispatcher
        self._use_twin = None  # decided on the first call

    def compiled(self, parallel=False):
        """The numba-compiled loop, serial or parallel (compiled on the first request)."""
        if parallel not in self._compiled:
            self._compiled[parallel] = compile_kernel(self.loop, parallel)
        return self._compiled[parallel]

    def implementation(self, params):
        """What to call for a batch with these ``params``: the twin, or a compiled loop."""
        if self._use_twin is None:  # first call: decide once (reading os.environ costs 1 us)
            self._use_twin = jit_disabled()
        if self._use_twin:
            return self.twin
        parallel = PARALLEL_MIN_SIZE is not None and sum(map(len, params)) >= PARALLEL_MIN_SIZE
        return self._compiled.get(parallel) or self.compiled(parallel)


def kernel(twin):
    """Decorator: ``@kernel(twin)`` over a loop makes a function running it compiled (or ``twin``).

    Its LazyKernel is ``.lazy``. A function, not the LazyKernel itself: CPython calls an object's
    ``__call__`` with keywords more slowly (Adam's step at 1e3 weights: 11.1 us against 10.6).
    """

    def wrap(loop):
        lazy = LazyKernel(loop, twin)

        @functools.wraps(loop)
        def run(**arguments):
            lazy.implementation(arguments["params"])(**arguments)

        run.lazy = lazy
        return run

    return wrap
