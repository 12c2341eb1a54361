"""Names of sub-modules, parameters and buffers: refused where PyTorch refuses them, with the reason.

A name that is empty or contains '.' cannot be a state_dict() key; a name that is already an
attribute ("forward", "parameters", "keys", ...) would hide it, so that model.parameters() or
dict.keys() silently stops working. PyTorch's add_module raises KeyError for each.
"""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn

SHADOWING = ["forward", "parameters", "train", "state_dict", "zero_grad", "training", "_modules"]


@pytest.mark.parametrize("key", [*SHADOWING, "keys", "items", "values", "update"])
def test_module_dict_refuses_a_key_that_would_hide_an_attribute(key):
    d = nn.ModuleDict()
    with pytest.raises(
        KeyError, match=f"ModuleDict: key '{key}': attribute '{key}' already exists"
    ):
        d[key] = nn.Linear(1, 1)
    assert key not in d and len(d) == 0
    with pytest.raises(KeyError, match=f"ModuleDict: key '{key}': attribute"):
        nn.ModuleDict({key: nn.Linear(1, 1)})


@pytest.mark.parametrize(
    "key, error, message",
    [
        ("", KeyError, "ModuleDict: key can't be an empty string"),
        ("a.b", KeyError, r"ModuleDict: key 'a.b' can't contain '\.'"),
        (3, TypeError, "ModuleDict: key must be a str, got int 3"),
    ],
)
def test_module_dict_refuses_keys_state_dict_cannot_spell(key, error, message):
    with pytest.raises(error, match=message):
        nn.ModuleDict()[key] = nn.Linear(1, 1)


def test_module_dict_keeps_working_after_a_refusal_and_allows_replacing_a_key():
    d = nn.ModuleDict({"encoder": nn.Linear(2, 3)})
    with pytest.raises(KeyError):
        d["keys"] = nn.Linear(1, 1)
    d["encoder"] = nn.Linear(2, 4)  # replacing an entry is not shadowing
    assert list(d.keys()) == ["encoder"] and d["encoder"].weight.shape == (4, 2)
    assert list(d.state_dict()) == ["encoder.weight", "encoder.bias"]


@pytest.mark.parametrize("name", SHADOWING)
def test_add_module_refuses_a_name_that_would_hide_an_attribute(name):
    model = nn.Sequential(nn.Linear(2, 2))
    with pytest.raises(
        KeyError, match=f"add_module: name '{name}': attribute '{name}' already exists"
    ):
        model.add_module(name, nn.Linear(1, 1))
    assert len(list(model.parameters())) == 2  # parameters() still the method


@pytest.mark.parametrize(
    "name, error, message",
    [
        ("", KeyError, "add_module: name can't be an empty string"),
        ("a.b", KeyError, r"add_module: name 'a.b' can't contain '\.'"),
        (None, TypeError, "add_module: name must be a str, got NoneType"),
    ],
)
def test_add_module_refuses_names_state_dict_cannot_spell(name, error, message):
    with pytest.raises(error, match=message):
        nn.Module().add_module(name, nn.Linear(1, 1))


def test_add_module_registers_a_child_by_a_name_made_at_run_time():
    model = nn.Module()
    for k in range(2):
        model.add_module(f"layer{k}", nn.Linear(2, 2))
    model.register_module("head", nn.Linear(2, 1))  # PyTorch's alias
    assert [n for n, _ in model.named_children()] == ["layer0", "layer1", "head"]
    assert model.layer1 is dict(model.named_children())["layer1"]
    assert "head.weight" in model.state_dict()
    model.add_module("head", nn.Linear(2, 3))  # replacing a child is allowed
    assert model.head.weight.shape == (3, 2)
    with pytest.raises(TypeError, match="add_module: module must be a Module or None, got int"):
        model.add_module("x", 3)


@pytest.mark.parametrize(
    "name, error, message",
    [
        ("train", KeyError, "register_buffer: name 'train': attribute 'train' already exists"),
        ("state_dict", KeyError, "register_buffer: name 'state_dict': attribute 'state_dict'"),
        ("", KeyError, "register_buffer: name can't be an empty string"),
        ("running.mean", KeyError, r"register_buffer: name 'running.mean' can't contain '\.'"),
        ("weight", KeyError, "register_buffer: name 'weight' is already a parameter"),
    ],
)
def test_register_buffer_refuses_bad_names(name, error, message):
    with pytest.raises(error, match=message):
        nn.Linear(1, 1).register_buffer(name, mg.zeros(1))


def test_register_buffer_may_replace_a_buffer_by_name():
    norm = nn.BatchNorm1d(2)
    norm.register_buffer("running_mean", mg.tensor(np.array([1.0, 2.0], dtype=np.float32)))
    np.testing.assert_array_equal(norm.state_dict()["running_mean"], [1.0, 2.0])


def test_register_parameter_checks_names_and_values():
    m = nn.Module()
    m.register_parameter("scale", nn.Parameter(np.ones(2, dtype=np.float32)))
    assert [n for n, _ in m.named_parameters()] == ["scale"]
    with pytest.raises(KeyError, match="register_parameter: name 'eval': attribute 'eval'"):
        m.register_parameter("eval", nn.Parameter(np.ones(1, dtype=np.float32)))
    with pytest.raises(TypeError, match="register_parameter: param must be a Parameter or None"):
        m.register_parameter("x", mg.ones(1))


@pytest.mark.parametrize("name", ["parameters", "forward", "train"])
def test_assigning_a_module_or_parameter_over_a_method_is_refused(name):
    model = nn.Sequential(nn.Linear(2, 2))
    with pytest.raises(
        KeyError, match=f"Sequential: attribute '{name}': attribute '{name}' already"
    ):
        setattr(model, name, nn.Linear(1, 1))
    with pytest.raises(KeyError, match=f"Sequential: attribute '{name}'"):
        setattr(model, name, nn.Parameter(np.ones(1, dtype=np.float32)))
    assert len(list(model.parameters())) == 2


def test_plain_values_may_still_replace_methods():
    model = nn.Linear(2, 1)
    model.forward = lambda x: x  # monkeypatching a method with a function stays allowed
    assert model(mg.ones(2)).shape == (2,)
