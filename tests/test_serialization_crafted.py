"""mg.load against files an attacker can craft: each is refused with one ValueError naming the file
and the member, never a pickle run, never numpy's advice, and never more memory than it returns."""

import io
import os
import pickle
import stat
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest

import minigrad as mg


def npy_bytes(array):
    """The .npy encoding of an array (what np.save writes)."""
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=True)
    return buffer.getvalue()


def npy_header(shape, descr="<f8"):
    """A .npy header alone, declaring any shape, with no data after it."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": descr, "fortran_order": False, "shape": shape}
    )
    return buffer.getvalue()


def zip_of(path, members, compression=zipfile.ZIP_STORED):
    """Write {name: bytes} (or ZipInfo -> bytes) as a zip archive; return the path."""
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return path


def patch_central_directory(path, offset, fmt, value):
    """Overwrite one field of the (first) central directory header, as a hex editor would."""
    data = bytearray(path.read_bytes())
    start = data.index(b"PK\x01\x02")
    struct.pack_into(fmt, data, start + offset, value)
    path.write_bytes(bytes(data))


def refused(path, *fragments):
    """Assert load refuses `path` with ValueError naming the file and each fragment; return it."""
    with pytest.raises(ValueError) as info:
        mg.load(path)
    message = str(info.value)
    assert message.startswith(f"load: {str(path)!r} is not a valid .npz state dict: "), message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert "allow_pickle" not in message and "\n" not in message
    return message


GOOD = npy_bytes(np.arange(4.0))


# ----- not an archive at all -----
def test_not_a_zip(tmp_path):
    for name, content in [
        ("text.npz", b"this is not a zip archive"),
        ("empty.npz", b""),
        ("model.pkl", pickle.dumps({"w": np.ones(2)})),
    ]:
        (tmp_path / name).write_bytes(content)
        refused(tmp_path / name, "it is not a zip archive")
    (tmp_path / "single.npy").write_bytes(GOOD)
    refused(tmp_path / "single.npy", "it holds a single .npy array, not an .npz archive")


def test_truncated_archive(tmp_path):
    mg.save({"w": np.ones(100)}, tmp_path / "good.npz")
    (tmp_path / "cut.npz").write_bytes((tmp_path / "good.npz").read_bytes()[:300])
    refused(tmp_path / "cut.npz", "it is not a zip archive")


def test_a_directory_or_a_fifo_is_not_a_file(tmp_path):
    refused(tmp_path, "it is not a regular file")
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)  # opening it to read would block forever: load must not try
    refused(fifo, "it is not a regular file")


def test_a_symlinked_path_is_followed_to_a_regular_file(tmp_path):
    mg.save({"w": np.arange(3.0)}, tmp_path / "real.npz")
    (tmp_path / "link.npz").symlink_to(tmp_path / "real.npz")
    np.testing.assert_array_equal(mg.load(tmp_path / "link.npz")["w"], [0.0, 1.0, 2.0])
    (tmp_path / "dirlink.npz").symlink_to(tmp_path)
    refused(tmp_path / "dirlink.npz", "it is not a regular file")


# ----- members that are not plain numeric arrays -----
@pytest.mark.parametrize(
    "array, fragment",
    [
        (np.array([{"x": 1}], dtype=object), "dtype object holds Python objects (a pickle)"),
        (np.array(["text"]), "dtype <U4 is not a plain number type"),
        (np.array([b"raw"]), "dtype |S3 is not a plain number type"),
        (np.array([1j]), "dtype complex128 is not a plain number type"),
        (np.array(["2026-12-02"], dtype="datetime64[D]"), "is not a plain number type"),
        (np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")]), "is not a plain number type"),
        (np.zeros(2, dtype=[("a", "O")]), "holds Python objects"),
    ],
    ids=["object", "unicode", "bytes", "complex", "datetime", "structured", "structured-object"],
)
def test_non_numeric_dtypes(tmp_path, monkeypatch, array, fragment):
    path = zip_of(tmp_path / "bad.npz", [("w.npy", npy_bytes(array))])
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: pytest.fail("load ran pickle"))
    monkeypatch.setattr(pickle, "load", lambda *a, **k: pytest.fail("load ran pickle"))
    refused(path, "member 'w.npy'", fragment)


def test_a_member_that_is_not_npy(tmp_path):
    refused(zip_of(tmp_path / "a.npz", [("notes.txt", b"hello")]), "'notes.txt'", "not a .npy")
    refused(
        zip_of(tmp_path / "b.npz", [("w.npy", b"not an npy array")]), "'w.npy'", "cannot be read"
    )


@pytest.mark.parametrize("name", ["../evil.npy", "/etc/evil.npy", "a/../../b.npy", "c:/x.npy",
                                  "..\\evil.npy"])  # fmt: skip
def test_traversal_names(tmp_path, name):
    path = zip_of(tmp_path / "t.npz", [(name, GOOD)])
    refused(path, f"member {name!r}", "parent-directory")


def test_directory_and_symlink_members(tmp_path):
    directory = zipfile.ZipInfo("d.npy/")
    directory.external_attr = (stat.S_IFDIR | 0o755) << 16
    refused(zip_of(tmp_path / "d.npz", [(directory, b"")]), "member 'd.npy/'")
    link = zipfile.ZipInfo("w.npy")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    refused(zip_of(tmp_path / "l.npz", [(link, b"/etc/passwd")]), "'w.npy' is a directory, symlink")


def test_a_name_twice(tmp_path):
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = zip_of(tmp_path / "dup.npz", [("w.npy", GOOD), ("w.npy", GOOD)])
    refused(path, "member 'w.npy' appears twice")


# ----- compression and encryption -----
def test_unknown_compression(tmp_path):
    refused(zip_of(tmp_path / "b.npz", [("w.npy", GOOD)], zipfile.ZIP_BZIP2),
            "'w.npy' uses compression method 12")  # fmt: skip
    path = zip_of(tmp_path / "aes.npz", [("w.npy", GOOD)])
    patch_central_directory(path, 10, "<H", 99)  # method 99: WinZip AES
    refused(path, "'w.npy' uses compression method 99")


def test_encrypted_member(tmp_path):
    path = zip_of(tmp_path / "e.npz", [("w.npy", GOOD)])
    patch_central_directory(path, 8, "<H", 0x1)  # general-purpose flag bit 0: encrypted
    refused(path, "member 'w.npy' is encrypted")


def test_a_corrupted_byte_fails_the_checksum(tmp_path):
    path = zip_of(tmp_path / "c.npz", [("w.npy", GOOD)])
    data = bytearray(path.read_bytes())
    data[data.index(GOOD) + len(GOOD) - 1] ^= 0xFF  # the last data byte
    path.write_bytes(bytes(data))
    refused(path, "member 'w.npy': cannot be read", "CRC")


# ----- sizes: bombs and huge declared shapes, refused with bounded memory -----
def peak_bytes_of(fn):
    """Peak bytes Python and numpy allocate while fn() runs (numpy reports to tracemalloc)."""
    tracemalloc.start()
    try:
        fn()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def refuse_cheaply(path, *fragments):
    peak = peak_bytes_of(lambda: refused(path, *fragments))
    assert peak < 2 << 20, f"load used {peak} bytes to refuse a bad file"


def test_zip_bomb_is_refused_without_inflating_it(tmp_path):
    path = tmp_path / "bomb.npz"
    shape = (1 << 22,)  # 32 MiB of float64 zeros deflate to about 32 KB
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("w.npy", "w") as member:
            member.write(npy_header(shape))
            zeros = bytes(1 << 20)
            for _ in range(32):
                member.write(zeros)
    assert path.stat().st_size < 1 << 20
    refuse_cheaply(path, "member 'w.npy' would inflate", "zip bomb")


def test_huge_declared_shape_with_no_data(tmp_path):
    path = zip_of(tmp_path / "huge.npz", [("w.npy", npy_header((10**6, 10**6)))])
    refuse_cheaply(
        path, "member 'w.npy'", "declares shape (1000000, 1000000)", "8000000000000 bytes"
    )


def test_member_sizes_the_file_cannot_hold(tmp_path):
    # The header and the zip directory agree on 2 GiB, but the file is a few hundred bytes long.
    header = npy_header((1 << 28,))
    path = zip_of(tmp_path / "liar.npz", [("w.npy", header)])
    for offset in (20, 24):  # compressed and uncompressed size in the central directory
        patch_central_directory(path, offset, "<I", len(header) + (8 << 28))
    refuse_cheaply(path, "members declare 2147483776 bytes but the file has")


def test_overlapping_members_are_refused(tmp_path):
    # Two directory entries pointing at one stored member: every name would read the same bytes.
    path = zip_of(tmp_path / "one.npz", [("a.npy", npy_bytes(np.zeros(1000)))])
    data = path.read_bytes()
    directory = data.index(b"PK\x01\x02")
    end = data.index(b"PK\x05\x06")
    entry = data[directory:end]
    second = entry.replace(b"a.npy", b"b.npy")
    record = bytearray(data[end:])
    struct.pack_into("<HHI", record, 8, 2, 2, 2 * len(entry))  # entries here, in all, their size
    path.write_bytes(data[:directory] + entry + second + bytes(record))
    refused(path, "members declare", "but the file has")


def test_memory_for_a_good_file_is_about_the_data_it_returns(tmp_path):
    mg.save({"w": np.ones(1 << 20)}, tmp_path / "w.npz")  # 8 MiB
    peak = peak_bytes_of(lambda: mg.load(tmp_path / "w.npz"))
    assert peak < (9 << 20)  # the 8 MiB array, plus a few read chunks


# ----- what load does accept -----
def test_numpy_written_archives_load(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {
        "fortran": np.asfortranarray(rng.standard_normal((3, 4))),
        "big_endian": np.arange(5, dtype=">i4"),
        "half": np.array([1.5, -2.0], dtype=np.float16),
        "scalar": np.array(7, dtype=np.uint8),
        "empty": np.zeros((0, 2)),
        "flags": np.array([True, False]),
    }
    for name, writer in (("plain.npz", np.savez), ("packed.npz", np.savez_compressed)):
        writer(tmp_path / name, **arrays)
        loaded = mg.load(tmp_path / name)
        for key, value in arrays.items():
            assert loaded[key].dtype == value.dtype and loaded[key].shape == value.shape
            np.testing.assert_array_equal(loaded[key], value)


def test_save_refuses_keys_that_load_would_refuse(tmp_path):
    for key in ("../w", "/w", "a/../../w"):
        with pytest.raises(
            ValueError, match=r"save: key .* cannot be stored \(an absolute or parent"
        ):
            mg.save({key: np.ones(1)}, tmp_path / "k.npz")
    assert not (tmp_path / "k.npz").exists()
