"""The gradient-flow recorder against statistics computed by hand with numpy, and its figure."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.gradflow import GradientFlow, plot_gradient_flow


def small_model():
    mg.manual_seed(0)
    return nn.MLP([3, 4, 2], activation="relu")  # Linear "0", ReLU "1", Linear "2"


def by_hand(model, x):
    """Layer outputs z0, z2 and dL/dz0, dL/dz2 for L = sum(out ** 2), in numpy."""
    W0, b0 = model[0].weight.data.astype(np.float64), model[0].bias.data
    W2, b2 = model[2].weight.data.astype(np.float64), model[2].bias.data
    z0 = x @ W0.T + b0
    z2 = np.maximum(z0, 0) @ W2.T + b2
    g2 = 2 * z2
    g0 = (g2 @ W2) * (z0 > 0)
    return {"0": (z0, g0), "2": (z2, g2)}


def test_gradient_flow_records_each_linear_layers_output_and_gradient_statistics():
    model = small_model()
    flow = GradientFlow(model)
    x = np.random.default_rng(1).normal(size=(5, 3)).astype(np.float32)
    (model(mg.tensor(x)) ** 2).sum().backward()
    assert flow.names == ["0", "2"]
    for name, (z, g) in by_hand(model, x.astype(np.float64)).items():
        stats = flow.history[name]
        np.testing.assert_allclose(stats["activation_mean"], [z.mean()], rtol=1e-5)
        np.testing.assert_allclose(stats["activation_std"], [z.std()], rtol=1e-5)
        np.testing.assert_allclose(stats["grad_mean_abs"], [np.abs(g).mean()], rtol=1e-5)
        np.testing.assert_allclose(stats["grad_max_abs"], [np.abs(g).max()], rtol=1e-5)
    np.testing.assert_allclose(
        flow.table("grad_mean_abs"), [flow.history[n]["grad_mean_abs"][-1] for n in ("0", "2")]
    )


def test_gradient_flow_skips_forward_passes_under_no_grad_and_stops_after_remove():
    model = small_model()
    flow = GradientFlow(model, layer_types=(nn.ReLU,))
    x = mg.randn(4, 3)
    with mg.no_grad():
        model(x)
    assert flow.history["1"]["activation_std"] == []
    model(x).sum().backward()
    assert len(flow.history["1"]["activation_std"]) == 1
    assert len(flow.history["1"]["grad_mean_abs"]) == 1
    flow.remove()
    model(x).sum().backward()
    assert len(flow.history["1"]["grad_mean_abs"]) == 1


def test_gradient_flow_leaves_the_models_gradients_unchanged():
    x = mg.randn(6, 3)
    plain, watched = small_model(), small_model()
    GradientFlow(watched)
    (plain(x) ** 2).sum().backward()
    (watched(x) ** 2).sum().backward()
    for p, w in zip(plain.parameters(), watched.parameters(), strict=True):
        np.testing.assert_array_equal(p.grad, w.grad)


def test_gradient_flow_errors_name_the_problem():
    with pytest.raises(TypeError, match=r"GradientFlow: model must be a Module, got list"):
        GradientFlow([nn.Linear(2, 2)])
    with pytest.raises(ValueError, match=r"GradientFlow: the model has no sub-module of type Tanh"):
        GradientFlow(small_model(), layer_types=(nn.Tanh,))
    flow = GradientFlow(small_model())
    with pytest.raises(ValueError, match=r"GradientFlow.table: statistic must be one of"):
        flow.table("grad_norm")
    with pytest.raises(RuntimeError, match=r"GradientFlow.table: no grad_mean_abs recorded yet"):
        flow.table("grad_mean_abs")
    with pytest.raises(ValueError, match=r"plot_gradient_flow: flows is empty"):
        plot_gradient_flow({})


def test_plot_gradient_flow_draws_one_line_per_model_and_step_in_each_panel():
    model = small_model()
    flow = GradientFlow(model)
    for _ in range(3):
        (model(mg.randn(4, 3)) ** 2).sum().backward()
    fig = plot_gradient_flow({"relu": flow}, steps=(0, -1))
    grad_ax, act_ax = fig.axes
    assert [line.get_label() for line in grad_ax.lines] == ["relu, step 0", "relu, step 2"]
    np.testing.assert_allclose(grad_ax.lines[1].get_ydata(), flow.table("grad_mean_abs", -1))
    np.testing.assert_allclose(act_ax.lines[0].get_ydata(), flow.table("activation_std", 0))
    assert grad_ax.get_yscale() == "log"
