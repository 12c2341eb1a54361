"""save / load state dicts as .npz files: plain arrays, never a pickle, so loading runs no code."""

import os
import zipfile

import numpy as np

from .tensor import Tensor


def save(obj, path):
    """Write a dict of name -> array (e.g. `model.state_dict()`) to `path` as an .npz archive."""
    if not isinstance(obj, dict):
        raise TypeError(
            f"save: obj must be a dict of name -> array (e.g. model.state_dict()),"
            f" got {type(obj).__name__}"
        )
    arrays = {}
    for key, value in obj.items():
        if not isinstance(key, str):
            raise TypeError(f"save: keys must be strings, got {key!r}")
        array = np.asarray(value.data if isinstance(value, Tensor) else value)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"save: value of {key!r} must be numeric, got dtype {array.dtype}")
        arrays[key] = array
    # The .npz layout written member by member, as np.savez does: np.savez(file, **arrays) would
    # swallow a key named "allow_pickle" and reject one named "file".
    with zipfile.ZipFile(path, "w") as archive:
        for key, array in arrays.items():
            with archive.open(key + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


def load(path) -> dict:
    """Read a dict of name -> numpy array written by `save`."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"load: no such file: {path!r}")
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array, not an .npz archive")
        with archive:
            state = {key: archive[key] for key in archive.files}
        for key, value in state.items():
            if not isinstance(value, np.ndarray):  # a non-.npy member comes back as raw bytes
                raise ValueError(f"member {key!r} is not a numpy array")
        return state
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as err:
        raise ValueError(f"load: {path!r} is not a valid .npz state dict ({err})") from None
