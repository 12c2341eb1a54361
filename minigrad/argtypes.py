"""Argument types for the command line: argparse turns an ArgumentTypeError into
`error: argument --epochs: must be >= 1, got 0`, with exit code 2 and no traceback."""

import argparse
import math
import os
import tempfile
from pathlib import Path

PATH_MAX = 4096  # Linux's limit on a whole path, in bytes


def int_at_least(low: int, high: int | None = None):
    """An argparse type accepting whole numbers >= low (and <= high, when given)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected an integer >= {low}, got {text[:40]!r}"
            ) from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be >= {low}, got {value}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"must be <= {high:,}, got {text[:40]}")
        return value

    parse.__doc__ = f"An argparse type accepting whole numbers >= {low}."
    return parse


positive_int = int_at_least(1)
non_negative_int = int_at_least(0)


def positive_float(text: str) -> float:
    """An argparse type accepting finite numbers > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


# --- output paths, checked before any work starts ---------------------------------------------

PATH_MARGIN = 64  # room for the file names a command writes inside its output folder


def output_problem(path, folder: bool):
    """Why the command could not write `path` (a folder, or a file when folder=False), or None.

    Checked up front, so that a bad --out is reported before minutes of training, not after.
    Writability is tested by creating (and at once removing) a temporary file where the output
    will go: permission bits alone do not tell (root ignores them; a file system may be read-only).
    """
    if "\0" in str(path):
        return "the path contains a NUL character"
    path = Path(path)
    if len(os.fsencode(path.absolute())) + PATH_MARGIN > PATH_MAX:
        return f"the path is too long ({len(os.fsencode(path.absolute()))} bytes)"
    existing = next(p for p in (path, *path.absolute().parents) if os.path.lexists(p))
    if existing == path:
        if folder and not path.is_dir():
            return f"{path} exists and is not a folder"
        if not folder and (path.is_dir() or not path.is_file()):
            return f"{path} exists and is not a regular file"
    elif not existing.is_dir():
        return f"{existing} is a file, not a folder"
    name_max = _name_max(existing)
    for part in path.parts:
        if len(os.fsencode(part)) > name_max:
            size = len(os.fsencode(part))
            return f"the name {part[:24]}... is too long ({size} bytes, at most {name_max})"
    probe_in = existing if existing != path else path if folder else path.parent
    try:
        with tempfile.TemporaryFile(dir=probe_in):
            pass
    except OSError as err:
        return f"cannot write in {probe_in} ({err.strerror or err})"
    return None


def _name_max(folder) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # no pathconf on this system or file system
        return 255
