"""mg.func.grad: turn a function into its gradient function, as torch.func.grad and jax.grad do.

    df = grad(f)            # df(x) is d f(x) / dx
    d2f = grad(grad(f))     # for f of one scalar: the second derivative, and so on

The gradient function runs f on a copy of the differentiated arguments and asks the engine
(`minigrad.autograd.grad`) for the gradient of f's output with respect to that copy. When it is
called inside another gradient function, or on tensors that require grad, it records the backward
pass too (create_graph=True), so its result can be differentiated again: that is all composing
takes. The copy is a new graph node (x * 1), so an inner grad differentiates only its own use of x
and treats the outer variables in f's closure as constants, as it should.
"""

import numpy as np

from .autograd import grad as _engine_grad
from .tensor import Tensor, _grad_mode

_depth = 0  # how many gradient functions are running, one inside another


def grad(func, argnums=0, has_aux=False):
    """A function computing the gradient of `func` (which returns a one-element Tensor).

    `argnums` (int or tuple of ints) chooses which positional arguments to differentiate; a tuple
    gives a tuple of gradients. With `has_aux`, func returns (output, aux) and the gradient
    function returns (gradient, aux).
    """
    if not callable(func):
        raise TypeError(f"grad: func must be callable, got {type(func).__name__}")
    many = isinstance(argnums, tuple)
    positions = argnums if many else (argnums,)
    if not positions or not all(isinstance(n, int) and not isinstance(n, bool) for n in positions):
        raise TypeError(f"grad: argnums must be an int or a tuple of ints, got {argnums!r}")

    def gradient_function(*args, **kwargs):
        global _depth
        wrt = [_checked(args, n) for n in positions]
        nested = _depth > 0 or any(args[n].requires_grad for n in wrt)
        args = list(args)
        for n in wrt:  # a fresh node per differentiated argument (see the module docstring)
            args[n] = (
                args[n] * 1 if args[n].requires_grad else Tensor(args[n].data, requires_grad=True)
            )
        _depth += 1
        try:
            with _grad_mode(True):  # a function transform: it works even under no_grad()
                result = func(*args, **kwargs)
                output, aux = _split_aux(result, has_aux)
                if not isinstance(output, Tensor) or output.size != 1:
                    got = output.shape if isinstance(output, Tensor) else type(output).__name__
                    raise ValueError(f"grad: func must return a one-element Tensor, got {got}")
                inputs = [args[n] for n in wrt]
                if output.requires_grad:
                    grads = _engine_grad(output, inputs, create_graph=nested, allow_unused=True)
                else:
                    grads = [None] * len(inputs)
        finally:
            _depth -= 1
        grads = tuple(
            Tensor(np.zeros(x.shape, x.dtype)) if g is None else g for g, x in zip(grads, inputs)
        )
        gradients = grads if many else grads[0]
        return (gradients, aux) if has_aux else gradients

    gradient_function.__name__ = f"grad_{getattr(func, '__name__', 'func')}"
    gradient_function.__doc__ = (
        f"The gradient of {getattr(func, '__name__', 'func')} (mg.func.grad)."
    )
    return gradient_function


def _checked(args, n):
    """The index of positional argument n, which must be a floating Tensor."""
    if not -len(args) <= n < len(args):
        raise IndexError(
            f"grad: argnums {n} is out of range for {len(args)} positional argument(s)"
        )
    n %= len(args)
    if not isinstance(args[n], Tensor) or args[n].dtype.kind != "f":
        got = f"dtype {args[n].dtype}" if isinstance(args[n], Tensor) else type(args[n]).__name__
        raise TypeError(f"grad: argument {n} must be a floating Tensor, got {got}")
    return n


def _split_aux(result, has_aux):
    if not has_aux:
        return result, None
    if not (isinstance(result, tuple) and len(result) == 2):
        raise ValueError(
            f"grad: with has_aux=True, func must return a (output, aux) pair, got {type(result).__name__}"
        )
    return result
