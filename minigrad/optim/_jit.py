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
# parallel=True: the loops are written with `prange`, and splitting them over the cores paid
# 2x at 1e5 to 1e7 float32 elements on a 2-core machine while costing ~1 us at 1e3.
# fastmath stays off: it lets LLVM reorder float operations, and the kernels must match their
# twins and PyTorch's documented order of operations.
JIT_OPTIONS = {"cache": True, "error_model": "numpy", "parallel": True}

# Kernels loop with `for i in prange(n)`. Run as plain Python (the twins' world, or with the JIT
# disabled) prange is range; compile_kernel swaps in numba.prange, which marks the loop parallel.
prange = range


def jit_disabled():
    """True when the environment asks for the numpy twins instead of compiled kernels."""
    flags = (os.environ.get("MINIGRAD_DISABLE_JIT", ""), os.environ.get("NUMBA_DISABLE_JIT", ""))
    return any(flag not in ("", "0") for flag in flags)


def compile_kernel(loop):
    """Compile ``loop`` with numba; if no cache directory is writable, compile without a cache."""
    import numba  # deferred: importing numba costs about a second

    loop = with_numba_prange(loop, numba.prange)
    try:
        return numba.njit(**JIT_OPTIONS)(loop)
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
        return numba.njit(**{**JIT_OPTIONS, "cache": False})(loop)


def with_numba_prange(loop, numba_prange):
    """A copy of function ``loop`` whose global name ``prange`` means ``numba.prange``."""
    copy = types.FunctionType(
        loop.__code__, {**loop.__globals__, "prange": numba_prange}, loop.__name__
    )
    copy.__qualname__ = loop.__qualname__
    copy.__module__ = loop.__module__
    copy.__doc__ = loop.__doc__
    return copy


class LazyKernel:
    """An update rule with two implementations: a numba loop compiled on first use, a numpy twin.

    Both take the same arguments (flat 1-D arrays updated in place, then scalar hyper-parameters)
    and return nothing. Which one runs is decided once, on the first call (see ``jit_disabled``).
    """

    def __init__(self, loop, twin):
        self.loop = loop
        self.twin = twin
        self._compiled = None
        self._impl = None

    def compiled(self):
        """The numba-compiled loop (compiled on the first request)."""
        if self._compiled is None:
            self._compiled = compile_kernel(self.loop)
        return self._compiled

    def __call__(self, *args):
        if self._impl is None:
            self._impl = self.twin if jit_disabled() else self.compiled()
        return self._impl(*args)

    def __repr__(self):
        return f"LazyKernel({self.loop.__name__}, twin={self.twin.__name__})"


def kernel(twin):
    """Decorator: ``@kernel(twin)`` over a plain loop makes the LazyKernel of that loop and twin."""

    def wrap(loop):
        return LazyKernel(loop, twin)

    return wrap
