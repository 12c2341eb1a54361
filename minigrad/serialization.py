"""save / load state dicts as .npz files: plain arrays, never a pickle, so loading runs no code.

`load` reads a file it does not trust. It opens the archive with zipfile itself (not np.load) and
checks every member before reading its data: what each member declares (its size in the zip
directory, the shape and dtype in its .npy header) must agree, and must fit in the bytes the file
really holds. So a file can only make `load` allocate the arrays it returns, and a file that
promises more than it holds is refused before anything is inflated. Every bad file raises
ValueError naming the file and the member; docs/reliability.md lists the checks and their tests.
"""

import math
import os
import stat
import zipfile

import numpy as np

from .tensor import Tensor

# A deflated member may inflate at most this much (mg.save stores members uncompressed; numpy's
# savez_compressed reaches ~10x on trained weights, about 1000x only on long runs of one value).
MAX_COMPRESSION_RATIO = 100
SMALL_MEMBER_BYTES = 1 << 20  # members up to 1 MiB are exempt from the ratio rule
READ_CHUNK_BYTES = 1 << 18  # 256 KiB
NUMERIC_KINDS = "biuf"  # bool, int, unsigned, float: what a Tensor can hold


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
        problem = _name_problem(key + ".npy")
        if problem:
            raise ValueError(f"save: key {key!r} cannot be stored ({problem})")
        array = np.asarray(value.data if isinstance(value, Tensor) else value)
        if array.dtype.kind not in NUMERIC_KINDS:
            raise TypeError(f"save: value of {key!r} must be numeric, got dtype {array.dtype}")
        arrays[key] = array
    # The .npz layout written member by member, as np.savez does: np.savez(file, **arrays) would
    # swallow a key named "allow_pickle" and reject one named "file".
    with zipfile.ZipFile(path, "w") as archive:
        for key, array in arrays.items():
            with archive.open(key + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


class _BadFile(Exception):
    """Raised inside load; turned into one ValueError naming the file."""


def load(path) -> dict:
    """Read a dict of name -> numpy array written by `save` (or np.savez); refuse anything else.

    Raises FileNotFoundError if there is no such file, and ValueError, naming the file and the
    member, for every file that is not a plain .npz of numeric arrays.
    """
    path = os.fspath(path)
    if not os.path.lexists(path):
        raise FileNotFoundError(f"load: no such file: {path!r}")
    try:
        return _read_archive(path)
    except _BadFile as err:
        raise ValueError(f"load: {path!r} is not a valid .npz state dict: {err}") from None


def _read_archive(path) -> dict:
    if not os.path.isfile(path):
        raise _BadFile("it is not a regular file")
    file_size = os.path.getsize(path)
    with open(path, "rb") as file:
        if file.read(6) == b"\x93NUMPY":  # the .npy magic: np.save, not mg.save
            raise _BadFile("it holds a single .npy array, not an .npz archive")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as err:
        raise _BadFile(f"it is not a zip archive ({err})") from None
    with archive:
        members = archive.infolist()
        _check_members(members, file_size)
        state = {}
        for info in members:
            try:
                state[info.filename[: -len(".npy")]] = _read_member(archive, info)
            except _BadFile as err:
                raise _BadFile(f"member {info.filename!r}: {err}") from None
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as err:
                raise _BadFile(f"member {info.filename!r}: cannot be read ({err})") from None
        return state


def _check_members(members, file_size):
    """Refuse, from the zip directory alone, members that are not plain arrays or lie about sizes."""
    names = set()
    for info in members:
        where = f"member {info.filename!r}"
        problem = _name_problem(info.filename)
        if problem:
            raise _BadFile(f"{where}: {problem}")
        if info.filename in names:
            raise _BadFile(f"{where} appears twice")
        names.add(info.filename)
        mode = info.external_attr >> 16
        if info.is_dir() or stat.S_IFMT(mode) not in (0, stat.S_IFREG):  # 0: no type recorded
            raise _BadFile(f"{where} is a directory, symlink or other non-file")
        if info.flag_bits & 0x1:
            raise _BadFile(f"{where} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _BadFile(
                f"{where} uses compression method {info.compress_type}"
                " (only stored and deflated members are read)"
            )
        limit = max(SMALL_MEMBER_BYTES, MAX_COMPRESSION_RATIO * info.compress_size)
        if info.compress_type == zipfile.ZIP_DEFLATED and info.file_size > limit:
            raise _BadFile(
                f"{where} would inflate {info.compress_size} bytes to {info.file_size}"
                f" (more than {MAX_COMPRESSION_RATIO}x: a zip bomb?)"
            )
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise _BadFile(f"{where} is stored but declares two different sizes")
    stored = sum(info.compress_size for info in members)
    if stored > file_size:  # overlapping members, or sizes the file cannot hold
        raise _BadFile(f"its members declare {stored} bytes but the file has {file_size}")


def _name_problem(name):
    """Why a member name is refused, or None: .npy members with plain relative names only."""
    if not name.endswith(".npy"):
        return "not a .npy array"
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in parts or "\0" in name or ":" in parts[0]:
        return "an absolute or parent-directory (..) name"
    return None


def _read_member(archive, info):
    """Read one .npy member: its header first, then exactly the bytes that header declares."""
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(member)
        elif version in ((2, 0), (3, 0)):
            shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(member)
        else:
            raise _BadFile(f".npy format version {version} is not supported")
        if dtype.hasobject:
            raise _BadFile(f"dtype {dtype} holds Python objects (a pickle), which load never runs")
        if dtype.kind not in NUMERIC_KINDS or dtype.names is not None or dtype.shape:
            raise _BadFile(f"dtype {dtype} is not a plain number type")
        nbytes = math.prod(shape) * dtype.itemsize  # Python ints: a huge shape cannot overflow
        header_bytes = member.tell()
        if header_bytes + nbytes != info.file_size:
            raise _BadFile(
                f"its header declares shape {shape} of {dtype} ({nbytes} bytes) but the member"
                f" holds {info.file_size - header_bytes} bytes of data"
            )
        array = np.empty(shape, dtype=dtype, order="F" if fortran_order else "C")
        raw = array.reshape(-1, order="A").view(np.uint8)  # a view: filling it fills `array`
        got = 0
        while got < nbytes:  # in chunks, so no second copy of the data is ever held
            chunk = member.read(min(READ_CHUNK_BYTES, nbytes - got))
            if not chunk:
                raise _BadFile(f"truncated: {got} of {nbytes} bytes of data")
            raw[got : got + len(chunk)] = np.frombuffer(chunk, dtype=np.uint8)
            got += len(chunk)
        member.read(1)  # at the end: zipfile checks the CRC now
        return array
