"""Anomaly mode: stop at the first op that makes a NaN or an inf, and say where the user made it.

While the mode is on, every op output remembers the file, line and source text of the user's code
that made it (the first frame outside the minigrad package), its forward output is checked, and in
backward so are the gradients its VJP returns. While it is off, the engine pays one flag test.
"""

import contextlib
import linecache
import os
import sys

import numpy as np

from ..tensor import Tensor, _set_anomaly_mode, is_anomaly_enabled  # noqa: F401 (re-exported)

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def set_detect_anomaly(mode: bool) -> None:
    """Turn anomaly mode on or off (PyTorch's torch.autograd.set_detect_anomaly)."""
    _set_anomaly_mode(mode)


class detect_anomaly(contextlib.ContextDecorator):
    """Context manager and decorator that turns anomaly mode on, and back to what it was after."""

    def __init__(self):
        self._previous = []  # a stack, as in no_grad: a decorated function may re-enter

    def __enter__(self):
        self._previous.append(_set_anomaly_mode(True))
        return self

    def __exit__(self, *exc):
        _set_anomaly_mode(self._previous.pop())


def _user_frame():
    """(file, line, source) of the innermost caller outside the minigrad package."""
    frame = sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE):
        frame = frame.f_back
    if frame is None:
        return None
    filename, line = frame.f_code.co_filename, frame.f_lineno
    return filename, line, linecache.getline(filename, line).strip()


def _where_called(origin):
    if origin is None:
        return "was called while anomaly mode was off, so where is not known"
    filename, line, source = origin
    return f"was called at {filename}:{line}: {source}"


def _non_finite(value):
    """'nan', 'inf', 'nan and inf' or '' for an array (or a Tensor's array)."""
    array = value._data if isinstance(value, Tensor) else np.asarray(value)
    if array.dtype.kind not in "fc":
        return ""
    kinds = [name for name, test in (("nan", np.isnan), ("inf", np.isinf)) if test(array).any()]
    return " and ".join(kinds)


def _describe_inputs(inputs):
    lines = []
    for k, x in enumerate(inputs):
        if not isinstance(x, (Tensor, np.ndarray)):
            continue
        bad = _non_finite(x)
        state = f"holds {bad}" if bad else "all finite"
        lines.append(f"  input {k}: shape {np.shape(x)}, dtype {np.asarray(x).dtype}, {state}")
    return "\n".join(lines)


def check_forward(out, op, inputs):
    """Remember where `out` was made; raise if it holds NaN or inf."""
    out._origin = _user_frame()
    bad = _non_finite(out._data)
    if bad:
        raise RuntimeError(
            f"anomaly mode: {op} produced {bad} in its output (shape {out.shape}, dtype"
            f" {out.dtype}) in forward\n{_describe_inputs(inputs)}\n  {op} {_where_called(out._origin)}"
        )


def check_backward(node, grad, input_grads):
    """Raise if the gradients `node`'s VJP returned (from `grad`, its output's) hold NaN or inf."""
    for slot, g in enumerate(input_grads):
        bad = "" if g is None else _non_finite(g)
        if bad:
            incoming = _non_finite(grad)
            raise RuntimeError(
                f"anomaly mode: the backward of {node.op} produced {bad} in the gradient of its"
                f" input {slot} (shape {np.shape(g)}); the gradient of its output"
                f" {'holds ' + incoming if incoming else 'was all finite'}\n"
                f"{_describe_inputs(node._inputs)}\n"
                f"  {node.op} {_where_called(getattr(node, '_origin', None))}"
            )
