"""Lazy numba compilation of the optimizer kernels, with the numpy twins as the fallback.

Nothing here imports numba at import time: `import minigrad` stays fast, and numba is loaded and a
kernel compiled on the first call of that kernel. Compiled code is cached on disk (``cache=True``),
so a second process loads it instead of compiling again.

Set the environment variable ``MINIGRAD_DISABLE_JIT=1`` (or numba's own ``NUMBA_DISABLE_JIT=1``)
before the first step to run the plain-numpy twins instead: slower, but steppable in a debugger.
"""

import os
import types
import warnings

# error_model="numpy": a division by zero gives inf/nan as numpy does, instead of a Python-style
# check on every division, which also stops LLVM from vectorising the loop (4-6x slower measured).
# fastmath stays off: it lets LLVM reorder float operations, and the kernels must match their
# twins and PyTorch's documented order of operations.
JIT_OPTIONS = {"cache": True, "error_model": "numpy"}

# Each kernel is compiled twice, lazily: a serial loop, and a parallel one (numba.prange over
# the cores) for calls of at least PARALLEL_MIN_SIZE weights. On 2 cores the parallel loop ran
# Adam 2x faster from 1e5 to 1e7 float32 weights, but waking the second thread costs a few us
# and, when other processes keep that core busy, up to milliseconds: small calls stay serial.
PARALLEL_MIN_SIZE = 1 << 15

# Kernels loop with `for i in prange(n)`. Run as plain Python (the twins' world, or with the JIT
# disabled) and in the serial compile prange is range; the parallel compile swaps in
# numba.prange, which marks the loop for splitting over threads.
prange = range


def jit_disabled():
    """True when the environment asks for the numpy twins instead of compiled kernels."""
    flags = (os.environ.get("MINIGRAD_DISABLE_JIT", ""), os.environ.get("NUMBA_DISABLE_JIT", ""))
    return any(flag not in ("", "0") for flag in flags)


def compile_kernel(loop, parallel=False):
    """Compile ``loop`` with numba; if no cache directory is writable, compile without a cache."""
    import numba  # deferred: importing numba costs about a second

    options = dict(JIT_OPTIONS)
    if parallel:
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
    copy = types.FunctionType(
        loop.__code__, {**loop.__globals__, "prange": numba_prange}, loop.__name__
    )
    # numba names its cache files after the qualified name: a distinct one keeps the parallel
    # machine code from overwriting the serial one's cache entry (same signature) and vice versa.
    copy.__qualname__ = loop.__qualname__ + "_parallel"
    copy.__module__ = loop.__module__
    copy.__doc__ = loop.__doc__
    return copy


class LazyKernel:
    """An update rule with two implementations: a numba loop compiled on first use, a numpy twin.

    Both take the same arguments (flat 1-D arrays updated in place, the parameter first, then
    scalar hyper-parameters) and return nothing. Which one runs is decided on the first call
    (see ``jit_disabled``); compiled, calls on ``PARALLEL_MIN_SIZE`` weights or more run the
    parallel compile.
    """

    def __init__(self, loop, twin):
        self.loop = loop
        self.twin = twin
        self._compiled = {}  # parallel (bool) -> numba dispatcher
        self._impl = None  # one implementation for every size: the twin when the JIT is off

    def compiled(self, parallel=False):
        """The numba-compiled loop, serial or parallel (compiled on the first request)."""
        if parallel not in self._compiled:
            self._compiled[parallel] = compile_kernel(self.loop, parallel)
        return self._compiled[parallel]

    def __call__(self, param, *args):
        if self._impl is not None:
            return self._impl(param, *args)
        if jit_disabled():
            self._impl = self.twin
            return self._impl(param, *args)
        return self.compiled(param.size >= PARALLEL_MIN_SIZE)(param, *args)

    def __repr__(self):
        return f"LazyKernel({self.loop.__name__}, twin={self.twin.__name__})"


def kernel(twin):
    """Decorator: ``@kernel(twin)`` over a plain loop makes the LazyKernel of that loop and twin."""

    def wrap(loop):
        return LazyKernel(loop, twin)

    return wrap
