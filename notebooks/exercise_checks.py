"""The checks the notebooks' exercises call: each says what is wrong, or prints that it passed."""

import numpy as np


class ExerciseFailed(AssertionError):
    """An exercise's answer is missing or wrong; the message says which part and why."""


def check_close(what, got, expected, atol=1e-6, rtol=1e-4, hint=""):
    """Raise ExerciseFailed unless `got` equals `expected` (arrays or numbers) within atol + rtol|expected|."""
    if got is None:
        raise ExerciseFailed(f"{what}: still None, fill in your answer")
    try:
        got_array = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        raise ExerciseFailed(f"{what}: expected numbers, got {type(got).__name__} {got!r}") from None
    expected = np.asarray(expected, dtype=np.float64)
    if got_array.shape != expected.shape:
        raise ExerciseFailed(f"{what}: shape {got_array.shape}, expected {expected.shape}")
    excess = np.abs(got_array - expected) - (atol + rtol * np.abs(expected))
    if not np.all(excess <= 0):  # a nan never passes
        worst = np.unravel_index(np.argmax(np.nan_to_num(excess, nan=np.inf)), excess.shape)
        where = f" at index {tuple(int(i) for i in worst)}" if expected.ndim else ""
        message = f"{what}: got {got_array[worst]:.6g}{where}, expected {expected[worst]:.6g}"
        raise ExerciseFailed(message + (f" ({hint})" if hint else ""))


def check_true(what, condition, message):
    """Raise ExerciseFailed with `message` unless `condition` holds."""
    if not condition:
        raise ExerciseFailed(f"{what}: {message}")


def passed(what):
    """Say that an exercise passed its checks."""
    print(f"passed: {what}")
