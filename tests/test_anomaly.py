"""Anomaly mode: the first op that makes a NaN or inf is named, with the user's line."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import detect_anomaly, is_anomaly_enabled, set_detect_anomaly


class LogModel(mg.nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = mg.nn.Linear(2, 3)

    def forward(self, x):
        hidden = self.layer(x)
        return mg.log(hidden)  # THE LOG LINE: negative pre-activations make NaN


def line_of(marker):
    with open(__file__) as f:
        return next(i for i, line in enumerate(f, 1) if marker in line and "line_of" not in line)


def test_log_of_a_negative_number_in_a_model_names_log_its_shape_and_this_line():
    model = LogModel()
    x = mg.tensor([[1.0, -2.0], [3.0, 0.5]])
    model.layer.weight.data[...] = 1.0
    model.layer.bias.data[...] = -10.0  # every pre-activation is negative
    with detect_anomaly(), np.errstate(invalid="ignore"):
        with pytest.raises(RuntimeError) as info:
            model(x)
    message = str(info.value)
    assert message.startswith("anomaly mode: log produced nan in its output (shape (2, 3), dtype float32) in forward")
    assert "input 0: shape (2, 3), dtype float32, all finite" in message
    assert f"test_anomaly.py:{line_of('THE LOG LINE')}: return mg.log(hidden)" in message


def test_sqrt_at_zero_is_caught_in_backward_with_the_line_that_called_sqrt():
    x = mg.tensor([0.0, 4.0], requires_grad=True)
    with detect_anomaly():
        y = mg.sqrt(x).sum()  # THE SQRT LINE
        with pytest.raises(RuntimeError) as info, np.errstate(divide="ignore"):
            y.backward()
    message = str(info.value)
    assert message.startswith(
        "anomaly mode: the backward of sqrt produced inf in the gradient of its input 0 (shape (2,));"
        " the gradient of its output was all finite"
    )
    assert f"test_anomaly.py:{line_of('THE SQRT LINE')}: y = mg.sqrt(x).sum()" in message
    assert x.grad is None


def test_a_nan_coming_from_the_data_is_reported_as_held_by_the_input():
    x = mg.tensor([np.nan, 1.0])
    with detect_anomaly(), pytest.raises(RuntimeError, match=r"input 0: shape \(2,\), dtype float32, holds nan"):
        x * 2


def test_without_anomaly_mode_nothing_is_checked_or_recorded():
    assert not is_anomaly_enabled()
    with np.errstate(invalid="ignore"):
        y = mg.log(mg.tensor([-1.0]))
    assert np.isnan(y.data[0])
    assert not hasattr(y, "_origin") or y._origin is None


def test_set_detect_anomaly_turns_it_on_and_off():
    set_detect_anomaly(True)
    try:
        assert is_anomaly_enabled()
        with pytest.raises(RuntimeError, match="anomaly mode: div produced inf"):
            with np.errstate(divide="ignore"):
                mg.tensor([1.0]) / 0
    finally:
        set_detect_anomaly(False)
    assert not is_anomaly_enabled()


def test_detect_anomaly_restores_the_previous_mode_and_works_as_a_decorator():
    @detect_anomaly()
    def inside():
        return is_anomaly_enabled()

    assert inside() is True
    assert is_anomaly_enabled() is False


def test_an_op_made_before_the_mode_was_on_says_its_line_is_unknown():
    x = mg.tensor([0.0], requires_grad=True)
    y = mg.sqrt(x).sum()
    with detect_anomaly(), np.errstate(divide="ignore"):
        with pytest.raises(RuntimeError, match="sqrt was called while anomaly mode was off"):
            y.backward()
