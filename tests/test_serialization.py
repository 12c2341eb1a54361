"""save / load: exact round trips of state dicts, no pickles, clear errors on bad files."""

import pickle
import zipfile

import numpy as np
import pytest

import minigrad as mg


def test_round_trip_is_exact_for_every_dtype_and_shape(tmp_path):
    rng = np.random.default_rng(0)
    state = {
        "0.weight": rng.standard_normal((16, 2)).astype(np.float32),
        "0.bias": rng.standard_normal(16),
        "scalar": np.array(np.pi),
        "steps": np.arange(5, dtype=np.int64),
        "mask": np.array([True, False]),
        "empty": np.zeros((0, 3), dtype=np.float32),
        "tiny": np.array([np.finfo(np.float32).tiny, -0.0, np.inf, np.nan], dtype=np.float32),
    }
    path = tmp_path / "state.npz"
    mg.save(state, path)
    loaded = mg.load(path)
    assert list(loaded) == list(state)
    for key, value in state.items():
        assert loaded[key].dtype == value.dtype and loaded[key].shape == value.shape
        np.testing.assert_array_equal(loaded[key], value)
        assert loaded[key].tobytes() == value.tobytes()  # bit for bit, -0.0 and nan included


def test_save_accepts_tensors_and_parameters(tmp_path):
    path = tmp_path / "t.npz"
    mg.save({"a": mg.tensor([1.0, 2.0]), "p": mg.nn.Parameter(np.ones(2))}, path)
    loaded = mg.load(path)
    np.testing.assert_array_equal(loaded["a"], [1.0, 2.0])
    assert loaded["a"].dtype == np.float32 and loaded["p"].dtype == np.float64


def test_path_is_used_exactly_as_given(tmp_path):
    path = tmp_path / "weights.bin"  # no ".npz" appended
    mg.save({"w": np.ones(2)}, str(path))
    assert path.exists() and not (tmp_path / "weights.bin.npz").exists()
    np.testing.assert_array_equal(mg.load(str(path))["w"], [1.0, 1.0])


def test_empty_state_dict(tmp_path):
    mg.save({}, tmp_path / "e.npz")
    assert mg.load(tmp_path / "e.npz") == {}


@pytest.mark.parametrize("key", ["file", "allow_pickle", "args", "kwds", "a.b/c"])
def test_any_string_key_round_trips(tmp_path, key):
    mg.save({key: np.array([1.0, 2.0])}, tmp_path / "k.npz")
    loaded = mg.load(tmp_path / "k.npz")
    assert list(loaded) == [key]
    np.testing.assert_array_equal(loaded[key], [1.0, 2.0])


def test_saved_file_is_a_plain_npz_that_numpy_reads_without_pickle(tmp_path):
    mg.save({"w": np.arange(3.0)}, tmp_path / "w.npz")
    with np.load(tmp_path / "w.npz", allow_pickle=False) as archive:
        np.testing.assert_array_equal(archive["w"], [0.0, 1.0, 2.0])


# ----- bad files -----
def corrupt_files(tmp_path):
    """Files that are not state dicts, each paired with a word its error message must contain."""
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"this is not a zip archive")
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    good = tmp_path / "good.npz"
    mg.save({"w": np.ones(100)}, good)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:200])
    single = tmp_path / "single.npy"
    np.save(single, np.ones(3))
    objects = tmp_path / "objects.npz"
    np.savez(objects, a=np.array([{"x": 1}], dtype=object))
    pickled = tmp_path / "model.pkl"
    pickled.write_bytes(pickle.dumps({"w": np.ones(2)}))
    bad_member = tmp_path / "bad_member.npz"
    with zipfile.ZipFile(bad_member, "w") as archive:
        archive.writestr("w.npy", b"not an npy array")
    return [
        (garbage, ""),
        (empty, ""),
        (truncated, ""),
        (single, "single .npy array"),
        (objects, "holds Python objects"),
        (pickled, "not a zip archive"),
        (bad_member, "'w.npy'"),
    ]


def test_corrupt_files_give_a_clear_error(tmp_path):
    for path, detail in corrupt_files(tmp_path):
        with pytest.raises(ValueError, match="load: .* is not a valid .npz state dict") as info:
            mg.load(path)
        assert str(path) in str(info.value) and detail in str(info.value)


def test_loading_never_unpickles(tmp_path, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("load ran pickle")

    monkeypatch.setattr(pickle, "load", forbidden)
    monkeypatch.setattr(pickle, "loads", forbidden)
    for path, _ in corrupt_files(tmp_path):
        with pytest.raises(ValueError):
            mg.load(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="load: no such file: .*nothing.npz"):
        mg.load(tmp_path / "nothing.npz")
